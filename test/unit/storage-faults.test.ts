import { describe, expect, it, vi } from 'vitest';
import Dexie from 'dexie';
import { ok } from '../../src/domain/index.ts';
import { runCommand } from '../../src/app/command.ts';
import { getWorld } from '../../src/app/worlds.ts';
import { storageFaultOf } from '../../src/storage/faults.ts';
import { WorldSession } from '../../src/sync/session.ts';
import { freshWorld, meta } from '../helpers/world.ts';

describe('storage faults', () => {
  it('a quota error inside a command is a named result and nothing is half-written', async () => {
    const { db } = await freshWorld();
    const before = await db.events.count();
    const r = await runCommand(db, 'demo', meta(), async (tx) => {
      await tx.appendEvent({ type: 'demo.first', actor: 'platform', payload: {} });
      // What the browser throws when the origin is out of quota.
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return ok(null);
    });
    expect(r).toMatchObject({ ok: false, code: 'storage_quota_exceeded' });
    expect(await db.events.count()).toBe(before);
  });

  it('an aborted transaction is a named result and leaves nothing behind', async () => {
    const { db } = await freshWorld();
    const before = await db.events.count();
    const r = await runCommand(db, 'demo', meta(), async (tx) => {
      await tx.appendEvent({ type: 'demo.first', actor: 'platform', payload: {} });
      Dexie.currentTransaction!.abort();
      return ok(null);
    });
    expect(r).toMatchObject({ ok: false, code: 'storage_transaction_aborted' });
    expect(await db.events.count()).toBe(before);
  });

  it('names the errors Dexie raises without IndexedDB or with a newer database', () => {
    expect(storageFaultOf(new Dexie.MissingAPIError('no indexedDB'))).toBe('storage_unavailable');
    expect(storageFaultOf(new Dexie.VersionError('newer'))).toBe('storage_version_too_new');
    expect(storageFaultOf(new Dexie.DatabaseClosedError('closed'))).toBe('storage_closed');
    expect(storageFaultOf(new Dexie.QuotaExceededError('full'))).toBe('storage_quota_exceeded');
    expect(storageFaultOf(new TypeError('bug'))).toBeUndefined();
  });

  it('a full disk is named whatever wraps it (Chromium aborts the transaction; Dexie wraps the quota error)', () => {
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(storageFaultOf(quota)).toBe('storage_quota_exceeded');
    // Dexie's AbortError whose inner error is the browser's quota error: "try again" cannot help.
    expect(storageFaultOf(new Dexie.AbortError('Transaction aborted', quota))).toBe('storage_quota_exceeded');
    expect(storageFaultOf(new Dexie.DexieError('AbortError', 'aborted'))).toBe('storage_transaction_aborted');
    // A native AbortError on a request, the transaction's error the quota one.
    const aborted = Object.assign(new DOMException('aborted', 'AbortError'), { error: quota });
    expect(storageFaultOf(aborted)).toBe('storage_quota_exceeded');
    // A bulk write's failures.
    expect(storageFaultOf(new Dexie.BulkError('1 of 2 failed', [quota]))).toBe('storage_quota_exceeded');
    expect(storageFaultOf(new DOMException('Encountered full disk while opening backing store for indexedDB.open (quota exceeded).', 'UnknownError'))).toBe('storage_quota_exceeded');
    expect(storageFaultOf(new Dexie.AbortError('Transaction aborted', new Error('other')))).toBe('storage_transaction_aborted');
  });

  it('a schema upgrade opened elsewhere does not hang: the old tab closes its world and is told', async () => {
    const { db, id } = await freshWorld();
    db.close();
    const entry = (await getWorld(id))!;
    const onClosed = vi.fn();
    const session = new WorldSession(entry, 'old-tab', null, { onClosed });
    session.start();
    await session.db.open();
    // A newer build of SettleLab opens the same world with a higher schema version.
    const newer = new Dexie(entry.dbName);
    newer.version(session.db.verno + 1).stores({ extra: 'id' });
    await newer.open();
    expect(newer.verno).toBe(session.db.verno + 1);
    expect(onClosed).toHaveBeenCalledWith('versionchange');
    expect(session.db.isOpen()).toBe(false);
    newer.close();
    session.stop();
  });
});
