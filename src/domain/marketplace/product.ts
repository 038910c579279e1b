// Products (商品) a seller lists: the product page shows picture, number, price and spec (seed's B2C
// flow). The form is checked field by field, all at once, so the page can mark every problem; each
// problem is a code the UI translates (`product.field.<problem>`).
//
// Field rules (what the form's help text should say):
// - number (商品编号, SKU): 4-20 characters, letters A-Z, digits and single hyphens between them
//   ("BK-0001", "DG-EAR-01"). Typed in any case or full-width; stored upper-case half-width. Unique
//   on the platform (search finds a product by it). Fixed once created: orders snapshot it.
// - name (商品名称): 1-60 characters (Taobao's title limit), usually Chinese.
// - nameEn: optional English name, at most 120 characters.
// - category: one of category.ts's ids.
// - spec (规格): 1-100 characters, e.g. "500g", "白色 · 标准版".
// - unitPrice: money text (parseMoney: "45", "¥45.00", "４５．００"), above zero, at most ¥1,000,000.00.
// - stock: a whole number from 0 to 1,000,000.
// - description: optional, at most 2,000 characters, line breaks kept.
// - pictureIds: at most 9 ids of stored pictures, each 1-100 characters without spaces.

import { assert } from '../assert.ts';
import { err, ok, type Err, type Ok, type Result } from '../result.ts';
import { money, parseMoney, toStored, type CurrencyCode, type ParseMoneyError, type StoredMoney } from '../money/index.ts';
import { isCategoryId, type CategoryId } from './category.ts';
import { cleanBlock, cleanLine, codePointLength, hasControlCharacters, textInputLengthMax } from './text.ts';

export const productNumberLengthMin = 4;
export const productNumberLengthMax = 20;
export const productNameLengthMax = 60;
export const productNameEnLengthMax = 120;
export const productSpecLengthMax = 100;
export const productDescriptionLengthMax = 2_000;
export const productPicturesMax = 9;
export const pictureIdLengthMax = 100;
/** Stock above this is a typo; also keeps stock × price far inside Decimal's exact range. */
export const productStockMax = 1_000_000;
/** The most a single item may cost, in major units (¥1,000,000.00). */
export const productPriceMaxMajorUnits = '1000000';

const productNumberPattern = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
const pictureIdPattern = /^\S+$/u;

export type ProductRow = {
  readonly id: string;
  readonly sellerId: string;
  /** SKU, normalized (upper-case, half-width). */
  readonly number: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly category: CategoryId;
  readonly spec: string;
  readonly unitPrice: StoredMoney;
  /** Units that can still be ordered; orders reserve from it at checkout. */
  readonly stock: number;
  readonly description: string;
  readonly pictureIds: readonly string[];
  /** Delisted (下架) products stay in orders and carts but cannot be found or bought. */
  readonly listed: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
};

/** What the product form sends: text as typed. */
export type ProductInput = {
  readonly number: string;
  readonly name: string;
  readonly nameEn?: string | null;
  readonly category: string;
  readonly spec: string;
  readonly unitPrice: string;
  readonly stock: string | number;
  readonly description?: string | null;
  readonly pictureIds?: readonly string[] | null;
};

export type ProductField = keyof ProductInput;

export type ProductFieldProblem =
  | 'required'
  | 'too_long'
  | 'too_short'
  | 'invalid_format'
  | 'invalid_characters'
  | 'duplicate'
  | 'invalid_choice'
  | 'not_an_integer'
  | 'negative'
  | 'too_large'
  | 'too_many'
  | ParseMoneyError;

export type ProductFieldErrors = Partial<Record<ProductField, ProductFieldProblem>>;
export type ProductFailure = Err<'product_invalid'> & { readonly fields: ProductFieldErrors };

/** Clean field values, ready to become or update a row. */
export type ProductData = Pick<
  ProductRow,
  'number' | 'name' | 'nameEn' | 'category' | 'spec' | 'unitPrice' | 'stock' | 'description' | 'pictureIds'
>;

export type ProductValidationOptions = {
  readonly currency: CurrencyCode;
  /** Numbers already used on the platform (normalized); a new product may not reuse one. */
  readonly takenNumbers?: readonly string[];
};

/** The stored form of a product number: NFKC (full-width folds), trimmed, upper-case. */
export function normalizeProductNumber(number: string): string {
  assert(typeof number === 'string', 'product number must be a string');
  return number.normalize('NFKC').trim().toUpperCase();
}

function parseStock(value: string | number): number | ProductFieldProblem {
  const text = typeof value === 'number' ? String(value) : value.normalize('NFKC').trim();
  if (text === '') return 'required';
  if (/^-\d+$/.test(text)) return 'negative';
  if (!/^\d+$/.test(text)) return 'not_an_integer';
  if (text.length > 8) return 'too_large';
  const stock = Number.parseInt(text, 10);
  return stock > productStockMax ? 'too_large' : stock;
}

export function validateProductInput(input: ProductInput, options: ProductValidationOptions): Ok<ProductData> | ProductFailure {
  assert(input !== null && typeof input === 'object', 'input must be an object');
  const fields: ProductFieldErrors = {};
  const fail = (field: ProductField, problem: ProductFieldProblem): null => {
    fields[field] = problem;
    return null;
  };
  const text = (field: 'number' | 'name' | 'nameEn' | 'category' | 'spec' | 'unitPrice' | 'description'): string => {
    const value = input[field];
    if (value === undefined || value === null) return '';
    assert(typeof value === 'string', `${field} must be a string`);
    return value;
  };
  const line = (field: 'name' | 'nameEn' | 'spec', lengthMax: number, required: boolean): string | null => {
    const raw = text(field);
    if (raw.length > textInputLengthMax) return fail(field, 'too_long');
    const value = cleanLine(raw);
    if (value === '') return required ? fail(field, 'required') : null;
    if (codePointLength(value) > lengthMax) return fail(field, 'too_long');
    if (hasControlCharacters(value, false)) return fail(field, 'invalid_characters');
    return value;
  };

  let number: string | null = null;
  const numberRaw = text('number');
  if (numberRaw.length > textInputLengthMax) fail('number', 'too_long');
  else {
    const n = normalizeProductNumber(numberRaw);
    if (n === '') fail('number', 'required');
    else if (n.length < productNumberLengthMin) fail('number', 'too_short');
    else if (n.length > productNumberLengthMax) fail('number', 'too_long');
    else if (!productNumberPattern.test(n)) fail('number', 'invalid_format');
    else if ((options.takenNumbers ?? []).includes(n)) fail('number', 'duplicate');
    else number = n;
  }

  const name = line('name', productNameLengthMax, true);
  const nameEn = line('nameEn', productNameEnLengthMax, false);
  const spec = line('spec', productSpecLengthMax, true);

  const categoryText = text('category').trim();
  const category = isCategoryId(categoryText) ? categoryText : null;
  if (categoryText === '') fail('category', 'required');
  else if (category === null) fail('category', 'invalid_choice');

  let unitPrice: StoredMoney | null = null;
  const priceText = text('unitPrice');
  if (priceText.trim() === '') fail('unitPrice', 'required');
  else {
    const parsed = parseMoney(priceText, options.currency, { max: money(productPriceMaxMajorUnits, options.currency) });
    if (parsed.ok) unitPrice = toStored(parsed.value);
    else fail('unitPrice', parsed.code);
  }

  let stock: number | null = null;
  assert(typeof input.stock === 'string' || typeof input.stock === 'number', 'stock must be text or a number');
  const stockParsed = parseStock(input.stock);
  if (typeof stockParsed === 'number') stock = stockParsed;
  else fail('stock', stockParsed);

  let description = '';
  const descriptionRaw = text('description');
  if (descriptionRaw.length > textInputLengthMax) fail('description', 'too_long');
  else {
    description = cleanBlock(descriptionRaw);
    if (codePointLength(description) > productDescriptionLengthMax) fail('description', 'too_long');
    else if (hasControlCharacters(description, true)) fail('description', 'invalid_characters');
  }

  const pictureIds = input.pictureIds ?? [];
  assert(Array.isArray(pictureIds), 'pictureIds must be an array');
  if (pictureIds.length > productPicturesMax) fail('pictureIds', 'too_many');
  else if (!pictureIds.every((id) => typeof id === 'string' && id.length <= pictureIdLengthMax && pictureIdPattern.test(id))) {
    fail('pictureIds', 'invalid_format');
  } else if (new Set(pictureIds).size !== pictureIds.length) fail('pictureIds', 'duplicate');

  if (Object.keys(fields).length > 0) {
    return { ...err('product_invalid', fields as Record<string, string>), fields };
  }
  assert(number !== null && name !== null && spec !== null && category !== null && unitPrice !== null && stock !== null, 'all required fields are set when none failed');
  const data: ProductData = { number, name, nameEn, category, spec, unitPrice, stock, description, pictureIds: [...pictureIds] };
  assert(money(data.unitPrice.amount, data.unitPrice.currency).amount.greaterThan(0) && data.stock >= 0, 'a valid product has a positive price and stock >= 0');
  return ok(data);
}

export type NewProduct = {
  readonly id: string;
  readonly sellerId: string;
  readonly now: number;
} & ProductValidationOptions;

/** A new listed product from the seller's form. */
export function createProduct(input: ProductInput, options: NewProduct): Ok<ProductRow> | ProductFailure {
  assert(options.id.length > 0 && options.sellerId.length > 0, 'product id and seller id are required');
  assert(Number.isSafeInteger(options.now), 'world time is an integer');
  const checked = validateProductInput(input, options);
  if (!checked.ok) return checked;
  return ok({ id: options.id, sellerId: options.sellerId, ...checked.value, listed: true, createdAt: options.now, updatedAt: options.now });
}

/** The fields an edit may change. Number is fixed; stock changes through restock and orders. */
export type ProductEdit = Partial<Pick<ProductInput, 'name' | 'nameEn' | 'category' | 'spec' | 'unitPrice' | 'description' | 'pictureIds'>>;

/** Applies an edit form: every field is re-checked, as the whole product must stay valid. */
export function editProduct(product: ProductRow, edit: ProductEdit, now: number): Ok<ProductRow> | ProductFailure {
  assert(now >= product.updatedAt, 'the world clock never goes backwards');
  const merged: ProductInput = {
    number: product.number,
    name: edit.name ?? product.name,
    nameEn: edit.nameEn === undefined ? product.nameEn : edit.nameEn,
    category: edit.category ?? product.category,
    spec: edit.spec ?? product.spec,
    unitPrice: edit.unitPrice ?? product.unitPrice.amount,
    stock: product.stock,
    description: edit.description === undefined ? product.description : edit.description,
    pictureIds: edit.pictureIds === undefined ? product.pictureIds : edit.pictureIds,
  };
  const checked = validateProductInput(merged, { currency: product.unitPrice.currency });
  if (!checked.ok) return checked;
  assert(checked.value.number === product.number && checked.value.stock === product.stock, 'an edit keeps number and stock');
  return ok({ ...product, ...checked.value, updatedAt: now });
}

/** 下架 / 上架. Doing it twice is reported, so a double click cannot hide a mistake. */
export function setProductListed(
  product: ProductRow,
  listed: boolean,
  now: number,
): Result<ProductRow, 'product_already_listed' | 'product_already_delisted'> {
  assert(now >= product.updatedAt, 'the world clock never goes backwards');
  if (product.listed === listed) return err(listed ? 'product_already_listed' : 'product_already_delisted');
  return ok({ ...product, listed, updatedAt: now });
}

/** 补货: adds `quantity` (a whole number >= 1) to the stock. */
export function restockProduct(
  product: ProductRow,
  quantity: number,
  now: number,
): Result<ProductRow, 'quantity_invalid' | 'stock_too_large'> {
  assert(now >= product.updatedAt, 'the world clock never goes backwards');
  if (!Number.isSafeInteger(quantity) || quantity < 1) return err('quantity_invalid');
  const stock = product.stock + quantity;
  if (stock > productStockMax) return err('stock_too_large', { stockMax: productStockMax });
  return ok({ ...product, stock, updatedAt: now });
}

export function assertProductRow(product: ProductRow): void {
  assert(product.id.length > 0 && product.sellerId.length > 0, 'product has id and seller');
  assert(Number.isSafeInteger(product.stock) && product.stock >= 0 && product.stock <= productStockMax, `stock out of range: ${product.stock}`);
  const price = money(product.unitPrice.amount, product.unitPrice.currency);
  assert(price.amount.isPositive() && !price.amount.isZero(), 'unit price is above zero');
}
