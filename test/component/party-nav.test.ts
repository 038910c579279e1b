import './jsdom-bytes.ts';
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import PartyHome from '../../src/ui/world/PartyHome.svelte';
import { pageGroups, pageSections, partyPages } from '../../src/ui/world/pages.ts';
import { i18n, loadAllMessages } from '../../src/ui/i18n/i18n.svelte.ts';
import type { Party } from '../../src/domain/index.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { freshWorld } from '../helpers/world.ts';

// Issue #14: outside labs a party's pages are listed in a few labelled sections, not as one flat
// row of some twenty tabs. Every page link keeps its data-testid (outside tests click them).

const buyer: Party = { id: 'u-nav', kind: 'buyer', institution: false, createdAt: 0, name: { zh: '李雷', en: 'Li Lei' } };

describe('the party navigation', () => {
  it('puts every page a buyer can use in one section, the sections in their order and none crowded', () => {
    const pages = partyPages.filter((p) => p.visible(buyer));
    const groups = pageGroups(pages);
    expect(groups.map((g) => g.section)).toEqual([...pageSections]);
    expect(groups.flatMap((g) => g.pages)).toHaveLength(pages.length);
    expect(new Set(groups.flatMap((g) => g.pages.map((p) => p.id)))).toEqual(new Set(pages.map((p) => p.id)));
    // A section a student scans at a glance: no more than this many tabs.
    for (const g of groups) expect(g.pages.length, g.section).toBeLessThanOrEqual(9);
  });

  it('shows each section with its label in the reader’s language and its pages under it', async () => {
    await loadAllMessages();
    const { db } = await freshWorld();
    const world = { entry: { id: 'nav-world' }, session: { db, env: {} }, parties: { current: [buyer] } } as unknown as WorldModel;
    i18n.locale = 'en';
    const view = render(PartyHome, { world, party: buyer, page: ['activity'] });
    // A tab not signed in as the buyer lists the pages that only look: overview and books.
    await waitFor(() => expect(screen.getAllByTestId('page-section').map((s) => s.dataset.section)).toEqual(['me', 'books']));
    const [overview, books] = screen.getAllByTestId('page-section');
    expect(within(overview!).getByText('Overview')).toBeTruthy();
    expect(within(overview!).getByTestId('page-mailbox')).toBeTruthy();
    expect(within(books!).getByText('Books and audit')).toBeTruthy();
    expect(within(books!).getByTestId('page-accounts')).toBeTruthy();
    i18n.locale = 'zh-CN';
    await waitFor(() => expect(within(screen.getAllByTestId('page-section')[1]!).getByText('账务与审计')).toBeTruthy());
    view.unmount();
    i18n.locale = 'en';
    db.close();
  });
});
