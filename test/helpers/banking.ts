import { expect } from 'vitest';
import type { WorldDb } from '../../src/storage/schema.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { counterDeposit, giveCash } from '../../src/app/banking/cash.ts';
import { teacherOf } from './world.ts';
import { applyForCertificate, issueRequestedCertificate } from '../../src/app/identity/ca.ts';
import { onlineBankingLogin } from '../../src/app/identity/banking-login.ts';
import { KeyRing, tabKeys } from '../../src/app/identity/keys.ts';
import { allAccounts, trialBalanceNow, verifyLedger } from '../../src/app/ledger.ts';
import { balanceOf, bankingAccountIds, toStored, type Account } from '../../src/domain/index.ts';
import { goodPassword, labPassword, loggedInTab, registerActive } from './identity.ts';
import { meta } from './world.ts';

/** A registered, activated buyer whose account at `bankId` the bank approved. */
export async function customerAt(db: WorldDb, loginName: string, bankId: string): Promise<string> {
  const partyId = await registerActive(db, loginName);
  const applied = await applyForBankAccount(db, meta(partyId), { bankId });
  if (!applied.ok) throw new Error(`apply: ${applied.code}`);
  const approved = await approveBankApplication(db, meta(bankId), { applicationId: applied.value.id });
  if (!approved.ok) throw new Error(`approve: ${approved.code}`);
  return partyId;
}

/** Gives the customer `amount` in cash and pays it in at the bank's counter. */
export async function fund(db: WorldDb, partyId: string, bankId: string, amount: string): Promise<void> {
  expect((await giveCash(db, await teacherOf(db), meta('clearing'), { partyId, amount })).ok).toBe(true);
  const d = await counterDeposit(db, meta(bankId), { accountId: bankingAccountIds.deposit(bankId, partyId), amount });
  if (!d.ok) throw new Error(`deposit: ${d.code}`);
}

/**
 * Logs the customer in, gets a certificate, and opens an online-banking session, all in the
 * module's tab key ring (`tabKeys`, what commands consult when their env names no ring), so a test
 * acts as the customer's tab by calling commands without an env.
 */
export async function onlineBanking(db: WorldDb, worldId: string, loginName: string, partyId: string, bankId: string): Promise<KeyRing> {
  const ring = await loggedInTab(db, worldId, loginName, goodPassword, tabKeys);
  const ca = await loggedInTab(db, worldId, 'ca', await labPassword(db, 'ca'));
  const applied = await applyForCertificate(db, worldId, partyId, { keyRing: ring });
  if (!applied.ok) throw new Error(`certificate application: ${applied.code}`);
  const issued = await issueRequestedCertificate(db, worldId, 'ca', { requestId: applied.value.requestId }, { keyRing: ca });
  if (!issued.ok) throw new Error(`certificate: ${issued.code}`);
  const login = await onlineBankingLogin(db, worldId, { bankId, partyId }, { keyRing: ring });
  if (!login.result.ok) throw new Error(`online banking: ${login.result.code}`);
  return ring;
}

export async function balances(db: WorldDb): Promise<Map<string, string>> {
  return new Map((await allAccounts(db)).map((a: Account) => [a.id, toStored(balanceOf(a)).amount]));
}

/** Trial balance zero, every book balanced on its own, journal verifies. */
export async function expectBooksSound(db: WorldDb): Promise<void> {
  const tb = await trialBalanceNow(db);
  expect(tb.every((r) => r.postedBalanced && r.pendingBalanced)).toBe(true);
  const perBook = new Map<string, bigint>();
  for (const a of await allAccounts(db)) {
    const d = BigInt(a.debitsPosted.replace('.', '')) - BigInt(a.creditsPosted.replace('.', ''));
    perBook.set(a.bookId, (perBook.get(a.bookId) ?? 0n) + d);
  }
  for (const [book, diff] of perBook) expect(diff, `book ${book} balances`).toBe(0n);
  const report = await verifyLedger(db);
  expect(report.ok).toBe(true);
}
