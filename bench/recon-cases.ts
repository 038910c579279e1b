import { dateStartMs, matchDay, type BankLine, type BillRow, type PlatformRecord } from '../src/domain/index.ts';
import { paired, ratePerSecond, type BenchCase } from './cases.ts';

// Reconciliation figure: rows per second through the three-way match of one day (matchDay: every
// platform record paired with its bill row by merchant number, amounts, fees and statuses compared
// as money, duplicates, timing and each institution's settlement summed) over a 100,000-order day
// through four institutions, against a bare hash join of the same rows (a Map by merchant number,
// string comparison of the three fields, per-institution sums in integer fen), both in memory.

const ordersCount = 100_000;
const institutions = ['escrow', 'bank-a', 'bank-b', 'card'] as const;
const date = '2026-01-07';

type Fixture = { platform: PlatformRecord[]; bill: BillRow[]; bank: BankLine[] };
let fixture: Fixture | undefined;

function cny(minor: number) {
  return { amount: (minor / 100).toFixed(2), currency: 'CNY' as const };
}

function buildFixture(): Fixture {
  const start = dateStartMs(date);
  const platform: PlatformRecord[] = [];
  const bill: BillRow[] = [];
  const nets = new Map<string, number>();
  for (let i = 0; i < ordersCount; i++) {
    const institutionId = institutions[i % institutions.length]!;
    const minor = 100 + ((i * 7919) % 500_000);
    const at = start + 60_000 + Math.floor((i / ordersCount) * 86_000_000);
    const orderNo = `T${i}:c1`;
    platform.push({ merchantOrderNo: orderNo, merchantRefundNo: '', orderId: `T${i}`, institutionId, channel: 'ch', type: 'payment', amount: cny(minor), expectedFee: cny(0), status: 'success', at });
    bill.push({ channelTradeNo: `${institutionId}:${i}`, merchantOrderNo: orderNo, merchantRefundNo: '', institutionId, channel: 'ch', type: 'payment', gross: cny(minor), fee: cny(0), net: cny(minor), status: 'success', at });
    nets.set(institutionId, (nets.get(institutionId) ?? 0) + minor);
  }
  const bank = [...nets].map(([institutionId, minor]) => ({ id: institutionId, institutionId, billDate: date, amount: cny(minor) }));
  return { platform, bill, bank };
}

/** The baseline: a bare hash join of the same rows, comparing the stored strings. */
function hashJoin(f: Fixture): number {
  const byNo = new Map<string, PlatformRecord>();
  for (const p of f.platform) byNo.set(p.merchantOrderNo, p);
  let differences = 0;
  const nets = new Map<string, bigint>();
  for (const r of f.bill) {
    const p = byNo.get(r.merchantOrderNo);
    if (p === undefined || p.amount.amount !== r.gross.amount || p.expectedFee.amount !== r.fee.amount || p.status !== r.status) differences++;
    nets.set(r.institutionId, (nets.get(r.institutionId) ?? 0n) + BigInt(r.net.amount.replace('.', '')));
  }
  for (const line of f.bank) if (nets.get(line.institutionId) !== BigInt(line.amount.amount.replace('.', ''))) differences++;
  return differences;
}

export const reconCases: readonly BenchCase[] = [
  {
    name: 'reconcile.day',
    unit: 'rows/s',
    target: 0.5,
    run: async () => {
      fixture ??= buildFixture();
      const f = fixture;
      return paired(
        () => ratePerSecond(ordersCount, async () => {
          const result = matchDay({ date, currency: 'CNY', ...f });
          if (result.differences.length !== 0) throw new Error('a clean day has no differences');
        }, 1500, 2),
        () => ratePerSecond(ordersCount, async () => {
          if (hashJoin(f) !== 0) throw new Error('a clean day has no differences');
        }, 1500, 2),
      );
    },
  },
];
