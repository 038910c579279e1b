import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { counterWithdrawal } from '../../src/app/banking/cash.ts';
import { approveBankApplication, applyForBankAccount, bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { depositBalance, onlineBankingTransfer } from '../../src/app/banking/transfers.ts';
import { onlineBankingLogin, requireOnlineBanking } from '../../src/app/identity/banking-login.ts';
import { applyForCertificate, issueRequestedCertificate } from '../../src/app/identity/ca.ts';
import { KeyRing, onlineBankingIdleMs } from '../../src/app/identity/keys.ts';
import { login, logout } from '../../src/app/identity/login.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { readClock } from '../../src/app/clock-read.ts';
import { exportWorld } from '../../src/app/world-file.ts';
import { splitStream } from '../helpers/world-stream-file.ts';
import { getWorld } from '../../src/app/worlds.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import { bankingAccountIds, dayMs, minuteMs } from '../../src/domain/index.ts';
import type { CommandEnv } from '../../src/app/command.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { goodPassword, labPassword, loggedInTab, registerActive } from '../helpers/identity.ts';
import { customerAt, fund } from '../helpers/banking.ts';

// Issue 13 items 1-2 and issue 12 item 11: online-banking sessions live in the tab (its key ring)
// and last 30 device-minutes idle; a tab acts as a party only after signing in as it.

/** A device clock the test moves by hand. */
function deviceClock(startMs = 1_000_000): { nowMs: () => number; pass: (ms: number) => void } {
  let now = startMs;
  return { nowMs: () => now, pass: (ms) => (now += ms) };
}

/** The tab environment a WorldSession builds (sync/session.ts), for a given ring. */
function tabEnv(worldId: string, ring: KeyRing): CommandEnv {
  return { acting: (partyId) => ring.acting(worldId, partyId), keyRing: ring };
}

/** alice at bank-a with ¥1000, a certificate, logged in and in online banking in `ring`; bob at bank-a. */
async function aliceOnline(ring: KeyRing) {
  const { db, id } = await freshWorld();
  const alice = await customerAt(db, 'alice', 'bank-a');
  const bob = await customerAt(db, 'bob', 'bank-a');
  await fund(db, alice, 'bank-a', '1000');
  await loggedInTab(db, id, 'alice', goodPassword, ring);
  const ca = await loggedInTab(db, id, 'ca', await labPassword(db, 'ca'));
  const applied = await applyForCertificate(db, id, alice, { keyRing: ring });
  if (!applied.ok) throw new Error(applied.code);
  expect((await issueRequestedCertificate(db, id, 'ca', { requestId: applied.value.requestId }, { keyRing: ca })).ok).toBe(true);
  const opened = await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId: alice }, { keyRing: ring });
  expect(opened.result.ok).toBe(true);
  const bobCard = (await bankAccountsOf(db, bob))[0]!.cardNumber;
  return { db, id, alice, bob, bobCard };
}

describe('online-banking sessions belong to the tab', () => {
  it('a tab that never logged in cannot pay from alice’s account; nothing is stored in the world', async () => {
    const aliceTab = new KeyRing();
    const { db, id, alice, bobCard } = await aliceOnline(aliceTab);
    const strangerTab = new KeyRing();
    const sent = await onlineBankingTransfer(db, meta(alice), { bankId: 'bank-a', payeeCard: bobCard, amount: '300' }, { keyRing: strangerTab });
    expect(sent).toMatchObject({ ok: false, code: 'online_banking_required' });
    expect(await depositBalance(db, 'bank-a', alice)).toBe('1000.00');
    // The world holds no session: no row, nothing an export or another tab could pick up.
    expect(await identityTables(db).bankSessions.count()).toBe(0);
    // alice's own tab may pay.
    expect((await onlineBankingTransfer(db, meta(alice), { bankId: 'bank-a', payeeCard: bobCard, amount: '300' }, { keyRing: aliceTab })).ok).toBe(true);
    expect(await depositBalance(db, 'bank-a', alice)).toBe('700.00');
    void id;
  });

  it('logout ends the party’s online-banking sessions', async () => {
    const ring = new KeyRing();
    const { db, id, alice, bobCard } = await aliceOnline(ring);
    expect(ring.bankingState(id, alice, 'bank-a').ok).toBe(true);
    expect((await logout(db, id, alice, { keyRing: ring })).ok).toBe(true);
    expect(ring.bankingState(id, alice, 'bank-a')).toMatchObject({ ok: false, code: 'online_banking_required' });
    // Logging in again does not bring the old session back.
    expect((await login(db, id, { loginName: 'alice', password: goodPassword }, { keyRing: ring })).ok).toBe(true);
    expect(await onlineBankingTransfer(db, meta(alice), { bankId: 'bank-a', payeeCard: bobCard, amount: '1' }, { keyRing: ring })).toMatchObject({ code: 'online_banking_required' });
  });

  it('lapses after 30 device-minutes without use; use keeps it alive; the world clock does not end it', async () => {
    const clock = deviceClock();
    const ring = new KeyRing(clock.nowMs);
    const { db, id, alice, bobCard } = await aliceOnline(ring);
    const pay = (amount: string) => onlineBankingTransfer(db, meta(alice), { bankId: 'bank-a', payeeCard: bobCard, amount }, { keyRing: ring });

    // Days of world time pass (a lab's clock moves): the session is still open.
    await advanceClock(db, meta('bank-a'), { kind: 'days', days: 3 });
    expect(await readClock(db)).toBeGreaterThanOrEqual(3 * dayMs);
    expect((await pay('1')).ok).toBe(true);
    // Just under the idle limit, each use restarts it.
    clock.pass(onlineBankingIdleMs - minuteMs);
    expect((await pay('1')).ok).toBe(true);
    clock.pass(onlineBankingIdleMs - minuteMs);
    expect((await pay('1')).ok).toBe(true);
    // 30 idle device-minutes: ended, and it stays ended.
    clock.pass(onlineBankingIdleMs);
    expect(await pay('1')).toMatchObject({ ok: false, code: 'online_banking_expired' });
    clock.pass(-onlineBankingIdleMs);
    expect(await requireOnlineBanking({ db, env: { keyRing: ring }, now: await readClock(db) }, 'bank-a', alice)).toMatchObject({ code: 'online_banking_expired' });
    expect(await depositBalance(db, 'bank-a', alice)).toBe('997.00');
    // A new U盾 login opens a fresh session.
    expect((await onlineBankingLogin(db, id, { bankId: 'bank-a', partyId: alice }, { keyRing: ring })).result.ok).toBe(true);
    expect((await pay('1')).ok).toBe(true);
  });

  it('an exported world file carries no session', async () => {
    const ring = new KeyRing();
    const { db, id } = await aliceOnline(ring);
    db.close();
    const text = await (await exportWorld((await getWorld(id))!)).text();
    const sessions = splitStream(new TextEncoder().encode(text)).tables.find((t) => t.tableName === 'bankSessions');
    expect(sessions?.rows ?? []).toEqual([]);
  });

  it('v12 empties the sessions a v10 world stored, keeping each signed response for the audit', async () => {
    const name = `settlelab-world-legacy-${Date.now().toString(36)}`;
    const old = new Dexie(name);
    for (const m of migrations.filter((x) => x.version <= 10)) {
      const v = old.version(m.version).stores({ ...m.stores });
      if (m.upgrade) v.upgrade(m.upgrade);
    }
    await old.open();
    const response = { payload: { challenge: { nonce: 'n1' } }, signature: 'ab' };
    await old.table('bankChallenges').add({ id: 'n1', bankId: 'bank-a', partyId: 'u-alice', challenge: { nonce: 'n1' }, status: 'accepted', refusal: null });
    await old.table('bankSessions').add({ id: 'n1', bankId: 'bank-a', partyId: 'u-alice', openedAt: 0, expiresAt: 9e15, serial: 2, response, closedAt: null });
    old.close();
    const db = new WorldDb(name);
    await db.open();
    expect(await identityTables(db).bankSessions.count()).toBe(0);
    expect(await identityTables(db).bankChallenges.get('n1')).toMatchObject({ status: 'accepted', response });
    db.close();
  });
});

describe('a tab acts as a party only after signing in as it', () => {
  it('the bank counter cannot pay out a deposit from a tab not signed in as the bank', async () => {
    const { db, id } = await freshWorld();
    const alice = await customerAt(db, 'alice', 'bank-a');
    await fund(db, alice, 'bank-a', '500');
    const tab = new KeyRing();
    const env = tabEnv(id, tab);
    const withdraw = () => counterWithdrawal(db, meta('bank-a'), { accountId: bankingAccountIds.deposit('bank-a', alice), amount: '100' }, env);
    expect(await withdraw()).toMatchObject({ ok: false, code: 'sign_in_required', detail: { party: 'bank-a' } });
    // Signed in as alice is not signed in as the bank.
    await loggedInTab(db, id, 'alice', goodPassword, tab);
    expect(await withdraw()).toMatchObject({ ok: false, code: 'sign_in_required' });
    expect(await depositBalance(db, 'bank-a', alice)).toBe('500.00');
    await loggedInTab(db, id, 'bank-a', await labPassword(db, 'bank-a'), tab);
    expect((await withdraw()).ok).toBe(true);
    expect(await depositBalance(db, 'bank-a', alice)).toBe('400.00');
  });

  it('approvals and customers’ own commands are refused too; logout closes the gate again', async () => {
    const { db, id } = await freshWorld();
    const bob = await registerActive(db, 'bob');
    const tab = new KeyRing();
    const env = tabEnv(id, tab);
    expect(await applyForBankAccount(db, meta(bob), { bankId: 'bank-b' }, env)).toMatchObject({ code: 'sign_in_required' });
    const applied = await applyForBankAccount(db, meta(bob), { bankId: 'bank-b' });
    if (!applied.ok) throw new Error(applied.code);
    expect(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.value.id }, env)).toMatchObject({ code: 'sign_in_required' });
    await loggedInTab(db, id, 'bank-b', await labPassword(db, 'bank-b'), tab);
    expect((await approveBankApplication(db, meta('bank-b'), { applicationId: applied.value.id }, env)).ok).toBe(true);
    expect((await logout(db, id, 'bank-b', { keyRing: tab, env })).ok).toBe(true);
    expect(await advanceClock(db, meta('bank-b'), { kind: 'hours', hours: 1 }, env)).toMatchObject({ code: 'sign_in_required' });
  });

  it('signing in itself needs no sign-in; the teacher playing everyone may act for any party', async () => {
    const { db, id } = await freshWorld();
    const tab = new KeyRing();
    const env = tabEnv(id, tab);
    // A wrong password is still recorded (the lockout counts it) although the tab is not signed in.
    expect(await login(db, id, { loginName: 'bank-a', password: 'not the password' }, { keyRing: tab, env })).toMatchObject({ code: 'wrong_password' });
    expect((await identityTables(db).users.get('bank-a'))?.login).toMatchObject({ wrongPasswords: 1 });
    let teacherPlays = false;
    tab.setTeacherCheck((worldId) => teacherPlays && worldId === id);
    expect(await advanceClock(db, meta('escrow'), { kind: 'hours', hours: 1 }, env)).toMatchObject({ code: 'sign_in_required' });
    teacherPlays = true;
    expect((await advanceClock(db, meta('escrow'), { kind: 'hours', hours: 1 }, env)).ok).toBe(true);
    expect(tab.acting('another-world', 'escrow')).toBe(false);
  });
});
