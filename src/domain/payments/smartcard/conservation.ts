// What the issuer's smart-card float must equal at every moment: value on chips, takings on devices
// not yet deposited, and value in flight (pending card entries no device has a receipt for). The
// lab shows it, and the property tests check it after every step.
import { assert } from '../../assert.ts';
import { add, money, toStored, zero, type CurrencyCode, type Money, type StoredMoney } from '../../money/index.ts';
import type { MerchantDevice, SmartCard } from './records.ts';

/** Records one conservation check looks at. */
export const mondexConservationRecordsMax = 100_000;

export type MondexValueBreakdown = {
  readonly onCards: StoredMoney;
  readonly onDevices: StoredMoney;
  readonly inFlight: StoredMoney;
  readonly total: StoredMoney;
};

export function mondexValueBreakdown(
  cards: readonly SmartCard[],
  devices: readonly MerchantDevice[],
  currency: CurrencyCode,
): MondexValueBreakdown {
  assert(cards.length + devices.length <= mondexConservationRecordsMax, `at most ${mondexConservationRecordsMax} records`);
  const sum = (amounts: readonly string[]): Money => amounts.reduce((t, a) => add(t, money(a, currency)), zero(currency));
  const receipts = new Set<string>();
  for (const d of devices) {
    assert(d.currency === currency, 'one currency per check');
    for (const r of d.receipts) receipts.add(`${d.deviceId}|${r.cardId}|${r.sequence}|${r.nonce}`);
  }
  const inFlight: string[] = [];
  for (const c of cards) {
    assert(c.currency === currency, 'one currency per check');
    for (const e of c.pendingLog) if (!receipts.has(`${e.deviceId}|${c.cardId}|${e.sequence}|${e.nonce}`)) inFlight.push(e.amount);
  }
  const onCards = sum(cards.map((c) => c.balance));
  const onDevices = sum(devices.map((d) => d.balance));
  const flight = sum(inFlight);
  return {
    onCards: toStored(onCards),
    onDevices: toStored(onDevices),
    inFlight: toStored(flight),
    total: toStored(add(add(onCards, onDevices), flight)),
  };
}
