import { journalPage, verifyLedger } from '../../app/ledger.ts';
import { recordLedgerVerify } from '../../app/ledger-audit.ts';
import type { CommandEnv, CommandMeta } from '../../app/command.ts';
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
  /** The verify's record in the world: recorded, or the named reason it was not (null: none yet). */
  recorded = $state<{ readonly ok: true } | { readonly ok: false; readonly code: string; readonly detail?: Readonly<Record<string, string | number>> } | null>(null);
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

  /**
   * Verifies the journal in the tab (workers or WebCrypto: never inside a transaction), then records
   * the verdict as the auditor's command, so the world knows the verify was done and what it found.
   * Looking needs no sign-in: a tab that may not act as `meta.actor` still sees the result, and is
   * told why it was not recorded.
   */
  async verify(meta: CommandMeta, env: CommandEnv): Promise<void> {
    this.verifying = true;
    this.report = null;
    this.recorded = null;
    this.progress = { checked: 0, total: this.total };
    try {
      const report = await verifyLedger(this.db, (checked, total) => {
        this.progress = { checked, total };
      });
      this.report = report;
      const r = await recordLedgerVerify(this.db, meta, report, env);
      this.recorded = r.ok ? { ok: true } : { ok: false, code: r.code, ...(r.detail === undefined ? {} : { detail: r.detail }) };
    } finally {
      this.verifying = false;
    }
  }
}
