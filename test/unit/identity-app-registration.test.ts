import { describe, expect, it } from 'vitest';
import { checkPassword, formatActivationCode, institutionSeeds, verifyRevocationList } from '../../src/domain/index.ts';
import { activateAccount, loginNameTaken, register, registerCommand, resendActivationCode, activationWrongCodesMax } from '../../src/app/identity/registration.ts';
import { execute } from '../../src/app/pipeline.ts';
import { login } from '../../src/app/identity/login.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { ensureIdentities, makeLabPassword } from '../../src/app/identity/seed.ts';
import { readTrust, requireActiveAccount } from '../../src/app/identity/common.ts';
import { applyForStore, approvedStoreOf, decideStore } from '../../src/app/identity/stores.ts';
import { mailOf, markMailRead, unreadCount } from '../../src/app/mailbox.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { identityMetaKeys, identityTables } from '../../src/storage/identity-tables.ts';
import { freshWorld, meta, testPasswordIterations } from '../helpers/world.ts';
import { activationCodeFromMailbox, buyerForm, goodPassword, labPassword } from '../helpers/identity.ts';

describe('a new world’s identities', () => {
  it('has the CA root, a signed empty revocation list, and a login, key, certificate and lab-sheet password per institution', async () => {
    const { db } = await freshWorld();
    const trust = await readTrust(db);
    expect(trust).not.toBeNull();
    expect(trust!.roots).toHaveLength(1);
    const root = trust!.roots[0]!;
    expect(root.body.subject).toMatchObject({ role: 'ca', partyId: 'ca' });
    expect(trust!.crl.entries).toEqual([]);
    expect(verifyRevocationList(trust!.crl, root)).toBe(true);
    expect((await db.meta.get(identityMetaKeys.passwordIterations))?.value).toBe(testPasswordIterations);

    const t = identityTables(db);
    for (const p of institutionSeeds) {
      const user = await t.users.get(p.id);
      expect(user).toMatchObject({ status: 'active', institution: true, loginName: p.id, role: p.kind });
      const key = await t.partyKeys.get(p.id);
      const certs = await t.certificates.where('partyId').equals(p.id).toArray();
      expect(certs).toHaveLength(1);
      expect(certs[0]!.certificate.body.publicKey).toBe(key!.publicKey);
      const password = await labPassword(db, p.id);
      expect(password).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(await checkPassword(user!.passwordHash, password)).toBe(true);
      // The private key is stored only sealed: no row holds the seed in the clear.
      expect(JSON.stringify(key)).not.toContain(password);
    }
    // Serials are unique and the counter continues after the seeded ones.
    const serials = (await t.certificates.toArray()).map((c) => c.serial).sort((a, b) => a - b);
    expect(serials).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await db.meta.get(identityMetaKeys.nextSerial))?.value).toBe(9);
  });

  it('lab passwords use the whole alphabet without bias (every byte maps to one of 32 symbols)', () => {
    const bytes = Uint8Array.from({ length: 12 }, (_, i) => i * 21);
    const password = makeLabPassword((n) => bytes.slice(0, n));
    expect(password).toHaveLength(14);
    expect(makeLabPassword((n) => new Uint8Array(n).fill(31))).toBe('ZZZZ-ZZZZ-ZZZZ');
    expect(makeLabPassword((n) => new Uint8Array(n).fill(32))).toBe('0000-0000-0000');
  });

  it('ensureIdentities sets up a world that has no CA yet, once', async () => {
    const { db } = await freshWorld();
    expect(await ensureIdentities(db, { passwordIterations: testPasswordIterations })).toBe('present');
    // Simulate a world from before identities: drop what the seeder wrote.
    await db.transaction('rw', db.tables, async () => {
      for (const name of ['users', 'partyKeys', 'certificates', 'labSheet']) await db.table(name).clear();
      await db.meta.bulkDelete(Object.values(identityMetaKeys));
    });
    expect(await readTrust(db)).toBeNull();
    const [a, b] = await Promise.all([
      ensureIdentities(db, { passwordIterations: testPasswordIterations }),
      ensureIdentities(db, { passwordIterations: testPasswordIterations }),
    ]);
    expect([a, b].sort()).toEqual(['created', 'present']);
    expect(await readTrust(db)).not.toBeNull();
    expect(await identityTables(db).users.count()).toBe(institutionSeeds.length);
  });
});

describe('registration', () => {
  it('creates the party waiting for activation, with its key sealed and the code in its mailbox', async () => {
    const { db } = await freshWorld();
    const r = await register(db, buyerForm('LiLei'));
    expect(r).toMatchObject({ ok: true, value: { partyId: 'u-lilei', loginName: 'LiLei' } });
    const party = await db.parties.get('u-lilei');
    expect(party).toMatchObject({ kind: 'buyer', institution: false });
    const user = await identityTables(db).users.get('u-lilei');
    expect(user).toMatchObject({ status: 'pending_activation', loginNameKey: 'lilei', profile: { realName: '李雷', deliveryPhone: '13812345678' } });
    expect(JSON.stringify(user)).not.toContain(goodPassword);
    expect(JSON.stringify(await identityTables(db).partyKeys.get('u-lilei'))).not.toContain(goodPassword);
    const mails = await mailOf(db, 'u-lilei');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'platform', subject: { key: 'mail.activation.subject' }, readAt: null });
    expect(mails[0]!.body.params?.code).toBe(formatActivationCode(user!.activation!.code));
    expect((await db.events.where('type').equals('identity.registered').toArray())).toHaveLength(1);
  });

  it('refuses invalid fields all at once, and changes nothing', async () => {
    const { db } = await freshWorld();
    const r = await register(db, buyerForm('ab', { email: 'nope', passwordAgain: 'other', postcode: '12345', idNumber: '110101199003070000' }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('invalid_registration');
    expect(r.fields).toMatchObject({ loginName: 'too_short', email: 'invalid_email', passwordAgain: 'password_mismatch', postcode: 'invalid_postcode', idNumber: 'id_check_digit' });
    expect(await identityTables(db).users.count()).toBe(institutionSeeds.length);
  });

  it('the command takes no party id or name key the login name does not give (a hand-made class command)', async () => {
    const { db } = await freshWorld();
    const input = { loginName: 'Newcomer', loginNameKey: 'newcomer', role: 'buyer', profile: null, passwordHash: { hash: 'h' }, sealed: {}, publicKey: '00'.repeat(32), activationCode: 'ABCDEFGH', store: null };
    for (const [i, change] of [{ partyId: 'platform2' }, { partyId: 'u-someone' }, { partyId: 'u-Newcomer', loginNameKey: 'Newcomer' }].entries()) {
      const r = await execute(db, registerCommand, { ...meta('u-newcomer'), id: `hand-${i}` }, { ...input, ...change } as never);
      expect(r).toMatchObject({ ok: false, code: 'invalid_registration' });
    }
    expect(await db.parties.get('u-someone')).toBeUndefined();
  });

  it('a login name is unique in the world, ignoring case and full-width forms, institutions included', async () => {
    const { db } = await freshWorld();
    expect((await register(db, buyerForm('hanmeimei'))).ok).toBe(true);
    for (const name of ['HanMeiMei', 'ｈａｎｍｅｉｍｅｉ', 'platform', 'Escrow']) {
      const again = await register(db, buyerForm(name));
      expect(again, name).toMatchObject({ ok: false, code: 'invalid_registration', fields: { loginName: 'login_name_taken' } });
    }
    // The registration form asks the same question while the name is typed.
    for (const name of ['HanMeiMei', 'hanmeimei ', 'ｈａｎｍｅｉｍｅｉ', 'platform']) expect(await loginNameTaken(db, name), name).toBe(true);
    for (const name of ['lilei', '', '  ']) expect(await loginNameTaken(db, name), name).toBe(false);
    // Two tabs registering the same name at once: exactly one wins.
    const both = await Promise.all([register(db, buyerForm('twin')), register(db, buyerForm('TWIN'))]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toMatchObject({ fields: { loginName: 'login_name_taken' } });
  });

  it('the account cannot log in until activated with the mailbox code; a wrong code counts', async () => {
    const { db, id } = await freshWorld();
    const r = await register(db, buyerForm('lucy'));
    expect(r.ok).toBe(true);
    const ring = new KeyRing();
    expect(await login(db, id, { loginName: 'lucy', password: goodPassword }, { keyRing: ring })).toMatchObject({ ok: false, code: 'account_not_activated' });
    expect(ring.seed(id, 'u-lucy')).toBeNull();

    const wrong = await activateAccount(db, meta('u-lucy'), { partyId: 'u-lucy', code: 'AAAA-AAAA' });
    expect(wrong).toMatchObject({ ok: false, code: 'activation_code_wrong', detail: { attemptsLeft: activationWrongCodesMax - 1 } });
    expect((await identityTables(db).users.get('u-lucy'))?.activation?.wrongCodes).toBe(1);

    const code = await activationCodeFromMailbox(db, 'u-lucy');
    // Typed the way people do: lower case, no hyphen, O for 0.
    const typed = code.replace('-', '').toLowerCase().replace(/0/g, 'o');
    expect(await activateAccount(db, meta('u-lucy'), { partyId: 'u-lucy', code: typed })).toMatchObject({ ok: true });
    expect(await requireActiveAccount(db, 'u-lucy')).toMatchObject({ ok: true });
    expect(await activateAccount(db, meta('u-lucy'), { partyId: 'u-lucy', code })).toMatchObject({ ok: false, code: 'account_already_active' });
    const ok = await login(db, id, { loginName: 'LUCY', password: goodPassword }, { keyRing: ring });
    expect(ok).toMatchObject({ ok: true, value: { partyId: 'u-lucy', loginName: 'lucy' } });
    expect(ring.seed(id, 'u-lucy')).toHaveLength(32);
  });

  it('five wrong codes void the code; an expired code is refused; a new code works', async () => {
    const { db } = await freshWorld();
    await register(db, buyerForm('jim'));
    for (let i = 0; i < activationWrongCodesMax - 1; i++) {
      expect(await activateAccount(db, meta('u-jim'), { partyId: 'u-jim', code: '00000000' })).toMatchObject({ code: 'activation_code_wrong' });
    }
    expect(await activateAccount(db, meta('u-jim'), { partyId: 'u-jim', code: '00000000' })).toMatchObject({ code: 'activation_code_void' });
    const code = await activationCodeFromMailbox(db, 'u-jim');
    expect(await activateAccount(db, meta('u-jim'), { partyId: 'u-jim', code })).toMatchObject({ code: 'activation_code_void' });

    expect((await resendActivationCode(db, meta('u-jim'), { partyId: 'u-jim' })).ok).toBe(true);
    await advanceClock(db, meta('u-jim'), { kind: 'days', days: 4 });
    const fresh = await identityTables(db).users.get('u-jim');
    expect(await activateAccount(db, meta('u-jim'), { partyId: 'u-jim', code: fresh!.activation!.code })).toMatchObject({ code: 'activation_code_expired' });
    expect((await resendActivationCode(db, meta('u-jim'), { partyId: 'u-jim' })).ok).toBe(true);
    const newest = (await mailOf(db, 'u-jim')).filter((m) => m.subject.key === 'mail.activation.subject');
    expect(newest).toHaveLength(3);
    const latest = newest[0]!.body.params!.code as string;
    expect(await activateAccount(db, meta('u-jim'), { partyId: 'u-jim', code: latest })).toMatchObject({ ok: true });
  });
});

describe('mailbox', () => {
  it('lists a party’s mail newest first; only the recipient marks it read', async () => {
    const { db } = await freshWorld();
    await register(db, buyerForm('mailer'));
    await resendActivationCode(db, meta('u-mailer'), { partyId: 'u-mailer' });
    const mails = await mailOf(db, 'u-mailer');
    expect(mails).toHaveLength(2);
    expect(mails[0]!.id! > mails[1]!.id!).toBe(true);
    expect(unreadCount(mails)).toBe(2);
    expect(await markMailRead(db, meta('platform'), mails[0]!.id!)).toMatchObject({ ok: false, code: 'mail_not_found' });
    expect(await markMailRead(db, meta('u-mailer'), mails[0]!.id!)).toMatchObject({ ok: true });
    expect(unreadCount(await mailOf(db, 'u-mailer'))).toBe(1);
    expect(await mailOf(db, 'platform')).toHaveLength(0);
  });
});

describe('stores', () => {
  it('a seller registers with a store the operator approves or rejects with a reason', async () => {
    const { db } = await freshWorld();
    const missing = await register(db, buyerForm('seller1', { role: 'seller' }));
    expect(missing).toMatchObject({ ok: false, fields: { storeName: 'required', storeDescription: 'required' } });
    const r = await register(db, buyerForm('seller1', { role: 'seller', store: { name: '  李记茶庄 ', description: '明前龙井' } }));
    expect(r.ok).toBe(true);
    const store = await identityTables(db).stores.get('store-u-seller1');
    expect(store).toMatchObject({ name: '李记茶庄', status: 'pending', sellerId: 'u-seller1' });
    expect(await approvedStoreOf(db, 'u-seller1')).toMatchObject({ ok: false, code: 'store_not_approved' });

    expect(await decideStore(db, meta('u-seller1'), { storeId: store!.id, decision: 'approve' })).toMatchObject({ code: 'not_the_operator' });
    expect(await decideStore(db, meta('platform'), { storeId: store!.id, decision: 'reject' })).toMatchObject({ code: 'reason_required' });
    expect(await decideStore(db, meta('platform'), { storeId: store!.id, decision: 'reject', reason: '缺少营业执照' })).toMatchObject({ ok: true, value: { status: 'rejected' } });
    const mail = (await mailOf(db, 'u-seller1')).find((m) => m.subject.key === 'mail.storeRejected.subject');
    expect(mail?.body.params).toMatchObject({ reason: '缺少营业执照' });

    expect((await applyForStore(db, meta('u-seller1'), { name: '李记茶庄', description: '明前龙井，附营业执照' })).ok).toBe(true);
    expect(await decideStore(db, meta('platform'), { storeId: store!.id, decision: 'approve' })).toMatchObject({ ok: true, value: { status: 'approved' } });
    expect(await approvedStoreOf(db, 'u-seller1')).toMatchObject({ ok: true, value: { name: '李记茶庄' } });
    expect(await decideStore(db, meta('platform'), { storeId: store!.id, decision: 'approve' })).toMatchObject({ code: 'store_already_decided' });
    expect(await applyForStore(db, meta('u-seller1'), { name: 'x', description: '' })).toMatchObject({ code: 'invalid_store' });
  });

  it('keeps the store’s name and description as the seller typed them (full-width punctuation and letters stay)', async () => {
    const { db } = await freshWorld();
    const r = await register(db, buyerForm('seller2', { role: 'seller', store: { name: ' ＡＢＣ  茶庄 ', description: '明前龙井，产地直发（当天发货）' } }));
    expect(r.ok).toBe(true);
    const store = await identityTables(db).stores.get('store-u-seller2');
    expect(store).toMatchObject({ name: 'ＡＢＣ 茶庄', description: '明前龙井，产地直发（当天发货）' });
    expect((await applyForStore(db, meta('u-seller2'), { name: 'ＡＢＣ茶庄', description: '新茶上市，欢迎选购！' })).ok).toBe(true);
    expect(await identityTables(db).stores.get('store-u-seller2')).toMatchObject({ name: 'ＡＢＣ茶庄', description: '新茶上市，欢迎选购！' });
  });
});
