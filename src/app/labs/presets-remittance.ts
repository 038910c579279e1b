import { decideStore, storeIdOf } from '../identity/stores.ts';
import { fillDemoCatalogue } from '../market/products.ts';
import { caKeyRing, certifiedCustomer, markLab } from './presets-identity.ts';
import { bankAccountAt, form, metaOf, must, registerActiveUser, type Preset } from './presets.ts';

// The preset of the remittance lab (汇款与异常队列): a seller whose store the platform approved,
// with the demo catalogue and an account at Eastern Commercial Bank (bank-b), the account the
// remittance instruction names; a buyer at Huaxin Bank (bank-a) with ¥500.00 paid in at the
// counter and a certificate from the CA for the U盾 login to online banking. The transfers are the lab.

const remittance: Preset = async (db, ctx) => {
  const id = 'remittance';
  const seller = await registerActiveUser(db, id, ctx, form('lab_seller', 'seller', '王掌柜'));
  must(await decideStore(db, metaOf(id, 'approve-store', 'platform'), { storeId: storeIdOf(seller), decision: 'approve' }), 'approve the store');
  must(await fillDemoCatalogue(db, metaOf(id, 'demo-catalogue', seller)), 'demo catalogue');
  await bankAccountAt(db, id, seller, 'bank-b');
  const caKeys = await caKeyRing(db, id, ctx);
  await certifiedCustomer(db, id, ctx, caKeys, { loginName: 'lab_buyer', realName: '李雷', bankId: 'bank-a', deposit: '500.00' });
  caKeys.forgetWorld(ctx.worldId);
  await markLab(db, id);
};

export const remittancePresets: Readonly<Record<string, Preset>> = { remittance };
