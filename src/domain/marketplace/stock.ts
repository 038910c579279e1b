// Stock reservation. createOrder and the transitions describe stock changes as effects; these
// functions apply them to the product rows read INSIDE the writing transaction. Because the check
// runs on those rows, not on the rows the buyer saw, two buyers can never both get the last item:
// the second transaction sees stock 0 and gets out_of_stock.

import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import type { MarketplaceEffect, StockEffect } from './effects.ts';
import { productStockMax, type ProductRow } from './product.ts';

export type StockLine = { readonly productId: string; readonly quantity: number };

/** More lines than this in one reservation is a bug (an order has at most orderLinesMax). */
export const stockLinesMax = 1_000;

function totalsByProduct(lines: readonly StockLine[]): Map<string, number> {
  assert(lines.length <= stockLinesMax, `too many stock lines: ${lines.length}`);
  const totals = new Map<string, number>();
  for (const line of lines) {
    assert(Number.isSafeInteger(line.quantity) && line.quantity >= 1, `stock quantity must be a whole number >= 1: ${line.quantity}`);
    totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  }
  return totals;
}

/**
 * Takes the lines' quantities from the products' stock. Returns the updated rows (only those
 * touched, in line order), or the first line that cannot be served: product_missing,
 * product_delisted (the seller took it off the shelf meanwhile), out_of_stock {productId, stock}.
 * Lines naming the same product are added up first, so one call never oversells.
 */
export function reserveStock(
  products: readonly ProductRow[],
  lines: readonly StockLine[],
): Result<ProductRow[], 'out_of_stock' | 'product_missing' | 'product_delisted'> {
  const byId = new Map(products.map((p) => [p.id, p]));
  const totals = totalsByProduct(lines);
  const updated: ProductRow[] = [];
  for (const [productId, quantity] of totals) {
    const product = byId.get(productId);
    if (product === undefined) return err('product_missing', { productId });
    if (!product.listed) return err('product_delisted', { productId });
    if (product.stock < quantity) return err('out_of_stock', { productId, stock: product.stock });
    updated.push({ ...product, stock: product.stock - quantity });
  }
  assert(updated.every((p) => p.stock >= 0), 'stock never goes below zero');
  return ok(updated);
}

/**
 * Gives the lines' quantities back (an order closed before shipping). A delisted product still
 * gets its units back, so relisting shows the true count. A missing product is skipped: it was
 * deleted, and there is nothing to give back to.
 */
export function releaseStock(products: readonly ProductRow[], lines: readonly StockLine[]): ProductRow[] {
  const byId = new Map(products.map((p) => [p.id, p]));
  const updated: ProductRow[] = [];
  for (const [productId, quantity] of totalsByProduct(lines)) {
    const product = byId.get(productId);
    if (product === undefined) continue;
    const stock = Math.min(product.stock + quantity, productStockMax);
    updated.push({ ...product, stock });
  }
  return updated;
}

/** The reserve or release lines among an order's effects, for reserveStock / releaseStock. */
export function stockLinesOf(effects: readonly MarketplaceEffect[], op: StockEffect['op']): StockLine[] {
  return effects
    .filter((e): e is StockEffect => e.kind === 'stock' && e.op === op)
    .map((e) => ({ productId: e.productId, quantity: e.quantity }));
}
