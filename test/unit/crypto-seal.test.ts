import { describe, expect, it } from 'vitest';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  bytesToHex,
  checkPassword,
  concatBytes,
  CryptoInputError,
  hashPassword,
  hexToBytes,
  needsRehash,
  openPrivateKey,
  passwordIterations,
  sealPrivateKey,
  utf8Encode,
  type SealedPrivateKey,
} from '../../src/domain/crypto/index.ts';

// Tests pass a low iteration count explicitly to stay fast; one test below runs the default.
const fast = 1_000;
const seed = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const salt = hexToBytes('000102030405060708090a0b0c0d0e0f');
const iv = hexToBytes('a0a1a2a3a4a5a6a7a8a9aaab');

describe('sealPrivateKey / openPrivateKey', () => {
  it('opens with the right password and gives back the seed', async () => {
    const sealed = await sealPrivateKey(seed, 'correct horse', salt, iv, fast);
    expect(sealed).toMatchObject({ alg: 'AES-GCM-256', kdf: 'PBKDF2-SHA256', iterations: fast, salt: bytesToHex(salt), iv: bytesToHex(iv) });
    expect(sealed.ciphertext).toHaveLength(96); // 32-byte seed + 16-byte tag
    expect(sealed.ciphertext).not.toContain(bytesToHex(seed));
    const opened = await openPrivateKey(sealed, 'correct horse');
    expect(opened.ok && bytesToHex(opened.value)).toBe(bytesToHex(seed));
    // A plain row: survives JSON (and structured clone) unchanged.
    expect(JSON.parse(JSON.stringify(sealed))).toEqual(sealed);
  });

  it('a wrong password cannot decrypt the private key', async () => {
    const sealed = await sealPrivateKey(seed, 'correct horse', salt, iv, fast);
    expect(await openPrivateKey(sealed, 'correct horsE')).toEqual({ ok: false, code: 'wrong_password' });
    expect(await openPrivateKey(sealed, '')).toEqual({ ok: false, code: 'wrong_password' });
  });

  it('refuses a tampered ciphertext or a changed iteration count (AES-GCM authenticates)', async () => {
    const sealed = await sealPrivateKey(seed, 'correct horse', salt, iv, fast);
    const flipped = (sealed.ciphertext[0] === '0' ? '1' : '0') + sealed.ciphertext.slice(1);
    expect((await openPrivateKey({ ...sealed, ciphertext: flipped }, 'correct horse')).ok).toBe(false);
    // The stored count is what opening uses: a different count derives a different key.
    expect((await openPrivateKey({ ...sealed, iterations: fast + 1 }, 'correct horse')).ok).toBe(false);
  });

  it('uses 600,000 PBKDF2 iterations by default', async () => {
    expect(passwordIterations).toBe(600_000);
    const sealed = await sealPrivateKey(seed, 'correct horse', salt, iv);
    expect(sealed.iterations).toBe(600_000);
    // Cross-check the key derivation independently: PBKDF2-SHA256 (@noble/hashes) over the
    // labelled salt, then AES-GCM-256 decryption with WebCrypto.
    const keyBits = pbkdf2(sha256, utf8Encode('correct horse'), concatBytes(utf8Encode('settlelab/seal-private-key/v1\0'), salt), {
      c: 600_000,
      dkLen: 32,
    });
    const key = await crypto.subtle.importKey('raw', new Uint8Array(keyBits), 'AES-GCM', false, ['decrypt']);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, hexToBytes(sealed.ciphertext));
    expect(bytesToHex(new Uint8Array(plain))).toBe(bytesToHex(seed));
    const stored = await hashPassword('correct horse', salt);
    expect(stored.iterations).toBe(600_000);
    expect(await checkPassword(stored, 'correct horse')).toBe(true);
  }, 30_000);

  it('NFKC-normalizes the password, so full-width typing opens it', async () => {
    const sealed = await sealPrivateKey(seed, 'password1', salt, iv, fast);
    expect((await openPrivateKey(sealed, 'ｐａｓｓｗｏｒｄ１')).ok).toBe(true);
  });

  it('throws CryptoInputError on wrong sizes, counts and corrupt rows', async () => {
    await expect(sealPrivateKey(seed.subarray(1), 'pw', salt, iv, fast)).rejects.toThrow(CryptoInputError);
    await expect(sealPrivateKey(seed, 'pw', salt.subarray(1), iv, fast)).rejects.toThrow(CryptoInputError);
    await expect(sealPrivateKey(seed, 'pw', salt, new Uint8Array(16), fast)).rejects.toThrow(CryptoInputError);
    await expect(sealPrivateKey(seed, 'pw', salt, iv, 0)).rejects.toThrow(CryptoInputError);
    await expect(sealPrivateKey(seed, '', salt, iv, fast)).rejects.toThrow(CryptoInputError);
    const sealed = await sealPrivateKey(seed, 'pw', salt, iv, fast);
    const corrupt = { ...sealed, alg: 'AES-CBC' } as unknown as SealedPrivateKey;
    await expect(openPrivateKey(corrupt, 'pw')).rejects.toThrow(CryptoInputError);
    await expect(openPrivateKey({ ...sealed, iv: 'zz' }, 'pw')).rejects.toThrow(CryptoInputError);
  });
});

describe('hashPassword / checkPassword', () => {
  it('accepts the right password and refuses others', async () => {
    const stored = await hashPassword('s3cret pass', salt, fast);
    expect(stored).toMatchObject({ salt: bytesToHex(salt), iterations: fast });
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await checkPassword(stored, 's3cret pass')).toBe(true);
    expect(await checkPassword(stored, 's3cret pass ')).toBe(false);
    expect(await checkPassword(stored, '')).toBe(false);
    expect(await checkPassword({ ...stored, iterations: fast + 1 }, 's3cret pass')).toBe(false);
  });

  it('is PBKDF2-SHA256 over a labelled salt, never equal to the sealing key for the same salt', async () => {
    const stored = await hashPassword('pw-12345', salt, fast);
    const expected = pbkdf2(sha256, utf8Encode('pw-12345'), concatBytes(utf8Encode('settlelab/password-hash/v1\0'), salt), { c: fast, dkLen: 32 });
    expect(stored.hash).toBe(bytesToHex(expected));
    const sealingKey = pbkdf2(sha256, utf8Encode('pw-12345'), concatBytes(utf8Encode('settlelab/seal-private-key/v1\0'), salt), { c: fast, dkLen: 32 });
    expect(stored.hash).not.toBe(bytesToHex(sealingKey));
  });

  it('flags stored hashes below the default for re-derivation', () => {
    expect(needsRehash({ iterations: fast })).toBe(true);
    expect(needsRehash({ iterations: passwordIterations })).toBe(false);
  });
});
