import { beforeAll, describe, expect, it } from 'vitest';
import { exportWorld, importWorld } from '../../src/app/world-file.ts';
import { getWorld, openWorldDb } from '../../src/app/worlds.ts';
import { replay, worldDigest, type WorldDigest } from '../../src/app/replay.ts';
import { bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import type { CommandLogRow, WorldDb } from '../../src/storage/schema.ts';
import { customerAt, expectBooksSound, onlineBanking } from '../helpers/banking.ts';
import { advanceDays, unwrap } from '../helpers/market.ts';
import { replayDb } from '../helpers/replay-snapshot.ts';
import { escrowStory, instrumentsStory, mobileCounterStory, paymentsStory, placeOne, storedValueStory } from '../helpers/replay-stories.ts';
import { resealStreamBytes, rowsOfTable, splitStream } from '../helpers/world-stream-file.ts';
import { freshWorld, meta } from '../helpers/world.ts';

// Issue #19's acceptance: a world exported after a run through every payment method replays to
// the same digest. One world goes through all of them (the replay tests' stories, each in its own
// parties' names); it is exported with the app's world-file export, the file imported into a new
// world, and the imported world's command log, as read back from the file, replayed into a fresh
// database. The three worlds' canonical digests (worldDigest, as the replay tests compare) agree.

/** Every payment method of the seed, in one world. */
async function everyPaymentMethod(): Promise<{ id: string; db: WorldDb }> {
  const world = await freshWorld('Every payment method');
  const { db, id } = world;
  // Credit card captured on shipping, online-banking transfer, COD, remittance matched by reference.
  const p = await paymentsStory(world, { seller: 'shop1', buyer: 'buyer1' });
  // The same buyer pays an order by debit card (its bank-a card) and one by online banking.
  const debitCard = (await bankAccountsOf(db, p.buyer)).find((a) => a.bankId === 'bank-a')!.cardNumber;
  const byDebit = await placeOne(db, p.buyer, p.bookId, 'debit_card');
  unwrap(await payOrderWith(db, meta(p.buyer), { orderId: byDebit.id, channel: 'debit_card', source: { cardId: debitCard } }));
  const byBank = await placeOne(db, p.buyer, p.bookId, 'online_banking');
  unwrap(await payOrderWith(db, meta(p.buyer), { orderId: byBank.id, channel: 'online_banking', source: { bankId: 'bank-a' } }, { keyRing: p.ring }));
  // An escrow order from payment to the seller's money (T+1).
  const escrow = await escrowStory(world, { seller: 'shop2', buyer: 'buyer2', productNumber: 'BK-0002' });
  // E-cheques, e-cash and a Mondex card between two customers of two banks.
  const drawer = await customerAt(db, 'zhangsan', 'bank-a');
  const payee = await customerAt(db, 'lisi', 'bank-b');
  const drawerRing = await onlineBanking(db, id, 'zhangsan', drawer, 'bank-a');
  const payeeRing = await onlineBanking(db, id, 'lisi', payee, 'bank-b');
  await instrumentsStory(db, id, { drawer, payee, drawerRing, payeeRing });
  // The one-card stored-value card, topped up from the drawer's bank-a account, paid at a canteen there.
  await storedValueStory(db, drawer, await customerAt(db, 'canteen', 'bank-a'));
  // A mobile counter payment: the escrow buyer's wallet (¥110 left) pays the first seller.
  await mobileCounterStory(db, escrow.buyer, p.seller);
  // The night's jobs: clearing, the acquirer's batch for the debit card.
  await advanceDays(db, 1);
  for (const order of [byDebit, byBank]) expect((await chargesOfOrder(db, order.id))[0]!.status).toBe('succeeded');
  await expectBooksSound(db);
  return world;
}

let imports = 0;
/** The world file imported as a new world, opened. */
async function imported(file: Uint8Array): Promise<WorldDb> {
  imports += 1;
  const r = await importWorld(new Blob([file as Uint8Array<ArrayBuffer>]), { id: `world-file-replay-${imports}`, createdAtMs: 1 });
  if (!r.ok) throw new Error(`import: ${r.code} ${JSON.stringify(r.detail ?? {})}`);
  const db = openWorldDb(r.value);
  await db.open();
  return db;
}

async function logOf(db: WorldDb): Promise<CommandLogRow[]> {
  return db.commandLog.orderBy('seq').toArray();
}

let original: WorldDigest;
let file: Uint8Array;

beforeAll(async () => {
  const { id, db } = await everyPaymentMethod();
  original = await worldDigest(db);
  db.close();
  file = new Uint8Array(await (await exportWorld((await getWorld(id))!)).arrayBuffer());
});

describe('a world file after every payment method', () => {
  it('imports to the same world, and its log read back from the file replays to the same digest', async () => {
    const names = new Set(rowsOfTable(splitStream(file), 'commandLog').map((r) => r.name as string));
    for (const name of ['payOrder', 'payOrderWith', 'confirmReceipt', 'collectCod', 'matchRemittances', 'repayCard', 'onlineBankingTransfer', 'writeCheque', 'decidePresentment', 'ecash.pay', 'ecash.deposit', 'smartcard.pay', 'storedvalue.pay', 'mobile.chargeCode', 'mobile.confirm']) {
      expect(names, name).toContain(name);
    }
    const db = await imported(file);
    const again = await worldDigest(db);
    expect(again.tables).toEqual(original.tables);
    expect(again.digest).toBe(original.digest);

    const log = await logOf(db);
    const fresh = replayDb();
    expect(await replay(log, fresh)).toEqual({ ok: true, value: { commands: log.length - 1 } });
    const replayed = await worldDigest(fresh);
    expect(replayed.tables).toEqual(original.tables);
    expect(replayed.journalHead).toBe(original.journalHead);
    expect(replayed.digest).toBe(original.digest);
    db.close();
    fresh.close();
  });

  it('a file whose logged top-up amount was changed (and resealed) replays to a named divergence', async () => {
    const parts = splitStream(file);
    const rows = rowsOfTable(parts, 'commandLog');
    const i = rows.findIndex((r) => r.name === 'topUpWallet');
    const row = rows[i]!;
    rows[i] = { ...row, input: { ...(row.input as object), amount: '20.00' } };
    const db = await imported(resealStreamBytes(parts));
    const log = await logOf(db);
    expect(log.find((r) => r.seq === row.seq)?.input).toMatchObject({ amount: '20.00' });
    expect(await replay(log, replayDb())).toEqual({ ok: false, code: 'replay_diverged', detail: { seq: row.seq, name: 'topUpWallet', commandId: row.commandId } });
    db.close();
  });
});
