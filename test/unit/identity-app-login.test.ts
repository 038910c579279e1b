import { describe, expect, it } from 'vitest';
import { lockoutMs, minuteMs, wrongPasswordsMax } from '../../src/domain/index.ts';
import { changePassword, login, logout } from '../../src/app/identity/login.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { advanceClock, readClock } from '../../src/app/clock.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { goodPassword, labPassword, registerActive } from '../helpers/identity.ts';

describe('login and lockout (world clock)', () => {
  it('five wrong passwords lock the login for 15 world-minutes, even for the right password', async () => {
    const { db, id } = await freshWorld();
    await registerActive(db, 'wang');
    const ring = new KeyRing();
    for (let i = 1; i < wrongPasswordsMax; i++) {
      const r = await login(db, id, { loginName: 'wang', password: `wrong-${i}-password` }, { keyRing: ring });
      expect(r).toMatchObject({ ok: false, code: 'wrong_password', detail: { attemptsLeft: wrongPasswordsMax - i } });
    }
    const start = await readClock(db);
    const fifth = await login(db, id, { loginName: 'wang', password: 'wrong-5-password' }, { keyRing: ring });
    expect(fifth).toMatchObject({ ok: false, code: 'login_locked', detail: { until: start + lockoutMs } });
    expect(await login(db, id, { loginName: 'wang', password: goodPassword }, { keyRing: ring })).toMatchObject({ ok: false, code: 'login_locked' });
    expect(ring.seed(id, 'u-wang')).toBeNull();

    await advanceClock(db, meta('u-wang'), { kind: 'to', at: start + 14 * minuteMs });
    expect(await login(db, id, { loginName: 'wang', password: goodPassword }, { keyRing: ring })).toMatchObject({ ok: false, code: 'login_locked' });
    await advanceClock(db, meta('u-wang'), { kind: 'to', at: start + 15 * minuteMs });
    expect(await login(db, id, { loginName: 'wang', password: goodPassword }, { keyRing: ring })).toMatchObject({ ok: true, value: { partyId: 'u-wang' } });
    expect((await identityTables(db).users.get('u-wang'))?.login).toEqual({ wrongPasswords: 0, lockedUntil: null });
    const types = (await db.events.toArray()).map((e) => e.type);
    expect(types.filter((t) => t === 'identity.login_failed')).toHaveLength(wrongPasswordsMax);
    expect(types).toContain('identity.login_locked');
    expect(types.at(-1)).toBe('identity.logged_in');
  });

  it('an unknown login name and a wrong password read the same; a right password resets the count', async () => {
    const { db, id } = await freshWorld();
    await registerActive(db, 'zhou');
    expect(await login(db, id, { loginName: 'nobody', password: 'whatever-pass' })).toMatchObject({ ok: false, code: 'wrong_login' });
    expect(await login(db, id, { loginName: 'zhou', password: 'bad-password' }, { keyRing: new KeyRing() })).toMatchObject({ code: 'wrong_password' });
    expect(await login(db, id, { loginName: 'zhou', password: goodPassword }, { keyRing: new KeyRing() })).toMatchObject({ ok: true });
    expect((await identityTables(db).users.get('u-zhou'))?.login.wrongPasswords).toBe(0);
  });

  it('login and logout are per tab: each tab has its own key ring; logout forgets the key', async () => {
    const { db, id } = await freshWorld();
    await registerActive(db, 'tabby');
    const tabA = new KeyRing();
    const tabB = new KeyRing();
    const r = await login(db, id, { loginName: 'tabby', password: goodPassword }, { keyRing: tabA });
    expect(r.ok).toBe(true);
    const key = await identityTables(db).partyKeys.get('u-tabby');
    expect(tabA.session(id, 'u-tabby')?.publicKey).toBe(key!.publicKey);
    expect(tabB.seed(id, 'u-tabby')).toBeNull();
    const seed = tabA.seed(id, 'u-tabby')!;
    expect(await logout(db, id, 'u-tabby', { keyRing: tabA })).toMatchObject({ ok: true });
    expect(tabA.seed(id, 'u-tabby')).toBeNull();
    expect([...seed].every((b) => b === 0)).toBe(true); // overwritten, not just dropped
    expect(await logout(db, id, 'u-tabby', { keyRing: tabA })).toMatchObject({ ok: false, code: 'not_logged_in' });
  });

  it('an institution logs in with its lab-sheet password; after a change the sheet says so and only the new password works', async () => {
    const { db, id } = await freshWorld();
    const old = await labPassword(db, 'bank-a');
    const ring = new KeyRing();
    expect(await login(db, id, { loginName: 'bank-a', password: old }, { keyRing: ring })).toMatchObject({ ok: true });
    const seedBefore = ring.seed(id, 'bank-a')!.slice();

    expect(await changePassword(db, { partyId: 'bank-a', oldPassword: old, newPassword: 'short', newPasswordAgain: 'short' })).toMatchObject({
      ok: false, code: 'invalid_password', detail: { newPassword: 'too_short' },
    });
    expect(await changePassword(db, { partyId: 'bank-a', oldPassword: 'not-the-old-one', newPassword: 'a new secret 7', newPasswordAgain: 'a new secret 7' })).toMatchObject({
      ok: false, code: 'wrong_password',
    });
    expect(await changePassword(db, { partyId: 'bank-a', oldPassword: old, newPassword: 'a new secret 7', newPasswordAgain: 'a new secret 7' })).toMatchObject({ ok: true });
    const sheet = await identityTables(db).labSheet.get('bank-a');
    expect(sheet).toMatchObject({ password: null, changedAt: await readClock(db) });

    expect(await login(db, id, { loginName: 'bank-a', password: old }, { keyRing: new KeyRing() })).toMatchObject({ ok: false, code: 'wrong_password' });
    const again = new KeyRing();
    expect(await login(db, id, { loginName: 'bank-a', password: 'a new secret 7' }, { keyRing: again })).toMatchObject({ ok: true });
    // The same key, re-sealed: certificates issued for it stay good.
    expect(again.seed(id, 'bank-a')).toEqual(seedBefore);
  });
});
