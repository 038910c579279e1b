// Endorsement (背书): the payee confirms receipt and orders the money into its account by signing
// over the cheque's hash and the account to deposit to (FSTC eCheck's endorsement block, a
// restrictive "for deposit only" endorsement). It binds to one signed cheque: altering the cheque
// afterwards breaks the link, and an endorsement cannot be moved to another cheque.

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { isHex, isJsonSafe, signatureLength } from '../../crypto/index.ts';
import { roles, signDocument, verifySignedDocument, type Certificate, type SignedDocument } from '../../identity/index.ts';
import { chequeHash, isWellFormedChequeBody, type SignedCheque } from './cheque.ts';
import type { ChequeTrust } from './drawer-signature.ts';
import { hasExactKeys, isAccountNumber, isChequeNumber, isIdentifier, isName, isRecord, isWorldTime } from './fields.ts';

export const chequeEndorsementKind = 'settlelab/echeque-endorsement/v1';

export type ChequeDepositTarget = { readonly bank: string; readonly account: string };

export type ChequeEndorsementBody = {
  readonly kind: typeof chequeEndorsementKind;
  /** chequeHash of the cheque endorsed. */
  readonly chequeHash: string;
  readonly chequeNumber: string;
  readonly drawer: { readonly bank: string; readonly account: string };
  /** The endorser as certified. */
  readonly endorser: { readonly partyId: string; readonly name: string };
  /** Where the money goes: the payee's account at its own bank (the collecting bank, 收款行). */
  readonly depositTo: ChequeDepositTarget;
  readonly endorsedAt: number;
};

export type SignedChequeEndorsement = SignedDocument<ChequeEndorsementBody>;

/** A cheque as deposited at the collecting bank; `endorsement` is null when the payee never signed. */
export type PresentedCheque = { readonly cheque: SignedCheque; readonly endorsement: SignedChequeEndorsement | null };
export type EndorsedCheque = { readonly cheque: SignedCheque; readonly endorsement: SignedChequeEndorsement };

export type ChequeEndorseProblem = 'cheque_malformed' | 'not_the_payee' | 'deposit_account_invalid';

export function isWellFormedChequeEndorsementBody(value: unknown): value is ChequeEndorsementBody {
  if (!isRecord(value) || !isJsonSafe(value)) return false;
  if (!hasExactKeys(value, ['kind', 'chequeHash', 'chequeNumber', 'drawer', 'endorser', 'depositTo', 'endorsedAt'])) return false;
  const { drawer, endorser, depositTo } = value;
  return (
    value.kind === chequeEndorsementKind &&
    typeof value.chequeHash === 'string' &&
    /^[0-9a-f]{64}$/.test(value.chequeHash) &&
    isChequeNumber(value.chequeNumber) &&
    isRecord(drawer) &&
    hasExactKeys(drawer, ['bank', 'account']) &&
    isIdentifier(drawer.bank) &&
    isAccountNumber(drawer.account) &&
    isRecord(endorser) &&
    hasExactKeys(endorser, ['partyId', 'name']) &&
    isIdentifier(endorser.partyId) &&
    isName(endorser.name) &&
    isRecord(depositTo) &&
    hasExactKeys(depositTo, ['bank', 'account']) &&
    isIdentifier(depositTo.bank) &&
    isAccountNumber(depositTo.account) &&
    isWorldTime(value.endorsedAt)
  );
}

/** The body an endorser signs over `cheque` (not checked against the payee: see endorseCheque). */
export function chequeEndorsementBodyOf(cheque: SignedCheque, endorserCertificate: Certificate, depositTo: ChequeDepositTarget, endorsedAt: number): ChequeEndorsementBody {
  assert(isWorldTime(endorsedAt), 'endorsedAt is world time');
  const { subject } = endorserCertificate.body;
  return {
    kind: chequeEndorsementKind,
    chequeHash: chequeHash(cheque),
    chequeNumber: cheque.payload.chequeNumber,
    drawer: { bank: cheque.payload.drawer.bank, account: cheque.payload.drawer.account },
    endorser: { partyId: subject.partyId, name: subject.name },
    depositTo: { bank: depositTo.bank, account: depositTo.account },
    endorsedAt,
  };
}

/**
 * The payee endorses `cheque` for deposit to `depositTo` (签收并背书). Only the payee the cheque
 * names may: anyone else holding the bytes is refused here, and the drawer's bank would return
 * the cheque as 'endorsement_irregular' anyway. A cheque that is not well formed is refused too.
 * Whether its signature holds is the checklist's business: the lab lets a payee endorse an
 * altered cheque, to watch the bank return it.
 */
export function endorseCheque(
  cheque: SignedCheque,
  depositTo: ChequeDepositTarget,
  seed: Uint8Array,
  payeeCertificate: Certificate,
  endorsedAt: number,
  chain?: readonly Certificate[],
): Result<EndorsedCheque, ChequeEndorseProblem> {
  // The bytes came from another party's tab: there is nothing to endorse unless they are a cheque.
  if (!isRecord(cheque) || !isWellFormedChequeBody(cheque.payload) || !isHex(cheque.signature, signatureLength)) return err('cheque_malformed');
  if (payeeCertificate.body.subject.partyId !== cheque.payload.payee.partyId) return err('not_the_payee');
  if (!isIdentifier(depositTo.bank) || !isAccountNumber(depositTo.account)) return err('deposit_account_invalid');
  const body = chequeEndorsementBodyOf(cheque, payeeCertificate, depositTo, endorsedAt);
  assert(isWellFormedChequeEndorsementBody(body), 'endorseCheque builds a well-formed body');
  return ok({ cheque, endorsement: signDocument(body, seed, payeeCertificate, chain) });
}

/**
 * Why `endorsement` is not a regular endorsement of `cheque` by its payee, or null when it is.
 * Checked in this order: its shape; that it is over this very cheque (hash, number, account);
 * that its signature and certificate verify (at the time of endorsing); that the signer is the
 * payee the cheque names; that it was not made after `now`; that it deposits at the bank that
 * presents it. Identity is the party id: names are for people to read.
 */
export function chequeEndorsementIrregularity(
  endorsement: SignedChequeEndorsement,
  cheque: SignedCheque,
  hash: string,
  trust: ChequeTrust,
  collectingBankId: string,
  now: number,
): string | null {
  if (!isRecord(endorsement) || !isWellFormedChequeEndorsementBody(endorsement.payload)) return 'endorsement_malformed';
  const e = endorsement.payload;
  const body = cheque.payload;
  if (e.chequeHash !== hash || e.chequeNumber !== body.chequeNumber || e.drawer.bank !== body.drawer.bank || e.drawer.account !== body.drawer.account) {
    return 'endorsement_for_another_cheque';
  }
  const verdict = verifySignedDocument(endorsement, { roots: trust.roots, crl: trust.crl, now: e.endorsedAt, role: roles });
  if (!verdict.ok) return verdict.code;
  if (verdict.value.subject.partyId !== body.payee.partyId || e.endorser.partyId !== verdict.value.subject.partyId) return 'endorser_not_payee';
  if (e.endorsedAt > now) return 'endorsed_after_presentment';
  if (e.depositTo.bank !== collectingBankId) return 'deposit_bank_mismatch';
  return null;
}
