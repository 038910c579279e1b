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

/** Names a storage error, or returns undefined for anything that is a programmer error. */
export function storageFaultOf(error: unknown): StorageFault | undefined {
  if (!(error instanceof Error)) return undefined;
  const direct = byName[error.name];
  if (direct) return direct;
  // Dexie wraps the native error: look one level in.
  const inner = (error as { inner?: unknown }).inner;
  if (inner instanceof Error || (inner && typeof inner === 'object' && 'name' in inner)) {
    const name = String((inner as { name: unknown }).name);
    return byName[name];
  }
  return undefined;
}
