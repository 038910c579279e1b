// Finding products: search by name or number, and browsing by category. Only listed products are
// ever returned (a delisted product is off the shelf).
//
// Matching. The query and the product's texts are folded with searchKey (NFKC, lower-case, white
// space collapsed), so "ＢＬＵＥＴＯＯＴＨ", "bluetooth" and "Bluetooth" are the same, and Chinese
// matches as a plain substring (蓝牙 finds 蓝牙耳机). A number is matched upper-cased, exactly or as
// a prefix ("bk-00" finds BK-0001).
//
// Ranking, best first (the `match` of each hit):
//   1. number_exact   the query is the product's number
//   2. number_prefix  the product's number starts with the query (2 characters or more, so a
//                     one-letter query like "d" finds names, not every DG-… number)
//   3. name_exact     the query is the Chinese or English name
//   4. name_prefix    a name starts with the query
//   5. name_contains  a name contains the query
//   6. name_words     every space-separated word of the query is in a name ("耳机 蓝牙")
//   (browse           an empty query: every listed product, in number order)
// Within a number rank: by number. Within a name rank: the earlier the match in the name, the
// better; then the shorter name (a closer fit); then by number, so the order is total and the same
// in every tab.

import { assert } from '../assert.ts';
import { categoryIds, type CategoryId } from './category.ts';
import { normalizeProductNumber, type ProductRow } from './product.ts';
import { searchKey } from './text.ts';

export const searchMatches = ['number_exact', 'number_prefix', 'name_exact', 'name_prefix', 'name_contains', 'name_words', 'browse'] as const;
export type SearchMatch = (typeof searchMatches)[number];

export type SearchHit = {
  readonly product: ProductRow;
  readonly match: SearchMatch;
  /** Where in the name the query starts (code units of the folded name); 0 for number matches. */
  readonly position: number;
};

/** A query longer than this is not a product search; it is cut before any work is done. */
export const searchQueryLengthMax = 100;
/** Shorter number prefixes are not searched as numbers. */
export const numberPrefixLengthMin = 2;
/** A query has at most this many words. */
export const searchWordsMax = 10;
/** At most this many hits are returned (a results page, not a data export). */
export const searchResultsMax = 200;
/** Catalogues larger than this are a bug in the caller (searching the whole world each keystroke). */
export const searchProductsMax = 100_000;

export type SearchOptions = {
  readonly category?: CategoryId;
  readonly limit?: number;
};

function nameMatch(names: readonly string[], query: string, words: readonly string[]): { match: SearchMatch; position: number } | null {
  let best: { match: SearchMatch; position: number } | null = null;
  const consider = (match: SearchMatch, position: number): void => {
    if (best === null || searchMatches.indexOf(match) < searchMatches.indexOf(best.match) || (match === best.match && position < best.position)) {
      best = { match, position };
    }
  };
  for (const name of names) {
    if (name === query) consider('name_exact', 0);
    else if (name.startsWith(query)) consider('name_prefix', 0);
    else {
      const at = name.indexOf(query);
      if (at >= 0) consider('name_contains', at);
      else if (words.length > 1 && words.every((w) => name.includes(w))) consider('name_words', name.indexOf(words[0] ?? ''));
    }
  }
  return best;
}

function compareHits(a: SearchHit, b: SearchHit): number {
  const rank = searchMatches.indexOf(a.match) - searchMatches.indexOf(b.match);
  if (rank !== 0) return rank;
  const byNumber = a.product.number < b.product.number ? -1 : a.product.number > b.product.number ? 1 : 0;
  if (a.match === 'number_exact' || a.match === 'number_prefix') return byNumber !== 0 ? byNumber : a.product.id < b.product.id ? -1 : 1;
  if (a.position !== b.position) return a.position - b.position;
  if (a.product.name.length !== b.product.name.length) return a.product.name.length - b.product.name.length;
  if (a.product.number !== b.product.number) return a.product.number < b.product.number ? -1 : 1;
  return a.product.id < b.product.id ? -1 : a.product.id > b.product.id ? 1 : 0;
}

/**
 * Listed products matching `query`, best first (ranking above). An empty query returns every listed
 * product (of the category, when given) in number order: the shop's front page.
 */
export function searchProducts(products: readonly ProductRow[], query: string, options: SearchOptions = {}): SearchHit[] {
  assert(typeof query === 'string', 'query must be text');
  assert(products.length <= searchProductsMax, `too many products to search: ${products.length}`);
  const limit = options.limit ?? searchResultsMax;
  assert(Number.isInteger(limit) && limit >= 1 && limit <= searchResultsMax, `limit must be in [1, ${searchResultsMax}]`);

  const folded = searchKey(query.slice(0, searchQueryLengthMax));
  const words = folded === '' ? [] : folded.split(' ').slice(0, searchWordsMax);
  const numberQuery = normalizeProductNumber(folded);
  const hits: SearchHit[] = [];
  for (const product of products) {
    if (!product.listed) continue;
    if (options.category !== undefined && product.category !== options.category) continue;
    if (folded === '') {
      hits.push({ product, match: 'browse', position: 0 });
      continue;
    }
    if (product.number === numberQuery) {
      hits.push({ product, match: 'number_exact', position: 0 });
      continue;
    }
    if (numberQuery.length >= numberPrefixLengthMin && product.number.startsWith(numberQuery)) {
      hits.push({ product, match: 'number_prefix', position: 0 });
      continue;
    }
    const names = product.nameEn === null ? [searchKey(product.name)] : [searchKey(product.name), searchKey(product.nameEn)];
    const found = nameMatch(names, folded, words);
    if (found !== null) hits.push({ product, ...found });
  }
  if (folded === '') hits.sort((a, b) => (a.product.number < b.product.number ? -1 : a.product.number > b.product.number ? 1 : 0));
  else hits.sort(compareHits);
  const result = hits.slice(0, limit);
  assert(result.every((h) => h.product.listed), 'search returns listed products only');
  return result;
}

/** Listed products of one category, in number order (the category page). */
export function browseCategory(products: readonly ProductRow[], category: CategoryId, limit = searchResultsMax): ProductRow[] {
  return searchProducts(products, '', { category, limit }).map((h) => h.product);
}

/** How many listed products each category has, for the category menu (all categories, zeros included). */
export function categoryCounts(products: readonly ProductRow[]): Record<CategoryId, number> {
  assert(products.length <= searchProductsMax, `too many products: ${products.length}`);
  const counts = {} as Record<CategoryId, number>;
  for (const id of categoryIds) counts[id] = 0;
  for (const p of products) if (p.listed) counts[p.category] += 1;
  return counts;
}
