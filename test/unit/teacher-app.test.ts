import { describe, expect, it } from 'vitest';
import { bytesToHex, keyPairFromSeed, passwordLengthMin } from '../../src/domain/index.ts';
import {
  checkTeacherInput,
  claimTeacher,
  openTeacherKey,
  readLabSheet,
  readTeacher,
  requireTeacher,
  signInTeacher,
} from '../../src/app/teacher.ts';
import { createWorld, getWorld, openWorldDb, resetWorld } from '../../src/app/worlds.ts';
import { labOpenAccount, labTamperEntry, labTransfer } from '../../src/app/ledger.ts';
import { giveCash } from '../../src/app/banking/cash.ts';
import { labAlterChequeAmount } from '../../src/app/echeque/payee.ts';
import { setCommissionRates, setMarketRules } from '../../src/app/market/config.ts';
import { teacherRowId, teacherTable } from '../../src/storage/teacher-table.ts';
import { freshWorld, meta, testPasswordIterations, testTeacherPassword } from '../helpers/world.ts';

// The teacher of a world (issue 13.3): a password kept as a PBKDF2 hash, an ed25519 key sealed
// under it, and a token that only signing in gives, which every lab tool asks for.

describe('the teacher password and key', () => {
  it('a wrong password is refused; the right one signs in and opens the key that matches the stored public key', async () => {
    const { db } = await freshWorld();
    expect(await signInTeacher(db, 'not the password', { nowMs: 1 })).toMatchObject({ ok: false, code: 'teacher_wrong_password' });
    expect(await signInTeacher(db, '', { nowMs: 1 })).toMatchObject({ ok: false, code: 'teacher_password_required' });
    expect(await openTeacherKey(db, 'not the password')).toMatchObject({ ok: false, code: 'teacher_wrong_password' });

    const signedIn = await signInTeacher(db, testTeacherPassword, { nowMs: 1 });
    expect(signedIn.ok).toBe(true);
    const info = await readTeacher(db);
    expect(info?.name).toBe('Ms Wang');
    const opened = await openTeacherKey(db, testTeacherPassword);
    if (!opened.ok) throw new Error(opened.code);
    expect(opened.value.publicKey).toBe(info!.publicKey);
    expect(bytesToHex(keyPairFromSeed(opened.value.seed).publicKey)).toBe(info!.publicKey);
    // Stored only as a hash and a sealed seed: the password appears nowhere in the row.
    const row = await teacherTable(db).get(teacherRowId);
    expect(JSON.stringify(row)).not.toContain(testTeacherPassword);
  });

  it('an empty teacher password makes one, returned once, that signs in; the creator is signed in already', async () => {
    const r = await createWorld({ id: 'teacher-generated-1', name: 'Quick demo', createdAtMs: 0, passwordIterations: testPasswordIterations });
    if (!r.ok) throw new Error(r.code);
    expect(r.value.generatedTeacherPassword).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const db = openWorldDb(r.value.entry);
    expect(requireTeacher(db, r.value.teacher)).toMatchObject({ ok: true });
    expect((await signInTeacher(db, r.value.generatedTeacherPassword!, { nowMs: 0 })).ok).toBe(true);
    expect((await readTeacher(db))?.name).toBeNull();
    db.close();
  });

  it('names the length rules in plain codes and creates nothing', async () => {
    expect(checkTeacherInput({ password: 'short' })).toMatchObject({ ok: false, code: 'teacher_password_too_short', detail: { min: passwordLengthMin } });
    expect(checkTeacherInput({ password: '        ' })).toMatchObject({ ok: false, code: 'teacher_password_blank' });
    expect(checkTeacherInput({ password: 'x'.repeat(129) })).toMatchObject({ ok: false, code: 'teacher_password_too_long' });
    expect(checkTeacherInput({ name: 'n'.repeat(41), password: 'long enough' })).toMatchObject({ ok: false, code: 'teacher_name_too_long' });
    expect(checkTeacherInput({ name: '  王老师 ', password: '正确的马电池订书钉' })).toMatchObject({ ok: true, value: { name: '王老师' } });
    const r = await createWorld({ id: 'teacher-refused-1', name: 'Refused', createdAtMs: 0, teacher: { password: 'short' }, passwordIterations: testPasswordIterations });
    expect(r).toMatchObject({ ok: false, code: 'teacher_password_too_short' });
  });

  it('a token of one world does not open another', async () => {
    const a = await freshWorld();
    const b = await freshWorld();
    expect(requireTeacher(b.db, a.teacher)).toMatchObject({ ok: false, code: 'teacher_sign_in_required' });
    // A look-alike object is not a token.
    const forged = Object.create(Object.getPrototypeOf(a.teacher) as object) as typeof a.teacher;
    expect(requireTeacher(a.db, forged)).toMatchObject({ ok: false, code: 'teacher_sign_in_required' });
  });
});

describe('lab tools need the teacher', () => {
  it('every lab command refuses without the token and changes nothing', async () => {
    const { db, id } = await freshWorld();
    const before = await db.table('transfers').count();
    const refused = { ok: false, code: 'teacher_sign_in_required' };
    expect(await labTransfer(db, null, meta('bank-a'), { debitAccountId: 'bank-a:vault', creditAccountId: 'bank-a:reserve', amount: '1.00', currency: 'CNY', code: 'lab' })).toMatchObject(refused);
    expect(await labTamperEntry(db, null, meta('platform'), { seq: 1, field: 'amount', value: '1.00' })).toMatchObject(refused);
    expect(await labOpenAccount(db, null, meta('platform'), { id: 'x-1', partyId: 'platform', bookId: 'bank-a', code: 'lab.deposit', name: 'x', currency: 'CNY', normal: 'credit', flags: {} })).toMatchObject(refused);
    expect(await giveCash(db, null, meta('clearing'), { partyId: 'u-nobody', amount: '1' })).toMatchObject(refused);
    expect(await labAlterChequeAmount(db, null, meta('u-nobody'), { chequeId: 'c-1', amount: '9' })).toMatchObject(refused);
    expect(await setCommissionRates(db, null, meta('platform'), { books: '0.05' })).toMatchObject(refused);
    expect(await setMarketRules(db, null, meta('platform'), { payTimeoutHours: '48' })).toMatchObject(refused);
    expect(await resetWorld(id, null, { passwordIterations: testPasswordIterations })).toMatchObject(refused);
    expect(await db.table('transfers').count()).toBe(before);
    expect(await db.table('accounts').get('x-1')).toBeUndefined();
  });

  it("the teacher's tools run on a page whose party has not signed in in this tab (the token stands in)", async () => {
    const { db, teacher } = await freshWorld();
    // A tab that has signed in as nobody: the party gate refuses every party.
    const env = { acting: () => false };
    const input = { id: 'lab-open-1', partyId: 'platform', bookId: 'bank-a', code: 'lab.deposit', name: 'lab', currency: 'CNY' as const, normal: 'credit' as const, flags: { debitsMustNotExceedCredits: true } };
    expect(await labOpenAccount(db, teacher, meta('platform'), input, env)).toMatchObject({ ok: true });
    expect(await labTransfer(db, teacher, meta('platform'), { debitAccountId: 'bank-a:vault', creditAccountId: 'lab-open-1', amount: '5.00', currency: 'CNY', code: 'lab' }, env)).toMatchObject({ ok: true });
  });

  it('the lab sheet leaves the passwords out without the token, and shows them with it', async () => {
    const { db, teacher } = await freshWorld();
    const student = await readLabSheet(db, null);
    expect(student.passwordsShown).toBe(false);
    expect(student.rows.length).toBeGreaterThan(0);
    expect(student.rows.every((r) => r.password === null)).toBe(true);
    const shown = await readLabSheet(db, teacher);
    expect(shown.passwordsShown).toBe(true);
    expect(shown.rows.every((r) => typeof r.password === 'string')).toBe(true);
  });

  it('a reset keeps the teacher: the same password still signs in', async () => {
    const { db, id, teacher } = await freshWorld();
    const publicKey = (await readTeacher(db))!.publicKey;
    db.close();
    expect((await resetWorld(id, teacher, { passwordIterations: testPasswordIterations })).ok).toBe(true);
    const again = await freshDb(id);
    expect((await readTeacher(again))!.publicKey).toBe(publicKey);
    // The sign-in names the world, so it still holds after the reset rebuilt the database.
    expect(requireTeacher(again, teacher)).toMatchObject({ ok: true });
    expect((await signInTeacher(again, testTeacherPassword, { nowMs: 0 })).ok).toBe(true);
    again.close();
  });
});

describe('a world made before teachers', () => {
  it('has no teacher until one is set; the first claim wins and a second is refused', async () => {
    const { db } = await freshWorld();
    // As an older world: no teacher row (v11 adds the table empty).
    await teacherTable(db).clear();
    expect(await readTeacher(db)).toBeNull();
    expect(await signInTeacher(db, testTeacherPassword, { nowMs: 0 })).toMatchObject({ ok: false, code: 'teacher_not_set' });
    expect(await claimTeacher(db, { password: 'short' }, { nowMs: 0 })).toMatchObject({ ok: false, code: 'teacher_password_too_short' });
    const claimed = await claimTeacher(db, { name: 'Mr Li', password: 'a new teacher pass' }, { nowMs: 0 });
    if (!claimed.ok) throw new Error(claimed.code);
    expect(requireTeacher(db, claimed.value.token)).toMatchObject({ ok: true });
    expect(await claimTeacher(db, { password: 'someone else 99' }, { nowMs: 0 })).toMatchObject({ ok: false, code: 'teacher_already_set' });
    expect((await signInTeacher(db, 'a new teacher pass', { nowMs: 0 })).ok).toBe(true);
  });
});

async function freshDb(id: string) {
  const entry = await getWorld(id);
  if (entry === undefined) throw new Error('the world is listed');
  const db = openWorldDb(entry);
  await db.open();
  return db;
}
