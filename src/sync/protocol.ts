// The coordination protocol between tabs of one world. Data itself never travels here: it reaches
// every tab through IndexedDB and Dexie live queries. Messages only say "look" or "who is there",
// and every message is validated on receipt; a malformed one is ignored with a console warning.

export const protocolVersion = 1;

export type TabInfo = { readonly tabId: string; readonly partyId: string | null; readonly leader: boolean };

export type ChannelMessage =
  | { readonly v: 1; readonly type: 'hello'; readonly from: TabInfo }
  | { readonly v: 1; readonly type: 'here'; readonly from: TabInfo }
  | { readonly v: 1; readonly type: 'bye'; readonly from: TabInfo }
  | { readonly v: 1; readonly type: 'clock.moved'; readonly from: TabInfo; readonly at: number }
  | {
      readonly v: 1;
      readonly type: 'notice';
      readonly from: TabInfo;
      /** Party ids, or '*' for every tab. */
      readonly to: readonly string[];
      readonly kind: string;
      readonly ref?: string;
    };

export type ChannelMessageType = ChannelMessage['type'];

const idShape = /^[A-Za-z0-9._:*-]{1,128}$/;
/** A coordination message is small; anything larger is not ours. */
export const recipientsMax = 64;

function isTabInfo(x: unknown): x is TabInfo {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Record<string, unknown>;
  return (
    typeof t.tabId === 'string' && idShape.test(t.tabId) &&
    (t.partyId === null || (typeof t.partyId === 'string' && idShape.test(t.partyId))) &&
    typeof t.leader === 'boolean'
  );
}

/** Returns the message when it is well formed, or a reason why not. */
export function parseMessage(data: unknown): { ok: true; message: ChannelMessage } | { ok: false; reason: string } {
  if (typeof data !== 'object' || data === null) return { ok: false, reason: 'not an object' };
  const m = data as Record<string, unknown>;
  if (m.v !== protocolVersion) return { ok: false, reason: `unknown protocol version ${String(m.v)}` };
  if (!isTabInfo(m.from)) return { ok: false, reason: 'bad sender' };
  switch (m.type) {
    case 'hello':
    case 'here':
    case 'bye':
      return { ok: true, message: { v: 1, type: m.type, from: m.from } };
    case 'clock.moved':
      if (typeof m.at !== 'number' || !Number.isSafeInteger(m.at)) return { ok: false, reason: 'bad clock time' };
      return { ok: true, message: { v: 1, type: 'clock.moved', from: m.from, at: m.at } };
    case 'notice': {
      if (!Array.isArray(m.to) || m.to.length === 0 || m.to.length > recipientsMax) return { ok: false, reason: 'bad recipients' };
      if (!m.to.every((p) => typeof p === 'string' && idShape.test(p))) return { ok: false, reason: 'bad recipient' };
      if (typeof m.kind !== 'string' || !/^[a-z][a-z0-9._]{0,63}$/.test(m.kind)) return { ok: false, reason: 'bad kind' };
      if (m.ref !== undefined && (typeof m.ref !== 'string' || m.ref.length > 200)) return { ok: false, reason: 'bad ref' };
      const base = { v: 1 as const, type: 'notice' as const, from: m.from, to: m.to as string[], kind: m.kind };
      return { ok: true, message: m.ref === undefined ? base : { ...base, ref: m.ref } };
    }
    default:
      return { ok: false, reason: `unknown type ${String(m.type)}` };
  }
}
