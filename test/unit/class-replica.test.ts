// The class replica without a server: stream messages handed to it directly. It resumes from the
// sequence its progress store kept, skips a message delivered again, and applies a command id once
// even when the stream holds it twice (published again after JetStream's duplicate window).
import { describe, expect, it } from 'vitest';
import { commandRegistry } from '../../src/app/commands.ts';
import { worldDigest } from '../../src/app/replay.ts';
import { readClock } from '../../src/app/clock-read.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { ClassReplica, indexedDbProgress, submitClassCommand } from '../../src/sync/class/replica.ts';
import { freshWorld } from '../helpers/world.ts';
import { platformSigner } from '../helpers/class-signer.ts';

const hourMs = 3_600_000;

describe('class replica', () => {
  it('resumes where it stopped, skips a repeated delivery, and applies a command id once', async () => {
    const world = await freshWorld('class replica');
    const { keychain, message } = await platformSigner(world);
    const digest = async (db: WorldDb) => (await worldDigest(db)).digest;
    const progress = indexedDbProgress(world.db.name);
    const make = () => new ClassReplica({ db: world.db, classId: 'demo', replicaId: 'pc', registry: commandRegistry, digest, progress });
    const start = await readClock(world.db);

    const first = make();
    expect(await first.appliedSeq()).toBe(0);
    expect(await first.apply(message(1, 'm-1'))).toMatchObject({ kind: 'applied', seq: 1, result: { ok: true } });
    expect(await first.apply(message(2, 'm-2'))).toMatchObject({ kind: 'applied', seq: 2, result: { ok: true } });
    expect(await first.apply(message(2, 'm-2'))).toBeNull();

    // A reload: a new replica over the same world and progress starts after sequence 2.
    const again = make();
    expect(await again.appliedSeq()).toBe(2);
    expect(await again.apply(message(1, 'm-1'))).toBeNull();
    const before = await digest(world.db);
    // m-1 stored a second time, at sequence 3: its first result, nothing changes.
    const repeat = await again.apply(message(3, 'm-1'));
    expect(repeat).toMatchObject({ kind: 'applied', seq: 3, commandId: 'm-1', result: { ok: true, value: { from: start, to: start + hourMs } } });
    expect(await digest(world.db)).toBe(before);
    expect(await readClock(world.db)).toBe(start + 2 * hourMs);
    expect(await again.appliedSeq()).toBe(3);
    keychain.close();
  });

  it('answers a command id sent again after the stream de-duplicated it, with its first result', async () => {
    const world = await freshWorld('class resubmit');
    const { keychain, seed, certificate } = await platformSigner(world);
    const replica = new ClassReplica({ db: world.db, classId: 'demo', replicaId: 'pc', registry: commandRegistry, digest: async (db) => (await worldDigest(db)).digest, progress: indexedDbProgress(`${world.db.name}-resubmit`) });
    const command = { classId: 'demo', name: 'advanceClock', commandId: 'again-1', actor: 'platform', input: { step: { kind: 'hours', hours: 1 } } };
    const start = await readClock(world.db);
    // The first send: stored at sequence 1, applied here when the stream delivers it.
    const stream: Uint8Array[] = [];
    const first = submitClassCommand(
      async (_id, data) => {
        stream.push(data);
        await replica.apply({ seq: stream.length, messageId: 'again-1', data });
        return { duplicate: false };
      },
      replica,
      command,
      seed,
      certificate,
    );
    expect(await first).toMatchObject({ ok: true, value: { from: start, to: start + hourMs } });
    // Sent again (a reload, a lost answer): JetStream drops it as a duplicate, no message comes.
    const again = await submitClassCommand(async () => ({ duplicate: true }), replica, command, seed, certificate);
    expect(again).toEqual(await first);
    expect(await readClock(world.db)).toBe(start + hourMs);
    // A refused one (another class) is answered with its refusal the same way.
    const wrong = { ...command, classId: 'other', commandId: 'again-2' };
    const refused = submitClassCommand(async (_id, data) => (await replica.apply({ seq: 2, messageId: 'again-2', data }), { duplicate: false }), replica, wrong, seed, certificate);
    expect(await refused).toMatchObject({ ok: false, code: 'class_wrong_class' });
    expect(await submitClassCommand(async () => ({ duplicate: true }), replica, wrong, seed, certificate)).toMatchObject({ ok: false, code: 'class_wrong_class' });
    keychain.close();
  });
});
