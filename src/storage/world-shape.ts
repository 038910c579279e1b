import { assert } from '../domain/assert.ts';
import { migrations } from './migrations/index.ts';

// What every row of every table of a world must look like, so a world file edited by hand (or
// damaged) is refused on import instead of crashing the app later ("every world has a clock",
// "Cannot read properties of null (reading 'en')"). Pure: no Dexie, rows in, a problem out.
//
// The checks are the fields the app reads without looking (keys, indexes, the party references
// that pages follow, names shown on screen, amounts the ledger parses): a stricter check would
// refuse worlds the app writes itself. Money is checked by the ledger's own verify, not here.

/** A field type: 'id' non-empty string, 'text' any string, 'int' safe integer, 'num' finite number,
 * 'bool', 'obj' plain object, 'arr' array, 'amount' non-negative decimal string, 'name2' a name in
 * both languages ({en, zh} strings), 'hash' 64 lowercase hex, 'key' a non-empty string or a safe
 * integer, 'bytes' a Uint8Array. A trailing '?' allows undefined, '|null' allows null. */
export type FieldType = string;

export type TableShape = {
  /** Fields every row has, by dotted path. */
  readonly fields: Readonly<Record<string, FieldType>>;
  /** Fields naming a party (when present and not null). */
  readonly partyRefs?: readonly string[];
  /** Fields naming a ledger account (when present and not null). */
  readonly accountRefs?: readonly string[];
};

/** The world's own area each table belongs to, by the migration that declared it: what the refusal
 * names (never a table's internal name). */
export type WorldArea = 'world' | 'ledger' | 'identity' | 'banking' | 'market' | 'payments' | 'echeque' | 'ecash';
const areaByVersion: Readonly<Record<number, WorldArea>> = { 1: 'world', 2: 'ledger', 3: 'identity', 4: 'banking', 5: 'market', 6: 'payments', 7: 'echeque', 8: 'ecash', 9: 'ledger', 10: 'ledger', 13: 'payments', 14: 'payments', 16: 'world' };

/** The tables of the current schema (the migrations' final stores), with the area that owns each. */
export function worldTables(): ReadonlyMap<string, WorldArea> {
  const tables = new Map<string, WorldArea>();
  for (const m of migrations) {
    for (const [name, spec] of Object.entries(m.stores)) {
      if (spec === null) tables.delete(name);
      else if (!tables.has(name)) tables.set(name, areaByVersion[m.version] ?? 'world');
    }
  }
  return tables;
}

/** A table's primary key path from its latest store spec ('' for auto-increment or compound keys). */
function primaryKeyPath(table: string): string {
  let spec: string | null | undefined;
  for (const m of migrations) if (table in m.stores) spec = m.stores[table];
  const key = (spec ?? '').split(',')[0]!.trim();
  return key.startsWith('++') || key.startsWith('[') ? '' : key.replace(/^&/, '');
}

/** An auto-increment table's key path ('++seq' → 'seq'), or '' for any other table. */
export function autoIncrementKeyPath(table: string): string {
  let spec: string | null | undefined;
  for (const m of migrations) if (table in m.stores) spec = m.stores[table];
  const key = (spec ?? '').split(',')[0]!.trim();
  return key.startsWith('++') ? key.slice(2) : '';
}

/** A table's shape: the one written below, or for a table added since (before its shape is), at
 * least its primary key. test/unit/world-check.test.ts fails until every table has its own. */
export function shapeOf(table: string): TableShape {
  const shape = tableShapes[table];
  if (shape !== undefined) return shape;
  const key = primaryKeyPath(table);
  return { fields: key === '' ? {} : { [key]: 'key' } };
}

const party = ['partyId'];
export const tableShapes: Readonly<Record<string, TableShape>> = {
  // v1: the world
  meta: { fields: { key: 'id' } },
  parties: { fields: { id: 'id', kind: 'id', name: 'name2', createdAt: 'int', institution: 'bool' } },
  events: { fields: { seq: 'int', at: 'int', type: 'id', actor: 'text', parties: 'arr', payload: 'obj' } },
  jobs: { fields: { id: 'id', kind: 'id', dueAt: 'int', status: 'id', scheduledAt: 'int', payload: 'obj' } },
  commands: { fields: { id: 'id', name: 'id', at: 'num' } },
  // v2, v9, v10: the ledger
  accounts: {
    fields: { id: 'id', partyId: 'id', bookId: 'id', code: 'text', name: 'text', currency: 'id', normal: 'id', flags: 'obj', debitsPosted: 'amount', creditsPosted: 'amount', debitsPending: 'amount', creditsPending: 'amount', createdAt: 'int' },
    partyRefs: ['partyId', 'bookId'],
  },
  transfers: {
    fields: { id: 'id', kind: 'id', debitAccountId: 'id', creditAccountId: 'id', amount: 'amount', currency: 'id', code: 'text', refs: 'obj', at: 'int', linked: 'bool', entrySeq: 'int?' },
    accountRefs: ['debitAccountId', 'creditAccountId'],
  },
  journalBlocks: { fields: { first: 'int', count: 'int', words: 'arr', accountKeys: 'arr' } },
  // v3: identities
  users: { fields: { partyId: 'id', loginName: 'text', loginNameKey: 'id', role: 'id', institution: 'bool', passwordHash: 'obj', status: 'id', login: 'obj', createdAt: 'int' }, partyRefs: party },
  partyKeys: { fields: { partyId: 'id', keyId: 'id', publicKey: 'id', sealed: 'obj', createdAt: 'int' }, partyRefs: party },
  mailbox: { fields: { id: 'int', to: 'id', from: 'text', at: 'int', subject: 'obj', body: 'obj' }, partyRefs: ['to'] },
  stores: { fields: { id: 'id', sellerId: 'id', name: 'text', status: 'id' }, partyRefs: ['sellerId'] },
  certificates: { fields: { serial: 'int', partyId: 'id', fingerprint: 'id', certificate: 'obj', issuedAt: 'int' }, partyRefs: party },
  certificateRequests: { fields: { id: 'id', partyId: 'id', request: 'obj', status: 'id' }, partyRefs: party },
  bankChallenges: { fields: { id: 'id', bankId: 'id', partyId: 'id', challenge: 'obj', status: 'id' }, partyRefs: ['bankId', 'partyId'] },
  bankSessions: { fields: { id: 'id', bankId: 'id', partyId: 'id', openedAt: 'int', expiresAt: 'int' }, partyRefs: ['bankId', 'partyId'] },
  labSheet: { fields: { partyId: 'id', loginName: 'text' }, partyRefs: party },
  // v4: banks and clearing
  bankApplications: { fields: { id: 'id', bankId: 'id', partyId: 'id', status: 'id', appliedAt: 'int' }, partyRefs: ['bankId', 'partyId'] },
  bankAccounts: { fields: { id: 'id', bankId: 'id', partyId: 'id', cardNumber: 'id', openedAt: 'int' }, partyRefs: ['bankId', 'partyId'], accountRefs: ['id'] },
  bankTransfers: {
    fields: { id: 'id', at: 'int', amount: 'amount', currency: 'id', payerBankId: 'id', payerPartyId: 'id', payerAccountId: 'id', payeeBankId: 'id', payeePartyId: 'id', payeeAccountId: 'id', clearing: 'id' },
    partyRefs: ['payerBankId', 'payerPartyId', 'payeeBankId', 'payeePartyId'],
  },
  clearingBatches: { fields: { id: 'id', cutoffAt: 'int', positions: 'arr' } },
  // v5: the marketplace
  products: { fields: { id: 'id', sellerId: 'id', number: 'id', category: 'text' }, partyRefs: ['sellerId'] },
  pictures: { fields: { id: 'id', productId: 'id', sellerId: 'id', createdAt: 'int' }, partyRefs: ['sellerId'] },
  carts: { fields: { buyerId: 'id' }, partyRefs: ['buyerId'] },
  orders: { fields: { id: 'id', buyerId: 'id', sellerId: 'id', createdAt: 'int', state: 'id' }, partyRefs: ['buyerId', 'sellerId'] },
  orderEntries: { fields: { orderId: 'id', seq: 'int', transferId: 'id' } },
  reviews: { fields: { id: 'id', orderId: 'id', productIds: 'arr', sellerId: 'id' }, partyRefs: ['sellerId'] },
  shipments: { fields: { id: 'id', orderId: 'id', sellerId: 'id', buyerId: 'id', status: 'id', trackingNumber: 'id|null', bookedAt: 'int' }, partyRefs: ['sellerId', 'buyerId'] },
  receipts: { fields: { id: 'id', orderId: 'id', buyerId: 'id', at: 'int' }, partyRefs: ['buyerId'] },
  // v6: the payment gateway
  charges: { fields: { id: 'id', channel: 'id', status: 'id', payerId: 'id', payee: 'obj', createdAt: 'int' }, partyRefs: ['payerId', 'payee.partyId'] },
  acquiringBatches: { fields: { id: 'id', bankId: 'id', settledAt: 'int' }, partyRefs: ['bankId'] },
  cards: { fields: { id: 'id', holderId: 'id' }, partyRefs: ['holderId'] },
  cardStatements: { fields: { id: 'id', cardId: 'id', closingAt: 'int' } },
  cardApplications: { fields: { id: 'id', applicantId: 'id', status: 'id' }, partyRefs: ['applicantId'] },
  remittanceMatches: { fields: { transferId: 'id', chargeId: 'id' } },
  remittanceExceptions: { fields: { id: 'id', transfer: 'obj', status: 'id' } },
  codShipments: { fields: { id: 'id', orderId: 'id', chargeId: 'id', logisticsId: 'id', status: 'id' }, partyRefs: ['logisticsId'] },
  codBatches: { fields: { id: 'id', logisticsId: 'id', cutoffAt: 'int' }, partyRefs: ['logisticsId'] },
  // v7: e-cheques
  chequeAccounts: { fields: { id: 'id', bankId: 'id', accountNumber: 'id', partyId: 'id' }, partyRefs: ['bankId', 'partyId'] },
  chequebooks: { fields: { id: 'id', bankId: 'id', accountNumber: 'id', holderPartyId: 'id' }, partyRefs: ['bankId', 'holderPartyId'] },
  cheques: { fields: { id: 'id', drawerPartyId: 'id', payeePartyId: 'id', status: 'id' }, partyRefs: ['drawerPartyId', 'payeePartyId'] },
  chequeNotices: { fields: { chequeId: 'id', bankId: 'id' }, partyRefs: ['bankId'] },
  chequePresentments: { fields: { id: 'id', chequeId: 'id', collectingBankId: 'id', payingBankId: 'id', status: 'id', depositorPartyId: 'id' }, partyRefs: ['collectingBankId', 'payingBankId', 'depositorPartyId'] },
  chequeStops: { fields: { id: 'id', bankId: 'id', chequeId: 'id' }, partyRefs: ['bankId'] },
  // v8: e-cash, the e-wallet, smart cards and stored-value cards
  ecashBankSecrets: { fields: { bankId: 'id' }, partyRefs: ['bankId'] },
  ecashKeys: { fields: { keyId: 'id', bankId: 'id' }, partyRefs: ['bankId'] },
  ecashSessions: { fields: { sessionId: 'id', bankId: 'id', keyId: 'id', status: 'id' }, partyRefs: ['bankId'] },
  ecashSpent: { fields: { serial: 'id', depositId: 'id', bankId: 'id' }, partyRefs: ['bankId'] },
  ecashWallets: { fields: { ownerId: 'id' }, partyRefs: ['ownerId'] },
  ecashPurse: { fields: { id: 'id', ownerId: 'id', state: 'id' }, partyRefs: ['ownerId'] },
  ecashTill: { fields: { id: 'id', merchantId: 'id', status: 'id' }, partyRefs: ['merchantId'] },
  walletTransactions: { fields: { id: 'id', walletId: 'id', at: 'int' } },
  smartCardScheme: { fields: { id: 'id' } },
  smartCardSecrets: { fields: { keyRef: 'id' } },
  smartCards: { fields: { cardId: 'id', holderId: 'id', issuerId: 'id' }, partyRefs: ['holderId'] },
  merchantDevices: { fields: { deviceId: 'id', merchantId: 'id' }, partyRefs: ['merchantId'] },
  mondexDeposits: { fields: { key: 'id', depositId: 'id', deviceId: 'id' } },
  storedValueIssuers: { fields: { issuerId: 'id' } },
  storedValueCards: { fields: { cardId: 'id', holderId: 'id', issuerId: 'id' }, partyRefs: ['holderId'] },
  storedValueTxns: { fields: { id: 'id', cardId: 'id' } },
  recurringBills: { fields: { billId: 'id', cardId: 'id' } },
  // v11+: the world's teacher (what "prepared by …" names)
  teacher: { fields: { id: 'id', name: 'text|null', passwordHash: 'obj', publicKey: 'id', sealed: 'obj', createdAt: 'int' } },
  // v13: reconciliation (channel bills, the desk's days, the lab's armed faults)
  channelTrades: { fields: { channelTradeNo: 'id', merchantOrderNo: 'id', institutionId: 'id', billDate: 'id', sellerId: 'id', at: 'int', gross: 'obj', fee: 'obj', net: 'obj', ledgerIds: 'arr' }, partyRefs: ['institutionId', 'sellerId'] },
  reconDays: { fields: { id: 'id', scope: 'id', date: 'id', opening: 'arr', resolutions: 'arr', closedAt: 'int|null' } },
  reconLab: { fields: { id: 'id', channel: 'id', kind: 'id' } },
  // v14: mobile payment (the phone wallets and their counter payments)
  mobileWallets: { fields: { partyId: 'id', walletNo: 'id', secret: 'id', pin: 'obj|null', pinFailures: 'int', pinLockedUntil: 'int|null', freeLimit: 'obj', uses: 'int', usedCodes: 'arr', createdAt: 'int' }, partyRefs: ['partyId'] },
  mobilePayments: { fields: { id: 'id', kind: 'id', payerId: 'id', payeeId: 'id', amount: 'obj', status: 'id', at: 'int', billDate: 'id', transferId: 'id|null' }, partyRefs: ['payerId', 'payeeId'] },
  // v16: the command log (what replay runs again); its actor may be 'system' (jobs, genesis)
  commandLog: { fields: { seq: 'int', name: 'id', input: 'obj', actor: 'id', commandId: 'id', at: 'int', resultDigest: 'hash' } },
};

function at(row: unknown, path: string): unknown {
  let v: unknown = row;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function baseTypeFits(type: string, v: unknown): boolean {
  switch (type) {
    case 'id': return typeof v === 'string' && v.length > 0;
    case 'text': return typeof v === 'string';
    case 'int': return Number.isSafeInteger(v);
    case 'num': return typeof v === 'number' && Number.isFinite(v);
    case 'bool': return typeof v === 'boolean';
    case 'obj': return isObject(v);
    case 'arr': return Array.isArray(v);
    case 'amount': return typeof v === 'string' && /^\d{1,30}(\.\d{1,8})?$/.test(v);
    case 'name2': return isObject(v) && typeof v.en === 'string' && v.en.trim() !== '' && typeof v.zh === 'string' && v.zh.trim() !== '';
    case 'hash': return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
    case 'key': return (typeof v === 'string' && v.length > 0) || Number.isSafeInteger(v);
    case 'bytes': return v instanceof Uint8Array;
  }
  assert(false, `a known field type (${type})`);
  return false;
}

/** Does `v` fit the field type (with its '?' and '|null' allowances)? */
export function fieldFits(type: FieldType, v: unknown): boolean {
  let base = type;
  let optional = false;
  let nullable = false;
  if (base.endsWith('?')) {
    optional = true;
    base = base.slice(0, -1);
  }
  if (base.endsWith('|null')) {
    nullable = true;
    base = base.slice(0, -'|null'.length);
  }
  if (v === undefined) return optional;
  if (v === null) return nullable;
  return baseTypeFits(base, v);
}

/** The first field of `row` that does not fit its table's shape, or undefined. */
export function misfitField(table: string, row: unknown): string | undefined {
  const shape = shapeOf(table);
  if (!isObject(row)) return '(row)';
  for (const [path, type] of Object.entries(shape.fields)) if (!fieldFits(type, at(row, path))) return path;
  return undefined;
}

/** The first reference of `row` naming a party or account that is not in the world, or undefined. */
export function brokenReference(table: string, row: unknown, parties: ReadonlySet<string>, accounts: ReadonlySet<string>): string | undefined {
  const shape = shapeOf(table);
  for (const path of shape.partyRefs ?? []) {
    const v = at(row, path);
    if (v !== undefined && v !== null && (typeof v !== 'string' || !parties.has(v))) return path;
  }
  for (const path of shape.accountRefs ?? []) {
    const v = at(row, path);
    if (v !== undefined && v !== null && (typeof v !== 'string' || !accounts.has(v))) return path;
  }
  return undefined;
}
