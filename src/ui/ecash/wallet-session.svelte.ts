import type { UnlockedWallet } from '../../app/ecash/wallet.ts';

// The unlocked wallets of this tab, by world and owner. The wallet key lives only here, in memory:
// closing the tab or pressing Lock forgets it, and the coins at rest stay encrypted.
class WalletSessions {
  unlocked = $state.raw<Readonly<Record<string, UnlockedWallet>>>({});

  get(worldId: string, ownerId: string): UnlockedWallet | undefined {
    return this.unlocked[`${worldId}/${ownerId}`];
  }
  set(worldId: string, wallet: UnlockedWallet): void {
    this.unlocked = { ...this.unlocked, [`${worldId}/${wallet.ownerId}`]: wallet };
  }
  lock(worldId: string, ownerId: string): void {
    const next = { ...this.unlocked };
    delete next[`${worldId}/${ownerId}`];
    this.unlocked = next;
  }
}

export const walletSessions = new WalletSessions();
