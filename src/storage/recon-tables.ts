import type { Table } from 'dexie';
import type { BillRow, Difference, Resolution } from '../domain/index.ts';
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
