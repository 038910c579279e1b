// A small CA with a few parties' keys and certificates, made from fixed seeds, for the class
// envelope's unit tests and the integration tests that publish signed commands.
import { sha256, utf8Encode } from '../../src/domain/crypto/index.ts';
import {
  issueCertificate,
  makeCertificateRequest,
  makeRevocationList,
  makeRootCertificate,
  type Certificate,
  type RevocationEntry,
  type Role,
} from '../../src/domain/identity/index.ts';

export const t0 = Date.UTC(2026, 0, 1);
export const dayMs = 86_400_000;
const seedOf = (name: string): Uint8Array => sha256(utf8Encode(`class envelope seed ${name}`));

export type TestParty = { readonly partyId: string; readonly seed: Uint8Array; readonly certificate: Certificate };

/** `seedName`: another CA's keys under the same name (an impostor), when it differs from `name`. */
export function makeClassCa(name = 'SettleLab CA', seedName = name) {
  const caSeed = seedOf(`ca ${seedName}`);
  const root = makeRootCertificate(caSeed, { name, partyId: 'ca' }, t0, 3650 * dayMs);
  let serial = 2;
  const party = (partyId: string, role: Role): TestParty => {
    const seed = seedOf(`${name} ${partyId}`);
    const issued = issueCertificate(makeCertificateRequest({ name: partyId, role, partyId }, seed, t0), caSeed, root, serial++, t0);
    if (!issued.ok) throw new Error(issued.code);
    return { partyId, seed, certificate: issued.value };
  };
  const crl = (entries: readonly RevocationEntry[] = [], updatedAt = t0) => makeRevocationList(caSeed, root, entries, updatedAt);
  return { caSeed, root, party, crl };
}
