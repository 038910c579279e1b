import { err, ok, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables, type StoreRow } from '../../storage/identity-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { sendMail } from '../mailbox.ts';

// A seller's store (店铺): the seller applies with a name and a description when registering (or
// again after a rejection); the platform operator approves it or rejects it with a reason. Only
// an approved store may list goods (later features ask approvedStoreOf).

export const storeNameLengthMin = 2;
export const storeNameLengthMax = 40;
export const storeDescriptionLengthMax = 500;
export const decisionReasonLengthMax = 200;

export type StoreInput = { readonly name: string; readonly description: string };
export type StoreFieldProblem = 'required' | 'too_short' | 'too_long' | 'invalid_characters';
export type StoreFields = Partial<Record<'storeName' | 'storeDescription', StoreFieldProblem>>;

const controlCharacters = /\p{Cc}/u;

// A store's name and description are shown as the seller typed them: NFKC would turn a full-width
// '，' into ',' (and 'ＡＢＣ' into 'ABC') on the operator's review page and in the shop. NFC only
// joins decomposed characters (it never changes how a text looks); runs of spaces become one.
function clean(text: string): string {
  return text.normalize('NFC').trim().replace(/[^\S\n]+/g, ' ');
}

export function checkStoreInput(input: StoreInput): { ok: true; value: StoreInput } | { ok: false; fields: StoreFields } {
  const fields: StoreFields = {};
  const name = clean(String(input.name ?? '').slice(0, 1_000));
  const description = clean(String(input.description ?? '').slice(0, 5_000));
  if (name === '') fields.storeName = 'required';
  else if ([...name].length < storeNameLengthMin) fields.storeName = 'too_short';
  else if ([...name].length > storeNameLengthMax) fields.storeName = 'too_long';
  else if (controlCharacters.test(name)) fields.storeName = 'invalid_characters';
  if (description === '') fields.storeDescription = 'required';
  else if ([...description].length > storeDescriptionLengthMax) fields.storeDescription = 'too_long';
  else if (controlCharacters.test(description.replace(/\n/g, ''))) fields.storeDescription = 'invalid_characters';
  return Object.keys(fields).length > 0 ? { ok: false, fields } : { ok: true, value: { name, description } };
}

export function storeIdOf(sellerId: string): string {
  return `store-${sellerId}`;
}

/** Stores (or re-submits) a seller's application inside the caller's command. */
export async function openStoreInTransaction(tx: Tx, sellerId: string, input: StoreInput): Promise<StoreRow> {
  const row: StoreRow = {
    id: storeIdOf(sellerId),
    sellerId,
    name: input.name,
    description: input.description,
    status: 'pending',
    reason: null,
    appliedAt: tx.now,
    decidedAt: null,
    decidedBy: null,
  };
  await identityTables(tx.db).stores.put(row);
  await tx.appendEvent({ type: 'store.applied', actor: sellerId, parties: ['platform'], payload: { name: input.name } });
  tx.notify({ to: ['platform'], kind: 'store.applied', ref: row.id });
  return row;
}

export const applyForStoreCommand = defineCommand({
  name: 'applyForStore',
  apply: async (tx, input: StoreInput) => {
    const user = await identityTables(tx.db).users.get(tx.meta.actor);
    if (user === undefined || user.role !== 'seller') return err('not_a_seller');
    const existing = await identityTables(tx.db).stores.get(storeIdOf(tx.meta.actor));
    if (existing?.status === 'approved') return err('store_already_approved');
    return ok(await openStoreInTransaction(tx, tx.meta.actor, input));
  },
});

/** A seller applies again after a rejection (or changes a pending application). */
export async function applyForStore(
  db: WorldDb,
  meta: CommandMeta,
  input: StoreInput,
  env: CommandEnv = {},
): Promise<Result<StoreRow, string>> {
  const checked = checkStoreInput(input);
  if (!checked.ok) return err('invalid_store', checked.fields);
  return execute(db, applyForStoreCommand, meta, checked.value, env);
}

export const decideStoreCommand = defineCommand({
  name: 'decideStore',
  apply: async (tx, input: { readonly storeId: string; readonly decision: 'approve' | 'reject'; readonly reason: string }) => {
    const operator = await tx.db.parties.get(tx.meta.actor);
    if (operator?.kind !== 'operator') return err('not_the_operator');
    const { stores } = identityTables(tx.db);
    const store = await stores.get(input.storeId);
    if (store === undefined) return err('store_not_found');
    if (store.status !== 'pending') return err('store_already_decided');
    const approved = input.decision === 'approve';
    const decided: StoreRow = {
      ...store,
      status: approved ? 'approved' : 'rejected',
      reason: approved ? null : input.reason,
      decidedAt: tx.now,
      decidedBy: tx.meta.actor,
    };
    await stores.put(decided);
    await sendMail(tx, {
      to: store.sellerId,
      from: tx.meta.actor,
      subject: { key: approved ? 'mail.storeApproved.subject' : 'mail.storeRejected.subject', params: { name: store.name } },
      body: approved
        ? { key: 'mail.storeApproved.body', params: { name: store.name } }
        : { key: 'mail.storeRejected.body', params: { name: store.name, reason: input.reason } },
      ref: store.id,
    });
    await tx.appendEvent({
      type: approved ? 'store.approved' : 'store.rejected',
      actor: tx.meta.actor,
      parties: [store.sellerId],
      payload: approved ? { name: store.name } : { name: store.name, reason: input.reason },
    });
    return ok(decided);
  },
});

/** The operator approves a pending store, or rejects it with a reason the seller reads. */
export async function decideStore(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly storeId: string; readonly decision: 'approve' | 'reject'; readonly reason?: string },
  env: CommandEnv = {},
): Promise<Result<StoreRow, string>> {
  const reason = (input.reason ?? '').trim();
  if (input.decision === 'reject' && reason === '') return err('reason_required');
  if ([...reason].length > decisionReasonLengthMax) return err('reason_too_long', { max: decisionReasonLengthMax });
  return execute(db, decideStoreCommand, meta, { storeId: input.storeId, decision: input.decision, reason }, env);
}

/** For listing goods: the seller's store when the operator approved it. */
export async function approvedStoreOf(db: WorldDb, sellerId: string): Promise<Result<StoreRow, 'no_store' | 'store_not_approved'>> {
  const store = await identityTables(db).stores.where('sellerId').equals(sellerId).first();
  if (store === undefined) return err('no_store');
  if (store.status !== 'approved') return err('store_not_approved', { status: store.status });
  return ok(store);
}
