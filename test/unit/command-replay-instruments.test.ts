import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids } from '../../src/domain/index.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { clearingBatches } from '../../src/app/banking/clearing.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { worldDigest } from '../../src/app/replay.ts';
import { deskDay, reconcileDay, resolveDifference } from '../../src/app/reconciliation/desk.ts';
import { labChangeFee } from '../../src/app/reconciliation/lab.ts';
import { matchDayInThread } from '../../src/app/recon-worker/client.ts';
import { walletId } from '../../src/app/market/accounts.ts';
import { labTransfer } from '../../src/app/ledger.ts';
import { dateStartMs, hourMs, nextDate } from '../../src/domain/index.ts';
import { approvedSeller, fundWallet } from '../helpers/market.ts';
import type { Result } from '../../src/domain/index.ts';
import { balances, customerAt, expectBooksSound, onlineBanking } from '../helpers/banking.ts';
import { replayAfter, restore, snapshot } from '../helpers/replay-snapshot.ts';
import { instrumentsStory, mobileCounterStory } from '../helpers/replay-stories.ts';
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

    await instrumentsStory(db, worldId, { drawer, payee, drawerRing, payeeRing });

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

    const { small, day1 } = await mobileCounterStory(db, buyer, seller);

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
