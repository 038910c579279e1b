import {
  assert,
  err,
  ledgerEffectsOf,
  ok,
  releaseStock,
  reserveStock,
  stockLinesOf,
  unreachable,
  type Account,
  type MarketplaceEffect,
  type TransferRequest,
} from '../../domain/index.ts';
import { marketTables } from '../../storage/market-tables.ts';
import type { Tx } from '../command.ts';
import { entriesOfTransfers, moveMoneyChained } from '../ledger.ts';
import { sendMail } from '../mailbox.ts';
import { ensureTradeAccounts, ledgerRequestsOf, walletPartiesOf } from './accounts.ts';

// Carries out the effects a marketplace function returned, inside the caller's transaction: all of
// them or (on a refusal) none, since a failure here fails the whole command. Ledger effects go to
// the ledger as one linked batch, so an order's money never moves halfway.

/** One command never carries more effects than this (an order has about a dozen). */
export const effectsPerCommandMax = 500;

/**
 * Moves money for `orderId` and indexes each new journal entry under the order (the order page's
 * money trail), in the same transaction.
 */
export async function moveOrderMoney(tx: Tx, orderId: string, requests: readonly TransferRequest[], read: readonly Account[] = []) {
  if (requests.length === 0) return ok(null);
  const moved = await moveMoneyChained(tx, requests, read);
  if (!moved.ok) return moved;
  // Each request's entry is the one this batch appended for it (its transfer row keeps that seq),
  // else the one it wrote before (a replayed id, 'exists'): only those are read back.
  const appended = new Map(moved.value.entries.map((e) => [e.transferId, e]));
  const earlier = requests.map((r) => r.id).filter((id) => !appended.has(id));
  const entries = [...requests.flatMap((r) => appended.get(r.id) ?? []), ...(earlier.length === 0 ? [] : await entriesOfTransfers(tx.db, earlier))];
  // A replayed transfer id ('exists') has its entry already indexed; bulkPut keeps it once.
  await marketTables(tx.db).orderEntries.bulkPut(entries.map((e) => ({ orderId, seq: e.seq, transferId: e.transferId })));
  return ok(null);
}

export async function applyMarketEffects(tx: Tx, orderId: string | null, effects: readonly MarketplaceEffect[]) {
  assert(effects.length <= effectsPerCommandMax, `too many effects: ${effects.length}`);
  const t = marketTables(tx.db);

  // Stock first: a sold-out line must refuse the order before anything else is written.
  const reserve = stockLinesOf(effects, 'reserve');
  const release = stockLinesOf(effects, 'release');
  if (reserve.length > 0 || release.length > 0) {
    const ids = [...new Set([...reserve, ...release].map((l) => l.productId))];
    const products = (await t.products.bulkGet(ids)).filter((p) => p !== undefined);
    if (reserve.length > 0) {
      const reserved = reserveStock(products, reserve);
      if (!reserved.ok) return reserved;
      await t.products.bulkPut(reserved.value.map((p) => ({ ...p, updatedAt: Math.max(p.updatedAt, tx.now) })));
    }
    if (release.length > 0) {
      const fresh = (await t.products.bulkGet(ids)).filter((p) => p !== undefined);
      await t.products.bulkPut(releaseStock(fresh, release).map((p) => ({ ...p, updatedAt: Math.max(p.updatedAt, tx.now) })));
    }
  }

  const ledger = ledgerEffectsOf(effects);
  if (ledger.length > 0) {
    assert(orderId !== null, 'ledger effects belong to an order');
    // The accounts just checked (or opened) are handed to the ledger, which then reads none again.
    const accounts = await ensureTradeAccounts(tx.db, walletPartiesOf(ledger), tx.now);
    const moved = await moveOrderMoney(tx, orderId, ledgerRequestsOf(ledger), accounts);
    if (!moved.ok) return moved;
  }

  for (const effect of effects) {
    switch (effect.kind) {
      case 'ledger':
      case 'stock':
        break; // done above
      case 'job.schedule':
        await tx.schedule(effect.job);
        break;
      case 'job.cancel': {
        const job = await tx.db.jobs.get(effect.jobId);
        if (job !== undefined && job.status === 'pending') await tx.db.jobs.put({ ...job, status: 'cancelled' });
        break;
      }
      case 'event':
        await tx.appendEvent(effect.event);
        break;
      case 'notice': {
        const ref = typeof effect.params.orderId === 'string' ? effect.params.orderId : undefined;
        await sendMail(tx, {
          to: effect.to,
          from: 'platform',
          subject: { key: effect.key, params: { ...effect.params } },
          body: { key: 'market.mail.body', params: { ...effect.params } },
          ...(ref === undefined ? {} : { ref }),
        });
        tx.notify(ref === undefined ? { to: [effect.to], kind: effect.key } : { to: [effect.to], kind: effect.key, ref });
        break;
      }
      case 'review': {
        if ((await t.reviews.get(effect.review.id)) !== undefined) return err('already_reviewed');
        await t.reviews.add(effect.review);
        break;
      }
      default:
        return unreachable(effect, 'unknown effect');
    }
  }
  return ok(null);
}
