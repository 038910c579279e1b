import { recordWalletTransaction, type Result, type WalletChannel, type WalletTransaction } from '../../domain/index.ts';
import { ecashTables } from '../../storage/ecash-tables.ts';
import type { Tx } from '../command.ts';

// Every payment made from the wallet's instruments (coins, smart card, stored-value card) writes one
// transaction-recorder row in the same transaction as the payment itself.
export async function recordWalletPayment(
  tx: Tx,
  input: { id: string; payee: string; payeeId: string | null; amount: string; channel: WalletChannel; reference: string; note?: string; status?: WalletTransaction['status'] },
): Promise<Result<WalletTransaction, string>> {
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
