import { add, fromStored, isPositive, toStored, worldDateLabel, zero, type CardEntry, type CardKind, type CardRow, type CardStatementRow, type Charge } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { CheckResult, LabCheck, LabParties, LabQuery } from './checks.ts';

// The checks and queries of the card lab (信用卡与签账卡). Convention: the roles are 'buyer' and
// 'seller' (and 'courier', who only picks the parcels up). The lab's cards are the buyer's first
// credit card and first charge card; each card's sale is the buyer's first charge on it to the
// seller that was not refused. Everything is read from the card company's rows (cards, their
// statements), the charges, the acquirer's batches and the event log: a step ticks because the
// statement exists or the card was suspended, never because a page was opened.

const notDone: CheckResult = { done: false, at: null };

/** A buyer's cards, charges or events looked at per check: a lab's buyer has two cards and a few charges. */
export const cardsLabRowsScannedMax = 200;

/** The card and its sale to the seller (the first charge on it that was not refused). */
type CardSale = { readonly card: CardRow; readonly charge: Charge };
type LabSales = Partial<Record<CardKind, CardSale>>;

/** Both cards' sales, from one read of the buyer's cards and one of its charges. */
async function labSales(db: WorldDb, parties: LabParties): Promise<LabSales> {
  const { buyer, seller } = parties;
  if (buyer === undefined || seller === undefined) return {};
  const t = paymentsTables(db);
  const cards = (await t.cards.where('holderId').equals(buyer).limit(cardsLabRowsScannedMax).toArray()).sort((a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : 1));
  const charges = (await t.charges.where('payerId').equals(buyer).limit(cardsLabRowsScannedMax).toArray()).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const sales: LabSales = {};
  for (const kind of ['credit', 'charge'] as const) {
    const card = cards.find((c) => c.kind === kind);
    const charge = card === undefined ? undefined : charges.find((c) => c.channel === `${kind}_card` && c.source.cardId === card.id && c.payee.partyId === seller && c.status !== 'failed');
    if (card !== undefined && charge !== undefined) sales[kind] = { card, charge };
  }
  return sales;
}

async function labSale(db: WorldDb, parties: LabParties, kind: CardKind): Promise<CardSale | undefined> {
  return (await labSales(db, parties))[kind];
}

async function statementsOfCard(db: WorldDb, card: CardRow): Promise<CardStatementRow[]> {
  const rows = await paymentsTables(db).cardStatements.where('cardId').equals(card.id).limit(cardsLabRowsScannedMax).toArray();
  return rows.sort((a, b) => a.closingAt - b.closingAt);
}

/** The statement that lists the sale's purchase (the capture's ledger transfer id). */
async function saleStatement(db: WorldDb, sale: CardSale): Promise<CardStatementRow | undefined> {
  const purchaseId = `${sale.charge.id}:card-capture`;
  return (await statementsOfCard(db, sale.card)).find((s) => s.entries.some((e) => e.id === purchaseId));
}

async function saleAndStatement(db: WorldDb, parties: LabParties, kind: CardKind): Promise<{ sale: CardSale; statement: CardStatementRow } | undefined> {
  const sale = await labSale(db, parties, kind);
  const statement = sale === undefined ? undefined : await saleStatement(db, sale);
  return sale === undefined || statement === undefined ? undefined : { sale, statement };
}

/**
 * The card's repayments and refunds posted from `statement`'s cut-off on, oldest first: those of
 * the open cycle are on the card, older ones on the statements that closed since.
 */
async function creditsSince(db: WorldDb, card: CardRow, statement: CardStatementRow): Promise<CardEntry[]> {
  const later = (await statementsOfCard(db, card)).filter((s) => s.closingAt > statement.closingAt);
  const byId = new Map<string, CardEntry>();
  for (const e of [...later.flatMap((s) => s.entries), ...card.entries]) {
    if ((e.kind === 'payment' || e.kind === 'refund') && e.postedAt >= statement.closingAt) byId.set(e.id, e);
  }
  return [...byId.values()].sort((a, b) => a.postedAt - b.postedAt || (a.id < b.id ? -1 : 1));
}

/** When the credits (posted before `before`) first added up to `target`; null when they never did. */
function reachedAt(credits: readonly CardEntry[], target: string, before = Number.MAX_SAFE_INTEGER): number | null {
  let sum = zero('CNY');
  for (const e of credits) {
    if (e.postedAt >= before) break;
    sum = add(sum, fromStored(e.amount));
    if (sum.amount.greaterThanOrEqualTo(target)) return e.postedAt;
  }
  return null;
}

/** Done when both cards' sales reached `read`; at the later of the two times. */
function bothSales(read: (sale: CardSale, db: WorldDb) => Promise<number | null | undefined>): LabCheck {
  return async (db, parties) => {
    const { credit, charge } = await labSales(db, parties);
    if (credit === undefined || charge === undefined) return notDone;
    const times: number[] = [];
    for (const sale of [credit, charge]) {
      const at = await read(sale, db);
      if (at === null || at === undefined) return notDone;
      times.push(at);
    }
    return { done: true, at: Math.max(...times) };
  };
}

function saleCheck(kind: CardKind, read: (sale: CardSale) => number | null): LabCheck {
  return async (db, parties) => {
    const sale = await labSale(db, parties, kind);
    const at = sale === undefined ? null : read(sale);
    return at === null ? notDone : { done: true, at };
  };
}

/** The seller's line of the acquirer's batch that settled the sale (T+1), if it ran. */
async function settlementOf(db: WorldDb, sale: CardSale): Promise<{ readonly id: string; readonly at: number; readonly net: string } | undefined> {
  const saleItem = `${sale.charge.id}:sale`;
  const batches = await paymentsTables(db).acquiringBatches.where('bankId').equals(sale.charge.payee.bankId).limit(cardsLabRowsScannedMax).toArray();
  for (const b of batches) {
    const line = b.merchants.find((m) => m.merchantId === sale.charge.payee.partyId && m.itemIds.includes(saleItem));
    if (line !== undefined) return { id: line.id, at: b.settledAt, net: line.net.amount };
  }
  return undefined;
}

/** The credit card's statement that charged interest on the sale's statement (it was not paid in full). */
async function interestStatement(db: WorldDb, parties: LabParties): Promise<CardStatementRow | undefined> {
  const found = await saleAndStatement(db, parties, 'credit');
  if (found === undefined) return undefined;
  return (await statementsOfCard(db, found.sale.card)).find((s) => s.interestBasis?.onStatementId === found.statement.id && isPositive(fromStored(s.interest)));
}

/** When the card company suspended the charge card for the sale's statement (the event's time). */
async function suspendedAt(db: WorldDb, parties: LabParties): Promise<number | null> {
  const found = await saleAndStatement(db, parties, 'charge');
  if (found === undefined) return null;
  const events = await db.events.where('type').equals('card.suspended').limit(cardsLabRowsScannedMax).toArray();
  const event = events.find((e) => {
    const p = e.payload as { cardId?: unknown; statementId?: unknown };
    return p.cardId === found.sale.card.id && p.statementId === found.statement.id;
  });
  return event?.at ?? null;
}

export const cardsLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The buyer paid an order with the credit card: the card company holds the amount on the credit line. */
  'card.credit_held': saleCheck('credit', (s) => s.charge.createdAt),
  /** The same with the charge card. */
  'card.charge_held': saleCheck('charge', (s) => s.charge.createdAt),
  /** The seller booked the courier for both card orders. */
  'card.shipped': bothSales(async (sale, db) => {
    const s = await marketTables(db).shipments.where('orderId').equals(sale.charge.orderId).first();
    return s !== undefined && s.status !== 'cancelled' ? s.bookedAt : null;
  }),
  /** The courier picked both parcels up: each hold was captured, the purchases posted on the cards. */
  'card.captured': bothSales(async (sale) => sale.charge.paidAt),
  /** The acquirer's T+1 batch paid both sales into the seller's account, less the merchant discount. */
  'card.merchant_settled': bothSales(async (sale, db) => (await settlementOf(db, sale))?.at),
  /** Both cards' statements listing the purchases were issued at the billing-day cut-off. */
  'card.statements_issued': bothSales(async (sale, db) => (await saleStatement(db, sale))?.closingAt),
  /** The buyer repaid at least the credit card's minimum payment by its due date, but not in full. */
  'card.minimum_repaid': async (db, parties) => {
    const found = await saleAndStatement(db, parties, 'credit');
    if (found === undefined) return notDone;
    const { statement } = found;
    const credits = await creditsSince(db, found.sale.card, statement);
    const at = reachedAt(credits, statement.minimumPayment.amount, statement.payByAt);
    // Paid in full by the due date is no longer "the minimum": no interest follows, and the lab's
    // next credit-card steps cannot happen.
    const inFull = reachedAt(credits, statement.newBalance.amount, statement.payByAt) !== null;
    return at === null || inFull ? notDone : { done: true, at };
  },
  /** The due date passed with the charge card's statement not paid in full: the card was suspended. */
  'card.charge_suspended': async (db, parties) => {
    const at = await suspendedAt(db, parties);
    return at === null ? notDone : { done: true, at };
  },
  /** After the suspension the buyer paid the charge card's statement in full: the card is active again. */
  'card.charge_reinstated': async (db, parties) => {
    const suspended = await suspendedAt(db, parties);
    const found = await saleAndStatement(db, parties, 'charge');
    if (suspended === null || found === undefined) return notDone;
    const at = reachedAt(await creditsSince(db, found.sale.card, found.statement), found.statement.newBalance.amount);
    return at === null ? notDone : { done: true, at: Math.max(at, suspended) };
  },
  /** The next cut-off charged interest on the credit card's statement that was not paid in full. */
  'card.interest_charged': async (db, parties) => {
    const s = await interestStatement(db, parties);
    return s === undefined ? notDone : { done: true, at: s.closingAt };
  },
};

const saleTables = ['cards', 'charges'];
const statementTables = [...saleTables, 'cardStatements'];

export const cardsLabCheckTables: Readonly<Record<string, readonly string[]>> = {
  'card.credit_held': saleTables,
  'card.charge_held': saleTables,
  'card.shipped': [...saleTables, 'shipments'],
  'card.captured': saleTables,
  'card.merchant_settled': [...saleTables, 'acquiringBatches'],
  'card.statements_issued': statementTables,
  'card.minimum_repaid': statementTables,
  'card.charge_suspended': [...statementTables, 'events'],
  'card.charge_reinstated': [...statementTables, 'events'],
  'card.interest_charged': statementTables,
};

export const cardsLabQueries: Readonly<Record<string, LabQuery>> = {
  /** The due date (到期还款日) of the credit card's statement listing the purchase, as the statement mail prints it. */
  'card.due_date': async (db, p) => {
    const found = await saleAndStatement(db, p, 'credit');
    return found === undefined ? null : worldDateLabel(found.statement.dueAt);
  },
  /** That statement's minimum payment. */
  'card.minimum_payment': async (db, p) => (await saleAndStatement(db, p, 'credit'))?.statement.minimumPayment.amount ?? null,
  /** The interest the next statement charged on it. */
  'card.interest': async (db, p) => (await interestStatement(db, p))?.interest.amount ?? null,
  /** What the acquirer paid the seller for both card sales: the gross less the merchant discount. */
  'card.merchant_net': async (db, p) => {
    const { credit, charge } = await labSales(db, p);
    const lines = new Map<string, string>();
    for (const sale of [credit, charge]) {
      const line = sale === undefined ? undefined : await settlementOf(db, sale);
      if (line === undefined) return null;
      lines.set(line.id, line.net);
    }
    const total = [...lines.values()].reduce((sum, net) => add(sum, fromStored({ amount: net, currency: 'CNY' })), zero('CNY'));
    return toStored(total).amount;
  },
};
