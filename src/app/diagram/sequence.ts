import type { JournalEntry, OrderRow, StoredMoney, WorldEvent } from '../../domain/index.ts';
import { trailRows, type TrailSide } from '../market/trail.ts';

// A flow's sequence diagram (时序图) as data: who took part (the lifelines) and every message
// between them in world-time order, drawn from the event log and the ledger entries the flow's
// rows point to. Pure: the reader (flows.ts) gathers the rows, this turns them into messages, the
// UI draws them and names each party through names.ts. Nothing here reads Dexie or the clock.

/** The flows a diagram can show; `id` is the flow's own row id (order id, cheque id, serial...). */
export type FlowKind = 'order' | 'cheque' | 'certificate' | 'coin' | 'card_payment' | 'remittance';
export type FlowRef = {
  readonly kind: FlowKind;
  /** The order, cheque id, certificate serial, coin serial, or the card payment's / remittance's charge id. */
  readonly id: string;
  /**
   * A coin seen from its owner's wallet: the purse row, which alone links the coin to the blind
   * withdrawal it came from (the bank's session names the row, never the serial).
   */
  readonly purseRowId?: string;
  /** A coin seen from a merchant's till before it is deposited (the bank's spent list names the depositor after). */
  readonly merchantId?: string;
};

/**
 * What a message is, for its words (`seq.kind.<kind>`) and its look: money arrows are solid and
 * carry an amount, documents are dashed, a signed one carries a seal.
 */
export type MessageKind =
  | 'order'
  | 'payment'
  | 'shipment'
  | 'receipt'
  | 'refund'
  | 'decision'
  | 'notice'
  | 'cheque'
  | 'endorsement'
  | 'deposit'
  | 'presentment'
  | 'request'
  | 'certificate'
  | 'revocation'
  | 'coin'
  | 'statement'
  | 'instruction'
  | 'money';

/** Which signed document a message carries, for the detail panel's check (flows.ts reads and verifies it). */
export type DocRef =
  | { readonly kind: 'receipt'; readonly orderId: string }
  | { readonly kind: 'cheque'; readonly chequeId: string }
  | { readonly kind: 'payment_notice'; readonly chequeId: string }
  | { readonly kind: 'endorsement'; readonly chequeId: string }
  | { readonly kind: 'certificate_request'; readonly requestId: string }
  | { readonly kind: 'certificate'; readonly serial: number }
  /** What the bank saw of a blind withdrawal: the account, the value, R, the blinded challenge e and s. */
  | { readonly kind: 'ecash_withdrawal'; readonly sessionId: string }
  /** A coin in a merchant's till (serial and the bank's signature on it, checked against the bank's key). */
  | { readonly kind: 'ecash_coin'; readonly serial: string; readonly merchantId: string | null };

export type SeqMessage = {
  /** Stable within the flow: `e<event seq>`, `j<journal seq>` or `d<doc>`. */
  readonly id: string;
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly kind: MessageKind;
  /** The words of the arrow: `seq.step.<step>` in the catalogs. */
  readonly step: string;
  readonly amount: StoredMoney | null;
  readonly signed: boolean;
  readonly doc: DocRef | null;
  /** The event the message comes from (its sentence in the detail panel), if any. */
  readonly event: WorldEvent | null;
  /** The ledger entries this message is (a money arrow) or caused (the same command's entries). */
  readonly entries: readonly JournalEntry[];
};

export type Sequence = {
  readonly flow: FlowRef;
  /** Party ids in lifeline order, left to right. */
  readonly participants: readonly string[];
  readonly messages: readonly SeqMessage[];
  /** The reader stopped at its named bound: the diagram shows the first part only. */
  readonly truncated: boolean;
};

/** Party ids of the seeded institutions a flow's messages go through. */
export const institutionIds = { escrow: 'escrow', platform: 'platform', logistics: 'logistics', ca: 'ca', card: 'card' } as const;

/** Card channels whose payment goes through the card company and the seller's acquiring bank. */
const cardCompanyChannels: readonly string[] = ['credit_card', 'charge_card'];
export function isCardCompanyChannel(channel: string): boolean {
  return cardCompanyChannels.includes(channel);
}

/** A signed document that is not an event (a cheque's payment notice to the drawer's bank). */
export type ExtraMessage = Omit<SeqMessage, 'event' | 'entries'> & {
  /** The event it goes out with (the same command), so it is drawn right after it. */
  readonly afterEventSeq?: number;
  /** Drawn after the money that event's command moved (the bank's answer after it debited the account). */
  readonly afterMoney?: boolean;
};

export type SequenceInput = {
  readonly flow: FlowRef;
  /** The flow's events, any order (sorted here). */
  readonly events: readonly WorldEvent[];
  /** An order's journal entries (its money trail), in journal order. */
  readonly entries?: readonly JournalEntry[];
  /** Owner party of each account the entries name. */
  readonly owners?: ReadonlyMap<string, string>;
  /** The order row, for an order flow (its trail rows say who holds the money after each entry). */
  readonly order?: OrderRow;
  /** Other flows' money, each movement whole (a cheque's payment, its returned-cheque fee). */
  readonly transfers?: readonly FlowTransfer[];
  /** A cheque's collecting bank: the paying bank's answer goes to it. */
  readonly collectingBankId?: string;
  /** An order paid by credit or charge card: the card company authorises and the seller's acquiring bank captures. */
  readonly card?: { readonly acquirerId: string };
  /** An order paid by remittance: the buyer's bank the transfer went from, the seller's that received it. */
  readonly remittance?: { readonly payerBankId: string; readonly payeeBankId: string };
  readonly extra?: readonly ExtraMessage[];
  readonly truncated?: boolean;
};

type Routed = Pick<SeqMessage, 'from' | 'to' | 'kind' | 'step' | 'amount' | 'signed' | 'doc'>;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function moneyOf(amount: unknown, currency: unknown): StoredMoney | null {
  const a = str(amount);
  if (a === null || !/^-?\d+(\.\d+)?$/.test(a)) return null;
  return { amount: a, currency: (str(currency) ?? 'CNY') as StoredMoney['currency'] };
}

/** The other party an event concerns, besides its actor (the first one named). */
function otherParty(e: WorldEvent, not: readonly string[] = []): string | null {
  return e.parties.find((p) => p !== e.actor && !not.includes(p)) ?? null;
}

/**
 * One event as an arrow: who sent what to whom. The order's parties come from the order row (an
 * event names only ids); a scheduled step is sent by the escrow agent that keeps the timer.
 */
function route(e: WorldEvent, input: SequenceInput): Routed | null {
  const order = input.order;
  const p = e.payload;
  const msg = (from: string | null, to: string | null, kind: MessageKind, extra: Partial<Routed> = {}): Routed | null =>
    from === null || to === null ? null : { from, to, kind, step: e.type.replace(/\./g, '_'), amount: null, signed: false, doc: null, ...extra };
  const buyer = order?.buyerId ?? null;
  const seller = order?.sellerId ?? null;
  const { escrow, platform, logistics, ca } = institutionIds;
  switch (e.type) {
    case 'marketplace.order_created':
      return msg(buyer, seller, 'order', { amount: moneyOf(p.total, p.currency) });
    case 'marketplace.pay':
      // By card: the buyer's card payment asks the card company to authorise (a hold on the card).
      if (input.card !== undefined) return msg(buyer, institutionIds.card, 'payment', { step: 'card_authorize', ...(order === undefined ? {} : { amount: order.total }) });
      // By remittance: the matched transfer paid the order; the seller tells the buyer it will ship.
      if (input.remittance !== undefined) return msg(seller, buyer, 'notice', { step: 'remittance_paid', ...(order === undefined ? {} : { amount: order.total }) });
      // The escrow agent tells the seller the money is held: ship now.
      return msg(escrow, seller, 'notice', order === undefined ? {} : { amount: order.total });
    case 'marketplace.cancel':
      return msg(buyer, seller, 'notice');
    case 'marketplace.pay_timeout':
      return msg(escrow, buyer, 'notice');
    case 'market.shipment_booked':
      return msg(seller, logistics, 'shipment');
    case 'marketplace.ship':
      return msg(logistics, buyer, 'shipment');
    case 'market.tracking':
      return msg(logistics, buyer, 'notice');
    case 'marketplace.confirm_receipt':
      return msg(buyer, escrow, 'receipt', { signed: true, doc: order === undefined ? null : { kind: 'receipt', orderId: order.id } });
    case 'marketplace.auto_confirm':
      return msg(escrow, seller, 'notice');
    case 'marketplace.refund_request':
      return msg(buyer, seller, 'refund');
    case 'marketplace.refund_agree':
      return msg(seller, escrow, 'decision');
    case 'marketplace.refund_refuse':
      return msg(seller, buyer, 'decision');
    case 'marketplace.seller_response_timeout':
      return msg(escrow, seller, 'notice');
    case 'marketplace.arbitrate':
      return msg(platform, escrow, 'decision');
    case 'marketplace.refund_cancel':
      return msg(buyer, seller, 'refund');
    case 'marketplace.review':
      return msg(buyer, seller, 'notice');
    case 'charge.succeeded':
    case 'charge.authorized':
      // A card sale is captured when the seller ships: the acquiring bank asks the card company for the money.
      if (input.card !== undefined && isCardCompanyChannel(String(p.channel))) return msg(input.card.acquirerId, institutionIds.card, 'request', { step: 'card_capture', amount: moneyOf(p.captured ?? p.amount, p.currency) });
      // A remittance's charge succeeds when the seller matched a received transfer by its reference and amount.
      if (input.remittance !== undefined && p.channel === 'remittance') return msg(seller, seller, 'decision', { step: 'remittance_matched', amount: moneyOf(p.amount, p.currency) });
      // The buyer's payment through the gateway (run by the escrow agent, 第三方支付).
      return msg(e.actor, escrow, 'payment', { amount: moneyOf(p.amount, p.currency) });
    case 'charge.failed':
      if (input.card !== undefined && isCardCompanyChannel(String(p.channel))) return msg(institutionIds.card, buyer ?? e.actor, 'notice', { amount: moneyOf(p.amount, p.currency) });
      return msg(escrow, e.actor, 'notice', { amount: moneyOf(p.amount, p.currency) });
    case 'charge.captured':
    case 'charge.refunded':
      if (input.card !== undefined && isCardCompanyChannel(String(p.channel))) return msg(institutionIds.card, buyer ?? e.actor, 'notice', { amount: moneyOf(p.amount, p.currency) });
      return msg(escrow, buyer ?? e.actor, 'notice', { amount: moneyOf(p.amount, p.currency) });
    case 'card.statement_issued':
      // The card company's monthly statement to the holder: this payment is one of its lines.
      return msg(e.actor, otherParty(e), 'statement', { amount: moneyOf(p.newBalance, p.currency) });
    case 'acquiring.batch_settled':
      // The acquirer's T+1 batch: the seller's card sales paid into its account, less the merchant discount.
      return msg(e.actor, seller ?? otherParty(e), 'notice');
    case 'bank.transfer':
    case 'bank.transfer_interbank':
      // A remittance: the buyer's transfer order at its bank, quoting the order number as reference.
      return msg(e.actor, str(p.payerBank), 'instruction', { step: input.remittance !== undefined ? 'remittance_transfer_order' : 'bank_transfer', amount: moneyOf(p.amount, 'CNY') });
    case 'ecash.withdrawn':
      // The wallet sends only the blinded challenge: the bank signs without seeing the coin's serial.
      return msg(e.actor, str(p.bankId), 'coin', { step: 'ecash_blinded', doc: { kind: 'ecash_withdrawal', sessionId: String(p.sessionId) } });
    case 'ecash.paid':
      return msg(e.actor, otherParty(e), 'coin', { amount: moneyOf(p.amount, 'CNY') });
    case 'ecash.deposited':
      return msg(e.actor, str(p.acquirer), 'deposit', { amount: moneyOf(p.amount, 'CNY') });
    case 'echeque.written':
      return msg(e.actor, str(p.payee), 'cheque', { amount: moneyOf(p.amount, 'CNY'), signed: true, doc: { kind: 'cheque', chequeId: String(p.chequeId) } });
    case 'echeque.endorsed':
      return msg(e.actor, str(p.depositTo), 'endorsement', { signed: true, doc: { kind: 'endorsement', chequeId: String(p.chequeId) } });
    case 'echeque.deposited':
      return msg(e.actor, otherParty(e), 'deposit', { amount: moneyOf(p.amount, 'CNY') });
    case 'echeque.presented':
      return msg(e.actor, otherParty(e, [str(p.depositor) ?? '']) ?? null, 'presentment');
    case 'echeque.paid':
      return msg(e.actor, input.collectingBankId ?? otherParty(e), 'decision', { amount: moneyOf(p.amount, 'CNY') });
    case 'echeque.returned':
      return msg(e.actor, input.collectingBankId ?? otherParty(e), 'decision');
    case 'certificate.requested':
      return msg(e.actor, ca, 'request', { signed: true, doc: { kind: 'certificate_request', requestId: String(p.requestId) } });
    case 'certificate.issued':
    case 'certificate.renewed':
      return msg(e.actor, otherParty(e), 'certificate', { signed: true, doc: { kind: 'certificate', serial: Number(p.serial) } });
    case 'certificate.rejected':
      return msg(e.actor, otherParty(e), 'decision');
    case 'certificate.revoked':
      return msg(e.actor, otherParty(e), 'revocation');
    default:
      // Any other event of the flow still shows, as a notice from who acted to whom it concerns.
      return msg(e.actor, otherParty(e) ?? e.actor, 'notice', { step: 'other' });
  }
}

const sides = (order: OrderRow): Record<TrailSide, string> => ({ buyer: order.buyerId, escrow: institutionIds.escrow, seller: order.sellerId, platform: institutionIds.platform });

/** An order's money as arrows: each movement once (the trail's rows), with who moved it to whom. */
function orderMoney(order: OrderRow, entries: readonly JournalEntry[], owners: ReadonlyMap<string, string>): SeqMessage[] {
  const s = sides(order);
  const rows = trailRows(order, entries);
  const arrows = rows.map((row, i): SeqMessage => {
    const entry = entries.find((e) => e.seq === row.seq)!;
    const from = row.from !== null ? s[row.from] : (owners.get(row.fromAccountId) ?? institutionIds.escrow);
    const to = row.to !== null ? s[row.to] : (owners.get(row.toAccountId) ?? institutionIds.escrow);
    return { id: `j${row.seq}-${i}`, at: row.at, from, to, kind: 'money', step: `money_${row.step}`, amount: row.amount, signed: false, doc: null, event: null, entries: [entry] };
  });
  // An entry no row shows (the commission mirrored in the platform's own book) belongs to the
  // movement just before it: the same money, booked in a second book.
  const shown = new Set(rows.map((r) => r.seq));
  return arrows.map((a, i) => {
    const next = arrows[i + 1]?.entries[0]!.seq ?? Number.MAX_SAFE_INTEGER;
    const mirrors = entries.filter((e) => !shown.has(e.seq) && e.seq > a.entries[0]!.seq && e.seq < next);
    return mirrors.length === 0 ? a : { ...a, entries: [...a.entries, ...mirrors] };
  });
}

/**
 * A card payment's money, from the card company's codes: the hold on the card at checkout, its
 * capture when the seller ships, the card company paying the acquirer (a leg in each book, one
 * arrow), a void or a refund back onto the card.
 */
function cardMoney(order: OrderRow, acquirerId: string, entries: readonly JournalEntry[]): SeqMessage[] {
  const card = institutionIds.card;
  const route: Readonly<Record<string, readonly [string, string, string]>> = {
    'card.hold': [order.buyerId, card, 'money_card_hold'],
    'card.capture': [order.buyerId, card, 'money_card_capture'],
    'card.to_acquirer': [card, acquirerId, 'money_card_to_acquirer'],
    'card.void': [card, order.buyerId, 'money_card_void'],
    'card.refund': [card, order.buyerId, 'money_card_refund'],
  };
  const arrows: SeqMessage[] = [];
  for (const e of entries) {
    const r = route[e.code];
    if (r === undefined) continue;
    const last = arrows.at(-1);
    // The same movement booked in a second book (the card company's, then the acquirer's) is one arrow.
    if (last !== undefined && last.step === r[2] && last.amount?.amount === e.amount && last.entries.at(-1)!.seq === e.seq - 1) {
      arrows[arrows.length - 1] = { ...last, entries: [...last.entries, e] };
      continue;
    }
    arrows.push({ id: `j${e.seq}`, at: e.at, from: r[0], to: r[1], kind: 'money', step: r[2], amount: { amount: e.amount, currency: e.currency }, signed: false, doc: null, event: null, entries: [e] });
  }
  return arrows;
}

/** A movement the reader already knows from and to (a bank transfer: all its legs in one arrow). */
export type FlowTransfer = {
  readonly from: string;
  readonly to: string;
  readonly amount: StoredMoney;
  /** The ledger code, for its words (transferCode.<code>). */
  readonly code: string;
  /** Its journal entries (one per book), in journal order; never empty. */
  readonly entries: readonly JournalEntry[];
  /** Its words (`seq.step.<step>`) and the event it follows (`causes`); a bank transfer when absent. */
  readonly step?: string;
};

function transferMoney(transfers: readonly FlowTransfer[]): SeqMessage[] {
  return transfers.map((t) => ({ id: `j${t.entries[0]!.seq}`, at: t.entries[0]!.at, from: t.from, to: t.to, kind: 'money' as const, step: t.step ?? 'money_transfer', amount: t.amount, signed: false, doc: null, event: null, entries: t.entries }));
}

/** The preferred lifeline order of each flow: the story reads left to right. */
function preferredOrder(input: SequenceInput): string[] {
  const o = input.order;
  if (o !== undefined && input.card !== undefined) return [o.buyerId, institutionIds.card, input.card.acquirerId, o.sellerId, institutionIds.logistics, institutionIds.escrow, institutionIds.platform];
  if (o !== undefined && input.remittance !== undefined) return [o.buyerId, input.remittance.payerBankId, input.remittance.payeeBankId, o.sellerId, institutionIds.logistics, institutionIds.escrow, institutionIds.platform];
  if (o !== undefined) return [o.buyerId, institutionIds.escrow, o.sellerId, institutionIds.logistics, institutionIds.platform];
  return [];
}

/** Which events a money step follows (the command that moved it); others follow the latest event before them. */
const causes: Readonly<Record<string, readonly string[]>> = {
  money_hold: ['charge.succeeded', 'charge.authorized', 'marketplace.pay'],
  money_partial_refund: settling(),
  money_release: settling(),
  money_payout: settling(),
  money_commission: settling(),
  money_refund: [...settling(), 'marketplace.pay_timeout'],
  money_available: ['market.funds_available'],
  money_transfer: ['echeque.paid'],
  money_returned_fee: ['echeque.returned'],
  money_card_hold: ['marketplace.pay'],
  money_card_capture: ['charge.succeeded'],
  money_card_to_acquirer: ['charge.succeeded'],
  money_acquiring_net: ['acquiring.batch_settled'],
  money_remittance: ['bank.transfer', 'bank.transfer_interbank'],
  money_ecash_withdraw: ['ecash.withdrawn'],
  money_ecash_deposit: ['ecash.deposited'],
};
function settling(): string[] {
  return ['marketplace.confirm_receipt', 'marketplace.auto_confirm', 'marketplace.refund_agree', 'marketplace.seller_response_timeout', 'marketplace.arbitrate', 'marketplace.cancel'];
}

const later = (a: WorldEvent, b: WorldEvent) => a.at - b.at || a.seq - b.seq;

/**
 * The flow's messages in world-time order. Several commands often share one world time (the clock
 * moves only when a tab moves it), so the order within a time is the event log's; each money
 * arrow follows the event of the command that moved it, and that message lists its entries.
 */
export function buildSequence(input: SequenceInput): Sequence {
  const events = [...input.events].sort(later);
  const slots: { message: SeqMessage; after: SeqMessage[]; last: SeqMessage[]; entries: JournalEntry[] }[] = [];
  for (const e of events) {
    const r = route(e, input);
    if (r !== null) slots.push({ message: { id: `e${e.seq}`, at: e.at, ...r, event: e, entries: [] }, after: [], last: [], entries: [] });
  }
  const slotOfEvent = (seq: number) => slots.find((s) => s.message.event?.seq === seq);
  const loose: SeqMessage[] = [];
  for (const x of input.extra ?? []) {
    const slot = x.afterEventSeq === undefined ? undefined : slotOfEvent(x.afterEventSeq);
    const { afterEventSeq: _after, afterMoney, ...m } = x;
    if (slot !== undefined) (afterMoney === true ? slot.last : slot.after).push({ ...m, event: null, entries: [] });
    else loose.push({ ...m, event: null, entries: [] });
  }
  const entries = input.entries ?? [];
  const isCardEntry = (e: JournalEntry) => input.card !== undefined && e.code.startsWith('card.');
  const money = [
    ...(input.order !== undefined ? orderMoney(input.order, entries.filter((e) => !isCardEntry(e)), input.owners ?? new Map()) : []),
    ...(input.order !== undefined && input.card !== undefined ? cardMoney(input.order, input.card.acquirerId, entries.filter(isCardEntry)) : []),
    ...transferMoney(input.transfers ?? []),
  ].sort((a, b) => a.at - b.at || a.entries[0]!.seq - b.entries[0]!.seq);
  for (const m of money) {
    const types = causes[m.step];
    let cause: (typeof slots)[number] | undefined;
    for (const s of slots) {
      const e = s.message.event!;
      if (e.at > m.at) break;
      if (types === undefined || types.includes(e.type)) {
        cause = s;
        // The hold follows the payment that made it (the gateway's, when there is one).
        if (m.step === 'money_hold') break;
      }
    }
    if (cause === undefined) loose.push(m);
    else {
      cause.after.push(m);
      cause.entries.push(...m.entries);
    }
  }
  const messages: SeqMessage[] = [];
  let li = 0;
  loose.sort((a, b) => a.at - b.at);
  for (const s of slots) {
    while (li < loose.length && loose[li]!.at < s.message.at) messages.push(loose[li++]!);
    messages.push({ ...s.message, entries: [...new Map(s.entries.map((e) => [e.seq, e])).values()].sort((a, b) => a.seq - b.seq) });
    messages.push(...s.after, ...s.last);
  }
  messages.push(...loose.slice(li));
  const used = new Set(messages.flatMap((m) => [m.from, m.to]));
  // The flow's preferred order first, then everyone else as they first appear (a Set keeps order).
  const participants = [...new Set([...preferredOrder(input).filter((p) => used.has(p)), ...messages.flatMap((m) => [m.from, m.to])])];
  return { flow: input.flow, participants, messages, truncated: input.truncated ?? false };
}
