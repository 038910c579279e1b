import { expect } from 'vitest';
import { ok, type Result } from '../../src/domain/index.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { runCommand, type CommandEnv, type Notice } from '../../src/app/command.ts';
import { allAccounts, moveMoney, trialBalanceNow, verifyLedger } from '../../src/app/ledger.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { applyForCertificate, issueRequestedCertificate } from '../../src/app/identity/ca.ts';
import { decideStore, storeIdOf } from '../../src/app/identity/stores.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { ensureWallet, walletId } from '../../src/app/market/accounts.ts';
import { goodPassword, labPassword, loggedInTab, registerActive } from './identity.ts';
import { meta } from './world.ts';

// Parties of a marketplace world for the app-layer tests: an approved seller, certified buyers
// (logged in, so they can sign receipt confirmations), wallets with money in them.

/** A seller, activated, whose store the platform approved. */
export async function approvedSeller(db: WorldDb, loginName: string): Promise<string> {
  const partyId = await registerActive(db, loginName, {
    role: 'seller',
    realName: '王掌柜',
    store: { name: `${loginName}的小店`, description: '正品保证' },
  });
  const decided = await decideStore(db, meta('platform'), { storeId: storeIdOf(partyId), decision: 'approve' });
  expect(decided.ok).toBe(true);
  return partyId;
}

/** The CA's tab, logged in with its lab-sheet password. */
export async function caTab(db: WorldDb, worldId: string): Promise<KeyRing> {
  return loggedInTab(db, worldId, 'ca', await labPassword(db, 'ca'));
}

/** A buyer, activated, logged in in its own tab, holding a certificate the CA issued. */
export async function certifiedBuyer(db: WorldDb, worldId: string, loginName: string, ca: KeyRing): Promise<{ partyId: string; ring: KeyRing }> {
  const partyId = await registerActive(db, loginName);
  const ring = await loggedInTab(db, worldId, loginName, goodPassword);
  const applied = await applyForCertificate(db, worldId, partyId, { keyRing: ring });
  if (!applied.ok) throw new Error(`apply: ${applied.code}`);
  const issued = await issueRequestedCertificate(db, worldId, 'ca', { requestId: applied.value.requestId }, { keyRing: ca });
  if (!issued.ok) throw new Error(`issue: ${issued.code}`);
  return { partyId, ring };
}

/**
 * Puts money in a wallet straight from the escrow agent's vault (a lab shortcut for tests that are
 * not about top-ups; the trial balance stays zero, as it is one transfer in one book).
 */
export async function fundWallet(db: WorldDb, partyId: string, amount: string): Promise<void> {
  const r = await runCommand(db, 'testFundWallet', meta('escrow'), async (tx) => {
    await ensureWallet(tx.db, partyId, tx.now);
    const moved = await moveMoney(tx, [{ id: `fund:${tx.meta.id}`, kind: 'single', debitAccountId: 'escrow:vault', creditAccountId: walletId(partyId), amount, currency: 'CNY', code: 'test.fund' }]);
    return moved.ok ? ok(null) : moved;
  });
  expect(r.ok).toBe(true);
}

/** Moves the clock forward by whole days and runs every job that fell due, as the leader tab would. */
export async function advanceDays(db: WorldDb, days: number): Promise<void> {
  const r = await advanceClock(db, meta('platform'), { kind: 'days', days });
  expect(r.ok).toBe(true);
  await runDueJobs(db, 'test-leader');
}

export async function advanceHours(db: WorldDb, hours: number): Promise<void> {
  const r = await advanceClock(db, meta('platform'), { kind: 'hours', hours });
  expect(r.ok).toBe(true);
  await runDueJobs(db, 'test-leader');
}

/**
 * The ledger is consistent: debits equal credits in every currency, every institution's book
 * balances on its own (movements between books are linked pairs), and the chain verifies.
 */
export async function expectLedgerSound(db: WorldDb): Promise<void> {
  const rows = await trialBalanceNow(db);
  for (const row of rows) expect(row.postedBalanced && row.pendingBalanced, `trial balance ${row.currency}: ${JSON.stringify(row)}`).toBe(true);
  const perBook = new Map<string, bigint>();
  for (const a of await allAccounts(db)) {
    const minor = (s: string) => BigInt(s.replace('.', ''));
    perBook.set(a.bookId, (perBook.get(a.bookId) ?? 0n) + minor(a.debitsPosted) - minor(a.creditsPosted));
  }
  for (const [book, difference] of perBook) expect(difference, `book ${book} balances`).toBe(0n);
  const report = await verifyLedger(db);
  expect(report.ok).toBe(true);
}

/** Collects the notices commands publish (what other tabs would receive). */
export function noticeRecorder(): { env: CommandEnv; notices: Notice[] } {
  const notices: Notice[] = [];
  return { env: { publish: (n) => notices.push(...n) }, notices };
}

export function unwrap<T>(r: Result<T, string>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.code} ${JSON.stringify(r.detail ?? {})}`);
  return r.value;
}

export const address = { recipient: '李雷', phone: '13812345678', address: '北京市海淀区中关村大街1号', postcode: '100080' };
