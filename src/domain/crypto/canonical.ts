// Canonical JSON (RFC 8785, JCS) is what every signature in SettleLab covers: the same value gives
// the same bytes in every tab, browser and export file, whatever order its keys were written in.
// Values must be plain JSON: undefined, NaN, Infinity, functions, Dates, Maps, typed arrays and
// class instances are refused instead of being silently dropped or converted (JSON.stringify
// would turn NaN into null and drop undefined, so two different values could sign the same bytes).
import canonicalize from 'canonicalize';
import { assert } from '../assert.ts';
import { utf8Encode } from './bytes.ts';

/** Deeper nesting than this is refused: no SettleLab document needs it, and it bounds recursion. */
export const jsonDepthMax = 64;
/** Bounds the work one value can cause (arrays + objects + leaves). */
export const jsonNodesMax = 1_000_000;

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

// A lone surrogate has no UTF-8 encoding; RFC 8785 requires well-formed strings.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` is not plain JSON, or null when it is. */
export function jsonSafetyProblem(value: unknown): string | null {
  let nodes = 0;
  const walk = (v: unknown, depth: number, path: string): string | null => {
    nodes += 1;
    if (nodes > jsonNodesMax) return `more than ${jsonNodesMax} nodes`;
    if (depth > jsonDepthMax) return `deeper than ${jsonDepthMax} at ${path}`;
    if (v === null || typeof v === 'boolean') return null;
    if (typeof v === 'number') return Number.isFinite(v) ? null : `non-finite number at ${path}`;
    if (typeof v === 'string') return loneSurrogate.test(v) ? `lone surrogate at ${path}` : null;
    if (typeof v !== 'object') return `${typeof v} at ${path}`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        // `i in v` catches holes ([1,,2]), which JSON.stringify would turn into null.
        if (!(i in v)) return `hole at ${path}[${i}]`;
        const problem = walk(v[i], depth + 1, `${path}[${i}]`);
        if (problem !== null) return problem;
      }
      return null;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return `non-plain object at ${path}`;
    if (Object.getOwnPropertySymbols(v).length > 0) return `symbol key at ${path}`;
    for (const [key, child] of Object.entries(v)) {
      if (loneSurrogate.test(key)) return `lone surrogate in key at ${path}`;
      const problem = walk(child, depth + 1, `${path}.${key}`);
      if (problem !== null) return problem;
    }
    return null;
  };
  return walk(value, 0, '$');
}

export function isJsonSafe(value: unknown): value is JsonValue {
  return jsonSafetyProblem(value) === null;
}

/** RFC 8785 canonical JSON text. Asserts the value is plain JSON (a caller bug otherwise). */
export function canonicalString(value: unknown): string {
  const problem = jsonSafetyProblem(value);
  assert(problem === null, `value is not JSON-safe: ${problem}`);
  const text = canonicalize(value);
  assert(typeof text === 'string', 'canonicalize returned no text');
  return text;
}

/** RFC 8785 canonical JSON, UTF-8 encoded: the bytes every SettleLab signature covers. */
export function canonicalBytes(value: unknown): Uint8Array<ArrayBuffer> {
  return utf8Encode(canonicalString(value));
}
