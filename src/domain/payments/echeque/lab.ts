// Lab tools (实验工具) for the exercises: deliberately broken cheques, so students watch each
// safeguard catch its attack. They change a signed cheque WITHOUT re-signing: only the drawer's
// key could make a matching signature, which is the whole point of the lesson.

import { assert } from '../../assert.ts';
import { fromStored, toChineseCapital, type StoredMoney } from '../../money/index.ts';
import type { SignedCheque } from './cheque.ts';
import { isChequeAmount } from './fields.ts';

/**
 * The cheque with its amount changed after signing (涂改金额). By default the capitals are
 * rewritten to match, as a careful forger would: the figures and words then agree, and only the
 * signature gives the change away. With rewriteWords false the capitals still say the old amount,
 * and the words check catches it first. Either way the drawer's bank returns it as
 * 'altered_or_fictitious'.
 */
export function alterChequeAmount(cheque: SignedCheque, amount: StoredMoney, options: { readonly rewriteWords?: boolean } = {}): SignedCheque {
  assert(isChequeAmount(amount), 'the new amount is a cheque amount (CNY, two decimals, above zero)');
  assert(amount.amount !== cheque.payload.amount.amount, 'an alteration changes the amount');
  const rewriteWords = options.rewriteWords ?? true;
  const amountInWords = rewriteWords ? toChineseCapital(fromStored(amount)) : cheque.payload.amountInWords;
  return { ...cheque, payload: { ...cheque.payload, amount: { amount: amount.amount, currency: amount.currency }, amountInWords } };
}
