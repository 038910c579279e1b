import { describe, expect, it } from 'vitest';
import { exportWorld, importWorld } from '../../src/app/world-file.ts';
import { getWorld, openWorldDb } from '../../src/app/worlds.ts';
import { listProduct, picturesOf } from '../../src/app/market/products.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { approvedSeller, unwrap } from '../helpers/market.ts';

describe('a marketplace world in an exported file', () => {
  it('keeps products and their pictures (Blobs) through export and import', async () => {
    const { db, id } = await freshWorld('Shop lesson');
    const seller = await approvedSeller(db, 'shop1');
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const picture = { image: new Blob([bytes], { type: 'image/jpeg' }), thumbnail: new Blob([bytes.slice(0, 4)], { type: 'image/jpeg' }), width: 800, height: 600 };
    const product = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 3 }, pictures: [picture] }));
    db.close();
    const file = await exportWorld((await getWorld(id))!);
    const imported = await importWorld(file, { id: `${id}-copy`, createdAtMs: 1 });
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    const copy = openWorldDb(imported.value);
    const row = await marketTables(copy).products.get(product.id);
    expect(row).toMatchObject({ number: 'BK-0001', stock: 3 });
    const [stored] = await picturesOf(copy, row!);
    expect(stored?.image).toBeInstanceOf(Blob);
    expect(stored?.image.type).toBe('image/jpeg');
    expect(new Uint8Array(await stored!.image.arrayBuffer())).toEqual(bytes);
    copy.close();
  });
});
