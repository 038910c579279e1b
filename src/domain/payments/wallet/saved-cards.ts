// The e-wallet's card kinds (电子信用卡): the gateway channels a wallet pays through with a card.

/** The gateway's card channels (借记卡, 贷记卡, 签账卡): paying with a saved card uses its kind as the channel. */
export const walletSavedCardKinds = ['debit_card', 'credit_card', 'charge_card'] as const;
export type WalletSavedCardKind = (typeof walletSavedCardKinds)[number];
