import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountToMinor, bankingAccountIds as ids, dayMs, hourMs, minorToAmount, startOfWorldDay } from '../../src/domain/index.ts';
import { postBankTransfer } from '../../src/app/banking/transfers.ts';
import { clearingBatches, openPositions } from '../../src/app/banking/clearing.ts';
import { runCommand } from '../../src/app/command.ts';
import { advanceClock, readClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { balances, customerAt, expectBooksSound, fund } from '../helpers/banking.ts';

// Random interbank (and same-bank) transfers over several world days. After each day's batch:
// the nets sum to zero, each bank's reserve (at the central bank and in its own book) moved by
// exactly its net, every customer holds exactly what the model says (sent, received, refused),
// nothing is left in transit, the trial balance is zero and the journal verifies.

const banks = ['bank-a', 'bank-b'] as const;
const customersPerBank = 2;
const opening = 500_00n; // fen: each customer starts with ¥500.00

const transferArb = fc.record({ from: fc.nat({ max: 3 }), to: fc.nat({ max: 3 }), fen: fc.integer({ min: 1, max: 400_00 }) });
const daysArb = fc.array(fc.array(transferArb, { maxLength: 7 }), { minLength: 1, maxLength: 4 });

const minor = (s: string | undefined) => amountToMinor(s ?? '0.00', 2)!;

describe('clearing batches (property)', () => {
  it('net to zero, move reserves by exactly the nets, and deliver every transfer exactly', async () => {
    await fc.assert(
      fc.asyncProperty(daysArb, async (days) => {
        const { db } = await freshWorld();
        const customers: { partyId: string; bankId: string }[] = [];
        for (const bankId of banks) {
          for (let i = 0; i < customersPerBank; i++) {
            const partyId = await customerAt(db, `c${bankId.slice(-1)}${i}`, bankId);
            await fund(db, partyId, bankId, minorToAmount(opening, 2));
            customers.push({ partyId, bankId });
          }
        }
        const model = new Map(customers.map((c) => [ids.deposit(c.bankId, c.partyId), opening]));
        let batchesExpected = 0;
        for (const day of days) {
          const reservesBefore = await balances(db);
          const dayNet = new Map<string, bigint>(banks.map((b) => [b, 0n]));
          let interbank = 0;
          for (const t of day) {
            const payer = customers[t.from]!;
            const payee = customers[t.to]!;
            if (payer === payee) continue;
            await advanceClock(db, meta(), { kind: 'hours', hours: 1 });
            const m = meta(payer.partyId);
            const amount = minorToAmount(BigInt(t.fen), 2);
            const r = await runCommand(db, 'prop.transfer', m, (tx) => postBankTransfer(tx, { id: m.id, payer, payee, amount }));
            const from = ids.deposit(payer.bankId, payer.partyId);
            const to = ids.deposit(payee.bankId, payee.partyId);
            if (model.get(from)! < BigInt(t.fen)) {
              expect(r).toMatchObject({ ok: false, code: 'insufficient_funds' });
              continue;
            }
            expect(r.ok).toBe(true);
            model.set(from, model.get(from)! - BigInt(t.fen));
            model.set(to, model.get(to)! + BigInt(t.fen));
            if (payer.bankId !== payee.bankId) {
              interbank += 1;
              dayNet.set(payer.bankId, dayNet.get(payer.bankId)! - BigInt(t.fen));
              dayNet.set(payee.bankId, dayNet.get(payee.bankId)! + BigInt(t.fen));
            }
          }
          // Customers are credited at once, before settlement.
          const mid = await balances(db);
          for (const [account, fen] of model) expect(minor(mid.get(account)), account).toBe(fen);

          // Past midnight (to 09:00 next day): the leader runs the day's batch.
          const now = await readClock(db);
          await advanceClock(db, meta(), { kind: 'to', at: startOfWorldDay(now) + dayMs + 9 * hourMs });
          await runDueJobs(db, 'tab');
          if (interbank > 0) batchesExpected += 1;
          const batches = await clearingBatches(db);
          expect(batches).toHaveLength(batchesExpected);
          const after = await balances(db);
          if (interbank > 0) {
            const batch = batches[0]!;
            expect(batch.payments).toBe(interbank);
            expect(batch.positions.reduce((s, p) => s + minor(p.net), 0n)).toBe(0n);
            for (const p of batch.positions) expect(minor(p.net)).toBe(dayNet.get(p.bankId));
          }
          for (const bank of banks) {
            const net = dayNet.get(bank)!;
            expect(minor(after.get(ids.centralReserve(bank))) - minor(reservesBefore.get(ids.centralReserve(bank))), bank).toBe(net);
            expect(minor(after.get(ids.reserve(bank))) - minor(reservesBefore.get(ids.reserve(bank))), bank).toBe(net);
            expect(after.get(ids.clearingIn(bank))).toBe('0.00');
            expect(after.get(ids.clearingOut(bank))).toBe('0.00');
          }
          expect(after.get(ids.settlement)).toBe('0.00');
          for (const [account, fen] of model) expect(minor(after.get(account)), account).toBe(fen);
          expect(await openPositions(db)).toEqual([]);
          await expectBooksSound(db);
        }
        db.close();
      }),
      { numRuns: 8 },
    );
  }, 180_000);
});
