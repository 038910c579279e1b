import { describe, expect, it } from 'vitest';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { replayAfter, replayDb, restore } from '../helpers/replay-snapshot.ts';
import { paymentsStory } from '../helpers/replay-stories.ts';

// Replay of the payment channels (issue #19 item 3): a world where a credit card pays (captured on
// shipping, settled T+1 by the acquirer, repaid from the bank), online banking moves money between
// two banks (settled by the night's clearing batch), a parcel is paid cash on delivery (remitted at
// day end) and an order is paid by remittance (matched by its reference) rebuilds from its command
// log into a fresh database with the same digest, table by table.
//
// Twice: from the genesis (the log alone, through replay()), and from a snapshot taken after the
// parties' registration, store, catalogue and certificates (every table copied), with only the
// later rows executed by name onto the copy, as replay() does after its genesis: that second form
// checks the banking and payment commands on their own, whatever set the parties up.

describe('replay of the payment channels', () => {
  it('card, interbank online banking settled by clearing, cash on delivery and remittance replay onto a snapshot to the same digest', async () => {
    const { db, before } = await paymentsStory();
    const log = await db.commandLog.toArray();
    const fresh = await restore(before);
    const replayed = await replayAfter(before, log, fresh);
    expect(replayed).toEqual(expect.arrayContaining(['onlineBankingTransfer', 'startOnlineBankingLogin', 'completeOnlineBankingLogin', 'payOrderWith', 'collectCod', 'matchRemittances', 'repayCard', 'approveCardApplication', 'counterDeposit', 'giveCash']));
    expect(replayed.filter((name) => name.startsWith('job:')).length).toBeGreaterThan(0);
    const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
    expect(again.tables).toEqual(live.tables);
    expect(again.journalHead).toBe(live.journalHead);
    expect(again.digest).toBe(live.digest);
  });

  it('the same world replays from its genesis (the log alone) to the same digest', async () => {
    const { db } = await paymentsStory();
    const log = await db.commandLog.toArray();
    const fresh = replayDb();
    expect(await replay(log, fresh)).toEqual({ ok: true, value: { commands: log.length - 1 } });
    const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
    expect(again.tables).toEqual(live.tables);
    expect(again.journalHead).toBe(live.journalHead);
    expect(again.digest).toBe(live.digest);
  });
});
