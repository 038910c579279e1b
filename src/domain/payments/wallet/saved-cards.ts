// Saved bank cards in the e-wallet (电子信用卡): only what a receipt shows is kept, the brand and
// the last four digits. The full card number is checked (Luhn) when the user types it and then
// dropped: a wallet file that leaks holds nothing a thief can pay with.
import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { isLuhnValid } from '../banking/luhn.ts';

/** The gateway's card channels (借记卡, 贷记卡, 签账卡): paying with a saved card uses its kind as the channel. */
export const walletSavedCardKinds = ['debit_card', 'credit_card', 'charge_card'] as const;
export type WalletSavedCardKind = (typeof walletSavedCardKinds)[number];

export type WalletSavedCard = {
  readonly id: string;
  readonly walletId: string;
  /** The issuing bank or card company's party id. */
  readonly issuerId: string;
  readonly kind: WalletSavedCardKind;
  readonly holderName: string;
  readonly last4: string;
  /** "MM/YY" */
  readonly expiry: string;
  readonly savedAt: number;
};

export type WalletSavedCardProblem = 'card_number_invalid' | 'expiry_invalid' | 'holder_name_required' | 'card_kind_unknown';

/** Digits of a typed card number, spaces and dashes allowed between groups; null if anything else. */
function cardDigits(text: string): string | null {
  const compact = text.replace(/[\s-]/g, '');
  return /^\d{12,19}$/.test(compact) ? compact : null;
}

/** "**** **** **** 1234": the masked form shown anywhere a saved card appears. */
export function walletMaskedCardNumber(last4: string): string {
  assert(/^\d{4}$/.test(last4), 'last4 is four digits');
  return `**** **** **** ${last4}`;
}

export type WalletSaveCardInput = {
  readonly id: string;
  readonly walletId: string;
  readonly issuerId: string;
  readonly kind: WalletSavedCardKind;
  readonly holderName: string;
  /** As typed; never stored. */
  readonly cardNumber: string;
  readonly expiry: string;
};

export function saveWalletCard(input: WalletSaveCardInput, now: number): Result<WalletSavedCard, WalletSavedCardProblem> {
  assert(Number.isSafeInteger(now) && now >= 0, 'now must be world time in ms');
  assert(input.id.length > 0 && input.walletId.length > 0 && input.issuerId.length > 0, 'ids required');
  if (!(walletSavedCardKinds as readonly string[]).includes(input.kind)) return err('card_kind_unknown');
  const holderName = input.holderName.trim();
  if (holderName.length === 0) return err('holder_name_required');
  const digits = cardDigits(input.cardNumber);
  if (digits === null || !isLuhnValid(digits)) return err('card_number_invalid');
  const expiry = /^(0[1-9]|1[0-2])\/(\d{2})$/.exec(input.expiry.trim());
  if (expiry === null) return err('expiry_invalid');
  return ok({
    id: input.id,
    walletId: input.walletId,
    issuerId: input.issuerId,
    kind: input.kind,
    holderName,
    last4: digits.slice(-4),
    expiry: expiry[0],
    savedAt: now,
  });
}
