import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  actionsFor,
  billCsv,
  billDateOf,
  buildBill,
  checkResolution,
  dateStartMs,
  dayStatus,
  fromMinorUnits,
  matchDay,
  storedMinorUnits,
  toMinorUnits,
  fromStored,
  parseBillCsv,
  rematchNumbers,
  toStored,
  type BankLine,
  type BillRow,
  type Difference,
  type DifferenceKind,
  type PlatformRecord,
  type Resolution,
} from '../../src/domain/index.ts';

// For a random day of trades through random institutions with random faults injected into the
// platform's records, the bills and the bank lines: every fault is found and classified by name,
// nothing else is flagged, and resolving every difference closes the day.

const date = '2026-01-07';
const dayStart = dateStartMs(date);
const institutions = ['escrow', 'bank-a', 'bank-b', 'card-co'] as const;
const cny = (minor: number) => toStored(fromMinorUnits(BigInt(minor), 'CNY'));

const rowFaults = ['long', 'short', 'amount_mismatch', 'fee_mismatch', 'status_mismatch', 'duplicate_payment', 'timing', 'none'] as const;
type RowFault = (typeof rowFaults)[number];

const tradeArb = fc.record({
  institution: fc.integer({ min: 0, max: institutions.length - 1 }),
  grossMinor: fc.integer({ min: 100, max: 10_000_000 }),
  feePermille: fc.integer({ min: 0, max: 10 }),
  // Inside the day, clear of the cut-off minute on both ends.
  offsetMs: fc.integer({ min: 60, max: 24 * 3600 - 180 }).map((s) => s * 1000), // bills carry whole seconds
  fault: fc.constantFrom(...rowFaults),
  deltaMinor: fc.integer({ min: 1, max: 5000 }),
});

const dayArb = fc.record({
  trades: fc.array(tradeArb, { minLength: 1, maxLength: 30 }),
  // Institutions whose bank credit is off by a few fen (settlement mismatch).
  settlementFaults: fc.uniqueArray(fc.integer({ min: 0, max: institutions.length - 1 }), { maxLength: 2 }),
  settlementDeltaMinor: fc.integer({ min: 1, max: 999 }),
});

type Day = { platform: PlatformRecord[]; bill: BillRow[]; bank: BankLine[]; expected: string[] };

type DayInput = typeof dayArb extends fc.Arbitrary<infer T> ? T : never;

function buildDay(input: DayInput): Day {
  const platform: PlatformRecord[] = [];
  const bill: BillRow[] = [];
  const expected: string[] = [];
  // The money each bill row moved (minor units), by channel trade number.
  const moved = new Map<string, number>();
  input.trades.forEach((t, i) => {
    const institutionId = institutions[t.institution]!;
    const orderNo = `O${i}:c1`;
    const feeMinor = Math.floor((t.grossMinor * t.feePermille) / 1000);
    const at = t.fault === 'timing' ? dayStart + 24 * 3_600_000 - 30_000 : dayStart + t.offsetMs;
    const p: PlatformRecord = { merchantOrderNo: orderNo, merchantRefundNo: '', orderId: `O${i}`, institutionId, channel: 'ch', type: 'payment', amount: cny(t.grossMinor), expectedFee: cny(feeMinor), status: 'success', at };
    let gross = t.grossMinor;
    let fee = feeMinor;
    if (t.fault === 'amount_mismatch') gross += t.deltaMinor;
    if (t.fault === 'fee_mismatch') fee += t.deltaMinor;
    const row: BillRow = { channelTradeNo: `T${i}`, merchantOrderNo: orderNo, merchantRefundNo: '', institutionId, channel: 'ch', type: 'payment', gross: cny(gross), fee: cny(fee), net: cny(gross - fee), status: t.fault === 'status_mismatch' ? 'refunded' : 'success', at };
    if (t.fault !== 'long') platform.push(p);
    if (t.fault !== 'short') bill.push(row);
    // A changed fee is in the bill only: the money moved at the expected fee (the ledger did not move).
    if (t.fault !== 'short') moved.set(row.channelTradeNo, gross - feeMinor);
    if (t.fault === 'duplicate_payment') {
      bill.push({ ...row, channelTradeNo: `T${i}b`, at: at + 1000 });
      moved.set(`T${i}b`, gross - fee);
    }
    if (t.fault !== 'none') expected.push(`${t.fault}:${orderNo}`);
  });
  const bank: BankLine[] = institutions.map((institutionId, k) => {
    let minor = 0;
    for (const r of bill) if (r.institutionId === institutionId && billDateOf(r.at) === date) minor += moved.get(r.channelTradeNo)!;
    if (input.settlementFaults.includes(k)) minor += input.settlementDeltaMinor;
    return { id: `B${k}`, institutionId, billDate: date, amount: cny(minor) };
  });
  for (const k of input.settlementFaults) expected.push(`settlement_mismatch:${institutions[k]}`);
  return { platform, bill, bank, expected };
}

describe('three-way matching', () => {
  it('finds every injected fault by name and flags nothing else; resolving all closes the day', () => {
    fc.assert(
      fc.property(dayArb, (input) => {
        const day = buildDay(input);
        const result = matchDay({ date, currency: 'CNY', ...day });
        const found = result.differences.map((d) => (d.kind === 'settlement_mismatch' ? `${d.kind}:${d.institutionId}` : `${d.kind}:${d.merchantOrderNo}`));
        expect(found.sort()).toEqual([...day.expected].sort());
        // Ids are unique: each difference is resolved on its own.
        expect(new Set(result.differences.map((d) => d.id)).size).toBe(result.differences.length);
        const resolutions: Resolution[] = [];
        const resolved = new Set<string>();
        for (const d of result.differences) {
          const action = actionsFor[d.kind][0]!;
          expect(checkResolution(d, resolved, action, 'checked with the channel').ok).toBe(true);
          resolved.add(d.id);
          resolutions.push({ differenceId: d.id, action, reason: 'checked with the channel', at: 0, actorId: 'platform' });
        }
        expect(dayStatus(result.differences, resolutions.slice(0, -1)).balanced).toBe(result.differences.length === 0);
        expect(dayStatus(result.differences, resolutions).balanced).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a timing difference matches on the next day with nothing flagged for it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 59 }).map((s) => s * 1000), fc.integer({ min: 100, max: 100_000 }), (secondMs, minor) => {
        const at = dayStart + 24 * 3_600_000 - 60_000 + secondMs; // 23:59:xx
        const p: PlatformRecord = { merchantOrderNo: 'O1:c1', merchantRefundNo: '', orderId: 'O1', institutionId: 'bank-a', channel: 'ch', type: 'payment', amount: cny(minor), expectedFee: cny(0), status: 'success', at };
        const row: BillRow = { channelTradeNo: 'T1', merchantOrderNo: 'O1:c1', merchantRefundNo: '', institutionId: 'bank-a', channel: 'ch', type: 'payment', gross: cny(minor), fee: cny(0), net: cny(minor), status: 'success', at };
        const today = matchDay({ date, currency: 'CNY', platform: [p], bill: [row], bank: [] });
        expect(today.differences.map((d) => d.kind)).toEqual(['timing']);
        const next = matchDay({ date: '2026-01-08', currency: 'CNY', platform: [p], bill: [row], bank: [{ id: 'b', institutionId: 'bank-a', billDate: '2026-01-08', amount: cny(minor) }] });
        expect(next.differences).toEqual([]);
        expect(next.matched).toBe(1);
      }),
    );
  });
});

describe('bill CSV', () => {
  it('round-trips every bill, and a changed net is refused with its line and reason', () => {
    fc.assert(
      fc.property(dayArb, fc.nat(), (input, pick) => {
        const day = buildDay(input);
        const bill = buildBill('bank-a', date, 'CNY', day.bill);
        const text = billCsv(bill);
        const back = parseBillCsv(text);
        expect(back.ok && back.value).toEqual(bill);
        if (bill.rows.length === 0) return;
        const index = pick % bill.rows.length;
        const lines = text.split('\r\n');
        const line = 6 + index; // 1-based: four '#' lines, the header, then the rows
        const cells = lines[line - 1]!.split(',');
        cells[7] = (Number(cells[7]) + 0.01).toFixed(2);
        lines[line - 1] = cells.join(',');
        const tampered = parseBillCsv(lines.join('\r\n'));
        expect(tampered).toEqual({ ok: false, code: 'bill_refused', detail: { line, reason: 'net_not_gross_less_fee' } });
      }),
      { numRuns: 100 },
    );
  });

  it('a consistent teacher edit (fee, net and totals) is accepted', () => {
    const row: BillRow = { channelTradeNo: 'T1', merchantOrderNo: 'O1:c1', merchantRefundNo: '', institutionId: 'bank-a', channel: 'ch', type: 'payment', gross: cny(10000), fee: cny(60), net: cny(9940), status: 'success', at: dayStart + 3_600_000 };
    const text = billCsv(buildBill('bank-a', date, 'CNY', [row]));
    const edited = text.replace('100.00,0.60,99.40', '100.00,1.00,99.00').replace('#total_fee,0.60', '#total_fee,1.00').replace('#total_net,99.40', '#total_net,99.00');
    const parsed = parseBillCsv(edited);
    expect(parsed.ok && parsed.value.rows[0]!.fee.amount).toBe('1.00');
    const unbalanced = text.replace('100.00,0.60,99.40', '100.00,1.00,99.00');
    expect(parseBillCsv(unbalanced)).toEqual({ ok: false, code: 'bill_refused', detail: { line: 9, reason: 'totals_differ' } });
    expect(parseBillCsv('hello')).toEqual({ ok: false, code: 'bill_refused', detail: { line: 1, reason: 'not_a_bill' } });
    const late = text.replace('2026-01-07 01:00:00', '2026-01-07 23:59:30');
    expect(parseBillCsv(late)).toEqual({ ok: false, code: 'bill_refused', detail: { line: 6, reason: 'outside_bill_date' } });
  });
});

// The kinds the generator injects cover every named kind.
const covered: readonly DifferenceKind[] = [...rowFaults.filter((f): f is Exclude<RowFault, 'none'> => f !== 'none'), 'settlement_mismatch'];
it('the generator injects every kind of difference', () => {
  expect(new Set(covered).size).toBe(Object.keys(actionsFor).length);
});

it('stored amounts read as minor units directly equal the exact conversion', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (minor) => {
      const stored = toStored(fromMinorUnits(minor, 'CNY'));
      expect(storedMinorUnits(stored)).toBe(minor);
      expect(storedMinorUnits(stored)).toBe(toMinorUnits(fromStored(stored)));
      expect(storedMinorUnits({ amount: '12.5', currency: 'CNY' })).toBe(1250n);
    }),
  );
});

describe('a saved match kept up to date', () => {
  const changes = ['record', 'fee', 'status', 'drop'] as const;
  // A settlement difference's channel is a wording hint (the institution's first bill row's), which
  // an update of a few numbers cannot always know: compared without it.
  const sortedById = (list: readonly Difference[]) => [...list].map((d) => (d.kind === 'settlement_mismatch' ? { ...d, channel: '' } : d)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  it('after a change to the rows of one merchant number, the saved match less its match before plus after is the match of the day after', () => {
    fc.assert(
      fc.property(dayArb, fc.nat(), fc.constantFrom(...changes), (input, pick, change) => {
        const day = buildDay(input);
        const numbers = [...new Set([...day.platform, ...day.bill].map((r) => r.merchantOrderNo))].sort();
        const no = numbers[pick % numbers.length]!;
        const mine = <T extends { merchantOrderNo: string }>(rows: readonly T[]) => rows.filter((r) => r.merchantOrderNo === no);
        const others = <T extends { merchantOrderNo: string }>(rows: readonly T[]) => rows.filter((r) => r.merchantOrderNo !== no);
        // The number's rows after the change (the clerk's action, or a channel's correction).
        let platform = mine(day.platform);
        let bill = mine(day.bill);
        const first = bill[0];
        if (change === 'record') platform = platform.length > 0 || first === undefined ? [] : [{ merchantOrderNo: no, merchantRefundNo: '', orderId: no, institutionId: first.institutionId, channel: first.channel, type: 'payment', amount: first.gross, expectedFee: first.fee, status: 'success', at: first.at }];
        if (change === 'fee') bill = bill.map((r) => ({ ...r, fee: cny(Number(storedMinorUnits(r.fee)) + 7), net: cny(Number(storedMinorUnits(r.net)) - 7) }));
        if (change === 'status') bill = bill.map((r) => ({ ...r, status: r.status === 'success' ? 'refunded' : 'success' }));
        if (change === 'drop') bill = [];
        const saved = matchDay({ date, currency: 'CNY', ...day });
        const before = matchDay({ date, currency: 'CNY', platform: mine(day.platform), bill: mine(day.bill), bank: [] });
        const after = matchDay({ date, currency: 'CNY', platform, bill, bank: [] });
        const updated = rematchNumbers(saved, before, after, new Set());
        const fresh = matchDay({ date, currency: 'CNY', platform: [...others(day.platform), ...platform], bill: [...others(day.bill), ...bill], bank: day.bank });
        expect(updated.matched).toBe(fresh.matched);
        expect(updated.settlements).toEqual(fresh.settlements);
        expect(sortedById(updated.differences)).toEqual(sortedById(fresh.differences));
        // A resolved difference gone with the change stays listed (the report shows it); no other.
        const resolved = new Set(saved.differences.map((d) => d.id));
        const kept = rematchNumbers(saved, before, after, resolved);
        const gone = saved.differences.filter((d) => !fresh.differences.some((x) => x.id === d.id));
        expect(kept.differences.map((d) => d.id).sort()).toEqual([...fresh.differences, ...gone].map((d) => d.id).sort());
      }),
      { numRuns: 300 },
    );
  });
});
