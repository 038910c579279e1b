import {
  checkCertificateRequest,
  chequeMovementId,
  roles,
  type Certificate,
  type JournalEntry,
  type SignedDocument,
  type WorldEvent,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { echequeTables } from '../../storage/echeque-tables.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import { bankingTables } from '../../storage/banking-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { orderTrail } from '../market/trail.ts';
import { entriesOfTransfers } from '../ledger.ts';
import { receiptIdOf } from '../market/receipt.ts';
import { readTrust } from '../identity/common.ts';
import { verifyInWorld, viewCertificate } from '../identity/verify.ts';
import { buildSequence, type DocRef, type ExtraMessage, type FlowRef, type FlowTransfer, type Sequence } from './sequence.ts';

// Reads one flow's rows for its sequence diagram: the flow's own row (order, cheque, certificate)
// gives its start time and parties; its events are read through the events' world-time index from
// that start (at most flowEventsScanMax rows) and kept when their payload names the flow; its money
// through the order → journal index or the bank transfer ids the flow's documents name. Run inside
// a Dexie liveQuery, the diagram grows as other tabs act.

/** Events read per flow at most, from the flow's start: a busy class writes many between an order's steps. */
export const flowEventsScanMax = 3000;
/** The world-level view shows this many recent flows. */
export const recentFlowsMax = 3;
/** Newest events the world-level view looks through for flows. */
export const recentEventsScanMax = 200;

type FlowEvents = { readonly events: WorldEvent[]; readonly truncated: boolean };

async function eventsOfFlow(db: WorldDb, startAt: number, endAt: number, names: (e: WorldEvent) => boolean): Promise<FlowEvents> {
  const rows = await db.events.where('at').between(startAt, endAt, true, true).limit(flowEventsScanMax).toArray();
  const events = rows.filter((r): r is WorldEvent => r.seq !== undefined).filter(names);
  return { events, truncated: rows.length >= flowEventsScanMax };
}

async function ownersOf(db: WorldDb, entries: readonly JournalEntry[]): Promise<Map<string, string>> {
  const ids = [...new Set(entries.flatMap((e) => [e.debitAccountId, e.creditAccountId]))];
  const rows = await ledgerTables(db).accounts.bulkGet(ids);
  return new Map(rows.filter((a) => a !== undefined).map((a) => [a.id, a.partyId]));
}

export async function orderFlow(db: WorldDb, orderId: string): Promise<Sequence | null> {
  const order = await marketTables(db).orders.get(orderId);
  if (order === undefined) return null;
  // An ended order's last step bounds its events; an open one may still grow.
  const ended = order.state === 'TRADE_FINISHED' || order.state === 'TRADE_CLOSED';
  const lastAt = order.history[order.history.length - 1]?.at ?? order.createdAt;
  const { events, truncated } = await eventsOfFlow(db, order.createdAt, ended && order.reviewedAt !== null ? lastAt : Infinity, (e) => e.payload.orderId === orderId);
  const trail = await orderTrail(db, order);
  return buildSequence({ flow: { kind: 'order', id: orderId }, events, entries: trail.entries, owners: await ownersOf(db, trail.entries), order, truncated });
}

/** Ids a bank transfer's legs are booked under (banking/booking.ts transferRequests). */
const legSuffixes = ['', ':bank', ':payer-bank', ':payee-bank', ':payer-book', ':payee-book'];

export async function chequeFlow(db: WorldDb, chequeId: string): Promise<Sequence | null> {
  const t = echequeTables(db);
  const cheque = await t.cheques.get(chequeId);
  if (cheque === undefined) return null;
  const notice = await t.chequeNotices.get(chequeId);
  const startAt = Math.min(cheque.writtenAt, notice?.receivedAt ?? cheque.writtenAt);
  const { events, truncated } = await eventsOfFlow(db, startAt, Infinity, (e) => e.payload.chequeId === chequeId);
  const presentments = await t.chequePresentments.where('chequeId').equals(chequeId).limit(20).toArray();
  const last = presentments.sort((a, b) => a.depositedAt - b.depositedAt).at(-1);
  const transfers: FlowTransfer[] = [];
  const payId = chequeMovementId(chequeId, 'pay');
  const paid = await bankingTables(db).bankTransfers.get(payId);
  if (paid !== undefined) {
    const entries = await entriesOfTransfers(db, legSuffixes.map((s) => `${payId}${s}`));
    if (entries.length > 0) transfers.push({ from: paid.payerPartyId, to: paid.payeePartyId, amount: { amount: paid.amount, currency: paid.currency }, code: paid.code, entries });
  }
  const extra: ExtraMessage[] = [];
  if (notice !== undefined) {
    const sent = events.find((e) => e.type === 'echeque.written');
    extra.push({ ...(sent === undefined ? {} : { afterEventSeq: sent.seq }), id: 'd-notice', at: notice.receivedAt, from: cheque.drawerPartyId, to: notice.bankId, kind: 'notice', step: 'payment_notice', amount: cheque.cheque.payload.amount, signed: true, doc: { kind: 'payment_notice', chequeId } });
  }
  return buildSequence({ flow: { kind: 'cheque', id: chequeId }, events, transfers, extra, ...(last === undefined ? {} : { collectingBankId: last.collectingBankId }), truncated });
}

export async function certificateFlow(db: WorldDb, serial: number): Promise<Sequence | null> {
  const t = identityTables(db);
  const cert = await t.certificates.get(serial);
  if (cert === undefined) return null;
  const request = cert.requestId === null ? undefined : await t.certificateRequests.get(cert.requestId);
  const startAt = request?.submittedAt ?? cert.issuedAt;
  const { events, truncated } = await eventsOfFlow(db, startAt, Infinity, (e) => {
    const p = e.payload;
    if (e.type === 'certificate.requested') return request !== undefined && p.requestId === request.id;
    // This certificate's issue, its revocation, and its renewal (a newer certificate from this one).
    // Only the CA's own events: an online-banking login also names the certificate it used.
    if (!e.type.startsWith('certificate.')) return false;
    return p.serial === serial || (e.type === 'certificate.renewed' && p.old === serial);
  });
  return buildSequence({ flow: { kind: 'certificate', id: String(serial) }, events, truncated });
}

export async function readFlow(db: WorldDb, flow: FlowRef): Promise<Sequence | null> {
  switch (flow.kind) {
    case 'order':
      return orderFlow(db, flow.id);
    case 'cheque':
      return chequeFlow(db, flow.id);
    case 'certificate':
      return certificateFlow(db, Number(flow.id));
  }
}

/** The flow an event belongs to, if it belongs to one the diagram draws. */
export function flowOfEvent(e: Pick<WorldEvent, 'type' | 'payload'>): FlowRef | null {
  const p = e.payload;
  if (typeof p.chequeId === 'string' && p.chequeId !== '') return { kind: 'cheque', id: p.chequeId };
  if (typeof p.orderId === 'string' && p.orderId !== '') return { kind: 'order', id: p.orderId };
  if ((e.type === 'certificate.issued' || e.type === 'certificate.revoked' || e.type === 'certificate.renewed') && typeof p.serial === 'number') return { kind: 'certificate', id: String(p.serial) };
  return null;
}

/** "What just happened": the last few flows any tab of the world acted in, newest first. */
export async function recentFlows(db: WorldDb): Promise<FlowRef[]> {
  const newest = await db.events.orderBy('seq').reverse().limit(recentEventsScanMax).toArray();
  const flows: FlowRef[] = [];
  for (const e of newest) {
    const f = flowOfEvent(e);
    if (f === null || flows.some((x) => x.kind === f.kind && x.id === f.id)) continue;
    flows.push(f);
    if (flows.length >= recentFlowsMax) break;
  }
  return flows;
}

// ---- a message's document and its signature check -------------------------------------------

export type DocField = { readonly name: string; readonly value: string | number | boolean | null };

export type DocDetail = {
  /** The document's fields, by name (the UI words each name and value). */
  readonly fields: readonly DocField[];
  /** Who signed it: the party the signing certificate names, and the name it was signed with. */
  readonly signer: { readonly partyId: string; readonly name: string } | null;
  /** The signature check: ok, or the verifier's named failure. */
  readonly check: { readonly ok: true } | { readonly ok: false; readonly code: string };
};

type Loaded = { readonly fields: DocField[]; readonly verify: () => Promise<DocDetail['check']>; readonly signer: Certificate | null };

const leaf = (v: unknown): DocField['value'] => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null);

function signedFields(doc: SignedDocument, names: readonly string[]): DocField[] {
  const payload = doc.payload as Record<string, unknown>;
  return names.map((name) => {
    const [head, tail] = name.split('.');
    const v = tail === undefined ? payload[head!] : (payload[head!] as Record<string, unknown> | undefined)?.[tail];
    return { name, value: leaf(v) };
  });
}

async function loadDoc(db: WorldDb, ref: DocRef): Promise<Loaded | null> {
  const verifyDoc = (doc: SignedDocument, now: number) => async (): Promise<DocDetail['check']> => {
    const r = await verifyInWorld(db, doc, { role: roles, now });
    return r.ok ? { ok: true } : { ok: false, code: r.code };
  };
  switch (ref.kind) {
    case 'receipt': {
      const row = await marketTables(db).receipts.get(receiptIdOf(ref.orderId));
      if (row === undefined) return null;
      return { fields: signedFields(row.doc, ['orderId', 'buyerId', 'sellerId', 'total', 'signedAt']), verify: verifyDoc(row.doc, row.at), signer: row.doc.signerCertificate };
    }
    case 'cheque':
    case 'endorsement': {
      const row = await echequeTables(db).cheques.get(ref.chequeId);
      if (row === undefined) return null;
      if (ref.kind === 'cheque') {
        const doc = row.cheque as unknown as SignedDocument;
        return { fields: signedFields(doc, ['chequeNumber', 'drawer.name', 'payee.name', 'amount.amount', 'amountInWords', 'date']), verify: verifyDoc(doc, row.cheque.payload.date), signer: row.cheque.signerCertificate };
      }
      if (row.endorsement === null) return null;
      const doc = row.endorsement as unknown as SignedDocument;
      return { fields: signedFields(doc, ['endorser.name', 'endorsedAt']), verify: verifyDoc(doc, row.endorsement.payload.endorsedAt), signer: row.endorsement.signerCertificate };
    }
    case 'payment_notice': {
      const row = await echequeTables(db).chequeNotices.get(ref.chequeId);
      if (row === undefined) return null;
      const doc = row.notice as unknown as SignedDocument;
      return { fields: signedFields(doc, ['chequeNumber', 'amount.amount', 'payee.name']), verify: verifyDoc(doc, row.receivedAt), signer: row.notice.signerCertificate };
    }
    case 'certificate_request': {
      const row = await identityTables(db).certificateRequests.get(ref.requestId);
      if (row === undefined) return null;
      const r = row.request;
      return {
        fields: [{ name: 'subject.name', value: r.subject.name }, { name: 'subject.partyId', value: r.subject.partyId }, { name: 'requestedAt', value: r.requestedAt }],
        // A request is signed by the key it asks a certificate for (proof of possession).
        verify: () => {
          const checked = checkCertificateRequest(r);
          return Promise.resolve(checked.ok ? { ok: true } : { ok: false, code: checked.code });
        },
        signer: null,
      };
    }
    case 'certificate': {
      const row = await identityTables(db).certificates.get(ref.serial);
      if (row === undefined) return null;
      const b = row.certificate.body;
      return {
        fields: [{ name: 'subject.partyId', value: b.subject.partyId }, { name: 'serial', value: b.serial }, { name: 'notBefore', value: b.notBefore }, { name: 'notAfter', value: b.notAfter }],
        verify: async () => {
          const trust = await readTrust(db);
          if (trust === null) return { ok: false, code: 'identities_not_set_up' };
          const view = viewCertificate(row.certificate, trust, row.issuedAt);
          return view.chainValid ? { ok: true } : { ok: false, code: 'certificate_altered' };
        },
        // A certificate is signed by its issuer, the CA.
        signer: null,
      };
    }
  }
}

/**
 * A message's document with its signature checked. Reads its row, then verifies after the read
 * (verifyInWorld reads the trust rows itself): never inside a transaction of the caller.
 */
export async function docDetail(db: WorldDb, ref: DocRef, signerOf: { readonly certificateIssuer: string }): Promise<DocDetail | null> {
  const loaded = await loadDoc(db, ref);
  if (loaded === null) return null;
  const check = await loaded.verify();
  const signer =
    loaded.signer !== null
      ? { partyId: loaded.signer.body.subject.partyId, name: loaded.signer.body.subject.name }
      : ref.kind === 'certificate'
        ? { partyId: signerOf.certificateIssuer, name: '' }
        : ref.kind === 'certificate_request'
          ? { partyId: String(loaded.fields.find((f) => f.name === 'subject.partyId')?.value ?? ''), name: String(loaded.fields.find((f) => f.name === 'subject.name')?.value ?? '') }
          : null;
  return { fields: loaded.fields, signer, check };
}
