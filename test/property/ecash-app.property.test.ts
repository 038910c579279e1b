import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { denominationMinor } from '../../src/domain/index.ts';
import { createWallet } from '../../src/app/ecash/wallet.ts';
import { withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { depositTill, heldCoins, payBackCoins, payCoins } from '../../src/app/ecash/spend.ts';
import { issueSmartCard, loadSmartCard, mondexConservation, payWithSmartCard, recoverSmartCard, registerMerchantDevice } from '../../src/app/smartcard/smartcard.ts';
import { ecashTables } from '../../src/storage/ecash-tables.ts';
import { balances, customerAt, expectBooksSound, fund } from '../helpers/banking.ts';
import { freshWorld, meta } from '../helpers/world.ts';

// Random sequences of withdrawals, payments, deposits, double-spend attempts (a copied coin handed to
// the merchant again), pay-backs, card loads, card payments (some interrupted) and recoveries keep
// the ledger's trial balance zero and the journal verifying; the bank's e-cash liability always
// equals the coins not yet deposited; the smart-card float always equals value on chips + on
// devices + in flight.

type Step =
  | { kind: 'withdraw'; tenths: number }
  | { kind: 'pay'; tenths: number }
  | { kind: 'deposit' }
  | { kind: 'copy' }
  | { kind: 'payBack' }
  | { kind: 'load'; yuan: number }
  | { kind: 'card'; yuan: number; interrupt: 'none' | 'value_lost' | 'ack_lost' }
  | { kind: 'recover' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('withdraw' as const), tenths: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('pay' as const), tenths: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ kind: fc.constant('deposit' as const) }),
  fc.record({ kind: fc.constant('copy' as const) }),
  fc.record({ kind: fc.constant('payBack' as const) }),
  fc.record({ kind: fc.constant('load' as const), yuan: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('card' as const), yuan: fc.integer({ min: 1, max: 10 }), interrupt: fc.constantFrom('none' as const, 'value_lost' as const, 'ack_lost' as const) }),
  fc.record({ kind: fc.constant('recover' as const) }),
);

const tenthsText = (n: number) => `${Math.floor(n / 10)}.${n % 10}0`;

describe('e-cash and smart cards: random sequences keep the books sound and value conserved', () => {
  it('property', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const { db } = await freshWorld();
        const buyer = await customerAt(db, 'buyer', 'bank-a');
        const seller = await customerAt(db, 'seller', 'bank-a');
        await fund(db, buyer, 'bank-a', '100.00');
        const w = await createWallet(db, meta(buyer), { password: 'purse secret 7' });
        if (!w.ok) throw new Error(w.code);
        const card = await issueSmartCard(db, meta(buyer), { issuerId: 'bank-a' });
        const device = await registerMerchantDevice(db, meta(seller), { acquirerId: 'bank-a' });
        if (!card.ok || !device.ok) throw new Error('setup');
        const lastPaid: { rowId: string; coin: Awaited<ReturnType<typeof heldCoins>>[number]['coin'] }[] = [];
        for (const s of steps) {
          if (s.kind === 'withdraw') await withdrawEcash(db, w.value, { bankId: 'bank-a', amount: tenthsText(s.tenths) });
          if (s.kind === 'pay') {
            const coins = (await heldCoins(db, w.value)).slice(0, 1 + (s.tenths % 3));
            if (coins.length > 0) {
              const total = coins.reduce((t, c) => t + Number(denominationMinor(c.coin.denomination) / 10n), 0);
              const r = await payCoins(db, meta(buyer), { merchantId: seller, payee: 's', amount: tenthsText(total), reference: 'p', coins });
              if (r.ok) lastPaid.splice(0, lastPaid.length, ...coins);
            }
          }
          if (s.kind === 'deposit') await depositTill(db, meta(seller));
          if (s.kind === 'copy' && lastPaid.length > 0) {
            // The seller deposits the same coins again: refused as a double spend, nothing credited.
            const till = await ecashTables(db).till.where('merchantId').equals(seller).toArray();
            const allDeposited = lastPaid.every((c) => till.find((t) => t.serial === c.coin.serial)?.status === 'deposited');
            const r = await depositTill(db, meta(seller), { serials: lastPaid.map((c) => c.coin.serial) });
            // Coins still in the till deposit normally; once deposited, any of them again is a double spend.
            if (allDeposited) expect(r).toMatchObject({ ok: false, code: 'double_spend' });
          }
          if (s.kind === 'payBack') {
            const coins = await heldCoins(db, w.value);
            if (coins.length > 0) expect((await payBackCoins(db, meta(buyer), { coins })).ok).toBe(true);
          }
          if (s.kind === 'load') await loadSmartCard(db, meta(buyer), { cardId: card.value.cardId, amount: String(s.yuan) });
          if (s.kind === 'card') await payWithSmartCard(db, meta(buyer), { cardId: card.value.cardId, deviceId: device.value.deviceId, amount: String(s.yuan), interrupt: s.interrupt });
          if (s.kind === 'recover') await recoverSmartCard(db, meta(buyer), { cardId: card.value.cardId, deviceId: device.value.deviceId });

          const b = await balances(db);
          const outstanding = Number((b.get('bank-a:ecash:outstanding') ?? '0.00').replace('.', ''));
          const undeposited = (await ecashTables(db).purse.where('ownerId').equals(buyer).toArray()).filter((r) => r.state === 'held').reduce((t, r) => t + Number(denominationMinor(r.denomination)), 0)
            + (await ecashTables(db).till.where('[merchantId+status]').equals([seller, 'held']).toArray()).reduce((t, r) => t + Number(denominationMinor(r.denomination)), 0);
          expect(outstanding).toBe(undeposited);
          const value = await mondexConservation(db);
          expect(value.total.amount).toBe(b.get('bank-a:smartcard:float') ?? '0.00');
        }
        await expectBooksSound(db);
      }),
      { numRuns: 20 },
    );
  }, 240_000);
});
