// Remittance (汇款) behind the gateway, an OFFLINE channel: checkout tells the buyer where to send
// the money (the payee's receiving account) and what to write as the reference (the order number);
// the buyer transfers from their bank; the payee's incoming transfers are matched to the pending
// charges (match.ts), which captures them. The money is already in the payee's account by then, so
// capture moves nothing; a refund sends money back to the account the matched transfer came from.

import { err, ok } from '../../result.ts';
import type { StoredMoney } from '../../money/index.ts';
import type { PaymentChannel } from '../gateway/channel.ts';
import { chargeRefs } from '../gateway/channel.ts';
import type { Charge } from '../gateway/charge.ts';
import { channelLedger, channelLedgerCodes, channelNotice } from '../gateway/effects.ts';
import { formatCardNumber } from '../banking/cards.ts';

export type BankAccountRef = { readonly bankId: string; readonly partyId: string };

export type RemittanceChannelState = {
  /** The payee's account number the order shows (null when the bank has not issued one yet). */
  readonly receivingAccountNumber: string | null;
  /** Where a refund goes: the account the matched transfer came from (match row). */
  readonly refundTo: BankAccountRef | null;
};

/** What the order page shows the buyer. */
export type RemittanceInstruction = {
  readonly chargeId: string;
  readonly orderId: string;
  /** Write exactly this in the transfer's memo: the order number. */
  readonly reference: string;
  readonly amount: StoredMoney;
  /** The account holder (the seller): the screen shows the party's name. */
  readonly payeeId: string;
  /** The receiving bank: the screen shows its name. */
  readonly bankId: string;
  /** Fixed when the charge is created (charge.source.accountNumber). */
  readonly accountNumber: string | null;
};

export function remittanceInstructionOf(charge: Charge, accountNumber: string | null): RemittanceInstruction {
  return { chargeId: charge.id, orderId: charge.orderId, reference: charge.orderId, amount: charge.amount, payeeId: charge.payee.partyId, bankId: charge.payee.bankId, accountNumber };
}

export const remittanceChannel: PaymentChannel<RemittanceChannelState> = {
  id: 'remittance',
  flow: 'offline',
  authorize(charge, state) {
    const instruction = remittanceInstructionOf(charge, state.receivingAccountNumber);
    return ok({
      state,
      effects: [
        channelNotice(charge.payerId, 'remittance_instructions', {
          orderId: charge.orderId,
          reference: instruction.reference,
          amount: charge.amount.amount,
          // Party ids: the mailbox shows them as the bank's and the holder's names.
          bankId: instruction.bankId,
          holderId: instruction.payeeId,
          // Grouped in fours as printed on the card, so the buyer copies it without losing a digit.
          accountNumber: instruction.accountNumber === null ? '' : formatCardNumber(instruction.accountNumber),
        }),
      ],
    });
  },
  capture: (_charge, _amount, state) => ok({ state, effects: [] }),
  void: (_charge, state) => ok({ state, effects: [] }),
  refund(charge, refund, state) {
    if (state.refundTo === null) return err('refund_account_missing');
    const effect = channelLedger(
      'transfer',
      `${charge.id}:refund:${refund.id}`,
      { role: 'deposit', bankId: charge.payee.bankId, partyId: charge.payee.partyId },
      { role: 'deposit', bankId: state.refundTo.bankId, partyId: state.refundTo.partyId },
      refund.amount,
      channelLedgerCodes.remittanceRefund,
      { ...chargeRefs(charge), refundId: refund.id },
    );
    return ok({ state, effects: [effect] });
  },
};
