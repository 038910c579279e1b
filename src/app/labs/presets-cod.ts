import type { WorldDb } from '../../storage/schema.ts';
import type { PresetContext } from '../worlds.ts';
import { decideStore, storeIdOf } from '../identity/stores.ts';
import { giveCash } from '../banking/cash.ts';
import { fillDemoCatalogue } from '../market/products.ts';
import { markLab } from './presets-identity.ts';
import { bankAccountAt, form, metaOf, must, registerActiveUser, type Preset } from './presets.ts';

// The preset of the cash-on-delivery lab (货到付款): a seller whose store the platform approved,
// with the demo catalogue and an account at Eastern Commercial Bank (bank-b), where the logistics
// company remits the COD money; a buyer with ¥500.00 in banknotes the teacher handed out and no
// bank account, certificate or wallet money at all: paying at the door needs none of them.

/** The banknotes the buyer holds: enough for the lab's two pairs of earphones (¥398.00). */
export const codLabBuyerCash = '500.00';

const cashOnDelivery: Preset = async (db: WorldDb, ctx: PresetContext) => {
  const id = 'cod';
  const seller = await registerActiveUser(db, id, ctx, form('lab_seller', 'seller', '王掌柜'));
  must(await decideStore(db, metaOf(id, 'approve-store', 'platform'), { storeId: storeIdOf(seller), decision: 'approve' }), 'approve the store');
  must(await fillDemoCatalogue(db, metaOf(id, 'demo-catalogue', seller)), 'demo catalogue');
  // The COD channel remits to the seller's bank account: without one checkout refuses it.
  await bankAccountAt(db, id, seller, 'bank-b');
  const buyer = await registerActiveUser(db, id, ctx, form('lab_buyer', 'buyer', '李雷'));
  must(await giveCash(db, ctx.teacher, metaOf(id, 'give-cash', 'clearing'), { partyId: buyer, amount: codLabBuyerCash }), 'give cash');
  await markLab(db, id);
};

export const codPresets: Readonly<Record<string, Preset>> = { cod: cashOnDelivery };
