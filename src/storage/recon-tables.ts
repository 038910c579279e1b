import type { Table } from 'dexie';
import type { BillRow, BillTotals, Difference, MatchResult, Resolution } from '../domain/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the reconciliation tables (declared in migrations/v13-reconciliation.ts).

/** A channel institution's own record of one trade: a row of its bills. */
export type ChannelTradeRow = BillRow & {
  readonly billDate: string;
  /** The order's seller (each seller reconciles its own orders). */
  readonly sellerId: string;
  readonly orderId: string;
  /** The ledger transfers that moved this trade's money: the bank side of the three-way match. */
  readonly ledgerIds: readonly string[];
  /** Set when the platform asked for this trade itself (the desk refunding a duplicate). */
  readonly platformAt: number | null;
  /** Why the row exists: the gateway's step, or a lab fault. */
  readonly origin: 'gateway' | 'lost_callback' | 'duplicate' | 'desk' | 'imported';
};

/** A resolution as booked: the domain's, plus the ledger transfers it made. */
export type ReconResolutionRow = Resolution & { readonly transferIds: readonly string[] };

export type ReconDayRow = {
  /** `${scope}:${date}`. */
  readonly id: string;
  /** 'platform', or a seller's party id. */
  readonly scope: string;
  readonly date: string;
  /** The differences of the first run: the report's opening differences. */
  readonly opening: readonly Difference[];
  readonly resolutions: readonly ReconResolutionRow[];
  readonly ranAt: number;
  readonly closedAt: number | null;
  /**
   * The match as last saved (a run, or a resolution's match after it), its bills' totals, and the
   * id of the command that saved it: while that command is the log's last, nothing changed since,
   * and the desk shows this instead of matching the day again on the page (a 100,000-order day).
   * Absent on rows saved before these fields existed.
   */
  readonly latest?: MatchResult;
  readonly bills?: readonly { readonly institutionId: string; readonly date: string; readonly totals: BillTotals }[];
  readonly savedBy?: string;
};

export type ReconLabKind = 'lose_callback' | 'deliver_twice';
/** A fault the teacher armed: the next payment through `channel` suffers it (then the row goes). */
export type ReconLabRow = { readonly id: string; readonly channel: string; readonly kind: ReconLabKind; readonly armedAt: number };

export type ReconTables = {
  channelTrades: Table<ChannelTradeRow, string>;
  reconDays: Table<ReconDayRow, string>;
  reconLab: Table<ReconLabRow, string>;
};

export function reconTables(db: WorldDb): ReconTables {
  return { channelTrades: db.table('channelTrades'), reconDays: db.table('reconDays'), reconLab: db.table('reconLab') };
}
