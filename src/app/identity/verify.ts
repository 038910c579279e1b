import {
  assert,
  certificateSigningBytes,
  certificateStatus,
  err,
  fingerprint,
  hexToBytes,
  isHex,
  keyIdOf,
  ok,
  signatureLength,
  verify,
  verifyRevocationList,
  verifySignedDocument,
  type Certificate,
  type CertificateStatus,
  type Err,
  type Result,
  type Role,
  type SignedDocument,
  type VerifyContext,
  type VerifyResult,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { IdentityTrust } from '../../storage/identity-tables.ts';
import { readClock } from '../clock-read.ts';
import { readTrust } from './common.ts';

// The one verifier, bound to a world: load the world's trusted roots and the CA's current signed
// revocation list, and let the domain's verifySignedDocument judge. Every feature that accepts a
// signed document (online-banking logins here; e-cheques, escrow confirmations later) calls
// verifyInWorld, so they all refuse for the same reasons. It only reads Dexie and verifies
// synchronously, so it also works inside a command's transaction.

export type VerifyInWorldOptions = {
  /** The role (or roles) the signer must have. */
  readonly role: Role | readonly Role[];
  /** World time to judge at; defaults to the world clock now. */
  readonly now?: number;
};

export function contextOf(trust: IdentityTrust, role: Role | readonly Role[], now: number): VerifyContext {
  return { roots: trust.roots, crl: trust.crl, now, role };
}

/** The world's verify context at `now` (world clock when omitted). */
export async function worldVerifyContext(db: WorldDb, options: VerifyInWorldOptions): Promise<Result<VerifyContext, 'identities_not_set_up'>> {
  const trust = await readTrust(db);
  if (trust === null) return err('identities_not_set_up');
  return ok(contextOf(trust, options.role, options.now ?? (await readClock(db))));
}

/** Verifies a signed document against this world's CA, as of `now` (or the world clock). */
export async function verifyInWorld(
  db: WorldDb,
  doc: SignedDocument,
  options: VerifyInWorldOptions,
): Promise<VerifyResult | Err<'identities_not_set_up'>> {
  const context = await worldVerifyContext(db, options);
  if (!context.ok) return context;
  return verifySignedDocument(doc, context.value);
}

export type ChainLink = {
  readonly certificate: Certificate;
  readonly fingerprint: string;
  /** Whether its issuer's signature over it checks out (a root signs itself). */
  readonly signatureValid: boolean;
  readonly isRoot: boolean;
};

export type CertificateView = {
  readonly status: CertificateStatus;
  readonly fingerprint: string;
  /** The certificate first, the root last; ends early when an issuer is unknown. */
  readonly chain: readonly ChainLink[];
  /** True when the chain reaches a trusted root with every signature valid. */
  readonly chainValid: boolean;
  /** Whether the revocation list the status is based on carries the CA's valid signature. */
  readonly revocationListValid: boolean;
};

/** Chain links are bounded: SettleLab's CA issues directly under its root. */
const chainLinksMax = 8;

function signedBy(certificate: Certificate, issuer: Certificate): boolean {
  if (!isHex(certificate.signature, signatureLength)) return false;
  return verify(hexToBytes(certificate.signature), certificateSigningBytes(certificate.body), hexToBytes(issuer.body.publicKey));
}

/** What a certificate viewer shows: status at `now`, fingerprint and the chain to the root. */
export function viewCertificate(certificate: Certificate, trust: IdentityTrust, now: number): CertificateView {
  const rootPrints = new Set(trust.roots.map(fingerprint));
  const chain: ChainLink[] = [];
  let current: Certificate | undefined = certificate;
  let chainValid = false;
  for (let i = 0; i < chainLinksMax && current !== undefined; i++) {
    const print = fingerprint(current);
    const isRoot = rootPrints.has(print);
    const issuerKeyId: string = current.body.issuer.keyId;
    const issuer: Certificate | undefined = isRoot ? current : trust.roots.find((r) => keyIdOf(r.body.publicKey) === issuerKeyId);
    const signatureValid = issuer !== undefined && signedBy(current, issuer);
    chain.push({ certificate: current, fingerprint: print, signatureValid, isRoot });
    if (isRoot) {
      chainValid = chain.every((link) => link.signatureValid);
      break;
    }
    current = issuer;
  }
  const ca = trust.roots.find((r) => keyIdOf(r.body.publicKey) === trust.crl.issuer.keyId);
  const revocationListValid = ca !== undefined && verifyRevocationList(trust.crl, ca);
  assert(chain.length > 0, 'the chain starts with the certificate');
  return { status: certificateStatus(certificate, now, trust.crl), fingerprint: chain[0]!.fingerprint, chain, chainValid, revocationListValid };
}
