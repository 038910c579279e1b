import { assert, bankingAccountIds } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import { login } from '../identity/login.ts';
import { applyForCertificate, issueRequestedCertificate } from '../identity/ca.ts';
import { counterDeposit, giveCash } from '../banking/cash.ts';
import { KeyRing } from '../identity/keys.ts';
import type { PresetContext } from '../worlds.ts';
import { labMetaKey, type LabMarker } from './marker.ts';
import { bankAccountAt, form, labUserPassword, metaOf, must, registerActiveUser, type Preset } from './presets.ts';

// The preset of the digital certificate lab (数字证书申请与签名): the student's account is
// registered and activated, with an account at Huaxin Bank (bank-a) to sign in to online banking
// with, and no certificate: applying for one is the lab. Built by the app's real commands.

/** Signs the CA in with its own key ring (not the tab's): a preset's CA steps sign with the CA key. */
export async function caKeyRing(db: WorldDb, presetId: string, ctx: PresetContext): Promise<KeyRing> {
  const caKeys = new KeyRing();
  const caPassword = (await identityTables(db).labSheet.get('ca'))?.password;
  assert(typeof caPassword === 'string', 'a fresh world has the CA on its lab sheet');
  must(await login(db, ctx.worldId, { loginName: 'ca', password: caPassword }, { keyRing: caKeys, commandId: `lab:${presetId}:login:ca` }), 'CA login');
  return caKeys;
}

export async function markLab(db: WorldDb, labId: string): Promise<void> {
  const marker: LabMarker = { labId };
  await db.meta.put({ key: labMetaKey, value: marker });
}

const certificate: Preset = async (db, ctx) => {
  const id = 'certificate';
  const applicant = await registerActiveUser(db, id, ctx, form('lab_cert', 'buyer', '韩梅梅'));
  await bankAccountAt(db, id, applicant, 'bank-a');
  await markLab(db, id);
};

/**
 * A customer ready for online banking: registered, an account at `bankId` with `deposit` paid in
 * at the counter (cash the teacher gave), and a certificate the CA issued on its signed request.
 */
export async function certifiedCustomer(
  db: WorldDb,
  presetId: string,
  ctx: PresetContext,
  caKeys: KeyRing,
  who: { readonly loginName: string; readonly realName: string; readonly bankId: string; readonly deposit: string },
): Promise<string> {
  const party = await registerActiveUser(db, presetId, ctx, form(who.loginName, 'buyer', who.realName));
  await bankAccountAt(db, presetId, party, who.bankId);
  must(await giveCash(db, ctx.teacher, metaOf(presetId, `give-cash:${party}`, 'clearing'), { partyId: party, amount: who.deposit }), 'give cash');
  must(await counterDeposit(db, metaOf(presetId, `deposit:${party}`, who.bankId), { accountId: bankingAccountIds.deposit(who.bankId, party), amount: who.deposit }), 'deposit');
  // The customer's own key ring signs its request: the tab building the lab is not left signed in.
  const keys = new KeyRing();
  must(await login(db, ctx.worldId, { loginName: who.loginName, password: labUserPassword }, { keyRing: keys, commandId: `lab:${presetId}:login:${party}` }), 'login');
  const request = must(await applyForCertificate(db, ctx.worldId, party, { keyRing: keys, random: ctx.random, commandId: `lab:${presetId}:cert-apply:${party}` }), 'apply for a certificate');
  must(await issueRequestedCertificate(db, ctx.worldId, 'ca', { requestId: request.requestId }, { keyRing: caKeys, random: ctx.random, commandId: `lab:${presetId}:cert-issue:${party}` }), 'issue the certificate');
  keys.forgetWorld(ctx.worldId);
  return party;
}

/**
 * Online banking and interbank clearing (网上银行与跨行清算): a payer at Huaxin Bank (bank-a,
 * ¥1,000.00) and a payee at Eastern Commercial Bank (bank-b, ¥500.00), each with a certificate
 * for the U盾 login. The transfers and the night's netting are the lab.
 */
const onlineBanking: Preset = async (db, ctx) => {
  const id = 'online-banking';
  const caKeys = await caKeyRing(db, id, ctx);
  await certifiedCustomer(db, id, ctx, caKeys, { loginName: 'lab_payer', realName: '张伟', bankId: 'bank-a', deposit: '1000.00' });
  await certifiedCustomer(db, id, ctx, caKeys, { loginName: 'lab_payee', realName: '刘芳', bankId: 'bank-b', deposit: '500.00' });
  caKeys.forgetWorld(ctx.worldId);
  await markLab(db, id);
};

export const identityPresets: Readonly<Record<string, Preset>> = { certificate, 'online-banking': onlineBanking };


