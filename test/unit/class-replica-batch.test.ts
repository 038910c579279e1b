// A class replica applies a burst of stream messages in batches (replica.ts applyBatch): fewer
// IndexedDB write transactions than one per command, and exactly the world that applying the same
// messages one by one gives (same digest, same log). A command refused by name inside a batch
// changes nothing and leaves the others of the batch applied.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { commandRegistry } from '../../src/app/commands.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { latestCertificateOf } from '../../src/app/identity/ca.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import { ClassReplica, indexedDbProgress, type Outcome } from '../../src/sync/class/replica.ts';
import { encodeEnvelope, signClassCommand } from '../../src/sync/class/envelope.ts';
import type { StreamMessage } from '../../src/sync/class/transport.ts';
import { freshLabWorld } from '../helpers/lab-world.ts';
import { freshWorld } from '../helpers/world.ts';
import { platformSigner } from '../helpers/class-signer.ts';
import { loggedInTab } from '../helpers/identity.ts';
import { labUserPassword } from '../../src/app/labs/presets.ts';

const sellerId = 'u-lab_seller';

let copies = 0;
/** A copy of `db`'s world made by replaying its log into a fresh database. */
async function copyOf(db: WorldDb, label: string): Promise<WorldDb> {
  copies += 1;
  const fresh = new WorldDb(`class-batch-${label}-${copies}-${Date.now().toString(36)}`);
  const replayed = await replay(await db.commandLog.toArray(), fresh);
  if (!replayed.ok) throw new Error(replayed.code);
  return fresh;
}

/** The lab's seller signing listProduct commands (signed on a copy: signing in writes the world it signs in). */
async function sellerMessages(world: { db: WorldDb; id: string }) {
  const keychain = await copyOf(world.db, 'keychain');
  const ring = await loggedInTab(keychain, world.id, 'lab_seller', labUserPassword);
  // The b2c lab's seller has no certificate: it signs with its key alone, judged by its standing.
  const certificate = (await latestCertificateOf(keychain, sellerId))?.certificate ?? null;
  const seed = ring.seed(world.id, sellerId)!;
  const list = (seq: number, number: string): StreamMessage => {
    const commandId = `batch-${seq}`;
    const input = { product: { number, name: `《课本》${seq}`, category: 'books', spec: '平装', unitPrice: '40.00', stock: 5 }, pictures: [] };
    return { seq, messageId: commandId, data: encodeEnvelope(signClassCommand({ classId: 'demo', name: 'listProduct', commandId, actor: sellerId, input }, seed, certificate)) };
  };
  return { keychain, list };
}

function replicaOf(db: WorldDb): ClassReplica {
  return new ClassReplica({ db, classId: 'demo', replicaId: db.name, registry: commandRegistry, digest: async (d) => (await worldDigest(d)).digest, progress: indexedDbProgress(db.name) });
}

// Watched from the start: Dexie takes a database's transaction method when it opens it.
const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
const writes = (): number => transactions.mock.calls.filter((call) => call[1] === 'readwrite').length;

/** Write transactions IndexedDB opens while `run` runs (every database: the world and the applied sequence). */
async function writeTransactions<T>(run: () => Promise<T>): Promise<{ value: T; count: number }> {
  const before = writes();
  const value = await run();
  return { value, count: writes() - before };
}

/** Applies `messages` one by one, and returns the outcomes. */
async function oneByOne(replica: ClassReplica, messages: readonly StreamMessage[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const m of messages) outcomes.push((await replica.apply(m))!);
  return outcomes;
}

/** Applies `messages` in batches, as the class world's follower does with a burst. */
async function batched(replica: ClassReplica, messages: readonly StreamMessage[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let rest = messages; rest.length > 0; ) {
    const r = await replica.applyBatch(rest);
    outcomes.push(...r.outcomes);
    rest = rest.slice(r.consumed);
  }
  return outcomes;
}

/** What both worlds must agree on: the digest and the log (names, ids, result digests). */
async function stateOf(db: WorldDb) {
  const log = (await db.commandLog.toArray()).map((r) => [r.name, r.commandId, r.resultDigest]);
  return { digest: (await worldDigest(db)).digest, log, commands: await db.commands.count() };
}

const opened: WorldDb[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});
afterAll(() => transactions.mockRestore());

describe('class replica batches', () => {
  it('applies a burst of K commands in fewer than K write transactions, to the same world as one by one', async () => {
    const world = await freshLabWorld('b2c-escrow');
    const { keychain, list } = await sellerMessages(world);
    const [single, batch] = [await copyOf(world.db, 'single'), await copyOf(world.db, 'batch')];
    opened.push(keychain, single, batch, world.db);
    const k = 12;
    const messages = Array.from({ length: k }, (_, i) => list(i + 1, `BN-${String(i + 1).padStart(4, '0')}`));

    const one = await writeTransactions(() => oneByOne(replicaOf(single), messages));
    const many = await writeTransactions(() => batched(replicaOf(batch), messages));

    expect(one.value.map((o) => o.kind === 'applied' && o.result.ok)).toEqual(Array(k).fill(true));
    expect(many.value).toEqual(one.value);
    // One by one: each command's transaction and its applied sequence.
    expect(one.count).toBeGreaterThanOrEqual(k);
    expect(many.count).toBeLessThan(k);
    // Batched: one transaction for the twelve commands, one for the applied sequence.
    expect(many.count).toBe(2);
    expect(await stateOf(batch)).toEqual(await stateOf(single));
    expect(await replicaOf(batch).appliedSeq()).toBe(k);
  });

  it('leaves the other commands of a batch applied when one is refused by name, as one by one', async () => {
    const world = await freshLabWorld('b2c-escrow');
    const { keychain, list } = await sellerMessages(world);
    const [single, batch] = [await copyOf(world.db, 'single'), await copyOf(world.db, 'batch')];
    opened.push(keychain, single, batch, world.db);
    // The third lists a product number the first took: refused (nothing of it stays), the others apply.
    const messages = [list(1, 'BN-0001'), list(2, 'BN-0002'), list(3, 'BN-0001'), list(4, 'BN-0004'), list(5, 'BN-0005')];

    const { value: one, count: oneCount } = await writeTransactions(() => oneByOne(replicaOf(single), messages));
    const { value: many, count: manyCount } = await writeTransactions(() => batched(replicaOf(batch), messages));
    // Batched still: the refusal costs its batch a second try and runs alone, the rest share transactions.
    expect(manyCount).toBeLessThan(oneCount);

    const results = many.map((o) => (o.kind === 'applied' ? (o.result.ok ? 'ok' : o.result.code) : o.code));
    expect(results[2]).not.toBe('ok');
    expect(results.filter((r) => r === 'ok')).toHaveLength(4);
    expect(many).toEqual(one);
    expect(await marketTables(batch).products.count()).toBe(await marketTables(single).products.count());
    // The refusal is recorded for its command id (a repeat answers it) in both.
    expect((await batch.commands.get('batch-3'))?.result).toMatchObject({ ok: false, code: results[2] });
    expect(await stateOf(batch)).toEqual(await stateOf(single));
  });

  it('ends a batch after a command that moves the clock: the next message is judged at the new time, as one by one', async () => {
    const world = await freshWorld('class batch clock');
    const { keychain, message } = await platformSigner(world);
    const single = await copyOf(world.db, 'clock-single');
    opened.push(keychain, single, world.db);
    const k = 4;
    const messages = Array.from({ length: k }, (_, i) => message(i + 1, `clock-${i + 1}`));

    const { value: one } = await writeTransactions(() => oneByOne(replicaOf(single), messages));
    const { value: many, count } = await writeTransactions(() => batched(replicaOf(world.db), messages));
    expect(many).toEqual(one);
    // Each advanceClock ends its batch: k command transactions and k applied sequences.
    expect(count).toBe(2 * k);
    expect(await stateOf(world.db)).toEqual(await stateOf(single));
  });
});

