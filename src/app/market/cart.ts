import {
  addToCart as addLine,
  cartTotals,
  emptyCart,
  err,
  ok,
  removeFromCart as removeLine,
  setCartQuantity as setLine,
  type CartRow,
  type CartTotals,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';

// The buyer's cart (购物车), one row per buyer in IndexedDB: every tab of that buyer shows it live,
// and two tabs changing it at once each see the other's change (each command re-reads the row in
// its own readwrite transaction).

/** The acting party is an activated buyer. */
/** Why the acting party may not use a cart. */
export type NotABuyer = 'not_a_buyer' | 'account_not_activated';

export async function requireBuyer(db: WorldDb, partyId: string): Promise<Result<null, NotABuyer>> {
  const user = await identityTables(db).users.get(partyId);
  if (user === undefined || user.role !== 'buyer') return err('not_a_buyer');
  if (user.status !== 'active') return err('account_not_activated');
  return ok(null);
}

export async function cartOf(db: WorldDb, buyerId: string): Promise<CartRow> {
  return (await marketTables(db).carts.get(buyerId)) ?? emptyCart(buyerId, 0);
}

type CartChange<I, C extends string> = (cart: CartRow, db: WorldDb, now: number, input: I) => Promise<Result<CartRow, C>>;

/** A command that changes the acting buyer's cart (re-read inside its own transaction). */
function cartCommand<I extends { readonly productId: string }, C extends string>(name: string, change: CartChange<I, C>) {
  return defineCommand<I, CartRow, C | NotABuyer>({
    name,
    stores: ['users', 'carts', 'products'],
    apply: async (tx, input) => {
      const buyer = await requireBuyer(tx.db, tx.meta.actor);
      if (!buyer.ok) return buyer;
      const cart = await cartOf(tx.db, tx.meta.actor);
      const changed = await change(cart, tx.db, Math.max(tx.now, cart.updatedAt), input);
      if (!changed.ok) return changed;
      await marketTables(tx.db).carts.put(changed.value);
      return changed;
    },
  });
}

type LineInput = { readonly productId: string; readonly quantity: number };

/** A quantity a form made from bad text (NaN) is refused by the domain's own check, as 0.5 would be. */
function lineInput(input: LineInput): LineInput {
  return { productId: input.productId, quantity: Number.isFinite(input.quantity) ? input.quantity : -1 };
}

export const addToCartCommand = cartCommand('addToCart', async (cart, tdb, now, input: LineInput) => {
  const product = await marketTables(tdb).products.get(input.productId);
  if (product === undefined) return err('product_missing', { productId: input.productId });
  return addLine(cart, product, input.quantity, now);
});

export async function addToCart(db: WorldDb, meta: CommandMeta, input: LineInput, env: CommandEnv = {}): Promise<Result<CartRow, string>> {
  return execute(db, addToCartCommand, meta, lineInput(input), env);
}

export const setCartQuantityCommand = cartCommand('setCartQuantity', async (cart, tdb, now, input: LineInput) => {
  const product = await marketTables(tdb).products.get(input.productId);
  if (product === undefined) return input.quantity === 0 ? removeLine(cart, input.productId, now) : err('product_missing', { productId: input.productId });
  return setLine(cart, product, input.quantity, now);
});

/** Sets a line's quantity; 0 removes the line. */
export async function setCartQuantity(db: WorldDb, meta: CommandMeta, input: LineInput, env: CommandEnv = {}): Promise<Result<CartRow, string>> {
  return execute(db, setCartQuantityCommand, meta, lineInput(input), env);
}

export const removeFromCartCommand = cartCommand('removeFromCart', async (cart, _db, now, input: { readonly productId: string }) => removeLine(cart, input.productId, now));

export async function removeFromCart(db: WorldDb, meta: CommandMeta, input: { readonly productId: string }, env: CommandEnv = {}): Promise<Result<CartRow, string>> {
  return execute(db, removeFromCartCommand, meta, { productId: input.productId }, env);
}

/** The cart with its products, subtotals and total (lines that cannot be bought now are marked). */
export async function cartView(db: WorldDb, buyerId: string): Promise<CartTotals> {
  const cart = await cartOf(db, buyerId);
  const products = (await marketTables(db).products.bulkGet(cart.lines.map((l) => l.productId))).filter((p) => p !== undefined);
  return cartTotals(cart, products, 'CNY');
}
