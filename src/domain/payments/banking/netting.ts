import { assert } from '../../assert.ts';
import { scaleOf, type CurrencyCode } from '../../money/index.ts';
import { amountToMinor, minorToAmount } from '../../ledger/index.ts';

// Multilateral netting (多边轧差): each bank's payments to and from every other bank in a batch
// reduce to one figure, net = received - sent. The nets sum to zero, so settling moves only
// |net| between reserve accounts instead of every payment's gross amount.

/** A batch is one world day; a class never makes more interbank payments than this in a day. */
export const clearingBatchPaymentsMax = 1_000_000;

export type InterbankPayment = {
  readonly payerBankId: string;
  readonly payeeBankId: string;
  /** Stored decimal at the currency's scale. */
  readonly amount: string;
};

export type BankPosition = {
  readonly bankId: string;
  /** Sum sent to other banks (stored decimal). */
  readonly grossOut: string;
  /** Sum received from other banks (stored decimal). */
  readonly grossIn: string;
  /** grossIn - grossOut, signed ("-12.30": the bank pays 12.30 at settlement). */
  readonly net: string;
  /** How many payments the bank sent and received. */
  readonly paymentsOut: number;
  readonly paymentsIn: number;
};

/** Every bank named in the payments, by id, with its gross and net figures. Σ net = 0. */
export function netPositions(payments: readonly InterbankPayment[], currency: CurrencyCode): BankPosition[] {
  assert(payments.length <= clearingBatchPaymentsMax, `a batch holds at most ${clearingBatchPaymentsMax} payments`);
  const scale = scaleOf(currency);
  const sums = new Map<string, { out: bigint; in: bigint; nOut: number; nIn: number }>();
  const entry = (bankId: string) => {
    let s = sums.get(bankId);
    if (s === undefined) {
      s = { out: 0n, in: 0n, nOut: 0, nIn: 0 };
      sums.set(bankId, s);
    }
    return s;
  };
  for (const p of payments) {
    assert(p.payerBankId !== p.payeeBankId, 'an interbank payment joins two different banks');
    const amount = amountToMinor(p.amount, scale);
    assert(amount !== undefined && amount > 0n, 'an interbank payment has a positive amount');
    const payer = entry(p.payerBankId);
    payer.out += amount;
    payer.nOut += 1;
    const payee = entry(p.payeeBankId);
    payee.in += amount;
    payee.nIn += 1;
  }
  let netSum = 0n;
  const positions = [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([bankId, s]) => {
      netSum += s.in - s.out;
      return {
        bankId,
        grossOut: minorToAmount(s.out, scale),
        grossIn: minorToAmount(s.in, scale),
        net: minorToAmount(s.in - s.out, scale),
        paymentsOut: s.nOut,
        paymentsIn: s.nIn,
      };
    });
  assert(netSum === 0n, 'multilateral nets sum to zero');
  return positions;
}
