import { err, ok, type PaymentChannelId, type Result } from '../../domain/index.ts';
import { ecashCheckoutSource } from '../../app/ecash/spend.ts';
import { smartCardsOf } from '../../app/smartcard/smartcard.ts';
import { storedValueCardsOf } from '../../app/storedvalue/storedvalue.ts';
import type { WorldModel } from '../world/world.svelte.ts';
import { walletSessions } from './wallet-session.svelte.ts';

// What the order page's pay panel passes to the gateway for the e-cash, smart-card and one-card
// channels: the coins of the unlocked wallet (decrypted in this tab), or the buyer's first usable card.
export async function instrumentSource(world: WorldModel, partyId: string, channel: PaymentChannelId, amount: string): Promise<Result<Record<string, string>, string>> {
  const db = world.session.db;
  if (channel === 'ecash') {
    const wallet = walletSessions.get(world.entry.id, partyId);
    if (wallet === undefined) return err('wallet_locked');
    return ecashCheckoutSource(db, wallet, amount, world.session.env);
  }
  if (channel === 'smart_card') {
    const card = (await smartCardsOf(db, partyId)).find((c) => c.status === 'active');
    return card === undefined ? err('no_smart_card') : ok({ cardId: card.cardId });
  }
  if (channel === 'stored_value') {
    const card = (await storedValueCardsOf(db, partyId)).find((c) => c.status === 'active');
    return card === undefined ? err('no_stored_value_card') : ok({ cardId: card.cardId });
  }
  return ok({});
}
