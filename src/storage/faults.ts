// Storage faults are expected failures: the user sees them in plain words and nothing is
// half-written (IndexedDB transactions roll back as a whole).

export type StorageFault =
  | 'storage_unavailable' // no IndexedDB (some private modes) or it refused to open
  | 'storage_quota_exceeded'
  | 'storage_transaction_aborted'
  | 'storage_version_too_new' // another tab runs a newer SettleLab
  | 'storage_closed' // the world was deleted, reset or upgraded in another tab
  | 'storage_blocked';

const byName: Record<string, StorageFault> = {
  MissingAPIError: 'storage_unavailable',
  InvalidStateError: 'storage_unavailable',
  OpenFailedError: 'storage_unavailable',
  QuotaExceededError: 'storage_quota_exceeded',
  AbortError: 'storage_transaction_aborted',
  TransactionInactiveError: 'storage_transaction_aborted',
  VersionError: 'storage_version_too_new',
  DatabaseClosedError: 'storage_closed',
};

/** How deep to look through wrapped errors (Dexie's inner, a transaction's error, a bulk
 * operation's failures): a bound, real wrappers nest one or two levels. */
const wrapDepthMax = 4;

function errorName(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('name' in e)) return undefined;
  return String((e as { name: unknown }).name);
}

/** The errors wrapped inside `e`: Dexie's `inner`, an IDB request's or transaction's `error`,
 * a bulk operation's `failures` (BulkError, ModifyError). */
function wrapped(e: object): unknown[] {
  const w = e as { inner?: unknown; error?: unknown; failures?: unknown; failuresByPos?: unknown; cause?: unknown };
  const out: unknown[] = [w.inner, w.error, w.cause];
  if (Array.isArray(w.failures)) out.push(...w.failures.slice(0, 8));
  else if (w.failures && typeof w.failures === 'object') out.push(...Object.values(w.failures).slice(0, 8));
  if (w.failuresByPos && typeof w.failuresByPos === 'object') out.push(...Object.values(w.failuresByPos).slice(0, 8));
  return out.filter((x) => typeof x === 'object' && x !== null);
}

/** Does `e`, or anything it wraps, say the disk (the origin's quota) is full? Chromium reports it
 * as a DOMException 'QuotaExceededError' on the transaction, which Dexie passes on as an
 * AbortError (or a BulkError) whose inner error is the quota error; some paths only say so in the
 * message ("... quota ..."). */
function isQuota(e: unknown, depth: number): boolean {
  if (typeof e !== 'object' || e === null || depth > wrapDepthMax) return false;
  const name = errorName(e);
  if (name === 'QuotaExceededError') return true;
  const message = (e as { message?: unknown }).message;
  if ((name === 'AbortError' || name === 'UnknownError') && typeof message === 'string' && /quota/i.test(message)) return true;
  return wrapped(e).some((w) => isQuota(w, depth + 1));
}

/** Names a storage error, or returns undefined for anything that is a programmer error. */
export function storageFaultOf(error: unknown): StorageFault | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  // A full disk shows as many things (an abort, a bulk failure): name it first, whatever wraps it,
  // so the user reads what to do (export and delete a world) instead of "try again".
  if (isQuota(error, 0)) return 'storage_quota_exceeded';
  if (!(error instanceof Error) && !(typeof DOMException !== 'undefined' && error instanceof DOMException)) return undefined;
  const direct = byName[errorName(error) ?? ''];
  if (direct) return direct;
  // Dexie wraps the native error: look one level in.
  const inner = (error as { inner?: unknown }).inner;
  const innerName = errorName(inner);
  return innerName === undefined ? undefined : byName[innerName];
}
