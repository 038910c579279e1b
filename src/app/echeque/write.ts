import {
  chequeIdOf,
  chequeNumbersOf,
  err,
  isChequeStopped,
  makeChequePaymentNotice,
  newChequeRecord,
  ok,
  parseMoney,
  toStored,
  wasChequePaid,
  writeCheque,
  type ChequebookRow,
  type Result,
  type SignedCheque,
  type SignedChequePaymentNotice,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { bankingTables } from '../../storage/banking-tables.ts';
import { primaryAmong } from '../banking/primary-account.ts';
import { echequeTables, type ChequeRow } from '../../storage/echeque-tables.ts';
import { readClock } from '../clock-read.ts';
import type { CommandEnv } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { sendMail } from '../mailbox.ts';
import { chequeNameOf, commandIdOf, pushChequeStatus, signerOf, type ChequeOptions } from './common.ts';
import { checkChequeForOrder } from './channel.ts';

// Writing a cheque (出票), in the drawer's logged-in tab: fill it in from a book, sign the canonical
// bytes with the key opened at login, sign the payment notice for the drawer's bank, all BEFORE
// the command (no crypto inside a Dexie transaction). The command then checks the book again
// (another tab may have used the number meanwhile), stores the cheque, mails it to the payee and
// hands the notice to the bank, in one transaction.

export type WriteChequeInput = {
  readonly bookId: string;
  /** A number of the book; the first unused one when omitted. */
  readonly chequeNumber?: string;
  readonly payeePartyId: string;
  /** The payee's bank; its first account when omitted. */
  readonly payeeBankId?: string;
  /** As typed ("1,004.05", "¥12"). */
  readonly amount: string;
  readonly memo?: string;
  /** The order it pays, or omitted for a cheque standing alone. */
  readonly orderId?: string | null;
};

/** Numbers of the book not yet written on, paid or stopped, in order. */
export async function unusedChequeNumbers(db: WorldDb, book: ChequebookRow): Promise<string[]> {
  const numbers = chequeNumbersOf(book);
  const ids = numbers.map((n) => chequeIdOf({ drawer: { partyId: book.holderPartyId, name: book.holderName, bank: book.bankId, account: book.accountNumber }, chequeNumber: n }));
  const written = await echequeTables(db).cheques.bulkGet(ids);
  return numbers.filter((n, i) => written[i] === undefined && !wasChequePaid(book, n) && !isChequeStopped(book, n));
}

/**
 * The command: the cheque and the bank's payment notice were signed by the wrapper (the drawer's
 * key never enters the input); `date` is the world time written on both.
 */
export type WriteChequeCommandInput = {
  readonly bookId: string;
  readonly chequeNumber: string;
  readonly payeePartyId: string;
  readonly cheque: SignedCheque;
  readonly notice: SignedChequePaymentNotice;
  readonly date: number;
};

export const writeChequeCommand = defineCommand({
  name: 'writeCheque',
  apply: async (tx, input: WriteChequeCommandInput) => {
    const { cheque, notice, chequeNumber, date } = input;
    const drawerPartyId = tx.meta.actor;
    const chequeId = chequeIdOf(cheque.payload);
    const fresh = await echequeTables(tx.db).chequebooks.get(input.bookId);
    if (fresh === undefined) return err('chequebook_not_found');
    if (fresh.holderPartyId !== drawerPartyId) return err('not_your_chequebook');
    if (wasChequePaid(fresh, chequeNumber)) return err('cheque_already_paid');
    if (isChequeStopped(fresh, chequeNumber)) return err('cheque_stopped');
    const tables = echequeTables(tx.db);
    if ((await tables.cheques.get(chequeId)) !== undefined) return err('cheque_number_used', { chequeNumber });
    // A cheque for an order (the gateway's e-cheque channel) pays exactly that order, to its seller.
    if (cheque.payload.orderId !== null) {
      const fits = await checkChequeForOrder(tx, cheque.payload.orderId, drawerPartyId, input.payeePartyId, cheque.payload.amount.amount);
      if (!fits.ok) return fits;
    }
    const record = newChequeRecord(cheque, drawerPartyId, date);
    const row: ChequeRow = {
      ...record,
      drawerPartyId,
      payeePartyId: input.payeePartyId,
      writtenAt: date,
      checklistPassed: null,
      alteredFrom: null,
    };
    await tables.cheques.add(row);
    const delivered = await pushChequeStatus(tx, row, 'delivered', drawerPartyId);
    if (!delivered.ok) return delivered;
    await tables.chequeNotices.put({ chequeId, bankId: fresh.bankId, notice, receivedAt: tx.now });
    const params = { chequeNumber, amount: cheque.payload.amount.amount, drawer: cheque.payload.drawer.name, payee: cheque.payload.payee.name };
    await sendMail(tx, { to: input.payeePartyId, from: drawerPartyId, subject: { key: 'echeque.mail.received.subject', params }, body: { key: 'echeque.mail.received', params }, ref: chequeId });
    await sendMail(tx, { to: fresh.bankId, from: drawerPartyId, subject: { key: 'echeque.mail.payment_notice.subject', params }, body: { key: 'echeque.mail.payment_notice', params }, ref: chequeId });
    await tx.appendEvent({
      type: 'echeque.written',
      actor: drawerPartyId,
      parties: [input.payeePartyId, fresh.bankId],
      payload: { chequeId, chequeNumber, amount: cheque.payload.amount.amount, payee: input.payeePartyId, ...(cheque.payload.orderId === null ? {} : { orderId: cheque.payload.orderId }) },
    });
    return ok(delivered.value);
  },
});

/**
 * The drawer (`drawerPartyId`, logged in in this tab) writes, signs and sends a cheque: the payee
 * finds it in its mailbox and the drawer's bank holds its signed payment notice.
 */
export async function writeAndSendCheque(
  db: WorldDb,
  worldId: string,
  drawerPartyId: string,
  input: WriteChequeInput,
  options: ChequeOptions & { readonly commandId?: string; readonly env?: CommandEnv } = {},
): Promise<Result<ChequeRow, string>> {
  const t = echequeTables(db);
  const book = await t.chequebooks.get(input.bookId);
  if (book === undefined) return err('chequebook_not_found');
  if (book.holderPartyId !== drawerPartyId) return err('not_your_chequebook');
  const chequeNumber = input.chequeNumber ?? (await unusedChequeNumbers(db, book))[0];
  if (chequeNumber === undefined) return err('chequebook_used_up');
  const parsed = parseMoney(input.amount, 'CNY');
  if (!parsed.ok) return err('amount_invalid');
  const payeeAccounts = await bankingTables(db).bankAccounts.where('partyId').equals(input.payeePartyId).toArray();
  const payeeAccount = input.payeeBankId === undefined ? primaryAmong(payeeAccounts) : payeeAccounts.find((a) => a.bankId === input.payeeBankId);
  if (payeeAccount === undefined) return err('payee_account_not_found');
  if (input.payeePartyId === drawerPartyId) return err('payee_is_drawer');
  const signer = await signerOf(db, worldId, drawerPartyId, options.keyRing);
  if (!signer.ok) return signer;
  const date = await readClock(db);
  const written = writeCheque(
    {
      chequeNumber,
      payee: { name: await chequeNameOf(db, input.payeePartyId), partyId: input.payeePartyId, bank: payeeAccount.bankId, account: payeeAccount.cardNumber },
      amount: toStored(parsed.value),
      date,
      memo: (input.memo ?? '').trim(),
      orderId: input.orderId ?? null,
    },
    book,
    signer.value.seed,
    signer.value.certificate,
  );
  if (!written.ok) return written;
  const cheque = written.value;
  const notice = makeChequePaymentNotice(cheque, signer.value.seed, signer.value.certificate, date);
  const meta = { id: options.commandId ?? commandIdOf('writeCheque', options.random), actor: drawerPartyId };
  return execute(db, writeChequeCommand, meta, { bookId: book.id, chequeNumber, payeePartyId: input.payeePartyId, cheque, notice, date }, options.env);
}
