// Hash routing, so any static host (and any sub-path) serves every route from index.html.
//   #/                         the world list
//   #/w/<world>                the party picker of a world
//   #/w/<world>/<page>...      a world page no party owns (registration, the lab sheet)
//   #/w/<world>/p/<party>/...  a tab acting as a party; the rest is the party's page
//   #/lab/<lab>/sheet/<role>   a lab's printable sheet from the catalogue (no world; role or 'all')

export type Route =
  | { readonly name: 'worlds' }
  | { readonly name: 'picker'; readonly worldId: string; readonly page?: readonly string[] }
  | { readonly name: 'party'; readonly worldId: string; readonly partyId: string; readonly page: readonly string[] }
  | { readonly name: 'labSheet'; readonly labId: string; readonly roleId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'w' && parts[1]) {
    if (parts[2] === 'p' && parts[3]) return { name: 'party', worldId: parts[1], partyId: parts[3], page: parts.slice(4) };
    return parts.length > 2 ? { name: 'picker', worldId: parts[1], page: parts.slice(2) } : { name: 'picker', worldId: parts[1] };
  }
  if (parts[0] === 'lab' && parts[1] && parts[2] === 'sheet') return { name: 'labSheet', labId: parts[1], roleId: parts[3] ?? 'all' };
  return { name: 'worlds' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'worlds':
      return '#/';
    case 'picker':
      return `#/w/${encodeURIComponent(route.worldId)}${(route.page ?? []).map((p) => '/' + encodeURIComponent(p)).join('')}`;
    case 'party':
      return `#/w/${encodeURIComponent(route.worldId)}/p/${encodeURIComponent(route.partyId)}${route.page.map((p) => '/' + encodeURIComponent(p)).join('')}`;
    case 'labSheet':
      return `#/lab/${encodeURIComponent(route.labId)}/sheet/${encodeURIComponent(route.roleId)}`;
  }
}

class Router {
  route = $state<Route>(parseRoute(typeof location !== 'undefined' ? location.hash : ''));

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => {
        this.route = parseRoute(location.hash);
      });
    }
  }

  go(route: Route): void {
    location.hash = href(route);
  }
}

export const router = new Router();
