import { err, ok, presentCheque, type ChequePresentmentDecision, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { echequeTables, type ChequePresentmentRow, type ChequePresentmentStatus } from '../../storage/echeque-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { requireTrust } from '../identity/common.ts';
import { postBankTransfer } from '../banking/transfers.ts';
import { captureOrderCheque, failOrderCheque } from './channel.ts';
import { chequeEffects, interpretEffects } from '../effects/interpret.ts';
import { availableText, chequeAccountByNumber, chequeAccountOf, pushChequeStatus, readEchequeConfig } from './common.ts';

// The banks' side (提示付款): the collecting bank (the payee's) presents a deposited cheque to the
// drawer's bank, through clearing when that is another bank; the drawer's bank runs the domain's
// checks in their order and pays or returns it, in one transaction with every effect: the
// chequebook's paid number, the money (postBankTransfer: within the bank, or booked through both
// banks' clearing accounts and left for the night's netting batch), the returned-cheque fee, the
// mail to both sides and the event log.

export const presentChequeCommand = defineCommand({
  name: 'presentCheque',
  apply: async (tx, input: { readonly presentmentId: string }) => {
    const meta = tx.meta;
    const t = echequeTables(tx.db);
    const row = await t.chequePresentments.get(input.presentmentId);
    if (row === undefined) return err('presentment_not_found');
    if (row.collectingBankId !== meta.actor) return err('not_this_bank');
    if (row.status !== 'deposited') return err('presentment_not_waiting', { status: row.status });
    const cheque = await t.cheques.get(row.chequeId);
    if (cheque !== undefined) {
      const pushed = await pushChequeStatus(tx, cheque, 'presented', meta.actor);
      if (!pushed.ok) return pushed;
    }
    const next: ChequePresentmentRow = { ...row, status: 'presented', presentedAt: tx.now };
    await t.chequePresentments.put(next);
    await tx.appendEvent({ type: 'echeque.presented', actor: meta.actor, parties: [row.payingBankId, row.depositorPartyId], payload: { presentment: row.id, chequeId: row.chequeId, clearing: row.clearing } });
    tx.notify({ to: [row.payingBankId], kind: 'echeque.presented', ref: row.id });
    return ok(next);
  },
});

/** The collecting bank (meta.actor) presents a deposited cheque to the drawer's bank. */
export async function presentDepositedCheque(db: WorldDb, meta: CommandMeta, input: { readonly presentmentId: string }, env: CommandEnv = {}): Promise<Result<ChequePresentmentRow, string>> {
  return execute(db, presentChequeCommand, meta, { presentmentId: input.presentmentId }, env);
}

export type DecidedPresentment = { readonly presentment: ChequePresentmentRow; readonly decision: ChequePresentmentDecision };

export const decidePresentmentCommand = defineCommand({
  name: 'decidePresentment',
  apply: async (tx, input: { readonly presentmentId: string }) => {
    const meta = tx.meta;
    const t = echequeTables(tx.db);
    const row = await t.chequePresentments.get(input.presentmentId);
    if (row === undefined) return err('presentment_not_found');
    if (row.payingBankId !== meta.actor) return err('not_this_bank');
    if (row.status !== 'presented') return err('presentment_not_waiting', { status: row.status });
    const trust = await requireTrust(tx.db);
    if (!trust.ok) return trust;
    const config = await readEchequeConfig(tx.db);
    const claimed: unknown = row.presented.cheque?.payload?.drawer?.account;
    const accountRow = typeof claimed === 'string' ? await chequeAccountByNumber(tx.db, meta.actor, claimed) : undefined;
    const books = accountRow === undefined ? [] : await t.chequebooks.where('[bankId+accountNumber]').equals([accountRow.bankId, accountRow.accountNumber]).toArray();
    const notice = (await t.chequeNotices.get(row.chequeId))?.notice ?? null;
    const decision = presentCheque(
      {
        presentmentId: row.id,
        presented: row.presented,
        payingBankId: meta.actor,
        collectingBankId: row.collectingBankId,
        depositorPartyId: row.depositorPartyId,
        drawerAccount: accountRow === undefined ? null : chequeAccountOf(accountRow),
        books,
        notice: notice !== null && notice.payload.drawer.bank === meta.actor ? notice : null,
        availableBalance: { amount: accountRow === undefined ? '0.00' : await availableText(tx.db, accountRow.id), currency: 'CNY' },
        trust: trust.value,
        now: tx.now,
      },
      config,
    );
    if (decision.outcome === 'paid') {
      await t.chequebooks.put(decision.book);
      for (const effect of decision.effects) {
        if (effect.kind !== 'bank_transfer') continue;
        const posted = await postBankTransfer(tx, {
          id: effect.id,
          payer: effect.payer,
          payee: effect.payee,
          amount: effect.amount.amount,
          code: effect.code,
          refs: effect.refs,
          memo: `e-cheque ${row.chequeNumber}`,
        });
        if (!posted.ok) return posted;
      }
      // A cheque that pays an order: the order's pending e-cheque charge is captured with it.
      const orderId: unknown = row.presented.cheque.payload.orderId;
      if (typeof orderId === 'string') {
        const captured = await captureOrderCheque(tx, orderId);
        if (!captured.ok) return captured;
      }
    } else {
      // A returned cheque paid nothing: the order's charge fails with the reason, the order still
      // awaits payment (the buyer may pay again).
      const orderId: unknown = row.presented.cheque.payload.orderId;
      const cheque = await t.cheques.get(row.chequeId);
      if (typeof orderId === 'string' && cheque !== undefined) {
        const failed = await failOrderCheque(tx, orderId, decision.reason, cheque.writtenAt);
        if (!failed.ok) return failed;
      }
    }
    const applied = await interpretEffects(tx, chequeEffects(decision.effects, meta.actor, row.chequeId));
    if (!applied.ok) return applied;
    const status: ChequePresentmentStatus = decision.outcome;
    const next: ChequePresentmentRow = {
      ...row,
      status,
      decidedAt: tx.now,
      reason: decision.outcome === 'returned' ? decision.reason : null,
      detail: decision.outcome === 'returned' ? { ...decision.detail } : null,
      fee: decision.outcome === 'returned' ? (decision.fee?.amount ?? null) : null,
      trace: decision.trace,
    };
    await t.chequePresentments.put(next);
    const cheque = await t.cheques.get(row.chequeId);
    if (cheque !== undefined) {
      const pushed = await pushChequeStatus(tx, cheque, status, meta.actor, decision.outcome === 'returned' ? decision.reason : null);
      if (!pushed.ok) return pushed;
    }
    tx.notify({ to: [row.collectingBankId, row.depositorPartyId], kind: `echeque.${status}`, ref: row.id });
    return ok({ presentment: next, decision });
  },
});

/** The drawer's bank (meta.actor) decides a presented cheque: pays it or returns it with its reason. */
export async function decidePresentment(db: WorldDb, meta: CommandMeta, input: { readonly presentmentId: string }, env: CommandEnv = {}): Promise<Result<DecidedPresentment, string>> {
  return execute(db, decidePresentmentCommand, meta, { presentmentId: input.presentmentId }, env);
}

// ---- queries ------------------------------------------------------------------------------------

/** A bank's queue: cheques deposited with it (to present) and presented to it (to decide). */
export async function presentmentQueue(db: WorldDb, bankId: string): Promise<{ toPresent: ChequePresentmentRow[]; toDecide: ChequePresentmentRow[] }> {
  const t = echequeTables(db).chequePresentments;
  const [toPresent, toDecide] = await Promise.all([
    t.where('[collectingBankId+status]').equals([bankId, 'deposited']).toArray(),
    t.where('[payingBankId+status]').equals([bankId, 'presented']).toArray(),
  ]);
  const byTime = (a: ChequePresentmentRow, b: ChequePresentmentRow) => a.depositedAt - b.depositedAt || (a.id < b.id ? -1 : 1);
  return { toPresent: toPresent.sort(byTime), toDecide: toDecide.sort(byTime) };
}

/** A bank's decided presentments (paid or returned, as either bank), newest first. */
export async function decidedPresentments(db: WorldDb, bankId: string, limit = 100): Promise<ChequePresentmentRow[]> {
  const t = echequeTables(db).chequePresentments;
  const rows = await Promise.all(
    (['paid', 'returned'] as const).flatMap((s) => [t.where('[collectingBankId+status]').equals([bankId, s]).toArray(), t.where('[payingBankId+status]').equals([bankId, s]).toArray()]),
  );
  const byId = new Map(rows.flat().map((r) => [r.id, r]));
  return [...byId.values()].sort((a, b) => (b.decidedAt ?? 0) - (a.decidedAt ?? 0)).slice(0, limit);
}

export async function presentmentsOfCheque(db: WorldDb, chequeId: string): Promise<ChequePresentmentRow[]> {
  const rows = await echequeTables(db).chequePresentments.where('chequeId').equals(chequeId).toArray();
  return rows.sort((a, b) => a.depositedAt - b.depositedAt);
}

