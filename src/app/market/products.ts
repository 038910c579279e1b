import {
  bytesToHex,
  hexToBytes,
  assert,
  createProduct,
  demoCatalogue,
  demoNumberTag,
  editProduct,
  err,
  normalizeProductNumber,
  ok,
  productPicturesMax,
  restockProduct,
  searchProducts,
  setProductListed,
  type CategoryId,
  type ProductEdit,
  type ProductFailure,
  type ProductInput,
  type ProductRow,
  type Err,
  type Result,
  type SearchHit,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketMetaKeys, marketTables, type PictureRow } from '../../storage/market-tables.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import { type CommandEnv, type CommandMeta, type Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { approvedStoreOf } from '../identity/stores.ts';

// A seller's goods: list (with pictures), edit, delist and relist, restock, and the one-click demo
// catalogue. Only an activated seller whose store the platform approved may do any of it. Pictures
// arrive already resized by the browser (src/ui/market/pictures.ts) and are stored as Blobs with
// the product, in the same command, so a product never points at a missing picture.

/** A stored picture is at most this large (the browser resizes to 800 px JPEG, ~100-200 kB). */
export const pictureBytesMax = 2 * 1024 * 1024;
export const thumbnailBytesMax = 256 * 1024;
export const pictureSideMax = 4096;
/** A seller's product list and the shop's catalogue read at most this many rows. */
export const productsReadMax = 20_000;

export type PictureInput = { readonly image: Blob; readonly thumbnail: Blob; readonly width: number; readonly height: number };

function checkPicture(p: PictureInput): boolean {
  const isImage = (b: unknown, max: number) => b instanceof Blob && b.size > 0 && b.size <= max && b.type.startsWith('image/');
  return isImage(p.image, pictureBytesMax) && isImage(p.thumbnail, thumbnailBytesMax) && [p.width, p.height].every((n) => Number.isInteger(n) && n >= 1 && n <= pictureSideMax);
}

function checkPictures(pictures: readonly PictureInput[], already = 0) {
  if (pictures.length + already > productPicturesMax) return err('too_many_pictures', { max: productPicturesMax });
  if (!pictures.every(checkPicture)) return err('picture_invalid', { maxBytes: pictureBytesMax });
  return ok(null);
}

/** The acting party is an activated seller with an approved store. */
export async function requireSellingSeller(db: WorldDb, sellerId: string) {
  const user = await identityTables(db).users.get(sellerId);
  if (user === undefined || user.role !== 'seller') return err('not_a_seller');
  if (user.status !== 'active') return err('account_not_activated');
  const store = await approvedStoreOf(db, sellerId);
  return store.ok ? ok(null) : store;
}

async function nextProductId(db: WorldDb): Promise<string> {
  const row = await db.meta.get(marketMetaKeys.nextProduct);
  const n = typeof row?.value === 'number' ? row.value : 1;
  await db.meta.put({ key: marketMetaKeys.nextProduct, value: n + 1 });
  return `prd-${String(n).padStart(6, '0')}`;
}

function pictureRows(tx: Tx, product: Pick<ProductRow, 'id' | 'sellerId'>, ids: readonly string[], pictures: readonly PictureInput[]): PictureRow[] {
  assert(ids.length === pictures.length, 'one id per picture');
  return pictures.map((p, i) => ({ id: ids[i]!, productId: product.id, sellerId: product.sellerId, image: p.image, thumbnail: p.thumbnail, width: p.width, height: p.height, createdAt: tx.now }));
}

async function numberTaken(db: WorldDb, number: string): Promise<boolean> {
  const n = normalizeProductNumber(number);
  return n !== '' && (await marketTables(db).products.where('number').equals(n).count()) > 0;
}

/** A picture as a command's input carries it: its bytes as hex (read from the Blob before the transaction). */
export type PictureBytes = { readonly type: string; readonly hex: string };
export type PreparedPicture = { readonly image: PictureBytes; readonly thumbnail: PictureBytes; readonly width: number; readonly height: number };

/** Reads a picture's Blobs into plain JSON (outside any transaction). */
export async function preparePicture(p: PictureInput): Promise<PreparedPicture> {
  const bytes = async (b: Blob): Promise<PictureBytes> => ({ type: b.type, hex: bytesToHex(new Uint8Array(await b.arrayBuffer())) });
  return { image: await bytes(p.image), thumbnail: await bytes(p.thumbnail), width: p.width, height: p.height };
}

/** The Blobs a prepared picture stands for (inside the transaction: no await). */
function pictureOf(p: PreparedPicture): PictureInput {
  const blob = (b: PictureBytes) => new Blob([hexToBytes(b.hex)], { type: b.type });
  return { image: blob(p.image), thumbnail: blob(p.thumbnail), width: p.width, height: p.height };
}

/** What a seller's goods commands touch: the seller's account and store (checked), products, pictures. */
const sellerGoodsStores = ['users', 'stores', 'products', 'pictures'];

/**
 * The domain's refusal of a product form as the command's Err (the same object: its field errors
 * still reach the form), so the command's codes infer as a union (an intersection type does not).
 */
function refusal(failure: ProductFailure): Err<'product_invalid'> {
  return failure;
}

export const listProductCommand = defineCommand({
  name: 'listProduct',
  stores: sellerGoodsStores,
  apply: async (tx, input: { readonly product: Omit<ProductInput, 'pictureIds'>; readonly pictures: readonly PreparedPicture[] }) => {
    const actor = tx.meta.actor;
    const seller = await requireSellingSeller(tx.db, actor);
    if (!seller.ok) return seller;
    const pictures = input.pictures.map(pictureOf);
    const id = await nextProductId(tx.db);
    const pictureIds = pictures.map((_, i) => `${id}-p${i + 1}`);
    const taken = (await numberTaken(tx.db, input.product.number)) ? [normalizeProductNumber(input.product.number)] : [];
    const created = createProduct({ ...input.product, pictureIds }, { id, sellerId: actor, now: tx.now, currency: 'CNY', takenNumbers: taken });
    if (!created.ok) return refusal(created);
    const t = marketTables(tx.db);
    await t.products.add(created.value);
    if (pictures.length > 0) await t.pictures.bulkAdd(pictureRows(tx, created.value, pictureIds, pictures));
    await tx.appendEvent({ type: 'market.product_listed', actor, payload: { productId: id, number: created.value.number, name: created.value.name } });
    return ok(created.value);
  },
});

/** A seller lists a new product from the form, with its pictures. */
export async function listProduct(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly product: Omit<ProductInput, 'pictureIds'>; readonly pictures?: readonly PictureInput[] },
  env: CommandEnv = {},
): Promise<Result<ProductRow, string>> {
  const pictures = input.pictures ?? [];
  const checked = checkPictures(pictures);
  if (!checked.ok) return checked;
  const prepared: PreparedPicture[] = [];
  for (const p of pictures) prepared.push(await preparePicture(p));
  return execute(db, listProductCommand, meta, { product: input.product, pictures: prepared }, env);
}

async function ownProduct(tx: Tx, productId: string) {
  const product = await marketTables(tx.db).products.get(productId);
  if (product === undefined) return err('product_missing', { productId });
  if (product.sellerId !== tx.meta.actor) return err('not_your_product');
  return ok(product);
}

type UpdateProductInput = {
  readonly productId: string;
  readonly edit: Omit<ProductEdit, 'pictureIds'>;
  readonly keepPictureIds?: readonly string[];
  readonly newPictures: readonly PreparedPicture[];
};

export const updateProductCommand = defineCommand({
  name: 'updateProduct',
  stores: sellerGoodsStores,
  apply: async (tx, input: UpdateProductInput) => {
    const actor = tx.meta.actor;
    const seller = await requireSellingSeller(tx.db, actor);
    if (!seller.ok) return seller;
    const own = await ownProduct(tx, input.productId);
    if (!own.ok) return own;
    const product = own.value;
    const newPictures = input.newPictures.map(pictureOf);
    const keep = (input.keepPictureIds ?? product.pictureIds).filter((id) => product.pictureIds.includes(id));
    // New pictures continue the product's numbering, so a removed picture's id is never reused.
    const highest = Math.max(0, ...(await marketTables(tx.db).pictures.where('productId').equals(product.id).primaryKeys()).map((id) => Number(/-p(\d+)$/.exec(id)?.[1] ?? 0)));
    const newIds = newPictures.map((_, i) => `${product.id}-p${highest + i + 1}`);
    const edited = editProduct(product, { ...input.edit, pictureIds: [...keep, ...newIds] }, Math.max(tx.now, product.updatedAt));
    if (!edited.ok) return refusal(edited);
    const t = marketTables(tx.db);
    const removed = product.pictureIds.filter((id) => !keep.includes(id));
    if (removed.length > 0) await t.pictures.bulkDelete(removed);
    if (newPictures.length > 0) await t.pictures.bulkAdd(pictureRows(tx, product, newIds, newPictures));
    await t.products.put(edited.value);
    await tx.appendEvent({ type: 'market.product_edited', actor, payload: { productId: product.id, number: product.number } });
    return ok(edited.value);
  },
});

/**
 * Edits a product: its fields, which stored pictures it keeps (in the order given) and new ones.
 * Number and stock do not change here (stock changes through restock and orders).
 */
export async function updateProduct(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly productId: string; readonly edit: Omit<ProductEdit, 'pictureIds'>; readonly keepPictureIds?: readonly string[]; readonly newPictures?: readonly PictureInput[] },
  env: CommandEnv = {},
): Promise<Result<ProductRow, string>> {
  const newPictures = input.newPictures ?? [];
  const checked = checkPictures(newPictures, input.keepPictureIds?.length ?? 0);
  if (!checked.ok) return checked;
  const prepared: PreparedPicture[] = [];
  for (const p of newPictures) prepared.push(await preparePicture(p));
  const preparedInput: UpdateProductInput = { productId: input.productId, edit: input.edit, newPictures: prepared, ...(input.keepPictureIds === undefined ? {} : { keepPictureIds: input.keepPictureIds }) };
  return execute(db, updateProductCommand, meta, preparedInput, env);
}

export const setListedCommand = defineCommand({
  name: 'setListed',
  stores: sellerGoodsStores,
  apply: async (tx, input: { readonly productId: string; readonly listed: boolean }) => {
    const own = await ownProduct(tx, input.productId);
    if (!own.ok) return own;
    if (input.listed) {
      const seller = await requireSellingSeller(tx.db, tx.meta.actor);
      if (!seller.ok) return seller;
    }
    const changed = setProductListed(own.value, input.listed, Math.max(tx.now, own.value.updatedAt));
    if (!changed.ok) return changed;
    await marketTables(tx.db).products.put(changed.value);
    await tx.appendEvent({ type: input.listed ? 'market.product_relisted' : 'market.product_delisted', actor: tx.meta.actor, payload: { productId: own.value.id, number: own.value.number } });
    return ok(changed.value);
  },
});

/** 下架 (listed = false) or 上架 (true). */
export async function setListed(db: WorldDb, meta: CommandMeta, input: { readonly productId: string; readonly listed: boolean }, env: CommandEnv = {}): Promise<Result<ProductRow, string>> {
  return execute(db, setListedCommand, meta, { productId: input.productId, listed: input.listed }, env);
}

export const restockCommand = defineCommand({
  name: 'restock',
  stores: sellerGoodsStores,
  apply: async (tx, input: { readonly productId: string; readonly quantity: number }) => {
    const own = await ownProduct(tx, input.productId);
    if (!own.ok) return own;
    const changed = restockProduct(own.value, input.quantity, Math.max(tx.now, own.value.updatedAt));
    if (!changed.ok) return changed;
    await marketTables(tx.db).products.put(changed.value);
    await tx.appendEvent({ type: 'market.product_restocked', actor: tx.meta.actor, payload: { productId: own.value.id, number: own.value.number, quantity: input.quantity, stock: changed.value.stock } });
    return ok(changed.value);
  },
});

/** 补货: adds units to the stock. */
export async function restock(db: WorldDb, meta: CommandMeta, input: { readonly productId: string; readonly quantity: number }, env: CommandEnv = {}): Promise<Result<ProductRow, string>> {
  return execute(db, restockCommand, meta, { productId: input.productId, quantity: Number.isFinite(input.quantity) ? input.quantity : -1 }, env);
}

/** Tags tried for demo numbers when another seller's demo products already use the first one. */
const demoTagTriesMax = 20;

export const fillDemoCatalogueCommand = defineCommand({
  name: 'fillDemoCatalogue',
  stores: sellerGoodsStores,
  apply: async (tx, input: { readonly pictures: Readonly<Record<string, PreparedPicture>> }) => {
    const actor = tx.meta.actor;
    const seller = await requireSellingSeller(tx.db, actor);
    if (!seller.ok) return seller;
    const pictures: Record<string, PictureInput> = {};
    for (const [id, p] of Object.entries(input.pictures)) pictures[id] = pictureOf(p);
    const t = marketTables(tx.db);
    const base = demoNumberTag(actor);
    let rows: ProductRow[] | null = null;
    for (let i = 0; i < demoTagTriesMax && rows === null; i++) {
      const tag = i === 0 ? base : `${base.slice(0, 10)}${i + 1}`;
      const candidate = demoCatalogue(actor, { now: tx.now, tag });
      if ((await t.products.bulkGet(candidate.map((p) => p.id))).some((p) => p !== undefined)) return err('demo_catalogue_exists');
      if ((await t.products.where('number').anyOf(candidate.map((p) => p.number)).count()) === 0) rows = candidate;
    }
    if (rows === null) return err('demo_numbers_taken');
    const withPictures = rows.map((p) => (pictures[p.id] === undefined ? p : { ...p, pictureIds: [`${p.id}-p1`] }));
    await t.products.bulkAdd(withPictures);
    const pictureRowsToAdd = withPictures.filter((p) => pictures[p.id] !== undefined).flatMap((p) => pictureRows(tx, p, [`${p.id}-p1`], [pictures[p.id]!]));
    if (pictureRowsToAdd.length > 0) await t.pictures.bulkAdd(pictureRowsToAdd);
    await tx.appendEvent({ type: 'market.demo_catalogue', actor, payload: { count: rows.length } });
    return ok(withPictures);
  },
});

/**
 * Fills the seller's store with the demo catalogue (demo.ts) in one command. `pictures` optionally
 * gives a picture per demo product id (the UI draws simple ones). A second fill is refused.
 */
export async function fillDemoCatalogue(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly pictures?: Readonly<Record<string, PictureInput>> } = {},
  env: CommandEnv = {},
): Promise<Result<ProductRow[], string>> {
  const pictures = input.pictures ?? {};
  if (!Object.values(pictures).every(checkPicture)) return err('picture_invalid', { maxBytes: pictureBytesMax });
  const prepared: Record<string, PreparedPicture> = {};
  for (const [id, p] of Object.entries(pictures)) prepared[id] = await preparePicture(p);
  return execute(db, fillDemoCatalogueCommand, meta, { pictures: prepared }, env);
}

// ---- queries (inside or outside a transaction) -------------------------------------------------

export async function allProducts(db: WorldDb): Promise<ProductRow[]> {
  return marketTables(db).products.limit(productsReadMax).toArray();
}

export async function productsOfSeller(db: WorldDb, sellerId: string): Promise<ProductRow[]> {
  const rows = await marketTables(db).products.where('sellerId').equals(sellerId).limit(productsReadMax).toArray();
  return rows.sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
}

/** The shop's search: listed products by name or number, best match first (domain search.ts). */
export async function searchShop(db: WorldDb, query: string, category?: CategoryId): Promise<SearchHit[]> {
  return searchProducts(await allProducts(db), query, category === undefined ? {} : { category });
}

export async function picturesOf(db: WorldDb, product: ProductRow): Promise<PictureRow[]> {
  const rows = await marketTables(db).pictures.bulkGet([...product.pictureIds]);
  return rows.filter((p): p is PictureRow => p !== undefined);
}
