import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { exportSignedWorld, importWorld } from '../../src/app/world-file.ts';
import { getWorld, listWorlds } from '../../src/app/worlds.ts';
import { keyPairFromSeed, signDigest, type WorldStreamTrailer } from '../../src/domain/index.ts';
import { freshWorld, testTeacherPassword } from '../helpers/world.ts';

// A teacher signs an exported world with the teacher's Ed25519 key; import names who prepared it,
// and refuses a file whose data changed after signing or that another key signed.

let n = 0;
const nextId = () => `signed-${Date.now().toString(36)}-${++n}`;

async function signedFile(): Promise<Uint8Array> {
  const { id, db } = await freshWorld('Signed lesson');
  db.close();
  const r = await exportSignedWorld((await getWorld(id))!, testTeacherPassword);
  if (!r.ok) throw new Error(r.code);
  return new Uint8Array(await r.value.arrayBuffer());
}

/** A streamed file's data (every line before the trailer) and its trailer (digest and signature). */
function split(bytes: Uint8Array): { header: WorldStreamTrailer; body: string } {
  const text = new TextDecoder().decode(bytes);
  const nl = text.lastIndexOf('\n', text.length - 2);
  return { header: JSON.parse(text.slice(nl + 1)) as WorldStreamTrailer, body: text.slice(0, nl + 1) };
}

function join(trailer: WorldStreamTrailer, body: string): Blob {
  return new Blob([body + JSON.stringify(trailer) + '\n']);
}

describe('teacher-signed world files', () => {
  it('a signed file imports and names who prepared it', async () => {
    const r = await importWorld(new Blob([(await signedFile()) as Uint8Array<ArrayBuffer>]), { id: nextId(), createdAtMs: 1 });
    expect(r).toMatchObject({ ok: true, value: { signedBy: { name: 'Ms Wang' } } });
    if (r.ok) expect(r.value.signedBy!.fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);
  });

  it('the wrong teacher password signs nothing', async () => {
    const { id, db } = await freshWorld('Not signed');
    db.close();
    expect(await exportSignedWorld((await getWorld(id))!, 'not the password')).toMatchObject({ ok: false, code: 'teacher_wrong_password' });
  });

  it('data changed after signing (checksum recomputed) is refused: the signature is broken', async () => {
    const { header, body } = split(await signedFile());
    const edited = body.replace('"Signed lesson"', '"Signed lessoN"');
    expect(edited).not.toBe(body);
    const data = new TextEncoder().encode(edited);
    const resealed = { ...header, bytes: data.length, sha256: bytesToHex(sha256(data)) };
    const before = await listWorlds();
    expect(await importWorld(join(resealed, edited), { id: nextId(), createdAtMs: 1 })).toMatchObject({ ok: false, code: 'file_signature_invalid' });
    expect(await listWorlds()).toEqual(before);
  });

  it('a file re-signed with another key than the world’s teacher’s is refused', async () => {
    const { header, body } = split(await signedFile());
    const seed = new Uint8Array(32).fill(7);
    const forger = bytesToHex(keyPairFromSeed(seed).publicKey);
    const { signature: _, ...plain } = header;
    const resigned = { ...plain, signature: signDigest(plain.bytes, plain.sha256, { seed, name: 'Ms Wang', publicKey: forger }) };
    const before = await listWorlds();
    expect(await importWorld(join(resigned, body), { id: nextId(), createdAtMs: 1 })).toMatchObject({ ok: false, code: 'file_signature_not_teacher' });
    expect(await listWorlds()).toEqual(before);
  });

  it('a malformed signature is a malformed file', async () => {
    const { header, body } = split(await signedFile());
    const broken = { ...header, signature: { ...header.signature!, value: 'zz' } };
    expect(await importWorld(join(broken, body), { id: nextId(), createdAtMs: 1 })).toMatchObject({ ok: false, code: 'file_malformed' });
  });
});
