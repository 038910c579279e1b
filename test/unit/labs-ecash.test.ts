import { describe, expect, it } from 'vitest';
import { createLabWorld, labOfWorld } from '../../src/app/labs/lab-world.ts';
import { labById } from '../../src/app/labs/catalogue.ts';
import { checkAnswer, labProgress } from '../../src/app/labs/progress.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { journalHeadKey } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { createWallet } from '../../src/app/ecash/wallet.ts';
import { withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { depositTill, heldCoins, payBackCoins, payWithEcash, tillOf } from '../../src/app/ecash/spend.ts';
import { depositDeviceTakings, issueSmartCard, loadSmartCard, payWithSmartCard, registerMerchantDevice } from '../../src/app/smartcard/smartcard.ts';
import { issueStoredValue, joinStoredValueScheme, payWithStoredValue, settleStoredValue, topUpStoredValue } from '../../src/app/storedvalue/storedvalue.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import { expectLedgerSound, unwrap } from '../helpers/market.ts';
import { meta, testPasswordIterations } from '../helpers/world.ts';
import '../../src/app/features.ts';

// The e-cash lab and the smart-card / one-card lab (issue #14): each preset runs the real commands
// and replays to the same ledger head hash; each step ticks only when the world shows it done (the
// bank's spent list, the refused second deposit in the commands table, the card events); the
// questions are answered by the world.

let n = 0;
async function presetWorld(labId: string): Promise<WorldDb> {
  n += 1;
  const id = `lab-${labId}-${n}-${Date.now().toString(36)}`;
  const r = await createLabWorld({ labId, id, name: labId, createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: 'teacher pass 42' } });
  if (!r.ok) throw new Error(r.code);
  const db = openWorldDb(r.value.entry);
  await db.open();
  return db;
}

async function head(db: WorldDb): Promise<unknown> {
  return (await db.meta.get(journalHeadKey))?.value;
}

async function stepsDone(db: WorldDb, labId: string): Promise<string[]> {
  return (await labProgress(db, labById(labId)!)).steps.filter((s) => s.done).map((s) => s.step.id);
}

describe.each(['ecash', 'smartcard'])('the %s lab preset', (labId) => {
  it('builds by real commands the same way twice (same ledger head hash), its parties certified and banked', async () => {
    const a = await presetWorld(labId);
    const b = await presetWorld(labId);
    expect(await head(b)).toEqual(await head(a));
    expect((await labOfWorld(a))?.id).toBe(labId);
    expect(await stepsDone(a, labId)).toEqual([]);
    const lab = labById(labId)!;
    const customer = lab.roles.find((r) => r.kind === 'buyer')!.party;
    expect(await identityTables(a).certificates.where('partyId').equals(customer).count()).toBe(1);
    await expectLedgerSound(a);
  });
});

describe('the e-cash lab', () => {
  it('ticks withdraw, spend, deposit, the spent list, the refused double spend and the pay-back from the world; the bank links no withdrawal to the deposit', async () => {
    const db = await presetWorld('ecash');
    const lab = labById('ecash')!;
    const buyer = 'u-lab_buyer';
    const seller = 'u-lab_seller';
    const wallet = unwrap(await createWallet(db, meta(buyer), { password: 'purse secret 7' }));
    // A refused withdrawal (beyond the balance) ticks nothing.
    expect(await withdrawEcash(db, wallet, { bankId: 'bank-a', amount: '500.00' })).toMatchObject({ ok: false, code: 'insufficient_funds' });
    expect(await stepsDone(db, 'ecash')).toEqual([]);
    expect(await checkAnswer(db, lab, 'withdrawn', '15.00')).toBe('not_yet');

    unwrap(await withdrawEcash(db, wallet, { bankId: 'bank-a', amount: '15.00' }));
    expect(await stepsDone(db, 'ecash')).toEqual(['withdraw']);
    unwrap(await payWithEcash(db, wallet, { merchantId: seller, payee: seller, amount: '5.00', reference: 'news-1' }));
    expect(await stepsDone(db, 'ecash')).toEqual(['withdraw', 'spend']);
    expect(await checkAnswer(db, lab, 'linked', '0')).toBe('not_yet');
    unwrap(await depositTill(db, meta(seller)));
    expect(await stepsDone(db, 'ecash')).toEqual(['withdraw', 'spend', 'deposit', 'spent-list']);

    const [coin] = await tillOf(db, seller);
    expect(await depositTill(db, meta(seller), { serials: [coin!.serial] })).toMatchObject({ ok: false, code: 'double_spend' });
    expect(await stepsDone(db, 'ecash')).toEqual(['withdraw', 'spend', 'deposit', 'spent-list', 'deposit-again']);
    expect((await labProgress(db, lab)).current?.id).toBe('pay-back');
    unwrap(await payBackCoins(db, meta(buyer), { coins: await heldCoins(db, wallet) }));
    expect(await stepsDone(db, 'ecash')).toEqual(lab.steps.map((s) => s.id));

    expect(await checkAnswer(db, lab, 'withdrawn', '¥15')).toBe('correct');
    expect(await checkAnswer(db, lab, 'withdrawn', '5.00')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'deposited', '5.00')).toBe('correct');
    expect(await checkAnswer(db, lab, 'paid-back', '10.00')).toBe('correct');
    expect(await checkAnswer(db, lab, 'paid-back', '15.00')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'linked', '0')).toBe('correct');
    expect(await checkAnswer(db, lab, 'linked', '1')).toBe('wrong');
    await expectLedgerSound(db);
  });
});

describe('the smart-card and one-card lab', () => {
  it('ticks the device, the load, the card-to-device payment, the deposit, the scheme, the top-up, the one-card payment and the collection; answers from the world', async () => {
    const db = await presetWorld('smartcard');
    const lab = labById('smartcard')!;
    const holder = 'u-lab_holder';
    const merchant = 'u-lab_merchant';
    const device = unwrap(await registerMerchantDevice(db, meta(merchant), { acquirerId: 'bank-a' }));
    expect(await stepsDone(db, 'smartcard')).toEqual(['device']);
    const card = unwrap(await issueSmartCard(db, meta(holder), { issuerId: 'bank-a' }));
    expect(await stepsDone(db, 'smartcard')).toEqual(['device']);
    unwrap(await loadSmartCard(db, meta(holder), { cardId: card.cardId, amount: '50.00' }));
    expect(await stepsDone(db, 'smartcard')).toEqual(['device', 'load']);
    // A payment cut before the device took the value is not the lab's payment.
    unwrap(await payWithSmartCard(db, meta(holder), { cardId: card.cardId, deviceId: device.deviceId, amount: '1.00', interrupt: 'value_lost' }));
    expect(await stepsDone(db, 'smartcard')).toEqual(['device', 'load']);
    expect(await checkAnswer(db, lab, 'balance', '37.70')).toBe('not_yet');
    const paid = unwrap(await payWithSmartCard(db, meta(holder), { cardId: card.cardId, deviceId: device.deviceId, amount: '12.30' }));
    expect(await stepsDone(db, 'smartcard')).toEqual(['device', 'load', 'pay']);
    unwrap(await depositDeviceTakings(db, meta(merchant), { deviceId: device.deviceId }));
    expect(await stepsDone(db, 'smartcard')).toEqual(['device', 'load', 'pay', 'deposit-takings']);

    unwrap(await joinStoredValueScheme(db, meta(merchant), { participating: true }));
    const ykt = unwrap(await issueStoredValue(db, meta(holder)));
    unwrap(await topUpStoredValue(db, meta(holder), { cardId: ykt.cardId, amount: '100.00' }));
    unwrap(await payWithStoredValue(db, meta(holder), { cardId: ykt.cardId, merchantId: merchant, amount: '8.50', reference: 'counter' }));
    expect((await labProgress(db, lab)).current?.id).toBe('collect');
    unwrap(await settleStoredValue(db, meta(merchant)));
    expect(await stepsDone(db, 'smartcard')).toEqual(lab.steps.map((s) => s.id));

    expect(await checkAnswer(db, lab, 'balance', paid.card.balance)).toBe('correct');
    expect(await checkAnswer(db, lab, 'balance', '50.00')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'sequence', String(paid.card.sequence))).toBe('correct');
    expect(await checkAnswer(db, lab, 'takings', '12.30')).toBe('correct');
    expect(await checkAnswer(db, lab, 'takings', '13.30')).toBe('wrong');
    expect(await checkAnswer(db, lab, 'settled', '8.50')).toBe('correct');
    await expectLedgerSound(db);
  });
});
