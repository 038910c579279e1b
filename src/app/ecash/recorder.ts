import { recordWalletTransaction, type Result, type WalletChannel, type WalletRecordProblem, type WalletTransaction } from '../../domain/index.ts';
import Dexie from 'dexie';
import { ecashTables } from '../../storage/ecash-tables.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { Tx } from '../command.ts';

// Every payment made from the wallet's instruments (coins, smart card, stored-value card) writes one
// transaction-recorder row in the same transaction as the payment itself.
export async function recordWalletPayment(
  tx: Tx,
  input: { id: string; payee: string; payeeId: string | null; amount: string; channel: WalletChannel; reference: string; note?: string; status?: WalletTransaction['status'] },
): Promise<Result<WalletTransaction, WalletRecordProblem>> {
  const recorded = recordWalletTransaction(
    {
      id: input.id, walletId: tx.meta.actor, at: tx.now, payee: input.payee, payeeId: input.payeeId, amount: input.amount, currency: 'CNY',
      channel: input.channel, status: input.status ?? 'completed', reference: input.reference, note: input.note ?? '',
    },
    tx.now,
  );
  if (!recorded.ok) return recorded;
  await ecashTables(tx.db).walletTransactions.put(recorded.value);
  return recorded;
}

/**
 * The transactions the wallet's recorder searches: the newest `max`, through the [walletId+at]
 * index, never every row the wallet ever wrote (issue #18).
 */
export async function recentWalletTransactions(db: WorldDb, walletId: string, max: number): Promise<WalletTransaction[]> {
  return ecashTables(db).walletTransactions.where('[walletId+at]').between([walletId, Dexie.minKey], [walletId, Dexie.maxKey]).reverse().limit(max).toArray();
}
