import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { approvedSeller, unwrap } from '../helpers/market.ts';
import { customerAt, fund } from '../helpers/banking.ts';
import { goodPassword, labPassword, loggedInTab, registerActive } from '../helpers/identity.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { advanceClock, readClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { applyForCertificate, issueRequestedCertificate, renewIssuedCertificate, revokeCertificate } from '../../src/app/identity/ca.ts';
import { fillDemoCatalogue, listProduct, updateProduct, type PictureInput } from '../../src/app/market/products.ts';
import { setCommissionRates, setMarketRules } from '../../src/app/market/config.ts';
import { addRecurringBill } from '../../src/app/storedvalue/storedvalue.ts';
import { storedValueStory } from '../helpers/replay-stories.ts';
import { mailOf, markMailRead } from '../../src/app/mailbox.ts';
import { scheduleNotice } from '../../src/app/notices.ts';

// The last modules converted to defineCommand/execute (docs/pipeline.md): certificates revoked and
// renewed, a product edited, the demo catalogue, the operator's settings, the stored-value card,
// mail read and a scheduled notice. A world that used them replays from its log to the same digest
// (before the conversion they wrote without a log row, and replay diverged or the digests differed).

let replays = 0;
/** Replays `db`'s log into a fresh database and expects the same world. */
async function expectReplaysSame(db: WorldDb): Promise<void> {
  replays += 1;
  const fresh = new WorldDb(`settlelab-world-replay-rest-${Date.now().toString(36)}-${replays}`);
  const log = await db.commandLog.toArray();
  expect(await replay(log, fresh)).toEqual({ ok: true, value: { commands: log.length - 1 } });
  const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
  expect(again.tables).toEqual(live.tables);
  expect(again.digest).toBe(live.digest);
  fresh.close();
}

function picture(bytes = 300): PictureInput {
  return { image: new Blob([new Uint8Array(bytes).fill(7)], { type: 'image/jpeg' }), thumbnail: new Blob([new Uint8Array(40).fill(3)], { type: 'image/jpeg' }), width: 800, height: 600 };
}

describe('replay of the remaining commands', () => {
  it('certificates revoked and renewed (lists signed in the CA tab) replay to the same world', async () => {
    const { db, id } = await freshWorld();
    const ca = await loggedInTab(db, id, 'ca', await labPassword(db, 'ca'));
    const certify = async (loginName: string) => {
      const partyId = await registerActive(db, loginName);
      const ring = await loggedInTab(db, id, loginName, goodPassword);
      const applied = unwrap(await applyForCertificate(db, id, partyId, { keyRing: ring }));
      return unwrap(await issueRequestedCertificate(db, id, 'ca', { requestId: applied.requestId }, { keyRing: ca })).serial;
    };
    const first = await certify('meimei');
    const second = await certify('lilei');
    await advanceClock(db, meta('ca'), { kind: 'hours', hours: 2 });
    unwrap(await revokeCertificate(db, id, 'ca', { serial: first, reason: 'key_compromise' }, { keyRing: ca }));
    expect(await revokeCertificate(db, id, 'ca', { serial: first, reason: 'unspecified' }, { keyRing: ca })).toMatchObject({ code: 'certificate_already_revoked' });
    await advanceClock(db, meta('ca'), { kind: 'days', days: 300 });
    const renewed = unwrap(await renewIssuedCertificate(db, id, 'ca', { serial: second }, { keyRing: ca }));
    expect(renewed.renewedFrom).toBe(second);
    const names = (await db.commandLog.toArray()).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['revokeCertificate', 'renewCertificate']));
    // The signed list is in the commands' rows, never the CA's key (the genesis tape seeded it).
    expect(JSON.stringify((await db.commandLog.toArray()).slice(1))).not.toContain(bytesOf(ca.seed(id, 'ca')));
    await expectReplaysSame(db);
  });

  it('a product edited with a new picture, the demo catalogue and the operator’s settings replay', async () => {
    const { db, teacher } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '《电子商务概论》', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 }, pictures: [picture()] }));
    unwrap(await updateProduct(db, meta(seller), { productId: book.id, edit: { unitPrice: '39.90' }, keepPictureIds: [], newPictures: [picture(500)] }));
    const other = await approvedSeller(db, 'shop2');
    unwrap(await fillDemoCatalogue(db, meta(other), {}));
    unwrap(await setCommissionRates(db, teacher, meta('platform'), { books: '0.05' }));
    unwrap(await setMarketRules(db, teacher, meta('platform'), { payTimeoutHours: '48', deliveryFeePost: '8' }));
    await expectReplaysSame(db);
  });

  it('the stored-value card (join, issue, top-up, pay, settle, a bill paid by its job), mail read and a notice replay', async () => {
    const { db } = await freshWorld();
    const buyer = await customerAt(db, 'lilei', 'bank-a');
    const canteen = await customerAt(db, 'canteen', 'bank-a');
    await fund(db, buyer, 'bank-a', '300.00');
    const card = await storedValueStory(db, buyer, canteen);
    expect(await addRecurringBill(db, meta(buyer), { cardId: card.cardId, payeeId: canteen, kind: 'phone', account: '138', amount: '30', intervalDays: Number.NaN })).toMatchObject({ ok: false });
    unwrap(await addRecurringBill(db, meta(buyer), { cardId: card.cardId, payeeId: canteen, kind: 'phone', account: '13812345678', amount: '30', intervalDays: 30 }));
    unwrap(await scheduleNotice(db, meta('platform'), { text: 'day 10: the auditors arrive', dueAt: (await readClock(db)) + 10 * 86_400_000 }));
    await advanceClock(db, meta(), { kind: 'days', days: 31 });
    await runDueJobs(db, 'test-runner');
    const mail = (await mailOf(db, buyer))[0];
    if (mail?.id !== undefined) unwrap(await markMailRead(db, meta(buyer), mail.id));
    const names = new Set((await db.commandLog.toArray()).map((r) => r.name));
    for (const name of ['storedvalue.issue', 'storedvalue.topUp', 'storedvalue.join', 'storedvalue.pay', 'storedvalue.settle', 'storedvalue.addBill', 'scheduleNotice']) expect(names).toContain(name);
    await expectReplaysSame(db);
  });
});

function bytesOf(seed: Uint8Array | null): string {
  expect(seed).not.toBeNull();
  return [...seed!].map((b) => b.toString(16).padStart(2, '0')).join('');
}
