import {
  assert,
  assessCardDue,
  availableOf,
  bankingAccountIds as ids,
  cardJobKinds,
  closeCardCycle,
  defaultCardConfig,
  err,
  isBillingDay,
  ok,
  openCard,
  parseMoney,
  repayCard,
  toStored,
  worldDateLabel,
  money as moneyOf,
  type CardConfig,
  type CardKind,
  type CardRow,
  type CardStatementRow,
  type ChannelEffect,
  type Result,
  type StoredMoney,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { paymentsTables, type CardApplicationRow } from '../../storage/payments-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { openAccountInTransaction } from '../ledger.ts';
import { channelEffects, interpretEffects } from '../effects/interpret.ts';
import type { ChannelJob } from './gateway.ts';

// The card company (信用卡公司, party 'card'): applications, cards with a credit limit (credit card)
// or a spending limit (charge card), the billing-day statement sent to the holder's mailbox, the
// due-date check (late fee / suspension) and repayment from a bank account. The rules are the pure
// domain's (src/domain/payments/cards); this module stores the rows, books the effects and runs
// the jobs. Card accounts (card company's book):
//   card:card:<cardId>     what the holder owes (debit-normal); authorizations are pending debits
//   card:card:settlement   sales passed on to the acquirers (credit-normal, zero between captures)
//   card:card:income       interest and late fees

export const cardIssuerId = 'card';
export const cardLimitMaxMajorUnits = '1000000';
export const cardApplicationsMax = 500;

export function cardConfig(): CardConfig {
  return defaultCardConfig;
}

async function nextCardId(db: WorldDb): Promise<string> {
  const key = 'payments.nextCard';
  const row = await db.meta.get(key);
  const n = typeof row?.value === 'number' ? row.value : 1;
  await db.meta.put({ key, value: n + 1 });
  return `CC${String(n).padStart(6, '0')}`;
}

async function ensureIssuerAccounts(tx: Tx): Promise<void> {
  const accounts = ledgerTables(tx.db).accounts;
  const inputs = [
    { id: 'card:card:settlement', code: 'card.settlement', name: 'Card sales owed to acquirers (应付收单款)' },
    { id: 'card:card:income', code: 'card.income', name: 'Card interest and fee income (利息及违约金收入)' },
  ];
  for (const input of inputs) {
    if ((await accounts.get(input.id)) !== undefined) continue;
    const opened = await openAccountInTransaction(tx.db, { ...input, partyId: cardIssuerId, bookId: cardIssuerId, currency: 'CNY', normal: 'credit', flags: {} }, tx.now);
    assert(opened.ok, `open ${input.id}`);
  }
}

/** A customer (the actor) applies for a card. */
export const applyForCardCommand = defineCommand({
  name: 'applyForCard',
  apply: async (tx, input: { readonly kind: CardKind }) => {
    const applicantId = tx.meta.actor;
    const party = await tx.db.parties.get(applicantId);
    if (party === undefined || party.institution) return err('not_a_customer');
    const t = paymentsTables(tx.db);
    const open = await t.cardApplications.where('applicantId').equals(applicantId).filter((a) => a.status === 'pending' && a.kind === input.kind).count();
    if (open > 0) return err('card_application_pending');
    const row: CardApplicationRow = { id: `card-app:${tx.meta.id}`.slice(0, 80), applicantId, kind: input.kind, status: 'pending', appliedAt: tx.now, decidedAt: null, limit: null, billingDay: null, cardId: null, reason: null };
    await t.cardApplications.add(row);
    tx.notify({ to: [cardIssuerId], kind: 'payments.card_applied', ref: row.id });
    return ok(row);
  },
});

/** A customer applies for a card. */
export async function applyForCard(db: WorldDb, meta: CommandMeta, input: { readonly kind: CardKind }, env: CommandEnv = {}): Promise<Result<CardApplicationRow, string>> {
  if (input.kind !== 'credit' && input.kind !== 'charge') return err('card_kind_invalid');
  return execute(db, applyForCardCommand, meta, { kind: input.kind }, env);
}

/** The card company approves with a limit (a stored CNY decimal, parsed by the wrapper) and a billing day. */
export const approveCardApplicationCommand = defineCommand({
  name: 'approveCardApplication',
  apply: async (tx, input: { readonly applicationId: string; readonly limit: string; readonly billingDay: number }) => {
    if (tx.meta.actor !== cardIssuerId) return err('not_the_card_company');
    const t = paymentsTables(tx.db);
    const application = await t.cardApplications.get(input.applicationId);
    if (application === undefined) return err('card_application_not_found');
    if (application.status !== 'pending') return err('card_application_decided');
    const cardId = await nextCardId(tx.db);
    const opened = openCard({ id: cardId, kind: application.kind, holderId: application.applicantId, limit: { amount: input.limit, currency: 'CNY' }, billingDay: input.billingDay }, tx.now, cardConfig());
    await ensureIssuerAccounts(tx);
    const account = await openAccountInTransaction(
      tx.db,
      { id: `card:card:${cardId}`, partyId: application.applicantId, bookId: cardIssuerId, code: `card.${application.kind}`, name: `${application.kind === 'credit' ? 'Credit' : 'Charge'} card ${cardId}`, currency: 'CNY', normal: 'debit', flags: {} },
      tx.now,
    );
    if (!account.ok) return account;
    const applied = await interpretEffects(tx, channelEffects(opened.effects, cardIssuerId));
    if (!applied.ok) return applied;
    await t.cards.add(opened.card);
    await t.cardApplications.put({ ...application, status: 'approved', decidedAt: tx.now, limit: opened.card.limit, billingDay: input.billingDay, cardId });
    await tx.appendEvent({ type: 'card.issued', actor: cardIssuerId, parties: [application.applicantId], payload: { cardId, kind: application.kind, limit: opened.card.limit.amount } });
    tx.notify({ to: [application.applicantId], kind: 'payments.card_issued', ref: cardId });
    return ok(opened.card);
  },
});

/** The card company approves with a limit and a billing day: the card is issued. */
export async function approveCardApplication(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly applicationId: string; readonly limit: string; readonly billingDay: number },
  env: CommandEnv = {},
): Promise<Result<CardRow, string>> {
  const limit = parseMoney(input.limit, 'CNY', { max: moneyOf(cardLimitMaxMajorUnits, 'CNY') });
  if (!limit.ok) return limit;
  if (!limit.value.amount.greaterThan(0)) return err('card_limit_invalid');
  if (!isBillingDay(input.billingDay)) return err('billing_day_invalid');
  return execute(db, approveCardApplicationCommand, meta, { applicationId: input.applicationId, limit: toStored(limit.value).amount, billingDay: input.billingDay }, env);
}

/** The card company refuses, with the reason (trimmed, at most 200 characters, by the wrapper). */
export const rejectCardApplicationCommand = defineCommand({
  name: 'rejectCardApplication',
  apply: async (tx, input: { readonly applicationId: string; readonly reason: string }) => {
    if (tx.meta.actor !== cardIssuerId) return err('not_the_card_company');
    const t = paymentsTables(tx.db);
    const application = await t.cardApplications.get(input.applicationId);
    if (application === undefined) return err('card_application_not_found');
    if (application.status !== 'pending') return err('card_application_decided');
    const row: CardApplicationRow = { ...application, status: 'rejected', decidedAt: tx.now, reason: input.reason };
    await t.cardApplications.put(row);
    tx.notify({ to: [application.applicantId], kind: 'payments.card_rejected', ref: row.id });
    return ok(row);
  },
});

export async function rejectCardApplication(db: WorldDb, meta: CommandMeta, input: { readonly applicationId: string; readonly reason: string }, env: CommandEnv = {}): Promise<Result<CardApplicationRow, string>> {
  return execute(db, rejectCardApplicationCommand, meta, { applicationId: input.applicationId, reason: input.reason.trim().slice(0, 200) }, env);
}

/** Repayment (还款) by the actor from its deposit account at `bankId`; the amount is a stored CNY decimal. */
export const repayCardCommand = defineCommand({
  name: 'repayCard',
  apply: async (tx, input: { readonly cardId: string; readonly bankId: string; readonly amount: string }) => {
    const payerId = tx.meta.actor;
    const t = paymentsTables(tx.db);
    const card = await t.cards.get(input.cardId);
    if (card === undefined) return err('card_not_found');
    const account = await ledgerTables(tx.db).accounts.get(ids.deposit(input.bankId, payerId));
    if (account === undefined) return err('payer_account_not_found', { accountId: ids.deposit(input.bankId, payerId) });
    const amount: StoredMoney = { amount: input.amount, currency: 'CNY' };
    const step = repayCard(card, { id: tx.meta.id.slice(0, 80), amount, from: { bankId: input.bankId, partyId: payerId }, available: toStored(availableOf(account)) }, tx.now);
    if (!step.ok) return step;
    const applied = await interpretEffects(tx, channelEffects(step.value.effects, cardIssuerId));
    if (!applied.ok) return applied;
    await t.cards.put(step.value.card);
    await tx.appendEvent({ type: 'card.repaid', actor: payerId, parties: [cardIssuerId, card.holderId], payload: { cardId: card.id, amount: input.amount } });
    tx.notify({ to: [cardIssuerId, card.holderId], kind: 'payments.card_repaid', ref: card.id });
    return ok(step.value.card);
  },
});

/** Repayment (还款) from the payer's deposit account at `bankId` (through clearing when needed). */
export async function repayCardFromBank(db: WorldDb, meta: CommandMeta, input: { readonly cardId: string; readonly bankId: string; readonly amount: string }, env: CommandEnv = {}): Promise<Result<CardRow, string>> {
  const amount = parseMoney(input.amount, 'CNY', { max: moneyOf(cardLimitMaxMajorUnits, 'CNY') });
  if (!amount.ok) return amount;
  return execute(db, repayCardCommand, meta, { cardId: input.cardId, bankId: input.bankId, amount: toStored(amount.value).amount }, env);
}

// ---- jobs: the billing day and the due date ----------------------------------------------------

/** The statement mail lists every transaction, one per line: date, kind, amount. */
export function statementLines(statement: CardStatementRow): string {
  return statement.entries.map((e) => `${worldDateLabel(e.postedAt)} ${e.kind} ${e.amount.amount}`).join('\n');
}

function withStatementDetails(effects: readonly ChannelEffect[], statement: CardStatementRow): ChannelEffect[] {
  // The domain's notice names the figures; the mail also carries the transactions and the previous
  // balance, so the holder's mailbox shows the whole bill.
  return effects.map((e) =>
    e.kind === 'notice' && e.key === 'payments.notice.card_statement'
      ? { ...e, params: { ...e.params, previousBalance: statement.previousBalance.amount, interest: statement.interest.amount, fees: statement.fees.amount, transactions: statementLines(statement) } }
      : e,
  );
}

const statementJob: ChannelJob['handler'] = async (tx, job) => {
  const cardId = job.payload.cardId;
  const closingAt = job.payload.closingAt;
  assert(typeof cardId === 'string' && typeof closingAt === 'number' && closingAt === job.dueAt, 'a statement job names its card and cut-off');
  const t = paymentsTables(tx.db);
  const card = await t.cards.get(cardId);
  assert(card !== undefined, `card ${cardId}`);
  const previous = card.lastStatement === null ? null : ((await t.cardStatements.get(card.lastStatement.id)) ?? null);
  const step = closeCardCycle(card, previous, closingAt, cardConfig());
  const applied = await interpretEffects(tx, channelEffects(withStatementDetails(step.effects, step.statement), cardIssuerId));
  assert(applied.ok, `statement ${step.statement.id} books: ${applied.ok ? '' : applied.code}`);
  await t.cardStatements.add(step.statement);
  await t.cards.put(step.card);
};

const dueJob: ChannelJob['handler'] = async (tx, job) => {
  const cardId = job.payload.cardId;
  const statementId = job.payload.statementId;
  assert(typeof cardId === 'string' && typeof statementId === 'string', 'a due job names its card and statement');
  const t = paymentsTables(tx.db);
  const card = await t.cards.get(cardId);
  assert(card !== undefined, `card ${cardId}`);
  const step = assessCardDue(card, statementId, tx.now, cardConfig());
  assert(step.ok, `due check of ${statementId} runs at its due time`);
  if (step.value.replayed) return;
  const applied = await interpretEffects(tx, channelEffects(step.value.effects, cardIssuerId));
  assert(applied.ok, `due check of ${statementId} books: ${applied.ok ? '' : applied.code}`);
  await t.cards.put(step.value.card);
};

/**
 * The card company's jobs (the monthly statement, the due check), run for the card channels: the
 * channel registry registers them (payments/channels.ts); importing this file registers nothing.
 */
export const cardJobs: readonly ChannelJob[] = [
  { kind: cardJobKinds.statement, handler: statementJob },
  { kind: cardJobKinds.due, handler: dueJob },
];

// ---- queries ------------------------------------------------------------------------------------

export async function cardsOf(db: WorldDb, holderId: string): Promise<CardRow[]> {
  return paymentsTables(db).cards.where('holderId').equals(holderId).toArray();
}

export async function allCards(db: WorldDb): Promise<CardRow[]> {
  return paymentsTables(db).cards.limit(cardApplicationsMax).toArray();
}

export async function statementsOf(db: WorldDb, cardId: string): Promise<CardStatementRow[]> {
  const rows = await paymentsTables(db).cardStatements.where('cardId').equals(cardId).toArray();
  return rows.sort((a, b) => b.closingAt - a.closingAt);
}

/** Statements a card page shows at once; older ones are a page further ("Older statements"). */
export const cardStatementsPageSize = 12;

/** Where a page of statements starts: below this statement in (closingAt, id) order. */
export type CardStatementsCursor = { readonly closingAt: number; readonly id: string };
export type CardStatementsPage = { readonly rows: readonly CardStatementRow[]; readonly older: CardStatementsCursor | null };

/**
 * One page of the statements of `cardIds`, newest first (by the closingAt index, ties by id, as
 * IndexedDB orders them), after `cursor` (null: the newest page). `older` is where the next page
 * starts, null when there is none: the list pages instead of stopping silently at a count.
 */
export async function statementsPageOf(db: WorldDb, cardIds: readonly string[], cursor: CardStatementsCursor | null, pageSize = cardStatementsPageSize): Promise<CardStatementsPage> {
  assert(pageSize >= 1 && pageSize <= 1000, 'statement page size within bounds');
  if (cardIds.length === 0) return { rows: [], older: null };
  const ids = new Set(cardIds);
  const rows = await paymentsTables(db)
    .cardStatements.where('closingAt')
    .belowOrEqual(cursor?.closingAt ?? Number.MAX_SAFE_INTEGER)
    .reverse()
    .filter((s) => ids.has(s.cardId) && (cursor === null || s.closingAt < cursor.closingAt || s.id < cursor.id))
    .limit(pageSize + 1)
    .toArray();
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return { rows: page, older: rows.length > pageSize && last !== undefined ? { closingAt: last.closingAt, id: last.id } : null };
}

export async function cardApplications(db: WorldDb, status?: CardApplicationRow['status']): Promise<CardApplicationRow[]> {
  const t = paymentsTables(db).cardApplications;
  const rows = status === undefined ? await t.limit(cardApplicationsMax).toArray() : await t.where('status').equals(status).limit(cardApplicationsMax).toArray();
  return rows.sort((a, b) => b.appliedAt - a.appliedAt);
}

export async function cardApplicationsOf(db: WorldDb, applicantId: string): Promise<CardApplicationRow[]> {
  return paymentsTables(db).cardApplications.where('applicantId').equals(applicantId).toArray();
}
