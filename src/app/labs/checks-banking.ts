import type { WorldDb } from '../../storage/schema.ts';
import { bankingTables, type BankTransferRow, type ClearingBatchRow } from '../../storage/banking-tables.ts';
import type { CheckResult, LabCheck, LabParties, LabQuery } from './checks.ts';

// The checks and queries of the online banking and interbank clearing lab (网上银行与跨行清算).
// Convention: the roles are 'payer' and 'payee', customers of two different banks. Each reads the
// world: the bank's login verdicts in the event log, the transfer rows, the clearing batches.

/** A party's transfers looked at per check: a lab's customer makes a handful. */
export const bankingTransfersScannedMax = 500;
/** Events of one type looked at per check. */
export const bankingEventsScannedMax = 2_000;

const notDone: CheckResult = { done: false, at: null };
const doneAt = (at: number | null | undefined): CheckResult => (at === null || at === undefined ? notDone : { done: true, at });

/** The first online interbank transfer from one role to the other, oldest first. */
async function firstTransfer(db: WorldDb, from: string | undefined, to: string | undefined): Promise<BankTransferRow | undefined> {
  if (from === undefined || to === undefined) return undefined;
  const sent = await bankingTables(db).bankTransfers.where('payerPartyId').equals(from).limit(bankingTransfersScannedMax).toArray();
  return sent
    .filter((r) => r.payeePartyId === to && r.channel === 'online' && r.payerBankId !== r.payeeBankId)
    .sort((a, b) => a.at - b.at)[0];
}

/** The clearing batch that settled the payer's transfer to the payee. */
async function labBatch(db: WorldDb, parties: LabParties): Promise<ClearingBatchRow | undefined> {
  const transfer = await firstTransfer(db, parties.payer, parties.payee);
  if (transfer?.batchId === null || transfer === undefined) return undefined;
  return bankingTables(db).clearingBatches.get(transfer.batchId);
}

export const bankingLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The bank accepted the payer's U盾 signature: an online banking session was opened. */
  'bank.payer_login': async (db, parties) => {
    const events = await db.events.where('type').equals('banking.login').limit(bankingEventsScannedMax).toArray();
    return doneAt(events.find((e) => (e.payload as { customer?: unknown }).customer === parties.payer)?.at);
  },
  /** The payer sent the payee money online, to an account at another bank. */
  'bank.transfer_out': async (db, parties) => doneAt((await firstTransfer(db, parties.payer, parties.payee))?.at),
  /** The payee sent money back the same way. */
  'bank.transfer_back': async (db, parties) => doneAt((await firstTransfer(db, parties.payee, parties.payer))?.at),
  /** The clearing system's night batch settled the payer's transfer (and the payee's, netted with it). */
  'bank.batch_settled': async (db, parties) => {
    const [out, back] = await Promise.all([firstTransfer(db, parties.payer, parties.payee), firstTransfer(db, parties.payee, parties.payer)]);
    if (out === undefined || back === undefined || out.settledAt === null || back.settledAt === null) return notDone;
    return doneAt(Math.max(out.settledAt, back.settledAt));
  },
};

export const bankingLabCheckTables: Readonly<Record<string, readonly string[]>> = {
  'bank.payer_login': ['events'],
  'bank.transfer_out': ['bankTransfers'],
  'bank.transfer_back': ['bankTransfers'],
  'bank.batch_settled': ['bankTransfers'],
};

export const bankingLabQueries: Readonly<Record<string, LabQuery>> = {
  /** What the batch actually moved between the banks' reserves: the nets, not the payments. */
  'bank.batch_net': async (db, parties) => (await labBatch(db, parties))?.settledTotal ?? null,
  /** The payments' total before netting. */
  'bank.batch_gross': async (db, parties) => (await labBatch(db, parties))?.grossTotal ?? null,
  /** How many payments the batch settled. */
  'bank.batch_payments': async (db, parties) => {
    const batch = await labBatch(db, parties);
    return batch === undefined ? null : String(batch.payments);
  },
};
