import { sha256 } from '@noble/hashes/sha2.js';
import { assert, bytesToHex, jsonSafetyProblem, utf8Encode, type Result } from '../domain/index.ts';
import type { CommandLogRow, WorldDb } from '../storage/schema.ts';
import { storageFaultOf } from '../storage/faults.ts';
import { runCommand, type CommandEnv, type CommandError, type CommandMeta, type Notice, type Tx } from './command.ts';

// One pipeline for every state change (issue #19, docs/pipeline.md). A command is defined once, by
// name, over a PREPARED input: plain JSON that holds everything the command needs that is not in the
// world already (ids, nonces, salts, keys, signatures, PBKDF2 results: whatever randomness, device
// time or slow crypto produced, made by the exported wrapper before `execute`). `apply` then does
// only Dexie work inside runCommand's transaction, so running the same input on the same world
// gives the same world: that is what lets `replay` (replay.ts) rebuild a world from its log.
//
// `execute` appends every accepted command to the world's append-only log (commandLog, schema v16)
// inside the command's own transaction: the log and the state it describes commit together or not
// at all. A failure changes nothing and is not logged; an idempotent repeat returns the first
// result and is not logged again.

/** A command's input: a plain JSON object (no undefined, Dates, bytes or class instances). */
export type CommandInput = { readonly [key: string]: unknown };

/**
 * A command's definition. `C` is the union of the result codes `apply` can return, inferred from
 * its body: the domain's typed unions carry through, so the registry (commands.ts) knows every
 * code a registered command can return and a type test checks each has a message
 * (test/unit/command-codes.test.ts).
 */
export type CommandDefinition<I extends CommandInput = CommandInput, T = unknown, C extends string = string> = {
  /** Unique over the registry (commands.ts); the log names the command by it. */
  readonly name: string;
  /** Tables `apply` reads or writes besides the pipeline's own (see CommandOptions.stores); absent: every store. */
  readonly stores?: readonly string[];
  /**
   * The world time the command acts at, read inside its transaction (a job acts at its due time);
   * default: the clock. Only Dexie reads may be awaited.
   */
  readonly at?: (db: WorldDb, input: I, clock: number) => Promise<number>;
  /** The command's work inside the transaction: Dexie only, deterministic in (world, input, meta, time). */
  readonly apply: (tx: Tx, input: I) => Promise<Result<T, C>>;
};

/** The codes the pipeline itself returns for any command: the sign-in gate, a reused id, storage faults. */
export type PipelineCode = CommandError | 'sign_in_required';

/** The result codes a definition's `apply` can return. */
export type CodeOf<D> = D extends CommandDefinition<infer _I, infer _T, infer C> ? C : never;

/** Defines a command (a plain value: register it in commands.ts so replay can find it by name). */
export function defineCommand<I extends CommandInput, T, C extends string = never>(definition: CommandDefinition<I, T, C>): CommandDefinition<I, T, C> {
  assert(/^[A-Za-z][\w.:-]{0,99}$/.test(definition.name), `command name shape: ${definition.name}`);
  return definition;
}

/** The log's names that are not commands: the world's first row, what seeding consumed. */
export const genesisCommandName = 'genesis';

/** The log row's tables: every command's transaction includes it (besides its declared stores). */
export const logStore = 'commandLog';

/**
 * Runs a command through runCommand (one transaction over its declared stores, idempotent by
 * `meta.id`, rolled back on a named error or a throw, the tab's sign-in gate) and, when it is
 * accepted, appends it to the command log in that same transaction.
 */
export async function execute<I extends CommandInput, T, C extends string>(
  db: WorldDb,
  command: CommandDefinition<I, T, C>,
  meta: CommandMeta,
  input: I,
  env: CommandEnv = {},
): Promise<Result<T, C | PipelineCode>> {
  // Optional members left undefined are dropped, as the log's JSON would drop them: `apply` sees
  // live exactly the input replay will give it.
  const plain = withoutUndefined(input) as I;
  // A programmer error: an input replay could not carry (or that would change when stored).
  const problem = jsonSafetyProblem(plain);
  assert(problem === null, `command ${command.name}: input is not plain JSON (${problem})`);
  // Class mode (#20): the command is not run here but sent through the class stream; this tab's
  // own replica applies it in stream order (through this function, with an env without the hook)
  // and its result comes back as this call's result.
  if (env.classSubmit !== undefined) return (await env.classSubmit({ name: command.name, meta, input: plain })) as Result<T, C | PipelineCode>;
  return runPrepared(db, command, meta, plain, env, false);
}

/** runCommand with the pipeline's log row, on an input already made plain. */
function runPrepared<I extends CommandInput, T, C extends string>(
  db: WorldDb,
  command: CommandDefinition<I, T, C>,
  meta: CommandMeta,
  plain: I,
  env: CommandEnv,
  batched: boolean,
): Promise<Result<T, C | PipelineCode>> {
  const at = command.at;
  return runCommand(
    db,
    command.name,
    meta,
    (tx) => command.apply(tx, plain),
    env,
    {
      // runCommand calls it for an accepted result only, with its own record's write.
      record: (r, now) => appendLog(db, { name: command.name, input: plain, actor: meta.actor, commandId: meta.id, at: now, resultDigest: resultDigest(r) }),
      ...(command.stores === undefined ? {} : { stores: [...command.stores, logStore] }),
      ...(at === undefined ? {} : { at: (clock: number) => at(db, plain, clock) }),
      ...(batched ? { batched } : {}),
    },
  );
}

/**
 * Commands one batch transaction holds at most. Why a limit: a batch holds the world's stores
 * locked until it commits, so a replica catching up on thousands of commands still lets the tab's
 * reads in between batches; and a batch that must run again (one of its commands failed) redoes
 * at most this many.
 */
export const batchCommandsMax = 50;

/** One command of a batch, as `execute` takes it. */
export type BatchCommand = { readonly command: CommandDefinition<never, unknown>; readonly meta: CommandMeta; readonly input: CommandInput };

export type BatchPlan = {
  /** Steps at most (1 to batchCommandsMax). */
  readonly size: number;
  /**
   * Called inside the batch's transaction before step `index` (Dexie reads only): the step's
   * command; 'none' for a step that runs none (a refused stream message, kept in its place); or
   * 'end' to end the batch before it. Step 0 never ends the batch.
   */
  readonly step: (index: number) => Promise<BatchCommand | 'none' | 'end'>;
  /** Called inside the transaction after step `index` (Dexie reads only): true ends the batch after it. */
  readonly endAfter?: (index: number) => Promise<boolean>;
};

/**
 * What a batch did: every step it ran committed together, each with its command's result (null for
 * a 'none' step) in step order; or a step's command failed (a named error, a throw or a storage
 * fault) and the whole batch was rolled back: nothing of it stays.
 */
export type BatchReport =
  | { readonly kind: 'committed'; readonly results: readonly (Result<unknown, string> | null)[] }
  | { readonly kind: 'failed'; readonly index: number };

/**
 * Runs several commands in ONE transaction (a class replica applying a burst of stream commands,
 * sync/class/replica.ts): each through the pipeline as `execute` runs it (its own command id and
 * idempotency, its own log row), but one commit for all. A failing command cannot be rolled back
 * alone inside a shared transaction, so it rolls the batch back and the report names it: the
 * caller runs the steps before it as a batch again and that command alone with `execute`, where
 * its named failure changes nothing and is recorded. Notices are published once, after the commit.
 */
export async function executeBatch(db: WorldDb, plan: BatchPlan, env: CommandEnv = {}): Promise<BatchReport> {
  assert(Number.isSafeInteger(plan.size) && plan.size >= 1 && plan.size <= batchCommandsMax, `a batch holds 1 to ${batchCommandsMax} steps`);
  assert(env.classSubmit === undefined, 'a batch runs its commands here, never through the class stream');
  const results: (Result<unknown, string> | null)[] = [];
  const notices: Notice[] = [];
  const batchEnv: CommandEnv = { ...env, publish: (n) => notices.push(...n) };
  let failedAt: number | null = null;
  try {
    await db.transaction('rw', db.tables, async () => {
      for (let index = 0; index < plan.size; index++) {
        const step = await plan.step(index);
        if (step === 'end') {
          assert(index > 0, 'the first step of a batch runs');
          return;
        }
        if (step === 'none') results.push(null);
        else {
          try {
            // As `execute` makes it (a throw here, too, sends the command to run alone).
            const plain = withoutUndefined(step.input) as CommandInput;
            assert(jsonSafetyProblem(plain) === null, `command ${step.command.name}: input is not plain JSON`);
            results.push(await runPrepared(db, step.command as unknown as CommandDefinition<CommandInput, unknown>, step.meta, plain, batchEnv, true));
          } catch (e) {
            failedAt = index;
            throw e;
          }
        }
        if (plan.endAfter !== undefined && (await plan.endAfter(index))) return;
      }
    });
  } catch (e) {
    if (failedAt !== null) return { kind: 'failed', index: failedAt };
    // The commit itself failed (a full disk): nothing stays; each command then goes alone.
    if (storageFaultOf(e) !== undefined) return { kind: 'failed', index: 0 };
    throw e;
  }
  if (notices.length > 0) env.publish?.(notices);
  return { kind: 'committed', results };
}

/** `value` without its undefined object members, at any depth (arrays keep their holes' places). */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v);
  return out;
}

/** Appends one row to the command log (inside the caller's transaction). */
export async function appendLog(db: WorldDb, row: Omit<CommandLogRow, 'seq'>): Promise<number> {
  const seq = await db.commandLog.add({ ...row });
  assert(typeof seq === 'number' && seq > 0, 'log seq assigned');
  return seq;
}

/** sha256 (hex) of a result's canonical JSON: what the log keeps and replay compares. */
export function resultDigest(result: unknown): string {
  return bytesToHex(sha256(utf8Encode(canonicalJson(result))));
}

/** Nesting deeper than this is a programmer error in a digested value (a cycle, most likely). */
const canonicalDepthMax = 100;

/**
 * Canonical JSON for digests: object keys sorted (by UTF-16 code units), no whitespace, undefined
 * members left out (as JSON.stringify does), values with toJSON (Decimal) by it, bytes as
 * {"$bytes": hex}, a Blob as {"$blob": size, "type": type} (its content cannot be read inside a
 * transaction; worldDigest reads pictures' bytes first). Not RFC 8785 (the signing form is
 * domain/crypto/canonical.ts, which refuses all of these): only equal values must give equal text.
 */
export function canonicalJson(value: unknown): string {
  const walk = (v: unknown, depth: number): string => {
    assert(depth <= canonicalDepthMax, 'canonical JSON depth');
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number') {
      assert(Number.isFinite(v), 'canonical JSON: a finite number');
      return JSON.stringify(v);
    }
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'bigint') return JSON.stringify(v.toString());
    if (v instanceof Uint8Array) return `{"$bytes":${JSON.stringify(bytesToHex(v))}}`;
    if (typeof Blob !== 'undefined' && v instanceof Blob) return `{"$blob":${v.size},"type":${JSON.stringify(v.type)}}`;
    if (Array.isArray(v)) return `[${v.map((x) => walk(x, depth + 1)).join(',')}]`;
    if (typeof v === 'object') {
      const withJson = v as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return walk(withJson.toJSON(), depth + 1);
      const entries = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function');
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${walk(x, depth + 1)}`).join(',')}}`;
    }
    assert(false, `canonical JSON: a ${typeof v} value`);
    return 'null';
  };
  return walk(value, 0);
}
