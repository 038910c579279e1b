// The payee's verification checklist (验证清单): what the payee's tab shows before it endorses.
// Every check is answered on its own (not stopping at the first failure), so a student sees that
// an altered cheque fails on its signature while its certificate is fine, or that a cheque is
// genuine but already stale. The bank's presentment (presentment.ts) uses the same facts.

import { assert } from '../../assert.ts';
import { isRevokedAt } from '../../identity/index.ts';
import type { SignedCheque } from './cheque.ts';
import type { EchequeConfig } from './config.ts';
import { isChequePostDated, isChequeStaleDated } from './dates.ts';
import { classifyDrawerVerdict, examineDrawerSignature, type ChequeTrust } from './drawer-signature.ts';
import { isWorldTime } from './fields.ts';

export const chequePayeeCheckNames = [
  'cheque_well_formed', // the body has every field, in its form, and nothing else
  'amount_in_words', // the capitals say the same as the figures
  'drawer_signature', // the drawer's signature verifies over these exact bytes
  'certificate_chain', // the drawer's certificate leads to a CA we trust and is unaltered
  'certificate_valid_at_date', // ... and was valid at the cheque's date
  'certificate_not_revoked', // ... and not revoked by then
  'drawer_is_certificate_holder', // the drawer named on the cheque is the certificate's subject
  'payee_is_me', // the cheque is made out to the party checking it
  'not_post_dated', // it may be presented today ...
  'within_presentment_period', // ... and is not yet stale
] as const;
export type ChequePayeeCheckName = (typeof chequePayeeCheckNames)[number];

export type ChequePayeeCheck = {
  readonly check: ChequePayeeCheckName;
  readonly pass: boolean;
  /** Why it failed, as a code the UI can translate (a verifier reason, or 'cheque_malformed'). */
  readonly cause?: string;
};

export type ChequePayeeChecklist = { readonly checks: readonly ChequePayeeCheck[]; readonly allPassed: boolean };

export function chequePayeeChecklist(
  cheque: SignedCheque,
  payeePartyId: string,
  trust: ChequeTrust,
  now: number,
  config: Pick<EchequeConfig, 'presentmentPeriodDays'>,
): ChequePayeeChecklist {
  assert(isWorldTime(now), 'now is world time');
  const facts = examineDrawerSignature(cheque, trust);
  const verdict = facts.verdict;
  const verdictClass = verdict === null ? 'fictitious' : classifyDrawerVerdict(verdict);
  const verdictCause = verdict === null ? 'cheque_malformed' : verdict.ok ? undefined : verdict.code;
  const body = facts.bodyWellFormed ? cheque.payload : null;
  const leaf = cheque.signerCertificate;
  // The verifier checks the certificate's shape first: past that, its fields can be read safely.
  const leafReadable = verdict !== null && (verdict.ok || verdict.code !== 'malformed_document');

  const result = (check: ChequePayeeCheckName, pass: boolean, cause?: string): ChequePayeeCheck =>
    pass || cause === undefined ? { check, pass } : { check, pass, cause };
  const needsBody = (check: ChequePayeeCheckName, pass: (b: NonNullable<typeof body>) => boolean, cause: string): ChequePayeeCheck =>
    body === null ? result(check, false, 'cheque_malformed') : result(check, pass(body), cause);

  // Chain problems come first in the verifier, so any other verdict means the chain held.
  const chainOk = verdictClass !== 'fictitious';
  // Dates and revocation are read off the drawer's own certificate too, so they get an answer
  // even when the verifier stopped earlier (at the chain) and never reached them.
  const leafDatesOk = body !== null && leafReadable && body.date >= leaf.body.notBefore && body.date < leaf.body.notAfter;
  const datesOk = leafDatesOk && verdictClass !== 'expired' && verdictClass !== 'not_yet_valid';
  const leafRevoked = body !== null && leafReadable && isRevokedAt(leaf, trust.crl, body.date) !== null;
  const notRevoked = body !== null && leafReadable && !leafRevoked && verdictClass !== 'revoked';

  const checks: ChequePayeeCheck[] = [
    result('cheque_well_formed', facts.bodyWellFormed, 'cheque_malformed'),
    needsBody('amount_in_words', () => facts.wordsMatch === true, 'amount_words_mismatch'),
    result('drawer_signature', facts.signatureValid && verdictClass !== 'bad_signature', 'bad_signature'),
    result('certificate_chain', chainOk, verdictCause),
    result('certificate_valid_at_date', datesOk, verdictClass === 'expired' || verdictClass === 'not_yet_valid' ? verdictCause : 'certificate_not_valid_at_date'),
    result('certificate_not_revoked', notRevoked, verdictClass === 'revoked' ? verdictCause : 'certificate_revoked'),
    needsBody('drawer_is_certificate_holder', (b) => leafReadable && b.drawer.partyId === leaf.body.subject.partyId && b.drawer.name === leaf.body.subject.name, 'drawer_not_certificate_holder'),
    needsBody('payee_is_me', (b) => b.payee.partyId === payeePartyId, 'not_the_payee'),
    needsBody('not_post_dated', (b) => !isChequePostDated(b.date, now), 'post_dated'),
    needsBody('within_presentment_period', (b) => !isChequeStaleDated(b.date, now, config.presentmentPeriodDays), 'stale_dated'),
  ];
  assert(checks.length === chequePayeeCheckNames.length && checks.every((c, i) => c.check === chequePayeeCheckNames[i]), 'one answer per check, in order');
  return { checks, allPassed: checks.every((c) => c.pass) };
}
