import { assert, unreachable, type Account, type AccountInput, type AccountRef, type CurrencyCode, type LedgerEffect, type TransferRequest } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { openAccountInTransaction } from '../ledger.ts';
import { platformCommissionId } from '../ledger-seed.ts';

// The escrow agent's accounts (docs/money-model.md) and how the marketplace's account roles map onto
// them. Every wallet lives in the escrow agent's book; the platform's commission is income in the
// platform's own book, mirrored by what the platform holds at the escrow agent. Accounts are opened
// when first needed, inside the command that needs them.

export const escrowPartyId = 'escrow';
export const platformPartyId = 'platform';
export const escrowHoldingId = 'escrow:holding';
export const platformAtEscrowId = 'platform:at-escrow';
export { platformCommissionId };

const currency: CurrencyCode = 'CNY';

/** A user's balance at the escrow agent (withdrawable). */
export function walletId(partyId: string): string {
  assert(partyId.length > 0, 'party id required');
  return `escrow:wallet:${partyId}`;
}

/** Money released to a seller that becomes withdrawable T+N days later. */
export function settlingId(partyId: string): string {
  assert(partyId.length > 0, 'party id required');
  return `escrow:settling:${partyId}`;
}

/**
 * The escrow agent's money at a bank (mirror of `<bank>:deposit:escrow`). The banking seeder opens
 * it with every world (bankingAccountIds.atBank('escrow', bank) names the same account).
 */
export function escrowAtBankId(bankId: string): string {
  assert(bankId.length > 0, 'bank id required');
  return `escrow:at:${bankId}`;
}

export function walletInput(partyId: string): AccountInput {
  return { id: walletId(partyId), partyId, bookId: escrowPartyId, code: 'escrow.wallet', name: 'Escrow wallet (余额)', currency, normal: 'credit', flags: { debitsMustNotExceedCredits: true } };
}

export function settlingInput(partyId: string): AccountInput {
  return { id: settlingId(partyId), partyId, bookId: escrowPartyId, code: 'escrow.settling', name: 'Released, not yet withdrawable (待结算)', currency, normal: 'credit', flags: { debitsMustNotExceedCredits: true } };
}

export const holdingInput: AccountInput = {
  id: escrowHoldingId,
  partyId: escrowPartyId,
  bookId: escrowPartyId,
  code: 'escrow.holding',
  name: 'Money held for orders (担保资金)',
  currency,
  normal: 'credit',
  flags: { debitsMustNotExceedCredits: true },
};

export const platformAtEscrowInput: AccountInput = {
  id: platformAtEscrowId,
  partyId: platformPartyId,
  bookId: platformPartyId,
  code: 'platform.at_escrow',
  name: 'Balance at the escrow agent',
  currency,
  normal: 'debit',
  flags: { creditsMustNotExceedDebits: true },
};

/** Opens each account that does not exist yet (inside the caller's transaction); returns every
 * account named, as stored now, in the order of `inputs`. */
export async function ensureAccounts(db: WorldDb, inputs: readonly AccountInput[], now: number): Promise<Account[]> {
  const { accounts } = ledgerTables(db);
  const existing = await accounts.bulkGet(inputs.map((i) => i.id));
  const rows: Account[] = [];
  for (const [i, input] of inputs.entries()) {
    const stored = existing[i];
    if (stored !== undefined) {
      rows.push(stored);
      continue;
    }
    const opened = await openAccountInTransaction(db, input, now);
    assert(opened.ok, `account ${input.id} opens`);
    rows.push(opened.value);
  }
  return rows;
}

/** A user's wallet and settling account, opened on first use. */
export async function ensureWallet(db: WorldDb, partyId: string, now: number): Promise<void> {
  await ensureAccounts(db, [walletInput(partyId), settlingInput(partyId)], now);
}

/**
 * What every escrow trade needs (the holding account and the platform's side of the commission),
 * then each party's wallet and settling account, opened on first use in that order: one read of
 * them all (a trade's step awaits one IndexedDB round trip for them instead of one per party).
 */
export async function ensureTradeAccounts(db: WorldDb, partyIds: Iterable<string>, now: number): Promise<Account[]> {
  // By id, first kept: an account both core and a party's (the platform's wallet) is opened once.
  const inputs = new Map([holdingInput, walletInput(platformPartyId), platformAtEscrowInput].map((i) => [i.id, i]));
  for (const partyId of partyIds) for (const i of [walletInput(partyId), settlingInput(partyId)]) if (!inputs.has(i.id)) inputs.set(i.id, i);
  return ensureAccounts(db, [...inputs.values()], now);
}

function accountOf(ref: AccountRef, side: 'to' | 'from'): string {
  switch (ref.role) {
    case 'buyer_wallet':
      return walletId(ref.partyId);
    case 'escrow_holding':
      return escrowHoldingId;
    // Released money first waits T+N days in the seller's settling account (the 'escrow.available'
    // job then moves it into the wallet): the money is the seller's, but not yet withdrawable.
    case 'seller_wallet':
      return side === 'to' ? settlingId(ref.partyId) : walletId(ref.partyId);
    case 'platform_commission':
      return platformCommissionId;
    default:
      return unreachable(ref, 'unknown account role');
  }
}

/** The parties whose wallets a list of effects touches. */
export function walletPartiesOf(effects: readonly LedgerEffect[]): string[] {
  const parties = new Set<string>();
  for (const e of effects) {
    for (const ref of [e.from, e.to]) if (ref.role === 'buyer_wallet' || ref.role === 'seller_wallet') parties.add(ref.partyId);
  }
  return [...parties];
}

/**
 * The ledger requests that carry out the marketplace's ledger effects. Each effect is one transfer
 * in the escrow agent's book, except the commission: the escrow agent pays it into the platform's
 * wallet, and in the platform's own book it is income (`platform:at-escrow` → `platform:commission`),
 * two linked transfers so each institution's book balances on its own.
 */
export function ledgerRequestsOf(effects: readonly LedgerEffect[]): TransferRequest[] {
  const requests: TransferRequest[] = [];
  for (const e of effects) {
    const refs = { ...e.refs };
    switch (e.op) {
      case 'hold':
        requests.push({ id: e.transferId, kind: 'pending', debitAccountId: accountOf(e.from, 'from'), creditAccountId: accountOf(e.to, 'to'), amount: e.amount.amount, currency: e.amount.currency, code: e.code, refs });
        break;
      case 'post':
        assert(e.pendingId !== undefined, 'a post names its hold');
        requests.push({ id: e.transferId, kind: 'post', pendingId: e.pendingId, amount: e.amount.amount, code: e.code, refs });
        break;
      case 'void':
        assert(e.pendingId !== undefined, 'a void names its hold');
        requests.push({ id: e.transferId, kind: 'void', pendingId: e.pendingId, code: e.code, refs });
        break;
      case 'transfer':
        if (e.to.role === 'platform_commission') {
          const base = { kind: 'single' as const, amount: e.amount.amount, currency: e.amount.currency, code: e.code, refs };
          requests.push({ ...base, id: e.transferId, debitAccountId: accountOf(e.from, 'from'), creditAccountId: walletId(platformPartyId) });
          requests.push({ ...base, id: `${e.transferId}:platform`, debitAccountId: platformAtEscrowId, creditAccountId: platformCommissionId });
        } else {
          requests.push({ id: e.transferId, kind: 'single', debitAccountId: accountOf(e.from, 'from'), creditAccountId: accountOf(e.to, 'to'), amount: e.amount.amount, currency: e.amount.currency, code: e.code, refs });
        }
        break;
      default:
        return unreachable(e.op, 'unknown ledger op');
    }
  }
  return requests;
}
