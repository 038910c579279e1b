import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MemoryLedger,
  amountToMinor,
  expiryRequestsFor,
  limitViolation,
  minorToAmount,
  storedToMinor,
  trialBalance,
  verifyJournal,
  type Account,
  type AccountBalances,
  type AccountInput,
  type JournalEntry,
  type Transfer,
  type TransferRequest,
  type TransferResult,
} from '../../src/domain/index.ts';

const t0 = Date.UTC(2025, 0, 1);

const accountInputs: AccountInput[] = [
  { id: 'src', partyId: 'bank', bookId: 'bank', code: 'bank.cash', name: 'cash', currency: 'CNY', normal: 'debit' },
  { id: 'a', partyId: 'pa', bookId: 'bank', code: 'bank.deposit', name: 'a', currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true } },
  { id: 'b', partyId: 'pb', bookId: 'bank', code: 'bank.deposit', name: 'b', currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true } },
  { id: 'c', partyId: 'pc', bookId: 'escrow', code: 'escrow.wallet', name: 'c', currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true } },
  { id: 'card', partyId: 'pa', bookId: 'card-co', code: 'card.receivable', name: 'card', currency: 'CNY', normal: 'debit', flags: { debitsMustNotExceedCredits: true, creditLimit: '50.00' } },
  { id: 'vault', partyId: 'bank', bookId: 'bank', code: 'bank.vault', name: 'vault', currency: 'CNY', normal: 'debit', flags: { creditsMustNotExceedDebits: true } },
  { id: 'usd', partyId: 'pa', bookId: 'bank', code: 'bank.deposit', name: 'usd', currency: 'USD', normal: 'credit', flags: { debitsMustNotExceedCredits: true } },
  { id: 'usd-src', partyId: 'bank', bookId: 'bank', code: 'bank.cash', name: 'usd cash', currency: 'USD', normal: 'debit' },
];
const accountIds = [...accountInputs.map((a) => a.id), 'ghost'];

type Op =
  | { t: 'single' | 'pending'; debit: number; credit: number; amount: string; otherCurrency: boolean; timeoutMs: number | null; linked: boolean }
  | { t: 'post'; pick: number; amount: string | null; anyTarget: boolean; linked: boolean }
  | { t: 'void' | 'expire'; pick: number; linked: boolean }
  | { t: 'replay' | 'replayChanged'; pick: number };

const amountArb = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 6000 }).map((m) => minorToAmount(BigInt(m), 2)) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1.00', '1.001', 'x', '12.3') },
);
const linkedArb = fc.integer({ min: 0, max: 5 }).map((n) => n === 0);
// Mostly the CNY accounts, so most requests get past the account checks to the interesting ones.
const accountArb = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 6, max: accountIds.length - 1 }) },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('single' as const), debit: accountArb, credit: accountArb, amount: amountArb, otherCurrency: fc.integer({ min: 0, max: 15 }).map((n) => n === 0), timeoutMs: fc.constant(null), linked: linkedArb }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('pending' as const), debit: accountArb, credit: accountArb, amount: amountArb, otherCurrency: fc.constant(false), timeoutMs: fc.option(fc.integer({ min: 1, max: 200 })), linked: linkedArb }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('post' as const), pick: fc.nat(), amount: fc.option(fc.integer({ min: 1, max: 6000 }).map((m) => minorToAmount(BigInt(m), 2))), anyTarget: fc.integer({ min: 0, max: 3 }).map((n) => n === 0), linked: linkedArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('void' as const), pick: fc.nat(), linked: linkedArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('expire' as const), pick: fc.nat(), linked: linkedArb }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('replay' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('replayChanged' as const), pick: fc.nat() }) },
);
const batchArb = fc.record({ ops: fc.array(opArb, { minLength: 1, maxLength: 8 }), advanceMs: fc.integer({ min: 0, max: 80 }) });

type Sent = { requests: TransferRequest[]; results: readonly TransferResult[] };

function setup(): MemoryLedger {
  const ledger = new MemoryLedger();
  for (const input of accountInputs) {
    const added = ledger.addAccount(input, t0);
    if (!added.ok) throw new Error(added.code);
  }
  const funded = ledger.apply([
    { id: 'fund-a', kind: 'single', debitAccountId: 'src', creditAccountId: 'a', amount: '100.00', currency: 'CNY', code: 'fund' },
    { id: 'fund-b', kind: 'single', debitAccountId: 'src', creditAccountId: 'b', amount: '40.00', currency: 'CNY', code: 'fund' },
    { id: 'fund-usd', kind: 'single', debitAccountId: 'usd-src', creditAccountId: 'usd', amount: '20.00', currency: 'USD', code: 'fund' },
  ], t0);
  if (!funded.ok) throw new Error(funded.code);
  return ledger;
}

/** Chain membership per the linked rule: in a chain if it or its predecessor is linked. */
function inChain(requests: readonly TransferRequest[], i: number): boolean {
  return requests[i]?.linked === true || (i > 0 && requests[i - 1]?.linked === true);
}

/** The test's own model of the four balances, driven by created transfer rows only. */
class Model {
  readonly balances = new Map<string, AccountBalances>();

  constructor(accounts: Iterable<Account>) {
    for (const a of accounts) {
      this.balances.set(a.id, {
        debitsPosted: storedToMinor(a.debitsPosted, 2) ?? -1n,
        creditsPosted: storedToMinor(a.creditsPosted, 2) ?? -1n,
        debitsPending: storedToMinor(a.debitsPending, 2) ?? -1n,
        creditsPending: storedToMinor(a.creditsPending, 2) ?? -1n,
      });
    }
  }

  private add(id: string, patch: Partial<Record<keyof AccountBalances, bigint>>): void {
    const b = this.balances.get(id);
    if (b === undefined) throw new Error(`model has no ${id}`);
    this.balances.set(id, {
      debitsPosted: b.debitsPosted + (patch.debitsPosted ?? 0n),
      creditsPosted: b.creditsPosted + (patch.creditsPosted ?? 0n),
      debitsPending: b.debitsPending + (patch.debitsPending ?? 0n),
      creditsPending: b.creditsPending + (patch.creditsPending ?? 0n),
    });
  }

  apply(t: Transfer, pendingAmount: string | undefined): void {
    const amount = storedToMinor(t.amount, 2) as bigint;
    const released = pendingAmount === undefined ? 0n : (storedToMinor(pendingAmount, 2) as bigint);
    const posted = t.kind === 'single' || t.kind === 'post' ? amount : 0n;
    const pending = t.kind === 'pending' ? amount : -released;
    this.add(t.debitAccountId, { debitsPosted: posted, debitsPending: pending });
    this.add(t.creditAccountId, { creditsPosted: posted, creditsPending: pending });
  }

  /** Would a single/pending of this amount break a limit on either account? */
  wouldBreak(accounts: Map<string, Account>, request: TransferRequest): boolean {
    if (request.kind !== 'single' && request.kind !== 'pending') return false;
    const amount = amountToMinor(request.amount, 2) as bigint;
    const posted = request.kind === 'single' ? amount : 0n;
    const pending = request.kind === 'pending' ? amount : 0n;
    const debit = this.balances.get(request.debitAccountId) as AccountBalances;
    const credit = this.balances.get(request.creditAccountId) as AccountBalances;
    const debitRow = accounts.get(request.debitAccountId) as Account;
    const creditRow = accounts.get(request.creditAccountId) as Account;
    return limitViolation(debitRow, { ...debit, debitsPosted: debit.debitsPosted + posted, debitsPending: debit.debitsPending + pending }) !== undefined ||
      limitViolation(creditRow, { ...credit, creditsPosted: credit.creditsPosted + posted, creditsPending: credit.creditsPending + pending }) !== undefined;
  }
}

function snapshot(ledger: MemoryLedger) {
  return structuredClone({ accounts: [...ledger.accounts.values()], transfers: [...ledger.transfers.values()], entries: ledger.entries, head: ledger.head });
}

function checkInvariants(ledger: MemoryLedger, model: Model): void {
  for (const row of trialBalance(ledger.accounts.values())) {
    expect(row.postedBalanced, `${row.currency} posted`).toBe(true);
    expect(row.pendingBalanced, `${row.currency} pending`).toBe(true);
  }
  for (const account of ledger.accounts.values()) {
    const b = model.balances.get(account.id) as AccountBalances;
    expect([account.debitsPosted, account.creditsPosted, account.debitsPending, account.creditsPending], account.id).toEqual(
      [b.debitsPosted, b.creditsPosted, b.debitsPending, b.creditsPending].map((m) => minorToAmount(m, 2)));
    // No flagged account beyond its limit; no balance below zero.
    expect(limitViolation(account, b), account.id).toBeUndefined();
    for (const m of Object.values(b)) expect(m >= 0n).toBe(true);
  }
  // Each pending resolves at most once, and its row says how.
  const resolutions = new Map<string, number>();
  for (const t of ledger.transfers.values()) if (t.pendingId !== undefined) resolutions.set(t.pendingId, (resolutions.get(t.pendingId) ?? 0) + 1);
  for (const [pendingId, count] of resolutions) {
    expect(count, pendingId).toBe(1);
    expect(ledger.transfers.get(pendingId)?.state).not.toBe('open');
  }
}

function isEarlier(index: number, batchStart: number): boolean {
  return index >= 0 && index < batchStart;
}

/** What the random runs exercised, `${kind}:${status or code}`: the first property checks that the
 * generator reaches every interesting case, so a weakened generator fails instead of passing idly. */
const seen = new Map<string, number>();

/** Runs random batches; returns the ledger, what was sent, and the world time reached. */
function runBatches(batches: { ops: Op[]; advanceMs: number }[]) {
  const ledger = setup();
  const model = new Model(ledger.accounts.values());
  const sent: Sent[] = [];
  const history: TransferRequest[] = [];
  const createdHistory: TransferRequest[] = [];
  let staleExpiries: TransferRequest[] = [];
  const pendingIds: string[] = [];
  let now = t0 + 1;
  let counter = 0;
  for (const batch of batches) {
    now += batch.advanceMs;
    const requests: TransferRequest[] = batch.ops.map((op): TransferRequest => {
      counter += 1;
      const id = `t${counter}`;
      const pickPending = (pick: number) => pendingIds[pick % Math.max(1, pendingIds.length)] ?? 'none';
      switch (op.t) {
        case 'single':
        case 'pending': {
          const debitId = accountIds[op.debit] as string;
          const currency = accountInputs.find((a) => a.id === debitId)?.currency ?? 'CNY';
          if (op.t === 'pending') pendingIds.push(id);
          return {
            id, kind: op.t, debitAccountId: debitId, creditAccountId: accountIds[op.credit] as string, amount: op.amount,
            currency: op.otherCurrency ? (currency === 'CNY' ? 'USD' : 'CNY') : currency, code: `prop.${op.t}`, refs: { n: String(counter) },
            ...(op.timeoutMs !== null ? { timeoutAt: now + op.timeoutMs } : {}), linked: op.linked,
          };
        }
        case 'post':
          return { id, kind: 'post', pendingId: op.anyTarget ? (history[op.pick % Math.max(1, history.length)]?.id ?? 'none') : pickPending(op.pick), ...(op.amount !== null ? { amount: op.amount } : {}), linked: op.linked };
        case 'void':
        case 'expire':
          return { id, kind: op.t, pendingId: pickPending(op.pick), linked: op.linked };
        case 'replay': {
          // Half of the replays pick a request that committed, so every kind gets its `exists`.
          const pool = op.pick % 2 === 0 && createdHistory.length > 0 ? createdHistory : history;
          return pool[Math.floor(op.pick / 2) % Math.max(1, pool.length)] ?? { id, kind: 'void', pendingId: 'none' };
        }
        case 'replayChanged': {
          const earlier = history[op.pick % Math.max(1, history.length)];
          return earlier === undefined ? { id, kind: 'void', pendingId: 'none' } : { ...earlier, code: 'prop.changed' };
        }
      }
    });
    // The storage layer's scheduler expires what is due at this world time; a second, stale
    // scheduler (another tab) repeats the previous batch's expiries, which must come back `exists`.
    const expiries = expiryRequestsFor([...ledger.transfers.values()], now);
    requests.push(...staleExpiries, ...expiries);
    staleExpiries = expiries;

    const existedBefore = new Set(requests.filter((r) => ledger.transfers.has(r.id)).map((r) => r.id));
    const accountsBefore = new Map(ledger.accounts);
    const applied = ledger.apply(requests, now);
    if (!applied.ok) throw new Error(applied.code);
    const results = applied.value.results;
    sent.push({ requests, results });
    history.push(...requests);
    // Later batches pick among holds that exist (a failed pending request left no hold).
    for (let k = pendingIds.length - 1; k >= 0; k -= 1) if (!ledger.transfers.has(pendingIds[k] as string)) pendingIds.splice(k, 1);

    results.forEach((result, i) => {
      const request = requests[i] as TransferRequest;
      expect(result.id).toBe(request.id);
      const partial = request.kind === 'post' && result.status === 'created' && result.transfer.amount !== ledger.transfers.get(request.pendingId)?.amount ? ':partial' : '';
      const key = `${request.kind}:${result.status === 'failed' ? result.code : result.status}${partial}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (!inChain(requests, i) && existedBefore.has(request.id) && isEarlier(history.indexOf(request), history.length - requests.length)) {
        // A replay of an earlier request outside any chain: the same fields, so exists.
        expect(result.status, request.id).not.toBe('created');
      }
      if (result.status === 'created') {
        createdHistory.push(request);
        const t = result.transfer;
        model.apply(t, t.pendingId === undefined ? undefined : ledger.transfers.get(t.pendingId)?.amount);
      } else if (result.status === 'failed' && !inChain(requests, i) && (result.code === 'insufficient_funds' || result.code === 'exceeds_credit_limit')) {
        // Never refused wrongly: the model agrees the limit would break.
        expect(model.wouldBreak(accountsBefore, request), `${request.id} ${result.code}`).toBe(true);
      }
    });
    checkInvariants(ledger, model);
  }
  return { ledger, sent, now };
}

const fields = ['seq', 'transferId', 'kind', 'debitAccountId', 'creditAccountId', 'amount', 'releasedAmount', 'currency', 'code', 'refs', 'at', 'pendingId', 'prevHash', 'hash'] as const;

describe('ledger properties', () => {
  it('random transfers, holds, posts, voids, expiries and replays keep the books balanced, within limits, and verifiable', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 12 }), (batches) => {
        const { ledger } = runBatches(batches);
        const report = verifyJournal(ledger.head, ledger.entries, ledger.accounts.values());
        expect(report).toEqual({ ok: true, entriesChecked: ledger.entries.length, balanceMismatches: [], balanceMismatchCount: 0 });
      }),
      { numRuns: 150 },
    );
    const reached = [
      'single:created', 'single:exists', 'single:insufficient_funds', 'single:exceeds_credit_limit', 'single:currency_mismatch',
      'single:same_account', 'single:account_not_found', 'single:amount_not_positive', 'single:amount_invalid', 'single:linked_event_failed',
      'single:exists_with_different_fields',
      'pending:created', 'pending:exists', 'pending:insufficient_funds',
      'post:created', 'post:created:partial', 'post:post_exceeds_pending', 'post:pending_already_posted', 'post:pending_already_voided',
      'post:pending_already_expired', 'post:pending_expired', 'post:not_a_pending_transfer', 'post:pending_not_found',
      'void:created', 'void:pending_already_posted', 'expire:created', 'expire:pending_not_expired', 'expire:exists',
    ];
    expect(reached.filter((key) => (seen.get(key) ?? 0) === 0)).toEqual([]);
  });

  it('replaying every committed request again changes nothing', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 1000 }), (batches, laterMs) => {
        const { ledger, sent, now } = runBatches(batches);
        // Committed segments: single requests and whole linked chains whose members all succeeded.
        const replay: TransferRequest[] = [];
        for (const { requests, results } of sent) {
          let start = 0;
          for (let i = 0; i < requests.length; i += 1) {
            if (requests[i]?.linked === true && i < requests.length - 1) continue;
            const segment = requests.slice(start, i + 1);
            if (results.slice(start, i + 1).every((r) => r.status !== 'failed') && segment.at(-1)?.linked !== true) replay.push(...segment);
            start = i + 1;
          }
        }
        const before = snapshot(ledger);
        const applied = ledger.apply(replay, now + laterMs);
        if (!applied.ok) throw new Error(applied.code);
        expect(applied.value.results.every((r) => r.status === 'exists')).toBe(true);
        expect(applied.value.accounts).toEqual([]);
        expect(applied.value.transfers).toEqual([]);
        expect(applied.value.entries).toEqual([]);
        expect(snapshot(ledger)).toEqual(before);
      }),
      { numRuns: 80 },
    );
  });

  it('changing any single field of any stored entry is detected by verify', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 6 }), fc.nat(), fc.constantFrom(...fields), fc.boolean(), (batches, pick, field, swapBoth) => {
        const { ledger } = runBatches(batches);
        const entries = structuredClone(ledger.entries) as JournalEntry[];
        const index = pick % entries.length;
        const entry = entries[index] as unknown as Record<string, unknown>;
        const value = entry[field];
        if (field === 'refs') entry.refs = swapBoth ? {} : { ...(value as object), tampered: '1' };
        else if (typeof value === 'number') entry[field] = swapBoth ? value - 1 : value + 1;
        else if (typeof value === 'string') entry[field] = field.endsWith('ash') ? (value.startsWith('0') ? '1' : '0') + value.slice(1) : `${value}1`;
        else entry[field] = '1.00'; // an optional field that was absent
        if (field === 'refs' && swapBoth && Object.keys(value as object).length === 0) entry.refs = { added: 'x' };
        const report = verifyJournal(ledger.head, entries, ledger.accounts.values());
        expect(report.ok).toBe(false);
        expect(report.firstBrokenSeq).toBe(index + 1);
      }),
      { numRuns: 200 },
    );
  });
});
