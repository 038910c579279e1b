import { journalPage, verifyLedger } from '../../app/ledger.ts';
import type { JournalEntry, JournalVerifyReport } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';

// The auditor's journal browser and verifier. Paging reads one page of entries by seq range, so it
// stays fast however long the journal is.
export class JournalBrowser {
  page = $state(1);
  entries = $state<JournalEntry[]>([]);
  total = $state(0);
  verifying = $state(false);
  progress = $state<{ checked: number; total: number } | null>(null);
  report = $state<JournalVerifyReport | null>(null);
  readonly pageSize = 50;

  constructor(private readonly db: WorldDb) {}

  get pages(): number {
    return Math.max(1, Math.ceil(this.total / this.pageSize));
  }

  async load(page = this.page): Promise<void> {
    const r = await journalPage(this.db, Math.max(1, page), this.pageSize);
    this.total = r.total;
    this.page = Math.min(Math.max(1, page), this.pages);
    this.entries = this.page === page ? r.entries : (await journalPage(this.db, this.page, this.pageSize)).entries;
  }

  async verify(): Promise<void> {
    this.verifying = true;
    this.report = null;
    this.progress = { checked: 0, total: this.total };
    try {
      this.report = await verifyLedger(this.db, (checked, total) => {
        this.progress = { checked, total };
      });
    } finally {
      this.verifying = false;
    }
  }
}
