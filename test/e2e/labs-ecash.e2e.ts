import { afterEach, describe, expect, it } from 'vitest';
import { launchProfile, type Profile } from './browser.ts';
import { go } from './flows.ts';
import { allTicked, answer, labUserPassword, openFromPanel, refusedWithHint, signInHere, startLab, waitTick } from './lab-steps.ts';

// The e-cash lab and the smart-card / one-card lab end to end (issue #14), through the UI only:
// each starts from its card in the start page's catalogue; every step ticks from the world (the
// bank's spent list, the refused second deposit, the card events), and a wrong answer shows the
// question's hint before the right one is accepted.

const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

describe('the e-cash lab', () => {
  it('blind withdrawal → spend → deposit on the spent list → second deposit refused as double spend → pay back; the bank links nothing', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const { page: buyer, worldId } = await startLab(p, 'ecash');
    const buyerId = 'u-lab_buyer';
    const sellerId = 'u-lab_seller';
    await expect.poll(() => buyer.getByTestId('lab-step-withdraw').getAttribute('data-current')).toBe('true');
    // The tab that started the lab is the world's teacher: it shows the bank's password.
    const bankPassword = (await buyer.getByTestId('lab-password-bank').textContent())!;
    await go(buyer, worldId, buyerId, 'ewallet');
    await signInHere(buyer, labUserPassword);
    await buyer.getByTestId('wallet-password').fill('purse secret 7');
    await buyer.getByTestId('wallet-create').click();
    await buyer.getByTestId('withdraw-bank').selectOption('bank-a');
    // A wrong action first: more than the account holds. The bank refuses, the panel says why with
    // the step's hint, and nothing ticks.
    await buyer.getByTestId('withdraw-amount').fill('9000.00');
    await buyer.getByTestId('withdraw-submit').click();
    await refusedWithHint(buyer, 'withdraw', 'insufficient_funds', 'The bank signs each coin');
    await buyer.getByTestId('withdraw-amount').fill('15.00');
    await buyer.getByTestId('withdraw-submit').click();
    const purse = buyer.getByTestId('purse-value');
    await expect.poll(() => purse.getAttribute('data-amount'), { timeout: 15_000 }).toBe('15.00');
    await waitTick(buyer, 'withdraw');

    await buyer.getByTestId('pay-merchant').selectOption(sellerId);
    await buyer.getByTestId('pay-amount').fill('5.00');
    await buyer.getByTestId('pay-submit').click();
    await expect.poll(() => purse.getAttribute('data-amount')).toBe('10.00');
    await waitTick(buyer, 'spend');

    const seller = await openFromPanel(p.context, buyer, 'lab-tab-seller');
    await go(seller, worldId, sellerId, 'ewallet');
    await signInHere(seller, labUserPassword);
    const coin = seller.getByTestId('till-coin').first();
    await coin.waitFor();
    const serial = (await coin.getAttribute('data-serial'))!;
    await seller.getByTestId('till-deposit').click();
    await expect.poll(() => coin.getAttribute('data-status')).toBe('deposited');
    await waitTick(seller, 'deposit');

    const bank = await openFromPanel(p.context, buyer, 'lab-tab-bank');
    await go(bank, worldId, 'bank-a', 'ecash-lab');
    await signInHere(bank, bankPassword);
    await bank.locator(`[data-testid="lab-deposit"][data-serial="${serial}"]`).waitFor();
    await waitTick(bank, 'spent-list');

    await coin.getByTestId('till-deposit-again').click();
    await expect.poll(async () => (await seller.getByTestId('ewallet-error').textContent()) ?? '').toContain(`Double spend: coin ${serial} was already deposited`);
    await waitTick(seller, 'deposit-again');

    await buyer.getByTestId('wallet-pay-back').click();
    await expect.poll(() => purse.getAttribute('data-amount')).toBe('0.00');
    await waitTick(buyer, 'pay-back');
    await allTicked([buyer, seller, bank], ['withdraw', 'spend', 'deposit', 'spent-list', 'deposit-again', 'pay-back']);

    // Answered in the bank's tab: an answer in a tab showing the e-wallet takes seconds longer.
    await answer(bank, 'withdrawn', '5.00', '15.00', 'E-cash lab view');
    await answer(bank, 'deposited', '15.00', '5.00', 'till');
    await answer(bank, 'paid-back', '15.00', '10.00', 'left in the wallet');
    await answer(bank, 'linked', '1', '0', 'character by character');
  });
});

describe('the smart-card and one-card lab', () => {
  it('device → load → card-to-device payment → takings deposited; one-card joined, topped up, paid, collected; questions from the world', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const { page: merchant, worldId } = await startLab(p, 'smartcard');
    const holderId = 'u-lab_holder';
    const merchantId = 'u-lab_merchant';
    await go(merchant, worldId, merchantId, 'smart-card');
    await signInHere(merchant, labUserPassword);
    await merchant.getByTestId('sc-acquirer').selectOption('bank-a');
    await merchant.getByTestId('sc-register').click();
    const device = merchant.getByTestId('device-row');
    await device.waitFor();
    const deviceId = (await device.getAttribute('data-device'))!;
    await waitTick(merchant, 'device');

    const holder = await openFromPanel(p.context, merchant, 'lab-tab-holder');
    await go(holder, worldId, holderId, 'smart-card');
    await signInHere(holder, labUserPassword);
    await holder.getByTestId('sc-issuer').selectOption('bank-a');
    await holder.getByTestId('sc-issue').click();
    const card = holder.getByTestId('smart-card-row');
    await card.waitFor();
    // A wrong action first: more than a card may hold. Refused, the panel says why with the
    // step's hint, and nothing ticks.
    await card.getByTestId('sc-load-amount').fill('999999.00');
    await card.getByTestId('sc-load').click();
    await refusedWithHint(holder, 'load', 'balance_limit_exceeded', 'Loading moves money');
    await card.getByTestId('sc-load-amount').fill('50.00');
    await card.getByTestId('sc-load').click();
    await expect.poll(() => card.getAttribute('data-balance')).toBe('50.00');
    await waitTick(holder, 'load');
    await card.getByTestId('sc-pay-device').selectOption(deviceId);
    await card.getByTestId('sc-pay-amount').fill('12.30');
    await card.getByTestId('sc-pay').click();
    await expect.poll(() => card.getAttribute('data-balance')).toBe('37.70');
    await waitTick(holder, 'pay');

    await expect.poll(() => device.getAttribute('data-takings')).toBe('12.30');
    await merchant.getByTestId('sc-deposit').click();
    await expect.poll(() => device.getAttribute('data-takings')).toBe('0.00');
    await waitTick(merchant, 'deposit-takings');

    await go(merchant, worldId, merchantId, 'stored-value');
    await merchant.getByTestId('sv-join').click();
    await merchant.getByTestId('sv-participating').waitFor();
    await waitTick(merchant, 'join');

    await go(holder, worldId, holderId, 'stored-value');
    await holder.getByTestId('sv-issue').click();
    const sv = holder.getByTestId('sv-card');
    await sv.waitFor();
    await sv.getByTestId('sv-topup-amount').fill('100.00');
    await sv.getByTestId('sv-topup').click();
    await expect.poll(() => sv.getAttribute('data-balance')).toBe('100.00');
    await waitTick(holder, 'top-up');
    await sv.getByTestId('sv-pay-merchant').selectOption(merchantId);
    await sv.getByTestId('sv-pay-amount').fill('8.50');
    await sv.getByTestId('sv-pay').click();
    await expect.poll(() => sv.getAttribute('data-balance')).toBe('91.50');
    await waitTick(holder, 'pay-onecard');

    await expect.poll(() => merchant.getByTestId('sv-takings').getAttribute('data-pending')).toBe('8.50');
    await merchant.getByTestId('sv-settle').click();
    await waitTick(merchant, 'collect');
    await allTicked([merchant, holder], ['device', 'load', 'pay', 'deposit-takings', 'join', 'top-up', 'pay-onecard', 'collect']);

    await answer(holder, 'balance', '50.00', '37.70', 'shows its balance');
    await answer(holder, 'sequence', '2', '1', 'A device refuses');
    await answer(holder, 'takings', '50.00', '12.30', 'My bank');
    await answer(holder, 'settled', '100.00', '8.50', 'waits to be collected');
  });
});
