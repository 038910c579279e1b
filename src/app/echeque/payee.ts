import {
  alterChequeAmount,
  chequeHash,
  chequePayeeChecklist,
  endorseCheque,
  err,
  isChequeAmount,
  ok,
  parseMoney,
  recordEndorsement,
  sha256Hex,
  toStored,
  utf8Encode,
  type ChequePayeeChecklist,
  type Result,
  type SignedChequeEndorsement,
  type StoredMoney,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { bankingTables } from '../../storage/banking-tables.ts';
import { echequeTables, type ChequePresentmentRow, type ChequeRow } from '../../storage/echeque-tables.ts';
import { readClock } from '../clock-read.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { requireTrust } from '../identity/common.ts';
import { commandIdOf, pushChequeStatus, readEchequeConfig, signerOf, type ChequeOptions } from './common.ts';
import { requireTeacher, type TeacherToken } from '../teacher.ts';

// The payee's side (收款人): it checks the cheque it received (the checklist, every check answered
// on its own), endorses it (signs over the cheque's hash, for deposit to its own account) and
// deposits it at its bank, which puts it in the bank's presentment queue. The lab tool that
// changes the amount after signing also lives here: the payee holds the bytes it tampers with.

/** The payee's checklist for a cheque it holds, judged now (read-only). */
export async function payeeChecklistOf(db: WorldDb, chequeId: string, payeePartyId: string): Promise<Result<ChequePayeeChecklist, string>> {
  const row = await echequeTables(db).cheques.get(chequeId);
  if (row === undefined || row.payeePartyId !== payeePartyId) return err('cheque_not_found');
  const trust = await requireTrust(db);
  if (!trust.ok) return trust;
  return ok(chequePayeeChecklist(row.cheque, payeePartyId, trust.value, await readClock(db), await readEchequeConfig(db)));
}

/** The payee (tx.meta.actor) runs the checklist and records the cheque as verified (验证). */
export const verifyChequeCommand = defineCommand({
  name: 'verifyCheque',
  apply: async (tx, input: { readonly chequeId: string }) => {
    const meta = tx.meta;
    const row = await echequeTables(tx.db).cheques.get(input.chequeId);
    if (row === undefined || row.payeePartyId !== meta.actor) return err('cheque_not_found');
    const trust = await requireTrust(tx.db);
    if (!trust.ok) return trust;
    const checklist = chequePayeeChecklist(row.cheque, meta.actor, trust.value, tx.now, await readEchequeConfig(tx.db));
    let next: ChequeRow = { ...row, checklistPassed: checklist.allPassed };
    if (row.status === 'delivered') {
      const pushed = await pushChequeStatus(tx, next, 'verified', meta.actor);
      if (!pushed.ok) return pushed;
      next = pushed.value;
    } else {
      await echequeTables(tx.db).cheques.put(next);
    }
    return ok({ cheque: next, checklist });
  },
});

/** The payee (meta.actor) runs the checklist and records the cheque as verified (验证). */
export async function verifyReceivedCheque(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly chequeId: string },
  env: CommandEnv = {},
): Promise<Result<{ readonly cheque: ChequeRow; readonly checklist: ChequePayeeChecklist }, string>> {
  return execute(db, verifyChequeCommand, meta, { chequeId: input.chequeId }, env);
}

/**
 * The payee's endorsement, signed by the wrapper over the cheque whose hash is `chequeHash` (the
 * key stays in the tab); `depositBankId` is the bank it endorses the cheque to.
 */
export const endorseChequeCommand = defineCommand({
  name: 'endorseCheque',
  apply: async (tx, input: { readonly chequeId: string; readonly chequeHash: string; readonly endorsement: SignedChequeEndorsement; readonly depositBankId: string }) => {
    const payeePartyId = tx.meta.actor;
    const fresh = await echequeTables(tx.db).cheques.get(input.chequeId);
    if (fresh === undefined || fresh.payeePartyId !== payeePartyId) return err('cheque_not_found');
    // The lab may have changed the cheque since we signed: the endorsement is over what we saw.
    if (chequeHash(fresh.cheque) !== input.chequeHash) return err('cheque_changed_meanwhile');
    const next = recordEndorsement(fresh, input.endorsement, payeePartyId, tx.now);
    if (!next.ok) return next;
    const updated: ChequeRow = { ...fresh, status: next.value.status, history: next.value.history, endorsement: next.value.endorsement };
    await echequeTables(tx.db).cheques.put(updated);
    await tx.appendEvent({ type: 'echeque.endorsed', actor: payeePartyId, parties: [fresh.drawerPartyId], payload: { chequeId: fresh.id, depositTo: input.depositBankId } });
    return ok(updated);
  },
});

/**
 * The payee (logged in in this tab) endorses the cheque for deposit to its account at `bankId`
 * (背书): signed before the command, over the cheque as the payee holds it. It needs the checklist
 * to have run (status 'verified') but not to have passed: the lab lets a student endorse and
 * deposit a cheque the checklist flagged, to watch the drawer's bank return it.
 */
export async function endorseReceivedCheque(
  db: WorldDb,
  worldId: string,
  payeePartyId: string,
  input: { readonly chequeId: string; readonly bankId?: string },
  options: ChequeOptions & { readonly commandId?: string; readonly env?: CommandEnv } = {},
): Promise<Result<ChequeRow, string>> {
  const row = await echequeTables(db).cheques.get(input.chequeId);
  if (row === undefined || row.payeePartyId !== payeePartyId) return err('cheque_not_found');
  const accounts = await bankingTables(db).bankAccounts.where('partyId').equals(payeePartyId).toArray();
  const bankId = input.bankId ?? row.cheque.payload.payee.bank;
  const account = accounts.find((a) => a.bankId === bankId);
  if (account === undefined) return err('deposit_account_invalid');
  const signer = await signerOf(db, worldId, payeePartyId, options.keyRing);
  if (!signer.ok) return signer;
  const endorsedAt = await readClock(db);
  const endorsed = endorseCheque(row.cheque, { bank: account.bankId, account: account.cardNumber }, signer.value.seed, signer.value.certificate, endorsedAt);
  if (!endorsed.ok) return endorsed;
  const hash = chequeHash(row.cheque);
  const meta = { id: options.commandId ?? commandIdOf('endorseCheque', options.random), actor: payeePartyId };
  return execute(db, endorseChequeCommand, meta, { chequeId: input.chequeId, chequeHash: hash, endorsement: endorsed.value.endorsement, depositBankId: account.bankId }, options.env);
}

/** A presentment id from the deposit command's id: short, and the same on a retry. */
export function presentmentIdOf(commandId: string): string {
  return `chq-${sha256Hex(utf8Encode(commandId)).slice(0, 24)}`;
}

/**
 * The payee (meta.actor) deposits its endorsed cheque at the bank it endorsed it to (进账): the
 * collecting bank's queue gets it. A cheque may be deposited again after a return, and the lab
 * lets a paid one be deposited again, to watch the duplicate check.
 */
export const depositChequeCommand = defineCommand({
  name: 'depositCheque',
  apply: async (tx, input: { readonly chequeId: string }) => {
    const meta = tx.meta;
    const t = echequeTables(tx.db);
    const row = await t.cheques.get(input.chequeId);
    if (row === undefined || row.payeePartyId !== meta.actor) return err('cheque_not_found');
    if (row.endorsement === null) return err('endorsement_missing');
    const open = await t.chequePresentments.where('chequeId').equals(row.id).filter((p) => p.status === 'deposited' || p.status === 'presented').count();
    if (open > 0) return err('cheque_in_presentment');
    const payingBank = await tx.db.parties.get(row.cheque.payload.drawer.bank);
    if (payingBank?.kind !== 'bank') return err('drawer_bank_unknown');
    const pushed = await pushChequeStatus(tx, row, 'deposited', meta.actor);
    if (!pushed.ok) return pushed;
    const collectingBankId = row.endorsement.payload.depositTo.bank;
    const presentment: ChequePresentmentRow = {
      id: presentmentIdOf(meta.id),
      chequeId: row.id,
      presented: { cheque: row.cheque, endorsement: row.endorsement },
      collectingBankId,
      payingBankId: payingBank.id,
      depositorPartyId: meta.actor,
      amount: row.cheque.payload.amount.amount,
      chequeNumber: row.cheque.payload.chequeNumber,
      status: 'deposited',
      depositedAt: tx.now,
      presentedAt: null,
      decidedAt: null,
      reason: null,
      detail: null,
      fee: null,
      trace: [],
      clearing: collectingBankId !== payingBank.id,
    };
    await t.chequePresentments.add(presentment);
    await tx.appendEvent({ type: 'echeque.deposited', actor: meta.actor, parties: [collectingBankId], payload: { chequeId: row.id, presentment: presentment.id, amount: presentment.amount } });
    tx.notify({ to: [collectingBankId], kind: 'echeque.deposited', ref: presentment.id });
    return ok(presentment);
  },
});

/**
 * The payee (meta.actor) deposits its endorsed cheque at the bank it endorsed it to (进账): the
 * collecting bank's queue gets it (see depositChequeCommand).
 */
export async function depositCheque(db: WorldDb, meta: CommandMeta, input: { readonly chequeId: string }, env: CommandEnv = {}): Promise<Result<ChequePresentmentRow, string>> {
  return execute(db, depositChequeCommand, meta, { chequeId: input.chequeId }, env);
}

/**
 * Lab (实验): the cheque's amount changed after signing. The wrapper checked the teacher's sign-in
 * (tab state) and parsed the amount: `teacher: true` records that it did.
 */
export const labAlterChequeAmountCommand = defineCommand({
  name: 'labAlterChequeAmount',
  apply: async (tx, input: { readonly chequeId: string; readonly amount: StoredMoney; readonly rewriteWords: boolean; readonly teacher: true }) => {
    const meta = tx.meta;
    const amount = input.amount;
    const t = echequeTables(tx.db);
    const row = await t.cheques.get(input.chequeId);
    if (row === undefined || row.payeePartyId !== meta.actor) return err('cheque_not_found');
    if (row.status === 'paid' || row.status === 'stopped') return err('cheque_closed', { status: row.status });
    if (!isChequeAmount(amount) || amount.amount === row.cheque.payload.amount.amount) return err('amount_invalid');
    const altered: ChequeRow = {
      ...row,
      cheque: alterChequeAmount(row.cheque, amount, { rewriteWords: input.rewriteWords }),
      alteredFrom: row.alteredFrom ?? row.cheque.payload.amount.amount,
      checklistPassed: null,
    };
    await t.cheques.put(altered);
    await tx.appendEvent({ type: 'echeque.lab_altered', actor: meta.actor, parties: [row.drawerPartyId], payload: { chequeId: row.id, from: row.cheque.payload.amount.amount, to: amount.amount } });
    return ok(altered);
  },
});

/**
 * Lab (实验): the holder of a cheque (meta.actor, its payee) changes the amount after signing,
 * without re-signing (the capitals rewritten to match unless rewriteWords is false).
 */
export async function labAlterChequeAmount(
  db: WorldDb,
  teacher: TeacherToken | null,
  meta: CommandMeta,
  input: { readonly chequeId: string; readonly amount: string; readonly rewriteWords?: boolean },
  env: CommandEnv = {},
): Promise<Result<ChequeRow, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  const parsed = parseMoney(input.amount, 'CNY');
  if (!parsed.ok) return err('amount_invalid');
  const amount = toStored(parsed.value);
  return execute(db, labAlterChequeAmountCommand, meta, { chequeId: input.chequeId, amount, rewriteWords: input.rewriteWords ?? true, teacher: true }, env);
}
