import { caKeyRing, certifiedCustomer, markLab } from './presets-identity.ts';
import { bankAccountAt, form, registerActiveUser, type Preset } from './presets.ts';

// The presets of the e-cash lab (电子现金) and of the smart-card / one-card lab (智能卡与一卡通):
// a customer of Huaxin Bank (bank-a) with money paid in at the counter and a certificate (its
// e-wallet shows it), and a seller with an account at Huaxin Bank (where its takings and deposits
// land; the one-card scheme banks there too). The wallet, the coins, the cards, the device and the
// scheme membership are the labs. Built by the app's real commands.

type Who = { readonly loginName: string; readonly realName: string };

/**
 * The lab's customer (certified, an account at Huaxin Bank with `deposit` paid in at the counter)
 * and its seller (registered and activated, an empty account at Huaxin Bank).
 */
function customerAndSeller(id: string, customer: Who & { readonly deposit: string }, seller: Who): Preset {
  return async (db, ctx) => {
    const caKeys = await caKeyRing(db, id, ctx);
    await certifiedCustomer(db, id, ctx, caKeys, { ...customer, bankId: 'bank-a' });
    caKeys.forgetWorld(ctx.worldId);
    const sellerId = await registerActiveUser(db, id, ctx, form(seller.loginName, 'seller', seller.realName));
    await bankAccountAt(db, id, sellerId, 'bank-a');
    await markLab(db, id);
  };
}

export const ecashPresets: Readonly<Record<string, Preset>> = {
  ecash: customerAndSeller('ecash', { loginName: 'lab_buyer', realName: '李雷', deposit: '100.00' }, { loginName: 'lab_seller', realName: '新闻台' }),
  smartcard: customerAndSeller('smartcard', { loginName: 'lab_holder', realName: '韩梅梅', deposit: '200.00' }, { loginName: 'lab_merchant', realName: '校园便利店' }),
};
