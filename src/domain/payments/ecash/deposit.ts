// Spending and depositing coins. A merchant checks the bank's signature on each coin when it is
// paid (offline, with the published keys), but only the bank can tell a coin was already spent:
// it keeps the serial of every deposited coin. A deposit (merchant) or a pay-back (the customer
// returning unspent coins) is all-or-nothing: one already-spent coin refuses the whole batch with
// 'double_spend' naming that coin's serial, so nothing is credited twice and the depositor learns
// exactly which coin was the copy.
//
// The depositor banks where it likes (DigiCash): it hands the coins to ITS bank, the acquirer,
// which forwards them to the issuer; only the issuer holds the spent list, so only the issuer
// decides. Deposited at the issuer itself, the issuer's e-cash liability becomes the depositor's
// deposit (one transfer). Deposited at another bank, the money crosses books the way the banking
// module books every interbank transfer (banking/booking.ts transferRequests):
//   issuer's book:   debit <issuer>:ecash:outstanding  credit <issuer>:clearing:out
//   acquirer's book: debit <acquirer>:clearing:in      credit <acquirer>:deposit:<payee>
// plus an interbank position issuer → acquirer that the day's clearing batch nets and settles.
import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { paymentLedgerCodes, paymentTransfer, type PaymentLedgerEffect } from '../wallet/ledger-effects.ts';
import { verifyEcashCoin, type EcashCoin, type EcashCoinProblem } from './coin.ts';
import { denominationMinor, ecashMoneyOfMinor, type EcashDenomination } from './denominations.ts';
import type { EcashPublicKey } from './keys.ts';
import type { StoredMoney } from '../../money/index.ts';
import type { InterbankPayment } from '../banking/netting.ts';

/** Coins in one payment or deposit: a wallet never needs more for any price it can pay. */
export const ecashPaymentCoinsMax = 1000;

export type EcashPaymentProblem = EcashCoinProblem | 'no_coins' | 'too_many_coins' | 'wrong_bank' | 'double_spend' | 'amount_mismatch';

function sumOf(coins: readonly EcashCoin[]): bigint {
  return coins.reduce((total, c) => total + denominationMinor(c.denomination), 0n);
}

/** Every coin well formed, signed, of `bankId`, and no serial twice: shared by merchant and bank. */
function checkCoins(coins: readonly EcashCoin[], keys: readonly EcashPublicKey[], bankId: string | null): Result<bigint, EcashPaymentProblem> {
  if (!Array.isArray(coins) || coins.length === 0) return err('no_coins');
  if (coins.length > ecashPaymentCoinsMax) return err('too_many_coins', { max: ecashPaymentCoinsMax });
  const seen = new Set<string>();
  for (const coin of coins) {
    const checked = verifyEcashCoin(coin, keys);
    if (!checked.ok) return checked;
    if (bankId !== null && coin.bankId !== bankId) return err('wrong_bank', { serial: coin.serial });
    // The same coin twice in one payment is a double spend inside the batch.
    if (seen.has(coin.serial)) return err('double_spend', { serial: coin.serial });
    seen.add(coin.serial);
  }
  return ok(sumOf(coins));
}

/**
 * The merchant's check when paid: valid coins adding up to exactly `price`. It cannot see double
 * spending (that needs the bank's list), so a careful merchant deposits at once (online check).
 */
export function ecashMerchantCheckPayment(
  coins: readonly EcashCoin[],
  price: StoredMoney,
  keys: readonly EcashPublicKey[],
): Result<{ coins: readonly EcashCoin[]; total: StoredMoney }, EcashPaymentProblem> {
  const checked = checkCoins(coins, keys, null);
  if (!checked.ok) return checked;
  const total = ecashMoneyOfMinor(checked.value);
  if (price.currency !== total.currency || price.amount !== total.amount) {
    return err('amount_mismatch', { expected: price.amount, paid: total.amount });
  }
  return ok({ coins, total });
}

export type EcashDepositPurpose = 'deposit' | 'pay_back';

/** The bank's row for one deposited coin: what it stores at deposit. */
export type EcashDepositRow = {
  readonly depositId: string;
  readonly bankId: string;
  readonly purpose: EcashDepositPurpose;
  readonly serial: string;
  readonly denomination: EcashDenomination;
  /** hex R' and s' of the coin's signature */
  readonly r: string;
  readonly s: string;
  /** the party credited: the merchant, or the customer paying coins back */
  readonly payee: string;
  /** The bank that took the deposit and forwarded the coins (the payee's bank). Absent on rows
   * stored before deposits could cross banks: those were taken by the issuer itself. */
  readonly acquirerId?: string;
  readonly at: number;
};

export type EcashDepositInput = {
  readonly depositId: string;
  /** The issuing bank: the one that checks and records the coins. */
  readonly bankId: string;
  /** The payee's bank, where it is credited; default the issuer (no clearing). */
  readonly acquirerId?: string;
  readonly purpose: EcashDepositPurpose;
  readonly payee: string;
  readonly coins: readonly EcashCoin[];
  readonly now: number;
};

/** The spent-serials list, as whatever the app loaded (a Set of the serials it looked up works). */
export type EcashSpentSerials = { has(serial: string): boolean };

/**
 * The issuing bank's deposit: checks every coin (signature, bank, duplicates) and the spent list,
 * then returns the rows to store (their serials ARE the additions to the spent list) and the
 * ledger effects crediting the payee at the acquirer: one transfer when the acquirer is the
 * issuer, two linked legs through clearing otherwise, with `interbank` the position the app
 * records for the clearing batch (null when no bank is crossed).
 */
export function ecashBankDeposit(
  input: EcashDepositInput,
  keys: readonly EcashPublicKey[],
  spent: EcashSpentSerials,
): Result<{ rows: EcashDepositRow[]; total: StoredMoney; effects: PaymentLedgerEffect[]; interbank: InterbankPayment | null }, EcashPaymentProblem> {
  const { depositId, bankId, purpose, payee, coins, now } = input;
  const acquirerId = input.acquirerId ?? bankId;
  assert(depositId.length > 0 && bankId.length > 0 && acquirerId.length > 0 && payee.length > 0, 'depositId, bankId, acquirerId and payee required');
  assert(purpose === 'deposit' || purpose === 'pay_back', `unknown purpose ${String(purpose)}`);
  assert(Number.isSafeInteger(now) && now >= 0, 'now must be world time in ms');
  const checked = checkCoins(coins, keys, bankId);
  if (!checked.ok) return checked;
  const doubleSpent = coins.find((c) => spent.has(c.serial));
  if (doubleSpent !== undefined) return err('double_spend', { serial: doubleSpent.serial });

  const rows = coins.map(
    (c): EcashDepositRow => ({
      depositId,
      bankId,
      purpose,
      serial: c.serial,
      denomination: c.denomination,
      r: c.signature.r,
      s: c.signature.s,
      payee,
      acquirerId,
      at: now,
    }),
  );
  const total = ecashMoneyOfMinor(checked.value);
  const code = purpose === 'deposit' ? paymentLedgerCodes.ecashDeposit : paymentLedgerCodes.ecashPayBack;
  const refs = { depositId, coins: String(coins.length) };
  const transferId = `ecash:${purpose}:${depositId}`;
  const outstanding = { role: 'ecash_outstanding', bankId } as const;
  const credited = { role: 'bank_deposit', bankId: acquirerId, partyId: payee } as const;
  // The leg suffixes are transferRequests' (payer-bank, payee-bank): one naming for every interbank movement.
  const effects =
    acquirerId === bankId
      ? [paymentTransfer(transferId, outstanding, credited, total, code, refs)]
      : [
          paymentTransfer(`${transferId}:payer-bank`, outstanding, { role: 'clearing_out', bankId }, total, code, refs),
          paymentTransfer(`${transferId}:payee-bank`, { role: 'clearing_in', bankId: acquirerId }, credited, total, code, refs),
        ];
  const interbank = acquirerId === bankId ? null : { payerBankId: bankId, payeeBankId: acquirerId, amount: total.amount };
  assert(rows.length === coins.length, 'one row per coin');
  return ok({ rows, total, effects, interbank });
}

/** What the bank learns about a coin at deposit (SCHEME.md, "who sees what"). */
export type EcashBankDepositView = {
  readonly serial: string;
  readonly r: string;
  readonly s: string;
  readonly merchant: string;
  /** The bank that forwarded the coin (the issuer itself when the merchant banks there). */
  readonly acquirer: string;
  readonly at: number;
};

export function ecashBankDepositView(row: EcashDepositRow): EcashBankDepositView {
  return { serial: row.serial, r: row.r, s: row.s, merchant: row.payee, acquirer: row.acquirerId ?? row.bankId, at: row.at };
}
