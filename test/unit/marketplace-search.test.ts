import { describe, expect, it } from 'vitest';
import { browseCategory, categoryCounts, demoCatalogue, searchProducts, type ProductRow } from '../../src/domain/index.ts';

const products: ProductRow[] = [
  ...demoCatalogue('seller-1', { tag: 'S1' }),
  { ...(demoCatalogue('seller-2', { tag: 'S2' })[2] as ProductRow), listed: false }, // a delisted 蓝牙耳机
];
const names = (hits: { product: ProductRow }[]): string[] => hits.map((h) => h.product.name);

describe('searchProducts', () => {
  it('finds Chinese names by substring', () => {
    expect(names(searchProducts(products, '耳机'))).toEqual(['蓝牙耳机']);
    expect(names(searchProducts(products, '红枣'))).toEqual(['新疆红枣 500g']);
  });

  it('is case-insensitive for Latin and folds full-width forms (NFKC)', () => {
    for (const q of ['bluetooth', 'BLUETOOTH', 'ＢＬＵＥＴＯＯＴＨ', '  Bluetooth  ']) {
      expect(names(searchProducts(products, q)), q).toEqual(['蓝牙耳机']);
    }
    expect(names(searchProducts(products, '１０000ｍａｈ'))).toEqual(['移动电源 10000mAh']);
  });

  it('finds by number, exactly or by prefix, ranked before name matches', () => {
    expect(searchProducts(products, 'dg-s1-03').map((h) => [h.product.number, h.match])).toEqual([['DG-S1-03', 'number_exact']]);
    expect(searchProducts(products, 'ｂｋ-s1').map((h) => [h.product.number, h.match])).toEqual([
      ['BK-S1-01', 'number_prefix'],
      ['BK-S1-02', 'number_prefix'],
    ]);
  });

  it('ranks exact name, then prefix, then contains (earlier first), then all words', () => {
    const rows: ProductRow[] = ['茶', '茶杯', '绿茶', '龙井绿茶', '杯 茶具'].map((name, i) => ({
      ...(products[0] as ProductRow),
      id: `t${i}`,
      number: `TEA-${i}`,
      name,
      nameEn: null,
    }));
    expect(searchProducts(rows, '茶').map((h) => [h.product.name, h.match])).toEqual([
      ['茶', 'name_exact'],
      ['茶杯', 'name_prefix'],
      ['绿茶', 'name_contains'], // found at position 1
      ['杯 茶具', 'name_contains'], // position 2
      ['龙井绿茶', 'name_contains'], // position 3
    ]);
    expect(searchProducts(rows, '茶').map((h) => h.position)).toEqual([0, 0, 1, 2, 3]);
    // Same rank and position: the shorter name first.
    const ties: ProductRow[] = ['绿茶叶', '红茶'].map((name, i) => ({ ...(rows[0] as ProductRow), id: `u${i}`, number: `TIE-${i}`, name }));
    expect(names(searchProducts(ties, '茶'))).toEqual(['红茶', '绿茶叶']);
    expect(searchProducts(rows, '茶具 杯').map((h) => [h.product.name, h.match])).toEqual([['杯 茶具', 'name_words']]);
  });

  it('never returns delisted products, and filters by category', () => {
    expect(searchProducts(products, '蓝牙').every((h) => h.product.listed)).toBe(true);
    expect(searchProducts(products, 'DG-S2')).toEqual([]);
    expect(names(searchProducts(products, '《', { category: 'books' }))).toEqual(['《网上支付与结算》', '《电子商务概论》教材']);
  });

  it('an empty query lists everything listed in number order; a limit cuts the page', () => {
    const all = searchProducts(products, '');
    expect(all).toHaveLength(13);
    expect(all.every((h) => h.match === 'browse')).toBe(true);
    expect(all.map((h) => h.product.number)).toEqual([...all.map((h) => h.product.number)].sort());
    expect(searchProducts(products, '', { limit: 3 })).toHaveLength(3);
    expect(() => searchProducts(products, '', { limit: 0 })).toThrow(/limit/);
  });

  it('one-letter queries do not match numbers by prefix', () => {
    expect(searchProducts(products, 'd').every((h) => h.match !== 'number_prefix')).toBe(true);
  });
});

describe('browsing by category', () => {
  it('lists a category and counts every category', () => {
    expect(browseCategory(products, 'content').map((p) => p.unitPrice.amount)).toEqual(['0.10', '0.50']);
    const counts = categoryCounts(products);
    expect(counts.digital).toBe(2); // the delisted one is not counted
    expect(counts.books).toBe(2);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(13);
  });
});
