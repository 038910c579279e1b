import './jsdom-bytes.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import SeqDiagram from '../../src/ui/diagram/SeqDiagram.svelte';
import { standaloneSvg } from '../../src/ui/diagram/export.ts';
import { freshWorld } from '../helpers/world.ts';
import { caTab, certifiedBuyer, unwrap } from '../helpers/market.ts';
import { latestCertificateOf, revokeCertificate } from '../../src/app/identity/ca.ts';
import { customerAt, fund } from '../helpers/banking.ts';
import { meta } from '../helpers/world.ts';
import { createWallet } from '../../src/app/ecash/wallet.ts';
import { withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { heldCoins, payWithEcash } from '../../src/app/ecash/spend.ts';
import { i18n } from '../../src/ui/i18n/i18n.svelte.ts';
import type { Party } from '../../src/domain/index.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';

// The sequence diagram component (issue #15.3) against a real world in fake-indexeddb: a
// certificate's flow drawn in words (never ids), sealed arrows, a clicked arrow's verified
// document, growing live when the CA acts, and its SVG export parsing on its own.

function fakeWorld(id: string, db: WorldDb, parties: Party[]): WorldModel {
  return { entry: { id }, session: { db, env: {} }, parties: { current: parties } } as unknown as WorldModel;
}

afterEach(() => i18n.set('en'));

describe('the sequence diagram', () => {
  it('draws a certificate’s request and issue, checks the CA’s signature on click, grows live with a revocation, exports an SVG that parses', async () => {
    const { id, db } = await freshWorld();
    const ca = await caTab(db, id);
    const buyer = await certifiedBuyer(db, id, 'buyer1', ca);
    const cert = (await latestCertificateOf(db, buyer.partyId))!;
    const world = fakeWorld(id, db, await db.parties.toArray());
    const { container } = render(SeqDiagram, { world, flow: { kind: 'certificate', id: String(cert.serial) } });

    await waitFor(() => expect(screen.getAllByTestId('seq-arrow').length).toBe(2));
    const arrows = screen.getAllByTestId('seq-arrow');
    expect(arrows.map((a) => a.getAttribute('data-step'))).toEqual(['certificate_requested', 'certificate_issued']);
    expect(screen.getAllByTestId('seq-seal').length).toBe(2);
    const lifelines = screen.getAllByTestId('seq-lifeline').map((l) => l.textContent ?? '');
    expect(lifelines.join(' ')).toContain('NetCert Certificate Authority');
    expect(container.textContent).not.toMatch(/u-buyer1|certificate_issued|seq\./);

    await fireEvent.click(arrows[1]!);
    await waitFor(() => expect(screen.getByTestId('seq-detail-check').getAttribute('data-ok')).toBe('true'));
    expect(screen.getByTestId('seq-detail-signer').textContent).toContain('NetCert Certificate Authority');
    expect(screen.getByTestId('seq-detail-document').textContent).toContain('buyer1');

    // The CA revokes it (another tab, here the same db): the diagram gains the arrow.
    unwrap(await revokeCertificate(db, id, 'ca', { serial: cert.serial, reason: 'key_compromise' }, { keyRing: ca }));
    await waitFor(() => expect(screen.getAllByTestId('seq-arrow').map((a) => a.getAttribute('data-step'))).toEqual(['certificate_requested', 'certificate_issued', 'certificate_revoked']));

    // In Chinese, the same diagram's words follow.
    i18n.set('zh-CN');
    await waitFor(() => expect(screen.getAllByTestId('seq-lifeline').map((l) => l.textContent ?? '').join(' ')).toContain('网证认证中心'));
    expect(screen.getByTestId('seq-export-svg').textContent).toBe('下载为 SVG');

    const svg = container.querySelector<SVGSVGElement>('svg[role="group"]')!;
    const text = standaloneSvg(svg, 'diagram');
    const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
    expect(parsed.querySelector('parsererror')?.textContent ?? null).toBeNull();
    expect(parsed.documentElement.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(parsed.querySelectorAll('[data-testid="seq-arrow"]').length).toBe(3);
    expect(parsed.querySelector('[tabindex]')).toBeNull();
  });

  it('draws an e-cash coin in the merchant’s till: the payment, the note that the bank cannot link it to its withdrawal, the lifeline names in a sticky header, in en and zh-CN', async () => {
    // Money arrows read packed journal rows, which Dexie's live-query cache cannot clone under
    // jsdom (typed arrays of another realm): the coin is drawn here before it moves money again,
    // and whole (withdrawal to spent list) in Chromium by test/e2e/diagram.e2e.ts.
    const { id, db } = await freshWorld();
    const buyer = await customerAt(db, 'hanmeimei', 'bank-a');
    const seller = await customerAt(db, 'newsdesk', 'bank-b');
    await fund(db, buyer, 'bank-a', '100.00');
    const wallet = unwrap(await createWallet(db, meta(buyer), { password: 'purse secret 7' }));
    unwrap(await withdrawEcash(db, wallet, { bankId: 'bank-a', amount: '1.00' }));
    const [held] = await heldCoins(db, wallet);
    const serial = held!.coin.serial;
    unwrap(await payWithEcash(db, wallet, { merchantId: seller, payee: 'News', amount: '1.00', reference: 'a-1' }));
    const world = fakeWorld(id, db, await db.parties.toArray());
    const { container } = render(SeqDiagram, { world, flow: { kind: 'coin', id: serial, merchantId: seller } });

    await waitFor(() => expect(screen.getAllByTestId('seq-arrow').map((a) => a.getAttribute('data-step'))).toEqual(['ecash_paid']));
    expect(screen.getByRole('heading', { level: 3 }).textContent).toBe(`Sequence diagram of e-cash coin ${serial.slice(0, 8)}…`);
    expect(screen.getByTestId('seq-coin-note').textContent).toContain('never the coin’s serial');
    expect(screen.getAllByTestId('seq-arrow')[0]!.textContent).toContain('Pay with coins · CN¥1.00');
    // The header row's copy stays at the top of the scroll box, over the diagram's own names.
    const sticky = screen.getByTestId('seq-sticky-header');
    expect(sticky.closest('[data-testid="seq-scroll"]')).not.toBeNull();
    expect(sticky.getAttribute('aria-hidden')).toBe('true');
    expect(sticky.getAttribute('style')).toContain('margin-bottom: -58px');
    const names = screen.getAllByTestId('seq-lifeline').map((l) => l.querySelector('text')?.textContent ?? '');
    expect([...sticky.querySelectorAll('g')].map((g) => g.querySelector('text')?.textContent ?? '')).toEqual(names);
    expect(container.textContent).not.toMatch(/u-hanmeimei|ecash_|seq\.|\{\w+\}/);

    i18n.set('zh-CN');
    await waitFor(() => expect(screen.getAllByTestId('seq-arrow')[0]!.textContent).toContain('用硬币付款'));
    expect(screen.getByTestId('seq-coin-note').textContent).toContain('无法知道这枚硬币来自哪一次取款');
    expect(screen.getByRole('heading', { level: 3 }).textContent).toBe(`电子现金硬币 ${serial.slice(0, 8)}… 的时序图`);
  });
});
