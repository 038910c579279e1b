import { assert } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import type { PresetContext } from '../worlds.ts';
import { login } from '../identity/login.ts';
import { KeyRing } from '../identity/keys.ts';
import { confirmReceipt, signReceiptConfirmation } from '../market/receipt.ts';
import { markLab } from './presets-identity.ts';
import { labUserPassword, metaOf, must, presets, type Preset } from './presets.ts';

// The preset of the auditor lab (审计: trial balance, verify, tampering): the refund lab's world (a
// seller with the demo catalogue, a buyer who paid two orders into escrow, both delivered), then the
// buyer signs the receipt of both, so escrow releases the money to the seller less the platform's
// commission. A small journal with real trades in it is what the auditor checks.

const buyer = 'u-lab_buyer';
/** The buyer's orders read while confirming: the refund lab's world has two. */
const presetOrdersMax = 10;

const auditor: Preset = async (db: WorldDb, ctx: PresetContext) => {
  const id = 'auditor';
  const trades = presets['refund-dispute'];
  assert(trades !== undefined, 'the refund lab preset is registered');
  await trades(db, ctx);
  // The buyer's own key ring signs the receipts: the tab building the lab is not left signed in.
  const keys = new KeyRing();
  must(await login(db, ctx.worldId, { loginName: 'lab_buyer', password: labUserPassword }, { keyRing: keys, commandId: `lab:${id}:login:buyer` }), 'buyer login');
  const orders = await marketTables(db).orders.where('[buyerId+createdAt]').between([buyer, -Infinity], [buyer, Infinity]).limit(presetOrdersMax).toArray();
  assert(orders.length === 2, 'the refund lab world has two delivered orders');
  for (const order of orders) {
    const confirmation = must(await signReceiptConfirmation(db, ctx.worldId, order.id, { keyRing: keys }), 'sign the receipt');
    must(await confirmReceipt(db, metaOf(id, `confirm:${order.id}`, buyer), { orderId: order.id, confirmation }), 'confirm the receipt');
  }
  keys.forgetWorld(ctx.worldId);
  await markLab(db, id);
};

export const auditorPresets: Readonly<Record<string, Preset>> = { auditor };
