// Shared fixtures for the e-cheque tests (not a test file itself): a CA, the parties' keys and
// certificates, a drawer's account and chequebook at bank-a, a payee banking at bank-b, and a
// good cheque with its payment notice and endorsement, ready to present.
import { sha256, utf8Encode } from '../../src/domain/crypto/index.ts';
import {
  issueCertificate,
  makeCertificateRequest,
  makeRevocationList,
  makeRootCertificate,
  type Certificate,
  type CertificateSubject,
  type RevocationEntry,
} from '../../src/domain/identity/index.ts';
import {
  defaultEchequeConfig,
  endorseCheque,
  issueChequebook,
  makeChequePaymentNotice,
  signCheque,
  writeCheque,
  type ChequeAccount,
  type ChequeBody,
  type ChequeDraft,
  type ChequePresentmentInput,
  type ChequebookRow,
  type EndorsedCheque,
  type SignedCheque,
  type SignedChequePaymentNotice,
} from '../../src/domain/payments/echeque/index.ts';
import { bankingAccountIds } from '../../src/domain/payments/banking/index.ts';
import { dayMs, hourMs, worldEpochMs } from '../../src/domain/world/clock.ts';

export const config = defaultEchequeConfig;
export const t0 = worldEpochMs; // Monday 5 January 2026, 09:00 Beijing
export const year = 365 * dayMs;
/** The cheque's date: Tuesday 6 January, 10:00 Beijing. */
export const chequeDate = t0 + dayMs + hourMs;
/** Presented two days after its date. */
export const presentedAt = chequeDate + 2 * dayMs;

export const seedOf = (name: string): Uint8Array => sha256(utf8Encode(`echeque test seed ${name}`));

export const caSeed = seedOf('ca');
export const root = makeRootCertificate(caSeed, { name: 'NetCert CA', partyId: 'ca' }, t0 - year, 10 * year);

let serial = 1;
export function issue(subject: CertificateSubject, seed: Uint8Array, at = t0 - 30 * dayMs, validityMs = year, issuerSeed = caSeed, issuer = root): Certificate {
  serial += 1;
  const result = issueCertificate(makeCertificateRequest(subject, seed, at), issuerSeed, issuer, serial, at, validityMs);
  if (!result.ok) throw new Error(`fixture certificate: ${result.code}`);
  return result.value;
}

export const drawerSeed = seedOf('zhangsan');
export const drawerCert = issue({ name: '张三', role: 'buyer', partyId: 'buyer-1' }, drawerSeed);
export const payeeSeed = seedOf('lisi');
export const payeeCert = issue({ name: '李四商行', role: 'seller', partyId: 'seller-1' }, payeeSeed);
export const mallorySeed = seedOf('mallory');
export const malloryCert = issue({ name: '王五', role: 'buyer', partyId: 'buyer-9' }, mallorySeed);

export const noRevocations = makeRevocationList(caSeed, root, [], t0 - dayMs);
export function revocations(entries: readonly RevocationEntry[], updatedAt = presentedAt): ReturnType<typeof makeRevocationList> {
  return makeRevocationList(caSeed, root, entries, updatedAt);
}
export const trust = { roots: [root], crl: noRevocations };

export const drawerAccount: ChequeAccount = {
  bankId: 'bank-a',
  accountNumber: bankingAccountIds.deposit('bank-a', 'buyer-1'),
  holderPartyId: 'buyer-1',
  holderName: '张三',
  chequeEnabled: true,
};

function issued(): ChequebookRow {
  const result = issueChequebook(drawerAccount, { firstNumber: '10203001', count: 25 }, [], t0 - 10 * dayMs);
  if (!result.ok) throw new Error(result.code);
  return result.value;
}
export const book = issued();

export const payee = { name: '李四商行', partyId: 'seller-1', bank: 'bank-b', account: bankingAccountIds.deposit('bank-b', 'seller-1') };
export const depositTo = { bank: 'bank-b', account: payee.account };

export const draft: ChequeDraft = {
  chequeNumber: '10203001',
  payee,
  amount: { amount: '1004.05', currency: 'CNY' },
  date: chequeDate,
  memo: '订单货款',
  orderId: 'order-1',
};

export function write(overrides: Partial<ChequeDraft> = {}, seed = drawerSeed, cert = drawerCert): SignedCheque {
  const result = writeCheque({ ...draft, ...overrides }, book, seed, cert);
  if (!result.ok) throw new Error(`fixture cheque: ${result.code}`);
  return result.value;
}

/** Signs any body with any key: for cheques writeCheque would refuse to make. */
export function signBody(body: ChequeBody, seed = drawerSeed, cert = drawerCert): SignedCheque {
  return signCheque(body, seed, cert);
}

export function endorse(cheque: SignedCheque, at = chequeDate + hourMs, target = depositTo): EndorsedCheque {
  const result = endorseCheque(cheque, target, payeeSeed, payeeCert, at);
  if (!result.ok) throw new Error(`fixture endorsement: ${result.code}`);
  return result.value;
}

export function notify(cheque: SignedCheque, seed = drawerSeed, cert = drawerCert): SignedChequePaymentNotice {
  return makeChequePaymentNotice(cheque, seed, cert, chequeDate);
}

export const goodCheque = write();
export const goodNotice = notify(goodCheque);
export const goodEndorsed = endorse(goodCheque);

/** A presentment of `cheque` (endorsed by the payee, with its notice) at bank-a, from bank-b. */
export function presentment(overrides: Partial<ChequePresentmentInput> = {}, cheque = goodCheque): ChequePresentmentInput {
  const endorsed = cheque === goodCheque ? goodEndorsed : endorse(cheque);
  const notice = cheque === goodCheque ? goodNotice : overrides.notice !== undefined ? null : notify(cheque);
  return {
    presentmentId: 'presentment-1',
    presented: endorsed,
    payingBankId: 'bank-a',
    collectingBankId: 'bank-b',
    depositorPartyId: 'seller-1',
    drawerAccount,
    books: [book],
    notice,
    availableBalance: { amount: '5000.00', currency: 'CNY' },
    trust,
    now: presentedAt,
    ...overrides,
  };
}
