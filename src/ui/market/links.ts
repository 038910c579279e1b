import { href, router } from '../router.svelte.ts';

// Links inside a party's tab: #/w/<world>/p/<party>/<page>/...

export function partyLink(worldId: string, partyId: string, ...page: string[]): string {
  return href({ name: 'party', worldId, partyId, page });
}

export function goTo(worldId: string, partyId: string, ...page: string[]): void {
  router.go({ name: 'party', worldId, partyId, page });
}
