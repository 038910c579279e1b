import { acceptChequeStopOrder, chequeIdOf, err, makeChequeStopOrder, ok, type Result, type SignedChequeStopOrder } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { echequeTables, type ChequeStopRow } from '../../storage/echeque-tables.ts';
import { readClock } from '../clock-read.ts';
import type { CommandEnv } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { requireTrust } from '../identity/common.ts';
import { chequeEffects, interpretEffects } from '../effects/interpret.ts';
import { chequeAccountByNumber, chequeAccountOf, commandIdOf, pushChequeStatus, readEchequeConfig, signerOf, type ChequeOptions } from './common.ts';

// Stop payment (止付): the drawer's tab signs a stop order for a cheque of its book (before the
// command); the drawer's bank accepts it while the cheque is unpaid and records the stop in the
// book. The order binds only the drawer's bank: the cheque's record logs the stop and stays where
// it is (record.ts), so the payee may still endorse and deposit it, the collecting bank presents
// it like any other, and the drawer's bank returns it as 'payment_stopped' with the usual
// returned-cheque fee rules (decision.ts), telling both sides.

/** The drawer's stop order, signed by the wrapper (the key stays in the tab). */
export const stopChequeCommand = defineCommand({
  name: 'stopCheque',
  apply: async (tx, input: { readonly bookId: string; readonly chequeNumber: string; readonly order: SignedChequeStopOrder }) => {
    const meta = tx.meta;
    const drawerPartyId = meta.actor;
    const t = echequeTables(tx.db);
    const book = await t.chequebooks.get(input.bookId);
    if (book === undefined) return err('chequebook_not_found');
    if (book.holderPartyId !== drawerPartyId) return err('not_your_chequebook');
    const accountRow = await chequeAccountByNumber(tx.db, book.bankId, book.accountNumber);
    if (accountRow === undefined) return err('account_not_cheque_enabled');
    const books = await t.chequebooks.where('[bankId+accountNumber]').equals([book.bankId, book.accountNumber]).toArray();
    const trust = await requireTrust(tx.db);
    if (!trust.ok) return trust;
    const accepted = acceptChequeStopOrder(input.order, chequeAccountOf(accountRow), books, trust.value, tx.now, await readEchequeConfig(tx.db));
    if (!accepted.ok) return accepted;
    await t.chequebooks.put(accepted.value.book);
    const chequeId = chequeIdOf({ drawer: { partyId: drawerPartyId, name: book.holderName, bank: book.bankId, account: book.accountNumber }, chequeNumber: input.chequeNumber });
    const cheque = await t.cheques.get(chequeId);
    if (cheque !== undefined) {
      const pushed = await pushChequeStatus(tx, cheque, 'stopped', book.bankId);
      if (!pushed.ok) return pushed;
    }
    const row: ChequeStopRow = { id: meta.id, bankId: book.bankId, chequeId, order: input.order, acceptedAt: tx.now };
    await t.chequeStops.add(row);
    const applied = await interpretEffects(tx, chequeEffects(accepted.value.effects, book.bankId, chequeId));
    if (!applied.ok) return applied;
    if (cheque !== undefined) tx.notify({ to: [cheque.payeePartyId], kind: 'echeque.stopped', ref: chequeId });
    return ok(row);
  },
});

export async function stopChequePayment(
  db: WorldDb,
  worldId: string,
  drawerPartyId: string,
  input: { readonly bookId: string; readonly chequeNumber: string; readonly reason: string },
  options: ChequeOptions & { readonly commandId?: string; readonly env?: CommandEnv } = {},
): Promise<Result<ChequeStopRow, string>> {
  const book = await echequeTables(db).chequebooks.get(input.bookId);
  if (book === undefined) return err('chequebook_not_found');
  if (book.holderPartyId !== drawerPartyId) return err('not_your_chequebook');
  const signer = await signerOf(db, worldId, drawerPartyId, options.keyRing);
  if (!signer.ok) return signer;
  const order = makeChequeStopOrder(book, input.chequeNumber, input.reason.trim(), signer.value.seed, signer.value.certificate, await readClock(db));
  if (!order.ok) return order;
  const meta = { id: options.commandId ?? commandIdOf('stopCheque', options.random), actor: drawerPartyId };
  return execute(db, stopChequeCommand, meta, { bookId: book.id, chequeNumber: input.chequeNumber, order: order.value }, options.env);
}
