import { describe, expect, it } from 'vitest';
import {
  categories,
  categoryIds,
  categoryOf,
  createProduct,
  defaultCommissionRates,
  demoCatalogue,
  demoNumberTag,
  editProduct,
  isCommissionRate,
  makeMarketplaceConfig,
  normalizeProductNumber,
  restockProduct,
  setProductListed,
  validateProductInput,
  worldEpochMs,
  type ProductInput,
} from '../../src/domain/index.ts';

const t0 = worldEpochMs;
const valid: ProductInput = {
  number: 'bk-0001',
  name: '《电子商务概论》教材',
  nameEn: 'Introduction to E-Commerce',
  category: 'books',
  spec: '第5版',
  unitPrice: '¥45.00',
  stock: '60',
  description: '教材\r\n含习题',
  pictureIds: ['pic-1', 'pic-2'],
};
const options = { id: 'p1', sellerId: 'seller-1', now: t0, currency: 'CNY' as const };

describe('categories and commission rates', () => {
  it('has a fixed bilingual table with a rate per category', () => {
    expect(categories.map((c) => c.id)).toEqual([...categoryIds]);
    expect(categoryOf('books')).toEqual({ id: 'books', name: { zh: '图书教材', en: 'Books' }, commissionRate: '0.02' });
    expect(categoryOf('digital').commissionRate).toBe('0.03');
    expect(categoryOf('content').commissionRate).toBe('0.006');
    for (const c of categories) expect(c.name.zh.length > 0 && c.name.en.length > 0).toBe(true);
  });

  it('lets a world override rates, fees and timers; bad values are assertions', () => {
    const cfg = makeMarketplaceConfig({ commissionRates: { books: '0.1' }, deliveryFees: { post: '8.00' }, freeShippingThreshold: null });
    expect(cfg.commissionRates.books).toBe('0.1');
    expect(cfg.commissionRates.digital).toBe('0.03');
    expect(cfg.deliveryFees).toEqual({ express: '12.00', post: '8.00' });
    expect(defaultCommissionRates().books).toBe('0.02'); // the default table is not changed
    expect(() => makeMarketplaceConfig({ commissionRates: { books: '1.5' } })).toThrow(/fraction/);
    expect(() => makeMarketplaceConfig({ commissionRates: { books: '2%' } })).toThrow(/fraction/);
    expect(() => makeMarketplaceConfig({ autoConfirmDays: { post: 0 } })).toThrow(/autoConfirmDays/);
    expect(() => makeMarketplaceConfig({ deliveryFees: { express: '-1.00' } })).toThrow(/delivery fee/);
    expect(isCommissionRate('1')).toBe(true);
    expect(isCommissionRate('0')).toBe(true);
    expect(isCommissionRate('1.000001')).toBe(false);
  });
});

describe('product form', () => {
  it('creates a listed product with clean, normalized fields', () => {
    const r = createProduct(valid, options);
    if (!r.ok) throw new Error(JSON.stringify(r.fields));
    expect(r.value).toEqual({
      id: 'p1',
      sellerId: 'seller-1',
      number: 'BK-0001',
      name: '《电子商务概论》教材',
      nameEn: 'Introduction to E-Commerce',
      category: 'books',
      spec: '第5版',
      unitPrice: { amount: '45.00', currency: 'CNY' },
      stock: 60,
      description: '教材\n含习题',
      pictureIds: ['pic-1', 'pic-2'],
      listed: true,
      createdAt: t0,
      updatedAt: t0,
    });
  });

  it('normalizes full-width and lower-case numbers', () => {
    expect(normalizeProductNumber(' ｂｋ－０００１ ')).toBe('BK-0001');
  });

  it('reports every field problem at once, by code', () => {
    const r = validateProductInput(
      { number: 'B!', name: '  ', nameEn: 'x'.repeat(121), category: 'weapons', spec: '', unitPrice: '0', stock: '-3', description: 'a\u0000b', pictureIds: Array(10).fill('p') },
      { currency: 'CNY' },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('product_invalid');
    expect(r.fields).toEqual({
      number: 'too_short',
      name: 'required',
      nameEn: 'too_long',
      category: 'invalid_choice',
      spec: 'required',
      unitPrice: 'money_zero',
      stock: 'negative',
      description: 'invalid_characters',
      pictureIds: 'too_many',
    });
  });

  it.each([
    ['number', 'BK--0001', 'invalid_format'],
    ['number', 'BK_0001', 'invalid_format'],
    ['number', '-BK0001', 'invalid_format'],
    ['number', 'A'.repeat(21), 'too_long'],
    ['number', '', 'required'],
    ['name', '名'.repeat(61), 'too_long'],
    ['spec', 'a\u0007b', 'invalid_characters'],
    ['category', '', 'required'],
    ['unitPrice', '', 'required'],
    ['unitPrice', '-5', 'money_negative'],
    ['unitPrice', '1.234', 'money_too_many_decimals'],
    ['unitPrice', '1000000.01', 'money_above_maximum'],
    ['unitPrice', 'abc', 'money_not_a_number'],
    ['stock', '1.5', 'not_an_integer'],
    ['stock', '', 'required'],
    ['stock', '1000001', 'too_large'],
    ['description', 'x'.repeat(2001), 'too_long'],
  ] as const)('%s %j → %s', (field, value, problem) => {
    const r = validateProductInput({ ...valid, [field]: value }, { currency: 'CNY' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fields).toEqual({ [field]: problem });
  });

  it('accepts boundary values and typed variants', () => {
    for (const [field, value] of [
      ['number', 'A1B2'],
      ['number', 'A'.repeat(20)],
      ['name', '名'.repeat(60)],
      ['unitPrice', '1000000'],
      ['unitPrice', '０．１０'],
      ['stock', 0],
      ['stock', '1000000'],
      ['nameEn', null],
      ['description', null],
    ] as const) {
      expect(validateProductInput({ ...valid, [field]: value }, { currency: 'CNY' }).ok, `${field}=${String(value)}`).toBe(true);
    }
  });

  it('refuses a number already used on the platform, and duplicate or spaced picture ids', () => {
    expect(validateProductInput(valid, { currency: 'CNY', takenNumbers: ['BK-0001'] })).toMatchObject({ fields: { number: 'duplicate' } });
    expect(validateProductInput({ ...valid, pictureIds: ['a', 'a'] }, { currency: 'CNY' })).toMatchObject({ fields: { pictureIds: 'duplicate' } });
    expect(validateProductInput({ ...valid, pictureIds: ['a b'] }, { currency: 'CNY' })).toMatchObject({ fields: { pictureIds: 'invalid_format' } });
  });
});

describe('edit, delist/relist, restock', () => {
  const created = createProduct(valid, options);
  if (!created.ok) throw new Error('fixture');
  const p = created.value;

  it('edits fields, keeping number and stock, and re-validates', () => {
    const r = editProduct(p, { unitPrice: '39.9', spec: '第6版', nameEn: null }, t0 + 10);
    if (!r.ok) throw new Error('edit failed');
    expect(r.value).toMatchObject({ number: 'BK-0001', stock: 60, unitPrice: { amount: '39.90' }, spec: '第6版', nameEn: null, updatedAt: t0 + 10 });
    expect(editProduct(p, { unitPrice: '0' }, t0 + 10)).toMatchObject({ code: 'product_invalid', fields: { unitPrice: 'money_zero' } });
    expect(editProduct(p, { category: 'nope' }, t0 + 10)).toMatchObject({ fields: { category: 'invalid_choice' } });
  });

  it('delists and relists, reporting a repeat', () => {
    const off = setProductListed(p, false, t0 + 1);
    if (!off.ok) throw new Error('delist failed');
    expect(off.value.listed).toBe(false);
    expect(setProductListed(off.value, false, t0 + 2)).toEqual({ ok: false, code: 'product_already_delisted' });
    const on = setProductListed(off.value, true, t0 + 2);
    expect(on.ok && on.value.listed).toBe(true);
    expect(setProductListed(p, true, t0 + 2)).toEqual({ ok: false, code: 'product_already_listed' });
  });

  it('restocks by a positive whole number up to the stock limit', () => {
    const r = restockProduct(p, 40, t0 + 1);
    expect(r.ok && r.value.stock).toBe(100);
    expect(restockProduct(p, 0, t0 + 1)).toEqual({ ok: false, code: 'quantity_invalid' });
    expect(restockProduct(p, 2.5, t0 + 1)).toEqual({ ok: false, code: 'quantity_invalid' });
    expect(restockProduct(p, 1_000_000, t0 + 1)).toEqual({ ok: false, code: 'stock_too_large', detail: { stockMax: 1_000_000 } });
  });
});

describe('demo catalogue', () => {
  it('makes ~12 valid bilingual products across categories, one at ¥0.10', () => {
    const products = demoCatalogue('seller-1');
    expect(products.length).toBeGreaterThanOrEqual(12);
    expect(new Set(products.map((p) => p.category)).size).toBe(categoryIds.length);
    expect(products.map((p) => p.name)).toEqual(expect.arrayContaining(['《电子商务概论》教材', '蓝牙耳机', '新疆红枣 500g']));
    expect(products.every((p) => p.nameEn !== null && /[\u4e00-\u9fff]/.test(p.name))).toBe(true);
    expect(products.filter((p) => p.unitPrice.amount === '0.10').map((p) => p.category)).toEqual(['content']);
    // Each row passes the seller form's validation again, and numbers are unique.
    for (const p of products) {
      expect(validateProductInput({ ...p, unitPrice: p.unitPrice.amount }, { currency: 'CNY' }).ok).toBe(true);
    }
    expect(new Set(products.map((p) => p.number)).size).toBe(products.length);
    expect(products[0]).toMatchObject({ id: 'seller-1-demo-01', number: 'BK-SELLER1-01', sellerId: 'seller-1', listed: true });
  });

  it('gives two sellers different numbers', () => {
    const a = demoCatalogue('seller-a1').map((p) => p.number);
    const b = demoCatalogue('seller-b2').map((p) => p.number);
    expect(a.filter((n) => b.includes(n))).toEqual([]);
    expect(demoNumberTag('——')).toBe('DEMO');
    expect(demoCatalogue('s', { tag: 'X9' })[0]?.number).toBe('BK-X9-01');
  });
});
