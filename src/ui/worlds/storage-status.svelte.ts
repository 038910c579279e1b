// Persistent storage and quota, as the browser reports them.

export class StorageStatus {
  supported = $state(false);
  persisted = $state<boolean | null>(null);
  usage = $state<number | null>(null);
  quota = $state<number | null>(null);

  async refresh(): Promise<void> {
    const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
    this.supported = storage !== undefined && typeof storage.estimate === 'function';
    if (!storage) return;
    if (typeof storage.persisted === 'function') this.persisted = await storage.persisted();
    if (typeof storage.estimate === 'function') {
      const e = await storage.estimate();
      this.usage = e.usage ?? null;
      this.quota = e.quota ?? null;
    }
  }

  /** Asks once; browsers may grant silently (installed PWA, site engagement) or refuse. */
  async request(): Promise<void> {
    const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
    if (storage && typeof storage.persist === 'function') this.persisted = await storage.persist();
    await this.refresh();
  }
}
