import './jsdom-bytes.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import SeqDiagram from '../../src/ui/diagram/SeqDiagram.svelte';
import { standaloneSvg } from '../../src/ui/diagram/export.ts';
import { freshWorld } from '../helpers/world.ts';
import { caTab, certifiedBuyer, unwrap } from '../helpers/market.ts';
import { latestCertificateOf, revokeCertificate } from '../../src/app/identity/ca.ts';
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

    const svg = container.querySelector('svg')!;
    const text = standaloneSvg(svg, 'diagram');
    const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
    expect(parsed.querySelector('parsererror')?.textContent ?? null).toBeNull();
    expect(parsed.documentElement.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(parsed.querySelectorAll('[data-testid="seq-arrow"]').length).toBe(3);
    expect(parsed.querySelector('[tabindex]')).toBeNull();
  });
});
