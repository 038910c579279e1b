import {
  assert,
  bytesToHex,
  certificateValidityMsDefault,
  dayMs,
  fingerprint,
  institutionSeeds,
  issueCertificate,
  keyIdOf,
  keyPairFromSeed,
  loginStateInitial,
  makeCertificateRequest,
  makeRevocationList,
  makeRootCertificate,
  normalizeLoginName,
  seedLength,
  type Certificate,
  type RevocationList,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import {
  identityMetaKeys,
  identityTables,
  type CertificateRow,
  type LabSheetRow,
  type PartyKeyRow,
  type UserRow,
} from '../../storage/identity-tables.ts';
import { appendEventRow } from '../command.ts';
import { readClock } from '../clock-read.ts';
import { defaultPasswordIterations, registerWorldSeeder, type SeedContext } from '../worlds.ts';
import { makeLabPassword, protectWithPassword, roleOfKind, systemRandom, type Random } from './common.ts';

// A new world gets its certificate authority and its institutions' identities: the CA's root key
// and self-signed root certificate, and for every institution a key pair, a login with a printed
// first password (the lab sheet) and a certificate issued by the root. All slow crypto (PBKDF2,
// key sealing) happens in `prepare`, before the seeding transaction; `write` only stores rows.

/** The root outlives any lesson: twenty world-years. */
export const rootValidityMs = 20 * 365 * dayMs;
/** Institutions' certificates last ten world-years, so a long simulation never strands a bank. */
export const institutionValidityMs = 10 * certificateValidityMsDefault;
// The lab sheet's first passwords are made in common.ts (the teacher's generated password uses them too).
export { makeLabPassword } from './common.ts';

export type IdentitySeed = {
  readonly iterations: number;
  readonly root: Certificate;
  readonly crl: RevocationList;
  readonly nextSerial: number;
  readonly users: readonly UserRow[];
  readonly keys: readonly PartyKeyRow[];
  readonly certificates: readonly CertificateRow[];
  readonly labSheet: readonly LabSheetRow[];
};

export async function prepareIdentities(ctx: SeedContext): Promise<IdentitySeed> {
  const { now, random, passwordIterations } = ctx;
  const caParty = institutionSeeds.find((p) => p.kind === 'ca');
  assert(caParty !== undefined, 'every world has a CA');
  const caSeed = random(seedLength);
  const root = makeRootCertificate(caSeed, { name: caParty.name.en, partyId: caParty.id }, now, rootValidityMs);

  let serial = root.body.serial + 1;
  const prepared = institutionSeeds.map((party) => {
    const seed = party.id === caParty.id ? caSeed : random(seedLength);
    const password = makeLabPassword(random);
    let certificate = root;
    if (party.id !== caParty.id) {
      const request = makeCertificateRequest({ name: party.name.en, role: roleOfKind(party.kind), partyId: party.id }, seed, now);
      const issued = issueCertificate(request, caSeed, root, serial, now, institutionValidityMs);
      assert(issued.ok, `seeded certificate for ${party.id}`);
      certificate = issued.value;
      serial += 1;
    }
    return { party, seed, password, certificate };
  });
  // Every institution's PBKDF2 runs at once: WebCrypto spreads them over its worker threads.
  const protectedKeys = await Promise.all(prepared.map((p) => protectWithPassword(p.seed, p.password, random, passwordIterations)));
  const crl = makeRevocationList(caSeed, root, [], now);

  const users: UserRow[] = [];
  const keys: PartyKeyRow[] = [];
  const certificates: CertificateRow[] = [];
  const labSheet: LabSheetRow[] = [];
  prepared.forEach(({ party, seed, password, certificate }, i) => {
    const { passwordHash, sealed } = protectedKeys[i]!;
    const publicKey = bytesToHex(keyPairFromSeed(seed).publicKey);
    assert(publicKey === certificate.body.publicKey, 'the certificate names the party key');
    users.push({
      partyId: party.id,
      loginName: party.id,
      loginNameKey: normalizeLoginName(party.id),
      role: roleOfKind(party.kind),
      institution: true,
      profile: null,
      passwordHash,
      status: 'active',
      activation: null,
      login: loginStateInitial,
      createdAt: now,
      activatedAt: now,
      passwordChangedAt: null,
    });
    keys.push({ partyId: party.id, keyId: keyIdOf(publicKey), publicKey, sealed, createdAt: now, updatedAt: now });
    certificates.push({
      serial: certificate.body.serial,
      partyId: party.id,
      fingerprint: fingerprint(certificate),
      certificate,
      issuedAt: now,
      requestId: null,
      renewedFrom: null,
      revoked: null,
    });
    labSheet.push({ partyId: party.id, loginName: party.id, password, changedAt: null });
    seed.fill(0);
  });
  // The seeds now exist only sealed (the CA's seed is one of them).
  return { iterations: passwordIterations, root, crl, nextSerial: serial, users, keys, certificates, labSheet };
}

/** Writes the prepared identities; inside the seeding (or set-up) transaction. */
export async function writeIdentities(db: WorldDb, now: number, seed: IdentitySeed): Promise<void> {
  const t = identityTables(db);
  await Promise.all([
    t.users.bulkAdd([...seed.users]),
    t.partyKeys.bulkAdd([...seed.keys]),
    t.certificates.bulkAdd([...seed.certificates]),
    t.labSheet.bulkAdd([...seed.labSheet]),
    db.meta.bulkPut([
      { key: identityMetaKeys.passwordIterations, value: seed.iterations },
      { key: identityMetaKeys.roots, value: [seed.root] },
      { key: identityMetaKeys.crl, value: seed.crl },
      { key: identityMetaKeys.nextSerial, value: seed.nextSerial },
    ]),
  ]);
  await appendEventRow(
    db,
    { type: 'identity.root_created', actor: seed.root.body.subject.partyId, payload: { serial: seed.root.body.serial, fingerprint: fingerprint(seed.root) } },
    now,
  );
}

registerWorldSeeder<IdentitySeed>({ name: 'identity', prepare: prepareIdentities, write: writeIdentities });

/**
 * A world made before identities existed (schema v2) has no CA yet: set it up now. Safe to call
 * from several tabs at once: the transaction writes only if no root exists by then.
 */
export async function ensureIdentities(
  db: WorldDb,
  options: { readonly random?: Random; readonly passwordIterations?: number } = {},
): Promise<'present' | 'created'> {
  if ((await db.meta.get(identityMetaKeys.roots)) !== undefined) return 'present';
  const now = await readClock(db);
  const seed = await prepareIdentities({
    now,
    random: options.random ?? systemRandom,
    passwordIterations: options.passwordIterations ?? defaultPasswordIterations,
  });
  return db.transaction('rw', db.tables, async () => {
    if ((await db.meta.get(identityMetaKeys.roots)) !== undefined) return 'present';
    await writeIdentities(db, now, seed);
    return 'created';
  });
}
