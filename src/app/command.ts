import Dexie from 'dexie';
import { assert, AssertionError, err, type Err, type Result, type EventDraft, type JobDraft, scheduleJob } from '../domain/index.ts';
import type { WorldDb, EventRow } from '../storage/schema.ts';
import { storageFaultOf, type StorageFault } from '../storage/faults.ts';
import { readClock } from './clock-read.ts';
import type { KeyRing } from './identity/keys.ts';

// Every user command goes through runCommand: it owns the Dexie transaction boundary, makes the
// command idempotent by its id, and guarantees an expected failure changes nothing.
//
// Inside `body` only Dexie work may be awaited (no WebCrypto, no fetch, no timers): IndexedDB commits
// a transaction as soon as it has no pending request, so any other await would commit it early.
// Sign or verify before calling runCommand; hash synchronously (@noble/hashes) inside it.

export type CommandMeta = {
  /** Idempotency key: a repeat with the same id returns the first result. */
  readonly id: string;
  /** The party acting. */
  readonly actor: string;
};

export type Notice = { readonly to: readonly string[]; readonly kind: string; readonly ref?: string };

export type Tx = {
  readonly db: WorldDb;
  readonly meta: CommandMeta;
  /** World time when the command runs, read inside the transaction. */
  readonly now: number;
  /** The tab's environment: its key ring (online-banking sessions) and publisher. */
  readonly env: CommandEnv;
  appendEvent(draft: EventDraft, at?: number): Promise<void>;
  schedule(job: JobDraft): Promise<void>;
  /** A coordination message to send to other tabs after the transaction commits. */
  notify(notice: Notice): void;
};

export type CommandEnv = {
  /** Called after commit with the notices the command produced (the sync layer broadcasts them). */
  readonly publish?: (notices: readonly Notice[]) => void;
  /**
   * The tab's gate: may this tab act as `partyId` (it signed in as the party here, or the teacher
   * plays everyone)? Every tab's env has it (sync/session.ts); then a command whose actor the tab
   * may not act as is refused with `sign_in_required` before anything is read or written, whatever
   * page called it. Only the commands in `signInFreeCommands` run without it.
   */
  readonly acting?: (partyId: string) => boolean;
  /** The tab's key ring (its online-banking sessions); the module's `tabKeys` when absent. */
  readonly keyRing?: KeyRing;
  /**
   * Class mode (docs/class-server.md): when present, `execute` (pipeline.ts) does not run the
   * command in this tab. It hands over the prepared command; this signs it with the actor's key,
   * publishes it to the class stream and resolves with the command's result once this PC's replica
   * has applied it in stream order, as every PC does. Replicas and jobs run with an env without it.
   */
  readonly classSubmit?: (command: ClassSubmission) => Promise<Result<unknown, string>>;
};

/** A prepared command as `execute` hands it to class mode: its registered name, meta and plain-JSON input. */
export type ClassSubmission = { readonly name: string; readonly meta: CommandMeta; readonly input: { readonly [key: string]: unknown } };

/**
 * Commands a tab runs for a party that has not signed in (yet): registering, activating, logging
 * in (each password attempt is recorded), changing a password (the old one is the proof), logging
 * out, marking mail read (the activation code arrives by mail, before any login), the bank's two
 * U盾 steps (the customer's tab runs them; its signature is the proof, checked by the bank), and
 * the teacher's tools (the teacher's token is the proof).
 */
export const signInFreeCommands: ReadonlySet<string> = new Set([
  'register',
  'activateAccount',
  'resendActivationCode',
  'login',
  'logout',
  'changePassword',
  'changePasswordAttempt',
  'markMailRead',
  'startOnlineBankingLogin',
  'completeOnlineBankingLogin',
  // The teacher's lab tools and settings: each checks the teacher's sign-in token before it runs
  // (app/teacher.ts requireTeacher), so they act for the teacher, on whichever party's page.
  'giveCash',
  'labTransfer',
  'labOpenAccount',
  'labTamperEntry',
  'labAlterChequeAmount',
  'setCommissionRates',
  'setMarketRules',
]);

export type CommandError = StorageFault | 'command_id_reused';

class Rollback extends Error {
  constructor(readonly result: Err) {
    super(`rollback: ${result.code}`);
  }
}

/** Appends an event row inside the current transaction. */
export async function appendEventRow(db: WorldDb, draft: EventDraft, at: number): Promise<void> {
  const parties = [...new Set([draft.actor, ...(draft.parties ?? [])])];
  const row: EventRow = { type: draft.type, actor: draft.actor, parties, payload: draft.payload, at };
  const seq = await db.events.add(row);
  assert(typeof seq === 'number' && seq > 0, 'event seq assigned');
}

/**
 * The stores every command's transaction includes whatever it declares: its own record (commands),
 * the clock and journal head (meta), the activity feed (events) and what it schedules (jobs).
 */
export const pipelineStores: readonly string[] = ['commands', 'meta', 'events', 'jobs'];

export type CommandOptions = {
  /**
   * The stores the body reads or writes (table names), besides `pipelineStores`. IndexedDB then
   * locks only these, so commands on other stores run alongside. Absent: every store (seeding and
   * import write everywhere). Touching an undeclared store is a programmer error: an assertion.
   */
  readonly stores?: readonly string[];
  /**
   * The world time the command acts at (a job acts at its due time); default: the clock. Called
   * inside the transaction: it may await Dexie reads only.
   */
  readonly at?: (clock: number) => number | Promise<number>;
  /**
   * Writes that belong with an accepted result (the pipeline's log row), issued alongside the
   * command's own record: one IndexedDB round trip for both. Dexie writes only.
   */
  readonly record?: (result: unknown, now: number) => Promise<unknown>;
  /**
   * One step of a batch (pipeline.ts executeBatch): the command runs inside the batch's open
   * transaction. IndexedDB cannot undo one command's writes alone, so a named failure or a throw
   * aborts the whole batch and is rethrown (nothing recorded): the batch then runs that command
   * alone, through the ordinary path, where its own rollback and recorded failure apply.
   */
  readonly batched?: boolean;
};

export async function runCommand<T, C extends string = string>(
  db: WorldDb,
  name: string,
  meta: CommandMeta,
  body: (tx: Tx) => Promise<Result<T, C>>,
  env: CommandEnv = {},
  options: CommandOptions = {},
): Promise<Result<T, C | CommandError | 'sign_in_required'>> {
  assert(meta.id.length > 0 && meta.id.length <= 200, 'command id required');
  // Refused before the transaction: nothing is read, written or recorded for a tab that may not act.
  if (env.acting !== undefined && !signInFreeCommands.has(name) && !env.acting(meta.actor)) return err('sign_in_required', { party: meta.actor });
  // A batch step outside a batch would commit on its own and its failure would go unrecorded.
  if (options.batched === true) assert(Dexie.currentTransaction !== null, `command ${name}: a batch step runs inside the batch's transaction`);
  const notices: Notice[] = [];
  const scope = options.stores === undefined ? db.tables : [...new Set([...pipelineStores, ...options.stores])];
  try {
    const result = await db.transaction('rw', scope, async () => {
      // Both reads in one round trip (a repeat reads the clock for nothing, which is cheap).
      const [previous, clock] = await Promise.all([db.commands.get(meta.id), readClock(db)]);
      if (previous) {
        if (previous.name !== name) return err('command_id_reused');
        // The first run's result, as this command's body returned it.
        return previous.result as Result<T, C>;
      }
      const now = options.at === undefined ? clock : await options.at(clock);
      const tx: Tx = {
        db,
        meta,
        now,
        env,
        appendEvent: (draft, at) => appendEventRow(db, draft, at ?? now),
        schedule: async (job) => {
          const existing = await db.jobs.get(job.id);
          if (!existing) await db.jobs.add(scheduleJob(job, now));
        },
        notify: (notice) => notices.push(notice),
      };
      const r = await body(tx);
      // An expected failure rolls everything back; the failure itself is recorded afterwards.
      if (!r.ok) throw new Rollback(r);
      await Promise.all([db.commands.add({ id: meta.id, name, at: now, result: r }), options.record?.(r, now)]);
      return r;
    });
    if (result.ok && notices.length > 0) env.publish?.(notices);
    return result;
  } catch (e) {
    // The batch's transaction is aborted with it: the batch runs this command again alone.
    if (options.batched === true) throw e;
    if (e instanceof Rollback) {
      await recordFailure(db, name, meta, e.result);
      // Thrown above from this body's own failure.
      return e.result as Err<C>;
    }
    // IndexedDB names no store when a transaction lacks one: say which command and what it declared.
    if (options.stores !== undefined && e instanceof Dexie.DexieError && e.name === Dexie.errnames.NotFound) {
      throw new AssertionError(`command ${name} touched a store outside its declared stores [${options.stores.join(', ')}]: ${e.message}`);
    }
    const fault = storageFaultOf(e);
    if (fault) return err(fault);
    throw e;
  }
}

async function recordFailure(db: WorldDb, name: string, meta: CommandMeta, result: Err): Promise<void> {
  try {
    await db.transaction('rw', db.commands, db.meta, async () => {
      if (await db.commands.get(meta.id)) return;
      await db.commands.add({ id: meta.id, name, at: await readClock(db), result });
    });
  } catch (e) {
    // Recording a failure is best effort: the command changed nothing either way.
    if (!storageFaultOf(e) && !(e instanceof Dexie.ConstraintError)) throw e;
  }
}
