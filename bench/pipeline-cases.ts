import Dexie from 'dexie';
import { ok } from '../src/domain/index.ts';
import { createWorld, openWorldDb } from '../src/app/worlds.ts';
import { runCommand } from '../src/app/command.ts';
import { moveMoney } from '../src/app/ledger.ts';
import { register, activateAccount } from '../src/app/identity/registration.ts';
import { decideStore, storeIdOf } from '../src/app/identity/stores.ts';
import { mailOf } from '../src/app/mailbox.ts';
import { listProduct } from '../src/app/market/products.ts';
import { payOrder, placeOrders } from '../src/app/market/orders.ts';
import { ensureWallet, walletId } from '../src/app/market/accounts.ts';
import type { WorldDb } from '../src/storage/schema.ts';
import '../src/app/features.ts';
import { paired, ratePerSecond, type BenchCase } from './cases.ts';

// command.pay (issue #19 item 7): an escrow checkout payment end to end through the pipeline
// (payOrder: execute → runCommand, one readwrite transaction, the order's step, the escrow hold in
// the ledger, its event, the command's record and its command-log row) against a bare readwrite
// transaction touching the same kinds of rows: read the clock, the order and two accounts, write
// the order and the accounts, add a transfer, an event, a command record and a log row.

const runId = Math.random().toString(36).slice(2, 8);
const payOps = 40;
/** Orders placed before measuring: every measured payment needs its own unpaid order. */
const poolOrders = 1_000;
const address = { recipient: '李雷', phone: '13812345678', address: '北京市海淀区中关村大街1号', postcode: '100080' };
let seq = 0;
const meta = (actor: string) => ({ id: `bench-${runId}-${++seq}`, actor });

type Fixture = { readonly db: WorldDb; readonly buyer: string; readonly orders: string[] };
let fixture: Promise<Fixture> | undefined;

async function registerActive(db: WorldDb, loginName: string, role: 'buyer' | 'seller'): Promise<string> {
  const form = { role, loginName, password: 'bench pass 42', passwordAgain: 'bench pass 42', realName: '李雷', deliveryAddress: '北京市海淀区中关村大街1号', deliveryPhone: '138 1234 5678', email: `${loginName}@example.com`, ...(role === 'seller' ? { store: { name: '小店', description: '正品' } } : {}) };
  const r = await register(db, form);
  if (!r.ok) throw new Error(`register: ${r.code}`);
  const mail = (await mailOf(db, r.value.partyId)).find((m) => m.subject.key === 'mail.activation.subject');
  const a = await activateAccount(db, meta(r.value.partyId), { partyId: r.value.partyId, code: String(mail?.body.params?.code) });
  if (!a.ok) throw new Error(`activate: ${a.code}`);
  return r.value.partyId;
}

async function build(): Promise<Fixture> {
  const created = await createWorld({ id: `bench-${runId}-pay`, name: 'bench pay', createdAtMs: 0, passwordIterations: 1000 });
  if (!created.ok) throw new Error(created.code);
  const db = openWorldDb(created.value.entry);
  const seller = await registerActive(db, 'benchshop', 'seller');
  const decided = await decideStore(db, meta('platform'), { storeId: storeIdOf(seller), decision: 'approve' });
  if (!decided.ok) throw new Error(decided.code);
  const product = await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '课本', category: 'books', spec: '平装', unitPrice: '1.00', stock: poolOrders + 10 } });
  if (!product.ok) throw new Error(product.code);
  const buyer = await registerActive(db, 'benchbuyer', 'buyer');
  // The buyer's wallet filled from the escrow agent's vault in one bare command (not what is measured).
  const funded = await runCommand(db, 'benchFundWallet', meta('escrow'), async (tx) => {
    await ensureWallet(tx.db, buyer, tx.now);
    const moved = await moveMoney(tx, [{ id: `fund:${tx.meta.id}`, kind: 'single', debitAccountId: 'escrow:vault', creditAccountId: walletId(buyer), amount: '10000000.00', currency: 'CNY', code: 'bench.fund' }]);
    return moved.ok ? ok(null) : moved;
  });
  if (!funded.ok) throw new Error(funded.code);
  const orders: string[] = [];
  for (let i = 0; i < poolOrders; i++) {
    const placed = await placeOrders(db, meta(buyer), { address, deliveryMethod: 'post', paymentMethod: 'escrow', buyNow: { productId: product.value.id, quantity: 1 } });
    if (!placed.ok) throw new Error(`place: ${placed.code}`);
    orders.push(placed.value[0]!.id);
  }
  return { db, buyer, orders };
}

type Row = { id: string; [k: string]: unknown };
let baseline: Dexie | undefined;
let baseSeq = 0;

function baselineDb(): Dexie {
  if (baseline) return baseline;
  baseline = new Dexie(`bench-${runId}-pay-baseline`);
  baseline.version(1).stores({ meta: 'key', orders: 'id', accounts: 'id', transfers: 'id', events: '++seq', commands: 'id', commandLog: '++seq, &commandId' });
  return baseline;
}

export const pipelineCases: BenchCase[] = [
  {
    name: 'command.pay',
    unit: 'payments/s',
    target: 0.5,
    run: async () => {
      fixture ??= build();
      const f = await fixture;
      const base = baselineDb();
      await base.table('meta').put({ key: 'clock', value: 0 });
      await base.table('accounts').bulkPut([{ id: 'wallet', debitsPosted: '0.00', creditsPending: '0.00' }, { id: 'hold', debitsPosted: '0.00', creditsPending: '0.00' }]);
      return paired(
        () => ratePerSecond(payOps, async () => {
          for (let i = 0; i < payOps; i++) {
            const orderId = f.orders.shift();
            if (orderId === undefined) throw new Error('the pool of placed orders ran out');
            const r = await payOrder(f.db, meta(f.buyer), { orderId });
            if (!r.ok) throw new Error(`pay: ${r.code}`);
          }
        }, 800, 3),
        () => ratePerSecond(payOps, async () => {
          for (let i = 0; i < payOps; i++) {
            baseSeq += 1;
            const id = `o-${baseSeq}`;
            await base.transaction('rw', ['meta', 'orders', 'accounts', 'transfers', 'events', 'commands', 'commandLog'], async () => {
              await base.table('meta').get('clock');
              const order = ((await base.table('orders').get(id)) as Row | undefined) ?? { id, state: 'WAIT_BUYER_PAY' };
              const [a, b] = (await base.table('accounts').bulkGet(['wallet', 'hold'])) as Row[];
              await base.table('orders').put({ ...order, state: 'WAIT_SELLER_SEND_GOODS' });
              await base.table('accounts').bulkPut([{ ...a!, debitsPending: '1.00' }, { ...b!, creditsPending: '1.00' }]);
              await base.table('transfers').add({ id: `t-${baseSeq}`, amount: '1.00' });
              await base.table('events').add({ type: 'market.order_paid', payload: { orderId: id } });
              await base.table('commands').add({ id: `c-${baseSeq}`, result: { ok: true } });
              await base.table('commandLog').add({ name: 'payOrder', commandId: `c-${baseSeq}`, input: { orderId: id } });
            });
          }
        }, 800, 3),
      );
    },
  },
];
