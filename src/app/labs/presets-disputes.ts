import { assert } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { PresetContext } from '../worlds.ts';
import { addToCart } from '../market/cart.ts';
import { payOrder, placeOrders } from '../market/orders.ts';
import { bookShipment, pickUpShipment, postTracking } from '../market/shipping.ts';
import { markLab } from './presets-identity.ts';
import { metaOf, must, presets, type Preset } from './presets.ts';

// The preset of the refund and dispute lab (退款与纠纷仲裁): the B2C lab's world (a seller with the
// demo catalogue, a buyer with ¥300.00 in the escrow wallet), then two orders bought, paid into
// escrow, shipped and delivered by the real commands. The refunds are the lab.

const buyer = 'u-lab_buyer';
const seller = 'u-lab_seller';

/** The product of each of the lab's two orders (demo catalogue): a textbook and earphones. */
export const disputeLabProducts = { partial: `${seller}-demo-01`, dispute: `${seller}-demo-03` } as const;

async function deliveredOrder(db: WorldDb, presetId: string, which: keyof typeof disputeLabProducts): Promise<void> {
  const step = (s: string) => metaOf(presetId, `${which}:${s}`, s.startsWith('ship') || s === 'book' ? (s === 'book' ? seller : 'logistics') : buyer);
  must(await addToCart(db, step('cart'), { productId: disputeLabProducts[which], quantity: 1 }), 'add to cart');
  const placed = must(
    await placeOrders(db, step('place'), { address: { recipient: '李雷', phone: '13812345678', address: '北京市海淀区中关村大街1号', postcode: '100080' }, deliveryMethod: 'express', paymentMethod: 'escrow' }),
    'place the order',
  );
  const order = placed[0];
  assert(order !== undefined && placed.length === 1, 'one seller: one order');
  must(await payOrder(db, step('pay'), { orderId: order.id }), 'pay');
  const booking = must(await bookShipment(db, step('book'), { orderId: order.id }), 'book the courier');
  must(await pickUpShipment(db, step('ship-pickup'), { shipmentId: booking.id, place: '杭州仓' }), 'pick up');
  must(await postTracking(db, step('ship-delivered'), { shipmentId: booking.id, status: 'delivered', place: '中关村' }), 'deliver');
}

const refundDispute: Preset = async (db, ctx: PresetContext) => {
  const id = 'refund-dispute';
  const b2c = presets['b2c-escrow'];
  assert(b2c !== undefined, 'the B2C preset is registered');
  await b2c(db, ctx);
  await deliveredOrder(db, id, 'partial');
  await deliveredOrder(db, id, 'dispute');
  await markLab(db, id);
};

export const disputePresets: Readonly<Record<string, Preset>> = { 'refund-dispute': refundDispute };
