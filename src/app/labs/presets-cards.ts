import type { CardKind } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { PresetContext } from '../worlds.ts';
import { applyForCard, approveCardApplication, cardIssuerId } from '../payments/cards.ts';
import { markLab } from './presets-identity.ts';
import { bankedBuyer, metaOf, must, shopSeller, type Preset } from './presets.ts';

// The preset of the card lab (信用卡与签账卡): a seller whose store the platform approved, with the
// demo catalogue and an account at Eastern Commercial Bank (bank-b), its acquiring bank (收单行);
// a buyer at Huaxin Bank (bank-a, ¥1,000.00 of the teacher's cash paid in at the counter, to repay
// the cards from) who applied for a credit card and a charge card that the card company issued,
// both with the 10th as the billing day (the world starts on 5 January: the first statement closes
// five days later). No certificate: paying by card and repaying need none (and each sign-in a
// preset runs costs a password hash). Paying by card, the statement, the repayments, interest and
// suspension are the lab.

/** What the buyer has at Huaxin Bank to repay the cards with (the lab repays ¥59.70 and ¥168.00). */
export const cardsLabBuyerDeposit = '1000.00';
/** The billing day (账单日) of both lab cards: the 10th, five world days after the world starts. */
export const cardsLabBillingDay = 10;
/** The credit card's limit and the charge card's spending limit (the lab spends ¥597 and ¥168). */
export const cardsLabLimits: Readonly<Record<CardKind, string>> = { credit: '5000.00', charge: '3000.00' };

async function issueCard(db: WorldDb, presetId: string, holderId: string, kind: CardKind): Promise<void> {
  const applied = must(await applyForCard(db, metaOf(presetId, `apply-card:${kind}`, holderId), { kind }), `apply for a ${kind} card`);
  must(
    await approveCardApplication(db, metaOf(presetId, `approve-card:${kind}`, cardIssuerId), { applicationId: applied.id, limit: cardsLabLimits[kind], billingDay: cardsLabBillingDay }),
    `issue the ${kind} card`,
  );
}

const cards: Preset = async (db: WorldDb, ctx: PresetContext) => {
  const id = 'cards';
  // A card sale reaches the seller through the acquirer where the seller banks (bank-b): without
  // an account checkout refuses the card.
  await shopSeller(db, id, ctx);
  const buyer = await bankedBuyer(db, id, ctx, 'bank-a', cardsLabBuyerDeposit);
  await issueCard(db, id, buyer, 'credit');
  await issueCard(db, id, buyer, 'charge');
  await markLab(db, id);
};

export const cardsPresets: Readonly<Record<string, Preset>> = { cards };
