import { describe, expect, it } from 'vitest';
import {
  depositDeviceTakings, issueSmartCard, loadSmartCard, mondexConservation, payWithSmartCard, recoverSmartCard, registerMerchantDevice, reportCardLost,
} from '../../src/app/smartcard/smartcard.ts';
import {
  addRecurringBill, billsOf, issueStoredValue, joinStoredValueScheme, payWithStoredValue, settleStoredValue, storedValueTxnsOf, topUpStoredValue,
} from '../../src/app/storedvalue/storedvalue.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { ecashTables } from '../../src/storage/ecash-tables.ts';
import { balances, customerAt, expectBooksSound, fund } from '../helpers/banking.ts';
import { freshWorld, meta } from '../helpers/world.ts';

function value<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`unexpected ${r.code}`);
  return r.value;
}

describe('Mondex smart card app', () => {
  it('issue, load, pay a merchant device, deposit takings at the acquirer; books sound after each', async () => {
    const { db } = await freshWorld();
    const buyer = await customerAt(db, 'lilei', 'bank-a');
    const seller = await customerAt(db, 'shopkeeper', 'bank-a');
    await fund(db, buyer, 'bank-a', '200.00');
    const card = value(await issueSmartCard(db, meta(buyer), { issuerId: 'bank-a' }));
    const device = value(await registerMerchantDevice(db, meta(seller), { acquirerId: 'bank-a' }));
    value(await loadSmartCard(db, meta(buyer), { cardId: card.cardId, amount: '50' }));
    let b = await balances(db);
    expect(b.get(`bank-a:deposit:${buyer}`)).toBe('150.00');
    expect(b.get('bank-a:smartcard:float')).toBe('50.00');
    await expectBooksSound(db);

    const paid = value(await payWithSmartCard(db, meta(buyer), { cardId: card.cardId, deviceId: device.deviceId, amount: '12.30' }));
    expect(paid.stage).toBe('completed');
    expect(paid.card).toMatchObject({ balance: '37.70', sequence: 1, pendingLog: [] });
    expect(paid.device.balance).toBe('12.30');
    expect((await ecashTables(db).walletTransactions.toArray())).toMatchObject([{ channel: 'smart_card', amount: '12.30', status: 'completed' }]);
    expect(await mondexConservation(db)).toMatchObject({ total: { amount: '50.00' } });

    expect(await depositDeviceTakings(db, meta(seller), { deviceId: device.deviceId })).toMatchObject({ ok: true, value: { amount: '12.30' } });
    b = await balances(db);
    expect(b.get(`bank-a:deposit:${seller}`)).toBe('12.30');
    expect(b.get('bank-a:smartcard:float')).toBe('37.70');
    expect(await depositDeviceTakings(db, meta(seller), { deviceId: device.deviceId })).toMatchObject({ ok: false, code: 'nothing_to_deposit' });
    await expectBooksSound(db);
  });

  it('an interrupted transfer (value lost, ack lost) is recovered with value conserved', async () => {
    const { db } = await freshWorld();
    const buyer = await customerAt(db, 'lilei', 'bank-a');
    const seller = await customerAt(db, 'shopkeeper', 'bank-b');
    await fund(db, buyer, 'bank-a', '100.00');
    const card = value(await issueSmartCard(db, meta(buyer), { issuerId: 'bank-a' }));
    const device = value(await registerMerchantDevice(db, meta(seller), { acquirerId: 'bank-b' }));
    value(await loadSmartCard(db, meta(buyer), { cardId: card.cardId, amount: '40' }));

    // Value message lost: off the chip, not on the device, in flight.
    const lost = value(await payWithSmartCard(db, meta(buyer), { cardId: card.cardId, deviceId: device.deviceId, amount: '5', interrupt: 'value_lost' }));
    expect(lost.stage).toBe('value_lost');
    expect(await mondexConservation(db)).toMatchObject({ onCards: { amount: '35.00' }, onDevices: { amount: '0.00' }, inFlight: { amount: '5.00' }, total: { amount: '40.00' } });
    const r1 = value(await recoverSmartCard(db, meta(buyer), { cardId: card.cardId, deviceId: device.deviceId }));
    expect(r1.outcomes).toEqual([{ sequence: 1, outcome: 'refunded' }]);
    expect(r1.card.balance).toBe('40.00');

    // Ack lost: the device has the value, the card's entry is pending until recovery clears it.
    const acked = value(await payWithSmartCard(db, meta(buyer), { cardId: card.cardId, deviceId: device.deviceId, amount: '7', interrupt: 'ack_lost' }));
    expect(acked.card.pendingLog).toHaveLength(1);
    expect(await mondexConservation(db)).toMatchObject({ onCards: { amount: '33.00' }, onDevices: { amount: '7.00' }, inFlight: { amount: '0.00' }, total: { amount: '40.00' } });
    const r2 = value(await recoverSmartCard(db, meta(buyer), { cardId: card.cardId, deviceId: device.deviceId }));
    expect(r2.outcomes).toEqual([{ sequence: 2, outcome: 'cleared' }]);
    expect(r2.card).toMatchObject({ balance: '33.00', pendingLog: [] });
    expect(await mondexConservation(db)).toMatchObject({ total: { amount: '40.00' } });
    expect((await balances(db)).get('bank-a:smartcard:float')).toBe('40.00');

    // Takings across banks: issuer bank-a owes acquirer bank-b, which credits the merchant.
    expect(await depositDeviceTakings(db, meta(seller), { deviceId: device.deviceId })).toMatchObject({ ok: true, value: { amount: '7.00' } });
    const b = await balances(db);
    expect(b.get(`bank-b:deposit:${seller}`)).toBe('7.00');
    expect(b.get('bank-a:smartcard:float')).toBe('33.00');
    await expectBooksSound(db);

    // A lost card: its certificate is revoked, devices refuse it.
    value(await reportCardLost(db, meta(buyer), { cardId: card.cardId }));
    expect(await payWithSmartCard(db, meta(buyer), { cardId: card.cardId, deviceId: device.deviceId, amount: '1' })).toMatchObject({ ok: false, code: 'card_lost' });
    await expectBooksSound(db);
  });
});

describe('stored-value card (一卡通) app', () => {
  it('issue, top up from the bank, pay a participating merchant, settle, recurring bill by the scheduler', async () => {
    const { db } = await freshWorld();
    const buyer = await customerAt(db, 'student', 'bank-a');
    const canteen = await customerAt(db, 'canteen', 'bank-a');
    const telecom = await customerAt(db, 'telecom', 'bank-a');
    await fund(db, buyer, 'bank-a', '300.00');
    const card = value(await issueStoredValue(db, meta(buyer)));
    value(await topUpStoredValue(db, meta(buyer), { cardId: card.cardId, amount: '100' }));
    let b = await balances(db);
    expect(b.get(`bank-a:deposit:${buyer}`)).toBe('200.00');
    expect(b.get('platform:storedvalue:float')).toBe('100.00');
    await expectBooksSound(db);

    expect(await payWithStoredValue(db, meta(buyer), { cardId: card.cardId, merchantId: canteen, amount: '8.50', reference: 'lunch' })).toMatchObject({ ok: false, code: 'merchant_not_participating' });
    value(await joinStoredValueScheme(db, meta(canteen), { participating: true }));
    const after = value(await payWithStoredValue(db, meta(buyer), { cardId: card.cardId, merchantId: canteen, amount: '8.50', reference: 'lunch' }));
    expect(after.balance).toBe('91.50');
    expect(await payWithStoredValue(db, meta(buyer), { cardId: card.cardId, merchantId: canteen, amount: '500', reference: 'x' })).toMatchObject({ ok: false, code: 'insufficient_balance' });
    expect(await settleStoredValue(db, meta(canteen))).toMatchObject({ ok: true, value: { amount: '8.50' } });
    b = await balances(db);
    expect(b.get(`bank-a:deposit:${canteen}`)).toBe('8.50');
    await expectBooksSound(db);

    value(await joinStoredValueScheme(db, meta(telecom), { participating: true }));
    const bill = value(await addRecurringBill(db, meta(buyer), { cardId: card.cardId, payeeId: telecom, kind: 'phone', account: '13812345678', amount: '30', intervalDays: 30 }));
    expect((await advanceClock(db, meta(), { kind: 'days', days: 31 })).ok).toBe(true);
    await runDueJobs(db, 'test-runner');
    const [paidBill] = await billsOf(db, card.cardId);
    expect(paidBill).toMatchObject({ lastPaidAt: expect.any(Number), nextDueAt: bill.nextDueAt + 30 * 86_400_000 });
    expect((await storedValueTxnsOf(db, card.cardId, 50)).map((t) => t.kind).sort()).toEqual(['bill', 'spend', 'top_up']);
    expect((await balances(db)).get('platform:storedvalue:payable:' + telecom)).toBe('30.00');
    await expectBooksSound(db);
  });
});
