import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { escrowStory } from '../helpers/replay-stories.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { orderById } from '../../src/app/market/orders.ts';
import { walletOf } from '../../src/app/market/wallet.ts';
import { WorldDb, type CommandLogRow } from '../../src/storage/schema.ts';

// Replay rebuilds a world from its command log alone: the genesis row seeds a fresh database, every
// later row runs again by name, and the rebuilt world's digest equals the live one's.

let replays = 0;
/** A fresh database to replay into. */
export function replayDb(): WorldDb {
  replays += 1;
  return new WorldDb(`settlelab-world-replay-${Date.now().toString(36)}-${replays}`);
}

/** Replays `db`'s log into a fresh database and expects the same world. */
export async function expectReplaysSame(db: WorldDb): Promise<void> {
  const fresh = replayDb();
  const log = await db.commandLog.toArray();
  const r = await replay(log, fresh);
  expect(r).toEqual({ ok: true, value: { commands: log.length - 1 } });
  const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
  expect(again.tables).toEqual(live.tables);
  expect(again.digest).toBe(live.digest);
  expect(again.journalHead).toBe(live.journalHead);
  fresh.close();
}

describe('replay', () => {
  it('a world of clock moves replays to the same digest', async () => {
    const { db } = await freshWorld();
    expect((await advanceClock(db, meta(), { kind: 'hours', hours: 3 })).ok).toBe(true);
    expect((await advanceClock(db, meta(), { kind: 'days', days: 2 })).ok).toBe(true);
    await expectReplaysSame(db);
  });

  it('an escrow order from registration to the seller’s T+1 money replays to the same world', async () => {
    const story = await escrowStory();
    expect((await orderById(story.db, story.orderId))?.state).toBe('TRADE_FINISHED');
    expect((await walletOf(story.db, story.seller)).available.amount).not.toBe('0.00');
    const names = (await story.db.commandLog.toArray()).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['genesis', 'register', 'activateAccount', 'decideStore', 'topUpWallet', 'placeOrders', 'payOrder', 'pickUpShipment', 'confirmReceipt', 'advanceClock', 'job:escrow.available']));
    // Never a password in the log.
    expect(JSON.stringify(await story.db.commandLog.toArray())).not.toContain('correct horse');
    await expectReplaysSame(story.db);
  });

  it('a changed log row is a named divergence: which step, which command', async () => {
    const story = await escrowStory();
    const log = await story.db.commandLog.toArray();
    const i = log.findIndex((r) => r.name === 'topUpWallet');
    const tampered: CommandLogRow[] = log.map((r, k) => (k === i ? { ...r, input: { ...(r.input as object), amount: '20.00' } } : r));
    expect(await replay(tampered, replayDb())).toEqual({ ok: false, code: 'replay_diverged', detail: { seq: log[i]!.seq, name: 'topUpWallet', commandId: log[i]!.commandId } });
    // A log without its genesis cannot be replayed.
    expect(await replay(log.slice(1), replayDb())).toMatchObject({ ok: false, code: 'replay_no_genesis' });
    // A row naming a command nobody defined.
    const unknown = log.map((r, k) => (k === i ? { ...r, name: 'noSuchCommand' } : r));
    expect(await replay(unknown, replayDb())).toMatchObject({ ok: false, code: 'replay_unknown_command', detail: { seq: log[i]!.seq, name: 'noSuchCommand' } });
  });
});
