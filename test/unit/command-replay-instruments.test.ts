import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids } from '../../src/domain/index.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { clearingBatches } from '../../src/app/banking/clearing.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import {
  decidePresentment,
  depositCheque,
  enableChequeAccount,
  endorseReceivedCheque,
  issueChequebookAtBank,
  presentDepositedCheque,
  stopChequePayment,
  verifyReceivedCheque,
  writeAndSendCheque,
} from '../../src/app/echeque/index.ts';
import { createWallet } from '../../src/app/ecash/wallet.ts';
import { withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { depositTill, heldCoins, payBackCoins, payCoins } from '../../src/app/ecash/spend.ts';
import { depositDeviceTakings, issueSmartCard, loadSmartCard, payWithSmartCard, registerMerchantDevice } from '../../src/app/smartcard/smartcard.ts';
import { worldDigest } from '../../src/app/replay.ts';
import { chargePaymentCode, confirmMobilePayment, mobileWalletOf, openMobileWallet, setMobileFreeLimit, setMobilePin } from '../../src/app/mobile/mobile.ts';
import { readClock } from '../../src/app/clock-read.ts';
import { systemRandom } from '../../src/app/identity/common.ts';
import { deskDay, reconcileDay, resolveDifference } from '../../src/app/reconciliation/desk.ts';
import { labChangeFee } from '../../src/app/reconciliation/lab.ts';
import { matchDayInThread } from '../../src/app/recon-worker/client.ts';
import { walletId } from '../../src/app/market/accounts.ts';
import { labTransfer } from '../../src/app/ledger.ts';
import { dateStartMs, hourMs, nextDate, paymentCodeOf, worldDateOf } from '../../src/domain/index.ts';
import { approvedSeller, fundWallet } from '../helpers/market.ts';
import type { Result } from '../../src/domain/index.ts';
import { balances, customerAt, expectBooksSound, fund, onlineBanking } from '../helpers/banking.ts';
import { replayAfter, restore, snapshot } from '../helpers/replay-snapshot.ts';
import { freshWorld, meta, teacherOf } from '../helpers/world.ts';

// Replay of the payment instruments (issue #19 item 3): an e-cheque's whole life (written, checked,
// endorsed, deposited, presented through clearing and paid; another returned for insufficient
// funds with its fee; a stopped one returned as stopped), e-cash (a wallet, a blind withdrawal,
// paying a merchant, the merchant's deposit, the same coins deposited again refused as a double
// spend, paying back) and a Mondex smart card (issued, a merchant device, loaded, paid, takings
// deposited), then the night's clearing: the log's rows after the parties' set-up replay onto a
// snapshot of it, in a fresh database, to the same world digest, table by table.

function value<T>(r: Result<T, string>): T {
  if (!r.ok) throw new Error(`${r.code} ${JSON.stringify(r.detail ?? {})}`);
  return r.value;
}

describe('replay of e-cheques, e-cash and smart cards', () => {
  it('a cheque story, an e-cash story with a double spend and a smart-card payment replay to the same digest', async () => {
    const { db, id: worldId } = await freshWorld();
    const drawer = await customerAt(db, 'zhangsan', 'bank-a');
    const payee = await customerAt(db, 'lisi', 'bank-b');
    const drawerRing = await onlineBanking(db, worldId, 'zhangsan', drawer, 'bank-a');
    const payeeRing = await onlineBanking(db, worldId, 'lisi', payee, 'bank-b');
    const before = await snapshot(db);

    // E-cheques: the drawer's cheque account and book at bank-a, ¥1,000 paid in.
    await fund(db, drawer, 'bank-a', '1000.00');
    value(await enableChequeAccount(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer) }));
    const book = value(await issueChequebookAtBank(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer), count: 10 }));
    const write = async (amount: string) =>
      value(await writeAndSendCheque(db, worldId, drawer, { bookId: book.id, payeePartyId: payee, amount, memo: 'goods' }, { keyRing: drawerRing })).id;
    const presentAndDecide = async (chequeId: string) => {
      value(await verifyReceivedCheque(db, meta(payee), { chequeId }));
      value(await endorseReceivedCheque(db, worldId, payee, { chequeId }, { keyRing: payeeRing }));
      const deposited = value(await depositCheque(db, meta(payee), { chequeId }));
      value(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: deposited.id }));
      return value(await decidePresentment(db, meta('bank-a'), { presentmentId: deposited.id })).presentment;
    };
    const paid = await presentAndDecide(await write('300.00'));
    expect(paid.status).toBe('paid');
    const bounced = await presentAndDecide(await write('2000.00'));
    expect([bounced.status, bounced.reason]).toEqual(['returned', 'insufficient_funds']);
    const stoppedId = await write('50.00');
    const stoppedNumber = (await db.table('cheques').get(stoppedId)).cheque.payload.chequeNumber as string;
    value(await stopChequePayment(db, worldId, drawer, { bookId: book.id, chequeNumber: stoppedNumber, reason: 'goods never came' }, { keyRing: drawerRing }));
    const stopped = await presentAndDecide(stoppedId);
    expect([stopped.status, stopped.reason]).toEqual(['returned', 'payment_stopped']);

    // E-cash: the drawer's wallet, ¥1.60 withdrawn in blind coins, ¥0.60 paid to the payee, who
    // deposits; the same coins deposited again are a double spend; the rest paid back.
    const wallet = value(await createWallet(db, meta(drawer), { password: 'purse secret 7' }));
    value(await withdrawEcash(db, wallet, { bankId: 'bank-a', amount: '1.60' }));
    const coins = await heldCoins(db, wallet);
    const paying = coins.filter((c) => c.coin.denomination === '0.50' || c.coin.denomination === '0.10');
    const payment = value(await payCoins(db, meta(drawer), { merchantId: payee, payee: 'Lisi', amount: '0.60', reference: 'newspaper', coins: paying }));
    expect(value(await depositTill(db, meta(payee), { bankId: 'bank-b' })).amount).toBe('0.60');
    expect(await depositTill(db, meta(payee), { serials: payment.serials, bankId: 'bank-b' })).toMatchObject({ ok: false, code: 'double_spend' });
    value(await payBackCoins(db, meta(drawer), { coins: await heldCoins(db, wallet) }));

    // A Mondex card at bank-a pays the payee's device (acquired by bank-b), which deposits its takings.
    const card = value(await issueSmartCard(db, meta(drawer), { issuerId: 'bank-a' }));
    const device = value(await registerMerchantDevice(db, meta(payee), { acquirerId: 'bank-b' }));
    value(await loadSmartCard(db, meta(drawer), { cardId: card.cardId, amount: '40' }));
    expect(value(await payWithSmartCard(db, meta(drawer), { cardId: card.cardId, deviceId: device.deviceId, amount: '12.30' })).stage).toBe('completed');
    expect(value(await depositDeviceTakings(db, meta(payee), { deviceId: device.deviceId })).amount).toBe('12.30');

    // The night's clearing settles the interbank positions (a job, logged as job:<kind>).
    value(await advanceClock(db, meta('clearing'), { kind: 'days', days: 1 }));
    await runDueJobs(db, 'test-leader');
    expect((await clearingBatches(db)).length).toBeGreaterThan(0);
    const b = await balances(db);
    expect(b.get(ids.deposit('bank-b', payee))).toBe('312.90');
    await expectBooksSound(db);

    const log = await db.commandLog.toArray();
    const fresh = await restore(before);
    const replayed = await replayAfter(before, log, fresh);
    expect(replayed).toEqual(
      expect.arrayContaining([
        'enableChequeAccount', 'issueChequebook', 'writeCheque', 'verifyCheque', 'endorseCheque', 'depositCheque', 'presentCheque', 'decidePresentment', 'stopCheque',
        'ecash.createWallet', 'ecash.openSession', 'ecash.signBlinded', 'ecash.storeCoin', 'ecash.pay', 'ecash.deposit', 'ecash.payBack',
        'smartcard.issue', 'smartcard.registerDevice', 'smartcard.load', 'smartcard.pay', 'smartcard.deposit',
      ]),
    );
    // The refused double spend changed nothing and is not in the log.
    expect(replayed.filter((n) => n === 'ecash.deposit')).toHaveLength(1);
    expect(replayed.some((n) => n.startsWith('job:'))).toBe(true);
    const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
    expect(again.tables).toEqual(live.tables);
    expect(again.journalHead).toBe(live.journalHead);
    expect(again.digest).toBe(live.digest);
  });

  it("a counter payment (one under the limit, one confirmed with the PIN after a wrong one), the lab's changed fee, the desk's worker match and a write-off, and a lab transfer replay to the same digest", async () => {
    const { db } = await freshWorld();
    const buyer = 'u-lilei';
    const seller = await approvedSeller(db, 'shop1');
    // A test helper's bare command funds the wallet: part of the set-up, before the snapshot.
    await fundWallet(db, buyer, '500.00');
    const before = await snapshot(db);

    value(await openMobileWallet(db, meta(buyer), systemRandom));
    value(await openMobileWallet(db, meta(seller), systemRandom));
    const day1 = nextDate(worldDateOf(await readClock(db)));
    value(await advanceClock(db, meta('platform'), { kind: 'to', at: dateStartMs(day1) + 10 * hourMs }));
    const charge = async (amount: string) => {
      const code = paymentCodeOf((await mobileWalletOf(db, buyer))!, await readClock(db));
      return value(await chargePaymentCode(db, meta(seller), { code, amount }));
    };
    const small = await charge('12.50');
    expect(small.status).toBe('paid');
    value(await setMobilePin(db, meta(buyer), { pin: '135790' }, systemRandom));
    value(await setMobileFreeLimit(db, meta(buyer), { amount: '0' }));
    const asked = await charge('30.00');
    expect(asked.status).toBe('awaiting_pin');
    expect(await confirmMobilePayment(db, meta(buyer), { paymentId: asked.id, pin: '000000' })).toMatchObject({ ok: false, code: 'mobile_pin_wrong' });
    expect(value(await confirmMobilePayment(db, meta(buyer), { paymentId: asked.id, pin: '135790' })).status).toBe('paid');

    // The lab: the channel's bill names another fee for the first payment; the teacher moves money.
    const teacher = await teacherOf(db);
    value(await labChangeFee(db, teacher, meta('platform'), { channelTradeNo: small.id, fee: '0.10' }));
    value(await labTransfer(db, teacher, meta('platform'), { debitAccountId: walletId(buyer), creditAccountId: walletId(seller), amount: '1.00', currency: 'CNY', code: 'lab.transfer', memo: 'lab' }));

    // After the cut-off the seller's desk saves a match made off the transaction (the worker's
    // run, here in this thread) and writes the fee difference off.
    value(await advanceClock(db, meta('platform'), { kind: 'to', at: dateStartMs(nextDate(day1)) + hourMs }));
    const matched = await matchDayInThread(db, seller, day1);
    const saved = value(await reconcileDay(db, meta(seller), { scope: seller, date: day1, matched }));
    expect(saved.opening.map((d) => d.kind)).toEqual(['fee_mismatch']);
    value(await resolveDifference(db, meta(seller), { scope: seller, date: day1, differenceId: saved.opening[0]!.id, action: 'write_off', reason: 'the bill charged a fee' }));
    expect((await deskDay(db, seller, day1)).balanced).toBe(true);

    const log = await db.commandLog.toArray();
    const fresh = await restore(before);
    const replayed = await replayAfter(before, log, fresh);
    expect(replayed).toEqual(
      expect.arrayContaining(['mobile.openWallet', 'mobile.chargeCode', 'mobile.setPin', 'mobile.setFreeLimit', 'mobile.pinWrong', 'mobile.confirm', 'reconLabFee', 'labTransfer', 'reconcileDay', 'resolveDifference']),
    );
    const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
    expect(again.tables).toEqual(live.tables);
    expect(again.journalHead).toBe(live.journalHead);
    expect(again.digest).toBe(live.digest);
  });
});
