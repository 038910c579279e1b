import { denominationMinor, ecashMoneyOfMinor, type EcashDenomination, type EcashDepositRow } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ecashTables, smartCardTables, tillRowId } from '../../storage/ecash-tables.ts';
import type { CheckResult, LabCheck, LabParties, LabQuery } from './checks.ts';

// The checks and queries of the e-cash lab (电子现金: roles 'buyer', 'seller' and 'bank', the
// issuing bank) and of the smart-card / one-card lab (智能卡与一卡通: roles 'holder' and
// 'merchant'). Each reads the world: the event log (who withdrew, paid, deposited, loaded), the
// issuer's spent list and signing sessions, the commands table's recorded refusal of a second
// deposit of one coin, the cards' rows. Never what a page did.

/** Events of one type looked at per check: a lab world logs a few hundred. */
export const ecashLabEventsScannedMax = 2_000;
/** Rows of one table (sessions, spent coins, purse rows, commands) looked at per check. */
export const ecashLabRowsScannedMax = 20_000;

const notDone: CheckResult = { done: false, at: null };
const doneAt = (at: number | null | undefined): CheckResult => (at === null || at === undefined ? notDone : { done: true, at });

type EventMatch = (e: { readonly actor: string; readonly parties: readonly string[]; readonly payload: Record<string, unknown> }) => boolean;

/** The first event of `type` whose actor is the role's party and that also matches `also`. */
async function firstEvent(db: WorldDb, parties: LabParties, type: string, role: string, also: EventMatch = () => true) {
  const actor = parties[role];
  if (actor === undefined) return undefined;
  const events = await db.events.where('type').equals(type).limit(ecashLabEventsScannedMax).toArray();
  return events
    .filter((e) => e.actor === actor && also({ actor: e.actor, parties: e.parties, payload: e.payload as Record<string, unknown> }))
    .sort((a, b) => a.at - b.at)[0];
}

function eventCheck(type: string, role: string, also?: (e: Parameters<EventMatch>[0], parties: LabParties) => boolean): LabCheck {
  return async (db, parties) => doneAt((await firstEvent(db, parties, type, role, also === undefined ? undefined : (e) => also(e, parties)))?.at);
}

const paysRole = (role: string) => (e: Parameters<EventMatch>[0], parties: LabParties) => parties[role] !== undefined && e.parties.includes(parties[role]);

const sumOf = (denominations: readonly EcashDenomination[]): string => ecashMoneyOfMinor(denominations.reduce((t, d) => t + denominationMinor(d), 0n)).amount;

/** The coins the seller deposited that the issuing bank (the 'bank' role) put on its spent list. */
async function sellerSpent(db: WorldDb, parties: LabParties): Promise<EcashDepositRow[]> {
  const { seller, bank } = parties;
  if (seller === undefined || bank === undefined) return [];
  const rows = await ecashTables(db).spent.where('bankId').equals(bank).limit(ecashLabRowsScannedMax).toArray();
  return rows.filter((r) => r.payee === seller && r.purpose === 'deposit');
}

/** The seller's second deposit of a coin it had deposited, refused by the issuer ('double_spend'): when, and the coin. */
async function doubleSpendRefusal(db: WorldDb, parties: LabParties): Promise<{ at: number; serial: string } | undefined> {
  const seller = parties.seller;
  if (seller === undefined) return undefined;
  const rows = await db.commands.limit(ecashLabRowsScannedMax).toArray();
  const refusals = rows
    .filter((c) => c.name === 'ecash.deposit')
    .map((c) => ({ at: c.at, r: c.result as { ok?: boolean; code?: unknown; detail?: { serial?: unknown } } | null }))
    .filter((c) => c.r !== null && c.r.ok === false && c.r.code === 'double_spend' && typeof c.r.detail?.serial === 'string')
    .sort((a, b) => a.at - b.at);
  const till = ecashTables(db).till;
  // The command row does not name its actor: the coin in the seller's own till says it was the seller's.
  for (const c of refusals) {
    const serial = c.r!.detail!.serial as string;
    const row = await till.get(tillRowId(seller, serial));
    if (row?.status === 'deposited') return { at: c.at, serial };
  }
  return undefined;
}

export const ecashLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The bank signed a blinded coin for the buyer and debited its account. */
  'ecash.withdrawn': eventCheck('ecash.withdrawn', 'buyer'),
  /** The buyer paid the seller with coins (the seller checked the bank's signatures offline). */
  'ecash.spent': eventCheck('ecash.paid', 'buyer', paysRole('seller')),
  /** The seller deposited coins from its till at its bank. */
  'ecash.deposited': eventCheck('ecash.deposited', 'seller'),
  /** The issuing bank checked a coin of the seller's and recorded its serial on its spent list. */
  'ecash.spent_listed': async (db, parties) => doneAt((await sellerSpent(db, parties)).map((r) => r.at).sort((a, b) => a - b)[0]),
  /** A second deposit of a coin the seller had deposited was refused as a double spend. */
  'ecash.double_spend_refused': async (db, parties) => doneAt((await doubleSpendRefusal(db, parties))?.at),
  /** The buyer paid its unspent coins back into its account. */
  'ecash.paid_back': eventCheck('ecash.paid_back', 'buyer'),
  /** The merchant installed a card device (its acquirer is one of the merchant's banks). */
  'smartcard.device_installed': eventCheck('smartcard.device', 'merchant'),
  /** The holder loaded value from its account onto its Mondex card. */
  'smartcard.loaded': eventCheck('smartcard.loaded', 'holder'),
  /** The card paid the merchant's device, card to device, with no interruption. */
  'smartcard.paid': eventCheck('smartcard.paid', 'holder', (e, parties) => paysRole('merchant')(e, parties) && e.payload.stage === 'completed'),
  /** The merchant deposited its device's takings at its acquiring bank. */
  'smartcard.deposited': eventCheck('smartcard.deposited', 'merchant'),
  /** The merchant joined the one-card scheme (so the card is accepted there). */
  'onecard.joined': eventCheck('storedvalue.joined', 'merchant', (e) => e.payload.participating === true),
  /** The holder topped up a one-card from its bank account. */
  'onecard.topped_up': eventCheck('storedvalue.topped_up', 'holder'),
  /** The holder paid the merchant with the one-card. */
  'onecard.paid': eventCheck('storedvalue.paid', 'holder', paysRole('merchant')),
  /** The merchant collected its one-card sales into its bank account. */
  'onecard.settled': eventCheck('storedvalue.settled', 'merchant'),
};

export const ecashLabCheckTables: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.keys(ecashLabChecks).map((k) => [k, k === 'ecash.spent_listed' ? ['ecashSpent'] : k === 'ecash.double_spend_refused' ? ['commands', 'ecashTill'] : ['events']]),
);

/** The holder's first Mondex card once it paid the merchant (null before: the question waits). */
async function paidCard(db: WorldDb, parties: LabParties) {
  if (!(await ecashLabChecks['smartcard.paid']!(db, parties)).done || parties.holder === undefined) return undefined;
  const cards = await smartCardTables(db).cards.where('holderId').equals(parties.holder).toArray();
  return cards.sort((a, b) => (a.cardId < b.cardId ? -1 : 1))[0];
}

/** The amount on the role's first event of `type`. */
async function firstAmount(db: WorldDb, parties: LabParties, type: string, role: string): Promise<string | null> {
  const amount = (await firstEvent(db, parties, type, role))?.payload.amount;
  return typeof amount === 'string' ? amount : null;
}

export const ecashLabQueries: Readonly<Record<string, LabQuery>> = {
  /** What the bank signed and debited at the buyer's withdrawals: it saw the account and each value, never a serial. */
  'ecash.withdrawn_total': async (db, parties) => {
    const { buyer, bank } = parties;
    if (buyer === undefined || bank === undefined) return null;
    const sessions = await ecashTables(db).sessions.where('bankId').equals(bank).limit(ecashLabRowsScannedMax).toArray();
    const signed = sessions.filter((s) => s.account === buyer && s.status === 'signed');
    return signed.length === 0 ? null : sumOf(signed.map((s) => s.denomination));
  },
  /** What the seller's deposits were credited: the coins the issuer accepted from it. */
  'ecash.deposited_total': async (db, parties) => {
    const rows = await sellerSpent(db, parties);
    return rows.length === 0 ? null : sumOf(rows.map((r) => r.denomination));
  },
  /** What the buyer paid back into its account (its coins the bank took back). */
  'ecash.paid_back_total': async (db, parties) => {
    const buyer = parties.buyer;
    if (buyer === undefined) return null;
    const rows = await ecashTables(db).purse.where('ownerId').equals(buyer).limit(ecashLabRowsScannedMax).toArray();
    const back = rows.filter((r) => r.state === 'paid_back');
    return back.length === 0 ? null : sumOf(back.map((r) => r.denomination));
  },
  /**
   * How many of the bank's withdrawal rows carry the R or s it stored for a coin the seller
   * deposited: blinding makes them differ, so the bank cannot link a deposit to a withdrawal.
   */
  'ecash.linked_withdrawals': async (db, parties) => {
    const deposited = await sellerSpent(db, parties);
    if (deposited.length === 0 || parties.bank === undefined) return null;
    const rs = new Set(deposited.map((d) => d.r));
    const ss = new Set(deposited.map((d) => d.s));
    const sessions = await ecashTables(db).sessions.where('bankId').equals(parties.bank).limit(ecashLabRowsScannedMax).toArray();
    return String(sessions.filter((s) => s.status === 'signed' && (rs.has(s.r) || (s.response !== null && ss.has(s.response)))).length);
  },
  /** The holder's card balance after paying the merchant. */
  'smartcard.balance': async (db, parties) => (await paidCard(db, parties))?.balance ?? null,
  /** The sequence number of the card's last signed payment (never reused: a replay is refused). */
  'smartcard.sequence': async (db, parties) => {
    const card = await paidCard(db, parties);
    return card === undefined ? null : String(card.sequence);
  },
  /** What the merchant's first deposit of its device's takings credited at its bank. */
  'smartcard.deposited_amount': (db, parties) => firstAmount(db, parties, 'smartcard.deposited', 'merchant'),
  /** What the one-card scheme paid the merchant at its first collection. */
  'onecard.settled_amount': (db, parties) => firstAmount(db, parties, 'storedvalue.settled', 'merchant'),
};
