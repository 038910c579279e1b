import { describe, expect, it } from 'vitest';
import b2cEscrow from '../../src/labs/b2c-escrow.json';
import { loadTeacherLab, removeTeacherLab } from '../../src/app/labs/teacher-labs.ts';
import { createLabWorld, labOfWorld } from '../../src/app/labs/lab-world.ts';
import { labProgress } from '../../src/app/labs/progress.ts';
import { findLab, teacherLabList } from '../../src/labs/lookup.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { openRegistry } from '../../src/storage/registry.ts';
import { labIdOf, labMetaKey } from '../../src/app/labs/marker.ts';
import { meta, testPasswordIterations } from '../helpers/world.ts';
import { addToCart } from '../../src/app/market/cart.ts';
import { payOrder, placeOrders } from '../../src/app/market/orders.ts';
import { loggedInTab } from '../helpers/identity.ts';
import { labUserPassword } from '../../src/app/labs/presets.ts';
import { address, unwrap } from '../helpers/market.ts';
import '../../src/app/features.ts';

// A teacher's own lab file (issue #14 item 1): checked against the app and kept in the registry,
// listed and found like a shipped lab; refused with the problem and its place; a world started
// from it keeps the file (its meta, by a command) and runs after the file leaves the catalogue.

/** The B2C escrow lab as a teacher might adapt it: its own id and title, one question fewer. */
function variant(id: string): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(b2cEscrow)) as typeof b2cEscrow;
  return { ...copy, id, title: { en: 'My escrow lab', zh: '我的担保交易实验' }, questions: copy.questions.slice(0, -1) };
}

describe('a teacher-written lab file', () => {
  it('is stored and listed when it validates, and found by the one look-up', async () => {
    const r = await loadTeacherLab(JSON.stringify(variant('t-listed')), 1);
    expect(r).toMatchObject({ ok: true, value: { id: 't-listed' } });
    expect((await teacherLabList()).map((l) => l.id)).toContain('t-listed');
    expect((await findLab('t-listed'))?.title.en).toBe('My escrow lab');
    expect((await findLab('b2c-escrow'))?.id).toBe('b2c-escrow');
    // The same id again is refused by name (remove first), and nothing changes.
    expect(await loadTeacherLab(JSON.stringify(variant('t-listed')), 2)).toMatchObject({ ok: false, code: 'lab_already_loaded', detail: { id: 't-listed' } });
    expect((await removeTeacherLab('t-listed')).ok).toBe(true);
    expect(await findLab('t-listed')).toBeUndefined();
  });

  it('is refused with the problem and its place, and nothing is stored', async () => {
    const before = await openRegistry().teacherLabs.count();
    const bad = variant('t-bad') as { steps: { check: string }[] };
    bad.steps[1] = { ...bad.steps[1]!, check: 'order.teleported' };
    expect(await loadTeacherLab(JSON.stringify(bad), 1)).toEqual({ ok: false, code: 'lab_invalid', detail: { problem: 'unknown_check', where: 'steps[1].check' } });
    expect(await loadTeacherLab('{ not json', 1)).toMatchObject({ ok: false, code: 'lab_not_json' });
    expect(await loadTeacherLab(' '.repeat(300 * 1024), 1)).toMatchObject({ ok: false, code: 'lab_file_too_large' });
    expect(await openRegistry().teacherLabs.count()).toBe(before);
  });

  it('is refused when it has the id of a lab SettleLab ships', async () => {
    expect(await loadTeacherLab(JSON.stringify(variant('b2c-escrow')), 1)).toEqual({ ok: false, code: 'lab_builtin_id', detail: { id: 'b2c-escrow' } });
    expect(await openRegistry().teacherLabs.get('b2c-escrow')).toBeUndefined();
  });

  it('starts a world that keeps the file and keeps working after the file is removed', async () => {
    unwrap(await loadTeacherLab(JSON.stringify(variant('t-world')), 1));
    const created = unwrap(await createLabWorld({ labId: 't-world', id: 'teacher-lab-world-1', name: 'My lab', createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: 'teacher pass 42' } }));
    const db = openWorldDb(created.entry);
    await db.open();
    // Kept by a logged command (a replayed or exported world has it).
    const marker = (await db.meta.get(labMetaKey))?.value;
    expect(labIdOf(marker)).toBe('t-world');
    expect((await db.table('commandLog').toArray()).some((row: { name: string }) => row.name === 'rememberLabFile')).toBe(true);

    unwrap(await removeTeacherLab('t-world'));
    expect(await findLab('t-world')).toBeUndefined();
    const lab = await labOfWorld(db);
    expect(lab?.id).toBe('t-world');
    expect(lab?.questions).toHaveLength(b2cEscrow.questions.length - 1);

    // Its steps still tick from the world: the buyer pays.
    await loggedInTab(db, created.entry.id, 'lab_buyer', labUserPassword);
    const buyer = 'u-lab_buyer';
    unwrap(await addToCart(db, meta(buyer), { productId: 'u-lab_seller-demo-01', quantity: 1 }));
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }));
    unwrap(await payOrder(db, meta(buyer), { orderId: order!.id }));
    expect((await labProgress(db, lab!)).steps.filter((s) => s.done).map((s) => s.step.id)).toEqual(['pay']);
    db.close();
  });

  it('cannot start a world once removed', async () => {
    expect(await createLabWorld({ labId: 't-gone', id: 'teacher-lab-world-2', name: 'Gone', createdAtMs: 0, passwordIterations: testPasswordIterations })).toMatchObject({ ok: false, code: 'lab_not_found' });
  });
});
