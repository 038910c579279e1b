// The desk's lists (differences, the report's lists, the lab's bill rows) show this many rows a
// page, with a "more" control: a 100,000-order day may have thousands of rows, and rendering them
// all at once would hold the page's main thread for seconds.
export const deskPageRows = 50;
/** Pages a list may be opened to (a bound on the "more" control's count, 50,000 rows). */
export const deskPagesMax = 1_000;

/** The first `pages` pages of `rows`. */
export function firstPages<T>(rows: readonly T[], pages: number): readonly T[] {
  return rows.slice(0, Math.min(pages, deskPagesMax) * deskPageRows);
}
