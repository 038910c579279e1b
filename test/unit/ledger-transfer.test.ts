import { describe, expect, it } from 'vitest';
import {
  AssertionError,
  MemoryLedger,
  applyTransfers,
  availableOf,
  balanceOf,
  expiryIdOf,
  expiryRequestsFor,
  idsNeeded,
  ledgerViewOf,
  transferRequestsMax,
  type Account,
  type AccountInput,
  type MoveRequest,
  type Transfer,
  type TransferRequest,
  type TransferResult,
} from '../../src/domain/index.ts';

const t0 = Date.UTC(2025, 0, 1);
const hourMs = 3_600_000;

function account(id: string, patch: Partial<AccountInput> = {}): AccountInput {
  return { id, partyId: `party-${id}`, bookId: 'bank', code: 'bank.deposit', name: id, currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true }, ...patch };
}

/** A small world: the bank's cash (unrestricted source of deposits), three deposit accounts that
 * cannot be overdrawn, a card account with a 1000.00 credit limit, a vault that cannot go below
 * zero on the credit side, and a USD account. The buyer starts with 500.00. */
function world(): MemoryLedger {
  const ledger = new MemoryLedger();
  const inputs: AccountInput[] = [
    account('cash', { code: 'bank.cash', normal: 'debit', flags: {} }),
    account('buyer'),
    account('seller'),
    account('escrow', { partyId: 'escrow-agent' }),
    account('card', { bookId: 'card-co', code: 'card.receivable', normal: 'debit', flags: { debitsMustNotExceedCredits: true, creditLimit: '1000.00' } }),
    account('merchant-payable', { bookId: 'card-co', code: 'card.payable', flags: {} }),
    account('vault', { code: 'bank.vault', normal: 'debit', flags: { creditsMustNotExceedDebits: true } }),
    account('usd', { currency: 'USD', flags: {} }),
  ];
  for (const input of inputs) {
    const added = ledger.addAccount(input, t0);
    if (!added.ok) throw new Error(added.code);
  }
  expect(statusOf(run(ledger, [single('fund-buyer', 'cash', 'buyer', '500.00')])[0])).toBe('created');
  return ledger;
}

function single(id: string, debit: string, credit: string, amount: string, patch: Partial<MoveRequest> = {}): MoveRequest {
  return { id, kind: 'single', debitAccountId: debit, creditAccountId: credit, amount, currency: 'CNY', code: 'test.move', ...patch };
}

function hold(id: string, debit: string, credit: string, amount: string, patch: Partial<MoveRequest> = {}): MoveRequest {
  return single(id, debit, credit, amount, { kind: 'pending', code: 'escrow.hold', ...patch });
}

function run(ledger: MemoryLedger, requests: TransferRequest[], now = t0 + 1): TransferResult[] {
  const applied = ledger.apply(requests, now);
  if (!applied.ok) throw new Error(applied.code);
  return [...applied.value.results];
}

function statusOf(result: TransferResult | undefined): string {
  if (result === undefined) return 'missing';
  return result.status === 'failed' ? result.code : result.status;
}

function one(ledger: MemoryLedger, request: TransferRequest, now = t0 + 1): string {
  return statusOf(run(ledger, [request], now)[0]);
}

function acct(ledger: MemoryLedger, id: string): Account {
  const a = ledger.accounts.get(id);
  if (a === undefined) throw new Error(`no account ${id}`);
  return a;
}

function balances(ledger: MemoryLedger, id: string): string[] {
  const a = acct(ledger, id);
  return [a.debitsPosted, a.creditsPosted, a.debitsPending, a.creditsPending];
}

function transfer(ledger: MemoryLedger, id: string): Transfer {
  const t = ledger.transfers.get(id);
  if (t === undefined) throw new Error(`no transfer ${id}`);
  return t;
}

describe('single transfers', () => {
  it('posts to both accounts, stores the row and one journal entry', () => {
    const ledger = world();
    const results = run(ledger, [single('pay-1', 'buyer', 'seller', '120.5', { refs: { order: 'o-1' } })], t0 + 5);
    expect(statusOf(results[0])).toBe('created');
    expect(balances(ledger, 'buyer')).toEqual(['120.50', '500.00', '0.00', '0.00']);
    expect(balances(ledger, 'seller')).toEqual(['0.00', '120.50', '0.00', '0.00']);
    expect(balanceOf(acct(ledger, 'buyer')).amount.toFixed(2)).toBe('379.50');
    expect(transfer(ledger, 'pay-1')).toEqual({
      id: 'pay-1', kind: 'single', debitAccountId: 'buyer', creditAccountId: 'seller', amount: '120.50', currency: 'CNY',
      code: 'test.move', refs: { order: 'o-1' }, at: t0 + 5, linked: false,
    });
    const entry = ledger.entries.at(-1);
    expect(entry).toMatchObject({ seq: 2, transferId: 'pay-1', kind: 'single', amount: '120.50', at: t0 + 5, refs: { order: 'o-1' } });
    expect(entry?.releasedAmount).toBeUndefined();
    expect(ledger.head).toEqual({ seq: 2, hash: entry?.hash });
  });

  it('applies a batch request by request: balances after earlier requests count, failures stay alone', () => {
    const ledger = world();
    const results = run(ledger, [
      single('a', 'buyer', 'seller', '300.00'),
      single('b', 'buyer', 'seller', '300.00'), // only 200.00 left
      single('c', 'buyer', 'seller', '200.00'),
    ]);
    expect(results.map(statusOf)).toEqual(['created', 'insufficient_funds', 'created']);
    expect(results[1]).toMatchObject({ detail: { accountId: 'buyer' } });
    expect(balances(ledger, 'buyer')).toEqual(['500.00', '500.00', '0.00', '0.00']);
    expect(ledger.transfers.has('b')).toBe(false);
  });

  it('a failed id is not taken: the same id succeeds once funds arrive', () => {
    const ledger = world();
    expect(one(ledger, single('big', 'buyer', 'seller', '600.00'))).toBe('insufficient_funds');
    expect(one(ledger, single('top-up', 'cash', 'buyer', '100.00'))).toBe('created');
    expect(one(ledger, single('big', 'buyer', 'seller', '600.00'))).toBe('created');
  });
});

describe('failure codes', () => {
  const cases: [string, TransferRequest, string][] = [
    ['empty id', single('', 'buyer', 'seller', '1'), 'id_invalid'],
    ['long id', single('x'.repeat(201), 'buyer', 'seller', '1'), 'id_invalid'],
    ['pending id without room for its expiry id', hold('x'.repeat(195), 'buyer', 'seller', '1'), 'id_invalid'],
    ['too many decimals', single('t', 'buyer', 'seller', '1.234'), 'amount_invalid'],
    ['not a number', single('t', 'buyer', 'seller', 'ten'), 'amount_invalid'],
    ['zero', single('t', 'buyer', 'seller', '0.00'), 'amount_not_positive'],
    ['negative', single('t', 'buyer', 'seller', '-1.00'), 'amount_not_positive'],
    ['unknown currency', single('t', 'buyer', 'seller', '1', { currency: 'XYZ' as never }), 'currency_unknown'],
    ['empty code', single('t', 'buyer', 'seller', '1', { code: '' }), 'code_invalid'],
    ['long code', single('t', 'buyer', 'seller', '1', { code: 'c'.repeat(65) }), 'code_invalid'],
    ['ref not a string', single('t', 'buyer', 'seller', '1', { refs: { order: 5 as never } }), 'refs_invalid'],
    ['too many refs', single('t', 'buyer', 'seller', '1', { refs: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }), 'refs_invalid'],
    ['empty ref key', single('t', 'buyer', 'seller', '1', { refs: { '': 'v' } }), 'refs_invalid'],
    ['__proto__ ref key', single('t', 'buyer', 'seller', '1', { refs: JSON.parse('{"__proto__":"v"}') as Record<string, string> }), 'refs_invalid'],
    ['long ref value', single('t', 'buyer', 'seller', '1', { refs: { k: 'v'.repeat(257) } }), 'refs_invalid'],
    ['same account', single('t', 'buyer', 'buyer', '1'), 'same_account'],
    ['timeout on a single', single('t', 'buyer', 'seller', '1', { timeoutAt: t0 + hourMs }), 'timeout_reserved_for_pending'],
    ['timeout in the past', hold('t', 'buyer', 'seller', '1', { timeoutAt: t0 }), 'timeout_invalid'],
    ['timeout now', hold('t', 'buyer', 'seller', '1', { timeoutAt: t0 + 1 }), 'timeout_invalid'],
    ['timeout not an integer', hold('t', 'buyer', 'seller', '1', { timeoutAt: t0 + 0.5 + hourMs }), 'timeout_invalid'],
    ['no debit account', single('t', 'nobody', 'seller', '1'), 'account_not_found'],
    ['no credit account', single('t', 'buyer', 'nobody', '1'), 'account_not_found'],
    ['transfer currency differs from accounts', single('t', 'buyer', 'seller', '1', { currency: 'USD' }), 'currency_mismatch'],
    ['accounts in different currencies', single('t', 'cash', 'usd', '1'), 'currency_mismatch'],
    ['overdraft', single('t', 'buyer', 'seller', '500.01'), 'insufficient_funds'],
    ['credit side limit', single('t', 'cash', 'vault', '0.01'), 'insufficient_funds'],
    ['over the credit limit', single('t', 'card', 'merchant-payable', '1000.01'), 'exceeds_credit_limit'],
    ['hold over the balance', hold('t', 'buyer', 'seller', '500.01'), 'insufficient_funds'],
    ['post of nothing', { id: 't', kind: 'post', pendingId: 'nothing' }, 'pending_not_found'],
    ['void of nothing', { id: 't', kind: 'void', pendingId: 'nothing' }, 'pending_not_found'],
    ['post of a single', { id: 't', kind: 'post', pendingId: 'fund-buyer' }, 'not_a_pending_transfer'],
  ];
  for (const [name, request, code] of cases) {
    it(`${code}: ${name}`, () => {
      const ledger = world();
      const before = structuredClone([...ledger.accounts.values()]);
      expect(one(ledger, request)).toBe(code);
      expect([...ledger.accounts.values()]).toEqual(before);
      expect(ledger.entries).toHaveLength(1);
    });
  }

  it('account_not_found names the missing account', () => {
    const ledger = world();
    expect(run(ledger, [single('t', 'buyer', 'ghost', '1')])[0]).toMatchObject({ code: 'account_not_found', detail: { accountId: 'ghost' } });
  });

  it('batch_too_large refuses the whole batch', () => {
    const ledger = world();
    const requests = Array.from({ length: transferRequestsMax + 1 }, (_, i) => single(`t${i}`, 'cash', 'seller', '1'));
    const applied = applyTransfers(ledgerViewOf(ledger.accounts.values(), []), requests, t0 + 1);
    expect(applied.ok ? 'ok' : applied.code).toBe('batch_too_large');
    const viaLedger = ledger.apply(requests, t0 + 1);
    expect(viaLedger.ok ? 'ok' : viaLedger.code).toBe('batch_too_large');
    expect(ledger.entries).toHaveLength(1);
    expect(idsNeeded(requests.slice(0, transferRequestsMax)).transferIds).toHaveLength(transferRequestsMax);
  });

  it('an empty batch writes nothing', () => {
    const ledger = world();
    const applied = applyTransfers(ledgerViewOf([], []), [], t0);
    expect(applied).toEqual({ ok: true, value: { accounts: [], transfers: [], entries: [], results: [] } });
    expect(ledger.entries).toHaveLength(1);
  });
});

describe('idempotency', () => {
  it('replaying a request returns the first transfer as exists and writes nothing', () => {
    const ledger = world();
    const request = single('pay', 'buyer', 'seller', '10.00', { refs: { order: 'o-1' } });
    const first = run(ledger, [request], t0 + 1)[0];
    const applied = ledger.apply([request], t0 + 99);
    if (!applied.ok) throw new Error('batch');
    expect(applied.value.results[0]).toEqual({ id: 'pay', status: 'exists', transfer: first?.status === 'created' ? first.transfer : undefined });
    expect(applied.value.accounts).toEqual([]);
    expect(applied.value.transfers).toEqual([]);
    expect(applied.value.entries).toEqual([]);
    expect(balances(ledger, 'buyer')).toEqual(['10.00', '500.00', '0.00', '0.00']);
  });

  it('compares amounts by value and only the optional fields the replay carries', () => {
    const ledger = world();
    expect(one(ledger, single('pay', 'buyer', 'seller', '10.00', { refs: { order: 'o-1' } }))).toBe('created');
    expect(one(ledger, single('pay', 'buyer', 'seller', '10'))).toBe('exists');
    expect(one(ledger, single('pay', 'buyer', 'seller', '10.0', { refs: { order: 'o-1' } }))).toBe('exists');
  });

  it('any differing field is exists_with_different_fields', () => {
    const ledger = world();
    const base = single('pay', 'buyer', 'seller', '10.00', { refs: { order: 'o-1' } });
    expect(one(ledger, base)).toBe('created');
    const variants: TransferRequest[] = [
      { ...base, amount: '10.01' },
      { ...base, debitAccountId: 'cash' },
      { ...base, creditAccountId: 'escrow' },
      { ...base, currency: 'USD' },
      { ...base, code: 'other' },
      { ...base, refs: { order: 'o-2' } },
      { ...base, refs: {} },
      { ...base, kind: 'pending' },
      { ...base, amount: 'garbage' },
      { id: 'pay', kind: 'post', pendingId: 'x' },
    ];
    for (const variant of variants) expect(one(ledger, variant), JSON.stringify(variant)).toBe('exists_with_different_fields');
    // linked is a field too: the replay in a chain differs from the unlinked original.
    const chained = run(ledger, [{ ...base, linked: true }, single('next', 'cash', 'seller', '1')]);
    expect(chained.map(statusOf)).toEqual(['exists_with_different_fields', 'linked_event_failed']);
  });

  it('duplicate ids inside one batch: the second is exists or exists_with_different_fields', () => {
    const ledger = world();
    const results = run(ledger, [
      single('dup', 'buyer', 'seller', '10.00'),
      single('dup', 'buyer', 'seller', '10.00'),
      single('dup', 'buyer', 'seller', '11.00'),
    ]);
    expect(results.map(statusOf)).toEqual(['created', 'exists', 'exists_with_different_fields']);
    expect(balances(ledger, 'seller')).toEqual(['0.00', '10.00', '0.00', '0.00']);
    expect(ledger.entries).toHaveLength(2);
  });

  it('resolution requests replay too, and a replayed pending after its post still exists', () => {
    const ledger = world();
    const pending = hold('h', 'buyer', 'escrow', '100.00', { timeoutAt: t0 + hourMs });
    expect(one(ledger, pending)).toBe('created');
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h', amount: '40' })).toBe('created');
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h', amount: '40.00' })).toBe('exists');
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h' })).toBe('exists');
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h', amount: '41' })).toBe('exists_with_different_fields');
    expect(one(ledger, { id: 'p', kind: 'void', pendingId: 'h' })).toBe('exists_with_different_fields');
    expect(one(ledger, pending)).toBe('exists');
    expect(one(ledger, { ...pending, timeoutAt: t0 + 2 * hourMs })).toBe('exists_with_different_fields');
    expect(ledger.entries).toHaveLength(3);
  });
});

describe('two-phase transfers', () => {
  it('a pending transfer reserves funds that a later request cannot spend', () => {
    const ledger = world();
    expect(one(ledger, hold('h', 'buyer', 'escrow', '400.00'))).toBe('created');
    expect(balances(ledger, 'buyer')).toEqual(['0.00', '500.00', '400.00', '0.00']);
    expect(balances(ledger, 'escrow')).toEqual(['0.00', '0.00', '0.00', '400.00']);
    expect(availableOf(acct(ledger, 'buyer')).amount.toFixed(2)).toBe('100.00');
    expect(transfer(ledger, 'h').state).toBe('open');
    expect(one(ledger, single('spend', 'buyer', 'seller', '100.01'))).toBe('insufficient_funds');
    expect(one(ledger, single('spend', 'buyer', 'seller', '100.00'))).toBe('created');
    // Pending credits are no cover: escrow cannot pay out what it has not received yet.
    expect(one(ledger, single('early', 'escrow', 'seller', '1.00'))).toBe('insufficient_funds');
  });

  it('a partial post posts part and releases the rest; the pending row records it once', () => {
    const ledger = world();
    expect(one(ledger, hold('h', 'buyer', 'escrow', '100.00', { refs: { order: 'o-9' } }))).toBe('created');
    const results = run(ledger, [{ id: 'p', kind: 'post', pendingId: 'h', amount: '60', code: 'escrow.capture' }], t0 + 7);
    expect(statusOf(results[0])).toBe('created');
    expect(balances(ledger, 'buyer')).toEqual(['60.00', '500.00', '0.00', '0.00']);
    expect(balances(ledger, 'escrow')).toEqual(['0.00', '60.00', '0.00', '0.00']);
    expect(availableOf(acct(ledger, 'buyer')).amount.toFixed(2)).toBe('440.00');
    expect(transfer(ledger, 'h')).toMatchObject({ state: 'posted', postedAmount: '60.00', resolvedById: 'p', resolvedAt: t0 + 7 });
    expect(transfer(ledger, 'p')).toMatchObject({ kind: 'post', pendingId: 'h', amount: '60.00', code: 'escrow.capture', refs: { order: 'o-9' }, debitAccountId: 'buyer', creditAccountId: 'escrow' });
    expect(ledger.entries.at(-1)).toMatchObject({ kind: 'post', amount: '60.00', releasedAmount: '100.00', pendingId: 'h' });
    expect(one(ledger, { id: 'p2', kind: 'post', pendingId: 'h' })).toBe('pending_already_posted');
    expect(one(ledger, { id: 'v2', kind: 'void', pendingId: 'h' })).toBe('pending_already_posted');
  });

  it('a post without amount posts everything; code and refs default to the pending ones', () => {
    const ledger = world();
    expect(one(ledger, hold('h', 'buyer', 'escrow', '100.00', { refs: { order: 'o-1' } }))).toBe('created');
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h' })).toBe('created');
    expect(transfer(ledger, 'p')).toMatchObject({ amount: '100.00', code: 'escrow.hold', refs: { order: 'o-1' } });
    expect(balances(ledger, 'escrow')).toEqual(['0.00', '100.00', '0.00', '0.00']);
  });

  it('post amounts: above the pending, zero and malformed are refused', () => {
    const ledger = world();
    expect(one(ledger, hold('h', 'buyer', 'escrow', '100.00'))).toBe('created');
    expect(run(ledger, [{ id: 'p', kind: 'post', pendingId: 'h', amount: '100.01' }])[0]).toMatchObject({ code: 'post_exceeds_pending', detail: { pendingAmount: '100.00' } });
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h', amount: '0' })).toBe('amount_not_positive');
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h', amount: '1.001' })).toBe('amount_invalid');
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h', code: '' })).toBe('code_invalid');
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h', refs: { x: 1 as never } })).toBe('refs_invalid');
    expect(transfer(ledger, 'h').state).toBe('open');
  });

  it('void releases the whole hold; the pending resolves once', () => {
    const ledger = world();
    expect(one(ledger, hold('h', 'buyer', 'escrow', '100.00'))).toBe('created');
    expect(one(ledger, { id: 'v', kind: 'void', pendingId: 'h', refs: { reason: 'cancelled' } })).toBe('created');
    expect(balances(ledger, 'buyer')).toEqual(['0.00', '500.00', '0.00', '0.00']);
    expect(balances(ledger, 'escrow')).toEqual(['0.00', '0.00', '0.00', '0.00']);
    expect(transfer(ledger, 'h')).toMatchObject({ state: 'voided', postedAmount: '0.00', resolvedById: 'v' });
    expect(ledger.entries.at(-1)).toMatchObject({ kind: 'void', amount: '100.00', releasedAmount: '100.00', refs: { reason: 'cancelled' } });
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h' })).toBe('pending_already_voided');
    expect(one(ledger, { id: 'v2', kind: 'void', pendingId: 'h' })).toBe('pending_already_voided');
    expect(one(ledger, { id: 'e', kind: 'expire', pendingId: 'h' })).toBe('pending_already_voided');
  });

  it('expire works from timeoutAt on; before it, and for holds without timeout, it is refused', () => {
    const ledger = world();
    const timeoutAt = t0 + hourMs;
    expect(one(ledger, hold('h', 'buyer', 'escrow', '100.00', { timeoutAt }))).toBe('created');
    expect(one(ledger, hold('forever', 'buyer', 'escrow', '50.00'))).toBe('created');
    expect(one(ledger, { id: 'e', kind: 'expire', pendingId: 'h' }, timeoutAt - 1)).toBe('pending_not_expired');
    expect(one(ledger, { id: 'e', kind: 'expire', pendingId: 'forever' }, timeoutAt + 10 * hourMs)).toBe('pending_not_expired');
    // At and after the timeout, post and void are refused: only expire resolves it.
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h' }, timeoutAt)).toBe('pending_expired');
    expect(one(ledger, { id: 'v', kind: 'void', pendingId: 'h' }, timeoutAt)).toBe('pending_expired');
    expect(one(ledger, { id: 'e', kind: 'expire', pendingId: 'h' }, timeoutAt)).toBe('created');
    expect(balances(ledger, 'buyer')).toEqual(['0.00', '500.00', '50.00', '0.00']);
    expect(transfer(ledger, 'h')).toMatchObject({ state: 'expired', postedAmount: '0.00', resolvedById: 'e', resolvedAt: timeoutAt });
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h' }, timeoutAt + 1)).toBe('pending_already_expired');
    expect(one(ledger, { id: 'e2', kind: 'expire', pendingId: 'h' }, timeoutAt + 1)).toBe('pending_already_expired');
  });

  it('a post just before the timeout still works', () => {
    const ledger = world();
    expect(one(ledger, hold('h', 'buyer', 'escrow', '100.00', { timeoutAt: t0 + hourMs }))).toBe('created');
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h' }, t0 + hourMs - 1)).toBe('created');
  });

  it('expiryRequestsFor builds deterministic expiries for due open holds; replays are exists', () => {
    const ledger = world();
    expect(run(ledger, [
      hold('h1', 'buyer', 'escrow', '10.00', { timeoutAt: t0 + 2 * hourMs }),
      hold('h2', 'buyer', 'escrow', '10.00', { timeoutAt: t0 + hourMs }),
      hold('h3', 'buyer', 'escrow', '10.00', { timeoutAt: t0 + 5 * hourMs }),
      hold('h4', 'buyer', 'escrow', '10.00'),
      hold('h5', 'buyer', 'escrow', '10.00', { timeoutAt: t0 + hourMs }),
    ]).map(statusOf)).toEqual(['created', 'created', 'created', 'created', 'created']);
    expect(one(ledger, { id: 'v5', kind: 'void', pendingId: 'h5' })).toBe('created');
    const now = t0 + 3 * hourMs;
    const requests = expiryRequestsFor([...ledger.transfers.values()], now);
    expect(requests).toEqual([
      { id: expiryIdOf('h2'), kind: 'expire', pendingId: 'h2' },
      { id: expiryIdOf('h1'), kind: 'expire', pendingId: 'h1' },
    ]);
    expect(run(ledger, requests, now).map(statusOf)).toEqual(['created', 'created']);
    // A second scheduler tab with the same stale candidates: nothing happens twice.
    expect(run(ledger, requests, now + 1).map(statusOf)).toEqual(['exists', 'exists']);
    expect(balances(ledger, 'buyer')).toEqual(['0.00', '500.00', '20.00', '0.00']);
  });

  it('a hold created and resolved in one batch ends as one final pending row', () => {
    const ledger = world();
    const applied = ledger.apply([hold('h', 'buyer', 'escrow', '30.00'), { id: 'p', kind: 'post', pendingId: 'h', amount: '10' }], t0 + 1);
    if (!applied.ok) throw new Error('batch');
    expect(applied.value.transfers.filter((t) => t.id === 'h')).toEqual([expect.objectContaining({ state: 'posted', postedAmount: '10.00' })]);
    expect(applied.value.accounts.map((a) => a.id).sort()).toEqual(['buyer', 'escrow']);
    expect(applied.value.entries.map((e) => e.kind)).toEqual(['pending', 'post']);
    expect(balances(ledger, 'buyer')).toEqual(['10.00', '500.00', '0.00', '0.00']);
  });
});

describe('linked chains', () => {
  it('commit all together', () => {
    const ledger = world();
    const results = run(ledger, [
      single('a', 'buyer', 'escrow', '100.00', { linked: true }),
      single('b', 'escrow', 'seller', '95.00', { linked: true }),
      single('c', 'escrow', 'cash', '5.00'),
    ]);
    expect(results.map(statusOf)).toEqual(['created', 'created', 'created']);
    expect(balances(ledger, 'escrow')).toEqual(['100.00', '100.00', '0.00', '0.00']);
  });

  it('if one fails none commit: it gets its own code, the others linked_event_failed', () => {
    const ledger = world();
    const before = structuredClone([...ledger.accounts.values()]);
    const results = run(ledger, [
      single('ok-before', 'cash', 'seller', '1.00'),
      single('a', 'buyer', 'escrow', '100.00', { linked: true }),
      single('b', 'escrow', 'seller', '150.00', { linked: true }), // escrow has only 100
      single('c', 'escrow', 'cash', '5.00'),
      single('ok-after', 'cash', 'seller', '2.00'),
    ]);
    expect(results.map(statusOf)).toEqual(['created', 'linked_event_failed', 'insufficient_funds', 'linked_event_failed', 'created']);
    expect(ledger.transfers.has('a')).toBe(false);
    expect(ledger.transfers.has('c')).toBe(false);
    const after = [...ledger.accounts.values()];
    expect(after.find((a) => a.id === 'buyer')).toEqual(before.find((a) => a.id === 'buyer'));
    expect(after.find((a) => a.id === 'escrow')).toEqual(before.find((a) => a.id === 'escrow'));
    expect(balances(ledger, 'seller')).toEqual(['0.00', '3.00', '0.00', '0.00']);
    expect(ledger.entries.map((e) => e.transferId)).toEqual(['fund-buyer', 'ok-before', 'ok-after']);
    expect(ledger.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('a failed chain also rolls back a resolution inside it: the hold stays open', () => {
    const ledger = world();
    expect(one(ledger, hold('h', 'buyer', 'escrow', '100.00'))).toBe('created');
    const results = run(ledger, [
      { id: 'p', kind: 'post', pendingId: 'h', linked: true },
      single('fee', 'seller', 'cash', '1.00'), // seller has nothing
    ]);
    expect(results.map(statusOf)).toEqual(['linked_event_failed', 'insufficient_funds']);
    expect(transfer(ledger, 'h').state).toBe('open');
    expect(balances(ledger, 'buyer')).toEqual(['0.00', '500.00', '100.00', '0.00']);
    expect(one(ledger, { id: 'p', kind: 'post', pendingId: 'h' })).toBe('created');
  });

  it('a chain may create and resolve a hold', () => {
    const ledger = world();
    const results = run(ledger, [hold('h', 'buyer', 'escrow', '50.00', { linked: true }), { id: 'p', kind: 'post', pendingId: 'h', amount: '20' }]);
    expect(results.map(statusOf)).toEqual(['created', 'created']);
    expect(balances(ledger, 'buyer')).toEqual(['20.00', '500.00', '0.00', '0.00']);
  });

  it('a chain still open at the end of the batch fails whole', () => {
    const ledger = world();
    const results = run(ledger, [single('x', 'cash', 'seller', '1'), single('a', 'cash', 'seller', '1', { linked: true }), single('b', 'cash', 'seller', '1', { linked: true })]);
    expect(results.map(statusOf)).toEqual(['created', 'linked_event_failed', 'linked_event_chain_open']);
    expect(balances(ledger, 'seller')).toEqual(['0.00', '1.00', '0.00', '0.00']);
  });

  it('exists inside a chain is success', () => {
    const ledger = world();
    expect(one(ledger, single('a', 'cash', 'seller', '1', { linked: true }))).toBe('linked_event_chain_open');
    expect(run(ledger, [single('a', 'cash', 'seller', '1', { linked: true }), single('b', 'cash', 'seller', '2')]).map(statusOf)).toEqual(['created', 'created']);
    expect(run(ledger, [single('a', 'cash', 'seller', '1', { linked: true }), single('b', 'cash', 'seller', '2')]).map(statusOf)).toEqual(['exists', 'exists']);
  });
});

describe('credit limit (card account kept by the card company)', () => {
  it('debits may exceed credits by at most the limit; repayments make room again', () => {
    const ledger = world();
    expect(one(ledger, single('buy-1', 'card', 'merchant-payable', '700.00'))).toBe('created');
    expect(availableOf(acct(ledger, 'card')).amount.toFixed(2)).toBe('300.00');
    expect(one(ledger, hold('auth', 'card', 'merchant-payable', '300.00'))).toBe('created');
    expect(run(ledger, [single('buy-2', 'card', 'merchant-payable', '0.01')])[0]).toMatchObject({ code: 'exceeds_credit_limit', detail: { accountId: 'card' } });
    expect(one(ledger, single('repay', 'buyer', 'card', '200.00'))).toBe('created');
    expect(availableOf(acct(ledger, 'card')).amount.toFixed(2)).toBe('200.00');
    expect(balanceOf(acct(ledger, 'card')).amount.toFixed(2)).toBe('500.00');
    expect(one(ledger, single('buy-2', 'card', 'merchant-payable', '200.00'))).toBe('created');
    expect(one(ledger, single('buy-3', 'card', 'merchant-payable', '0.01'))).toBe('exceeds_credit_limit');
  });
});

describe('idsNeeded and the view', () => {
  it('lists request ids, pending ids, and the accounts of pendings stored or in the batch', () => {
    const stored: Transfer = { id: 'h-old', kind: 'pending', debitAccountId: 'd1', creditAccountId: 'c1', amount: '1.00', currency: 'CNY', code: 'x', refs: {}, at: t0, linked: false, state: 'open' };
    const requests: TransferRequest[] = [
      single('s', 'a1', 'a2', '1'),
      hold('h-new', 'a3', 'a4', '1'),
      { id: 'p1', kind: 'post', pendingId: 'h-old' },
      { id: 'p2', kind: 'void', pendingId: 'h-new' },
      { id: 'p3', kind: 'expire', pendingId: 'h-missing' },
    ];
    const first = idsNeeded(requests);
    expect(first.transferIds).toEqual(['s', 'h-new', 'p1', 'h-old', 'p2', 'p3', 'h-missing']);
    expect(first.accountIds).toEqual(['a1', 'a2', 'a3', 'a4']);
    const second = idsNeeded(requests, (id) => (id === 'h-old' ? stored : undefined));
    expect(second.accountIds).toEqual(['a1', 'a2', 'a3', 'a4', 'd1', 'c1']);
  });

  it('a stored account that breaks its own limit is a bug, not a result', () => {
    const ledger = world();
    const broken = { ...acct(ledger, 'buyer'), debitsPosted: '900.00' };
    const view = ledgerViewOf([broken, acct(ledger, 'seller')], []);
    expect(() => applyTransfers(view, [single('x', 'buyer', 'seller', '1')], t0 + 1)).toThrow(AssertionError);
  });

  it('a pending whose account is missing from the view is account_not_found', () => {
    const ledger = world();
    expect(one(ledger, hold('h', 'buyer', 'escrow', '10.00'))).toBe('created');
    const view = ledgerViewOf([acct(ledger, 'buyer')], [transfer(ledger, 'h')]);
    const applied = applyTransfers(view, [{ id: 'p', kind: 'post', pendingId: 'h' }], t0 + 2);
    expect(applied.ok && applied.value.results[0]).toMatchObject({ status: 'failed', code: 'account_not_found', detail: { accountId: 'escrow' } });
  });
});
