// Small text helpers shared by the marketplace forms and search.

import { assert } from '../assert.ts';

/** No marketplace text field is longer; refusing longer input first bounds the work done on it. */
export const textInputLengthMax = 5_000;

/** Length as a person counts it: code points, so 蓝 and 😀 are one character each. */
export function codePointLength(text: string): number {
  return [...text].length;
}

/**
 * How a typed single-line field is kept: trimmed, runs of white space as one space. NOT NFKC: a
 * product called （特价）蓝牙耳机 keeps its full-width brackets on the page; search folds them.
 */
export function cleanLine(text: string): string {
  assert(typeof text === 'string', 'text expected');
  return text.trim().replace(/\s+/g, ' ');
}

/** A multi-line field (description): trimmed, line breaks kept, Windows line ends folded. */
export function cleanBlock(text: string): string {
  assert(typeof text === 'string', 'text expected');
  return text.replace(/\r\n?/g, '\n').trim();
}

/** Control characters other than line breaks and tabs never belong in a product or review. */
export function hasControlCharacters(text: string, allowLineBreaks: boolean): boolean {
  const stripped = allowLineBreaks ? text.replace(/[\n\t]/g, '') : text;
  return /\p{Cc}/u.test(stripped);
}

/**
 * The search key of a text: NFKC (full-width ＡＢＣ１２３ and half-width katakana fold to their
 * ordinary forms), lower-case (Latin letters match whatever case was typed; Chinese has no case),
 * and white space collapsed.
 */
export function searchKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}
