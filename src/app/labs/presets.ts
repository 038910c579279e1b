import { sha256 } from '@noble/hashes/sha2.js';
import { assert, bankingAccountIds, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import type { CommandMeta } from '../command.ts';
import type { PresetContext } from '../worlds.ts';
import { register, activateAccount, type RegisterInput } from '../identity/registration.ts';
import { login } from '../identity/login.ts';
import { KeyRing } from '../identity/keys.ts';
import { applyForCertificate, issueRequestedCertificate } from '../identity/ca.ts';
import { onlineBankingLogin } from '../identity/banking-login.ts';
import { decideStore, storeIdOf } from '../identity/stores.ts';
import { mailOf } from '../mailbox.ts';
import { applyForBankAccount, approveBankApplication } from '../banking/accounts.ts';
import { counterDeposit, giveCash } from '../banking/cash.ts';
import { fillDemoCatalogue } from '../market/products.ts';
import { topUpWallet } from '../market/wallet.ts';
import { labMetaKey, type LabMarker } from './marker.ts';
import { identityPresets } from './presets-identity.ts';
import { disputePresets } from './presets-disputes.ts';
import { reconPresets } from './presets-recon.ts';
import { echequePresets } from './presets-echeque.ts';
import { codPresets } from './presets-cod.ts';
import { remittancePresets } from './presets-remittance.ts';
import { auditorPresets } from './presets-auditor.ts';
import { cardsPresets } from './presets-cards.ts';
import { ecashPresets } from './presets-ecash.ts';

// Presets: the prepared world a lab starts from, built by running the app's real commands in
// order (registration, the activation code from the mailbox, the bank's approval, cash paid in at
// the counter, the CA's certificate, the U盾 login, the wallet top-up...), so the journal and the
// activity feed show how every fen got where it is. Fixed command ids and the caller's seeded
// randomness make a preset replay identically (the same ledger head hash every time).

/** The password of every buyer and seller a preset registers: printed on the lab panel. */
export const labUserPassword = 'settlelab 2026';


/**
 * Deterministic bytes for a preset: SHA-256 of the seed and a counter, block after block. Not for
 * secrets a student should not guess: a lab world's keys are as public as its lab file.
 */
export function seededRandom(seed: string): (bytes: number) => Uint8Array {
  let counter = 0;
  const encoder = new TextEncoder();
  return (bytes) => {
    assert(Number.isSafeInteger(bytes) && bytes > 0 && bytes <= 65_536, 'random bytes: 1..65536');
    const out = new Uint8Array(bytes);
    for (let filled = 0; filled < bytes; filled += 32) {
      counter += 1;
      out.set(sha256(encoder.encode(`${seed}:${counter}`)).subarray(0, Math.min(32, bytes - filled)), filled);
    }
    return out;
  };
}

export function must<T>(r: Result<T, string>, what: string): T {
  // A preset runs fixed commands on a fresh world: a refusal is a bug in the preset, not the user's.
  assert(r.ok, `preset step ${what} refused: ${r.ok ? '' : r.code}`);
  return r.value;
}

/** A preset's command ids: fixed, so a replay is the same journal. */
export function metaOf(presetId: string, step: string, actor: string): CommandMeta {
  return { id: `lab:${presetId}:${step}`, actor };
}

export type Preset = (db: WorldDb, ctx: PresetContext) => Promise<void>;

export async function registerActiveUser(db: WorldDb, presetId: string, ctx: PresetContext, input: RegisterInput): Promise<string> {
  const registered = must(await register(db, input, { commandId: `lab:${presetId}:register:${input.loginName}`, random: ctx.random }), `register ${input.loginName}`);
  const partyId = registered.partyId;
  // The code arrives by mail, as it does for a student registering by hand.
  const mail = (await mailOf(db, partyId)).find((m) => m.subject.key === 'mail.activation.subject');
  const code = mail?.body.params?.code;
  assert(typeof code === 'string', 'the activation mail carries the code');
  must(await activateAccount(db, metaOf(presetId, `activate:${partyId}`, partyId), { partyId, code }), 'activate');
  return partyId;
}

export function form(loginName: string, role: 'buyer' | 'seller', realName: string): RegisterInput {
  const base: RegisterInput = {
    role,
    loginName,
    password: labUserPassword,
    passwordAgain: labUserPassword,
    realName,
    deliveryAddress: '北京市海淀区中关村大街1号',
    deliveryPhone: '138 1234 5678',
    email: `${loginName}@example.com`,
  };
  return role === 'seller' ? { ...base, store: { name: '实验小店', description: '教材与文具，当天发货' } } : base;
}

export async function bankAccountAt(db: WorldDb, presetId: string, partyId: string, bankId: string): Promise<void> {
  const applied = must(await applyForBankAccount(db, metaOf(presetId, `apply-bank:${partyId}`, partyId), { bankId }), 'apply for a bank account');
  must(await approveBankApplication(db, metaOf(presetId, `approve-bank:${partyId}`, bankId), { applicationId: applied.id }), 'approve the bank account');
}

/**
 * A seller whose store the platform approved, with the demo catalogue and an account at `bankId`
 * (where its card sales are acquired and transfers to it arrive).
 */
export async function shopSeller(db: WorldDb, presetId: string, ctx: PresetContext, bankId = 'bank-b'): Promise<string> {
  const seller = await registerActiveUser(db, presetId, ctx, form('lab_seller', 'seller', '王掌柜'));
  must(await decideStore(db, metaOf(presetId, 'approve-store', 'platform'), { storeId: storeIdOf(seller), decision: 'approve' }), 'approve the store');
  must(await fillDemoCatalogue(db, metaOf(presetId, 'demo-catalogue', seller)), 'demo catalogue');
  await bankAccountAt(db, presetId, seller, bankId);
  return seller;
}

/** The buyer 李雷 with an account at `bankId` and `amount` of the teacher's cash paid in at its counter. */
export async function bankedBuyer(db: WorldDb, presetId: string, ctx: PresetContext, bankId: string, amount: string): Promise<string> {
  const buyer = await registerActiveUser(db, presetId, ctx, form('lab_buyer', 'buyer', '李雷'));
  await bankAccountAt(db, presetId, buyer, bankId);
  must(await giveCash(db, ctx.teacher, metaOf(presetId, 'give-cash', 'clearing'), { partyId: buyer, amount }), 'give cash');
  must(await counterDeposit(db, metaOf(presetId, 'deposit', bankId), { accountId: bankingAccountIds.deposit(bankId, buyer), amount }), 'deposit');
  return buyer;
}

/**
 * B2C with escrow: a seller whose store the platform approved, with the demo catalogue and an
 * account at Eastern Commercial Bank (bank-b); a buyer with an account at Huaxin Bank (bank-a),
 * ¥500.00 cash paid in at the counter, a certificate from the CA, and ¥300.00 topped up into the
 * escrow wallet through online banking (U盾).
 */
const b2cEscrow: Preset = async (db, ctx) => {
  const id = 'b2c-escrow';
  await shopSeller(db, id, ctx);
  const buyer = await bankedBuyer(db, id, ctx, 'bank-a', '500.00');

  // The buyer's own key ring (not this tab's): the tab that builds the lab is not left signed in.
  const buyerKeys = new KeyRing();
  const caKeys = new KeyRing();
  const caPassword = (await identityTables(db).labSheet.get('ca'))?.password;
  assert(typeof caPassword === 'string', 'a fresh world has the CA on its lab sheet');
  must(await login(db, ctx.worldId, { loginName: 'lab_buyer', password: labUserPassword }, { keyRing: buyerKeys, commandId: `lab:${id}:login:buyer` }), 'buyer login');
  must(await login(db, ctx.worldId, { loginName: 'ca', password: caPassword }, { keyRing: caKeys, commandId: `lab:${id}:login:ca` }), 'CA login');
  const request = must(await applyForCertificate(db, ctx.worldId, buyer, { keyRing: buyerKeys, random: ctx.random, commandId: `lab:${id}:cert-apply` }), 'apply for a certificate');
  must(await issueRequestedCertificate(db, ctx.worldId, 'ca', { requestId: request.requestId }, { keyRing: caKeys, random: ctx.random, commandId: `lab:${id}:cert-issue` }), 'issue the certificate');
  must((await onlineBankingLogin(db, ctx.worldId, { bankId: 'bank-a', partyId: buyer }, { keyRing: buyerKeys, random: ctx.random })).result, 'online banking');
  must(await topUpWallet(db, metaOf(id, 'top-up', buyer), { bankId: 'bank-a', amount: '300.00' }, { keyRing: buyerKeys }), 'top-up');
  // The keys opened for the preset are forgotten: students sign in themselves.
  buyerKeys.forgetWorld(ctx.worldId);
  caKeys.forgetWorld(ctx.worldId);

  const marker: LabMarker = { labId: id };
  await db.meta.put({ key: labMetaKey, value: marker });
};

/** The presets lab files may name. */
export const presets: Readonly<Record<string, Preset>> = { 'b2c-escrow': b2cEscrow, ...identityPresets, ...disputePresets, ...reconPresets, ...codPresets, ...remittancePresets, ...auditorPresets, ...echequePresets, ...ecashPresets, ...cardsPresets };
