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
// Most strings have no surrogate at all; this simple class rules them out quickly.
const anySurrogate = /[\uD800-\uDFFF]/;
function hasLoneSurrogate(text: string): boolean {
  return anySurrogate.test(text) && loneSurrogate.test(text);
}

/**
 * The same rules as describeProblem below, without building a path for every node: verifiers walk
 * thousands of documents that are almost always fine, and only a refusal needs to say where.
 */
function isPlainJson(value: unknown): boolean {
  let nodes = 0;
  const walk = (v: unknown, depth: number): boolean => {
    nodes += 1;
    if (nodes > jsonNodesMax || depth > jsonDepthMax) return false;
    if (v === null || typeof v === 'boolean') return true;
    if (typeof v === 'number') return Number.isFinite(v);
    if (typeof v === 'string') return !hasLoneSurrogate(v);
    if (typeof v !== 'object') return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v) || !walk(v[i], depth + 1)) return false;
      }
      return true;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    if (Object.getOwnPropertySymbols(v).length > 0) return false;
    for (const [key, child] of Object.entries(v)) {
      if (hasLoneSurrogate(key) || !walk(child, depth + 1)) return false;
    }
    return true;
  };
  return walk(value, 0);
}

/** Why `value` is not plain JSON, or null when it is. */
export function jsonSafetyProblem(value: unknown): string | null {
  if (isPlainJson(value)) return null;
  const problem = describeProblem(value);
  assert(problem !== null, 'both walks apply the same rules');
  return problem;
}

function describeProblem(value: unknown): string | null {
  let nodes = 0;
  const walk = (v: unknown, depth: number, path: string): string | null => {
    nodes += 1;
    if (nodes > jsonNodesMax) return `more than ${jsonNodesMax} nodes`;
    if (depth > jsonDepthMax) return `deeper than ${jsonDepthMax} at ${path}`;
    if (v === null || typeof v === 'boolean') return null;
    if (typeof v === 'number') return Number.isFinite(v) ? null : `non-finite number at ${path}`;
    if (typeof v === 'string') return hasLoneSurrogate(v) ? `lone surrogate at ${path}` : null;
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
      if (hasLoneSurrogate(key)) return `lone surrogate in key at ${path}`;
      const problem = walk(child, depth + 1, `${path}.${key}`);
      if (problem !== null) return problem;
    }
    return null;
  };
  return walk(value, 0, '$');
}

export function isJsonSafe(value: unknown): value is JsonValue {
  return isPlainJson(value);
}

/** RFC 8785 canonical JSON text. Asserts the value is plain JSON (a caller bug otherwise). */
export function canonicalString(value: unknown): string {
  if (!isPlainJson(value)) assert(false, `value is not JSON-safe: ${jsonSafetyProblem(value)}`);
  const text = canonicalize(value);
  assert(typeof text === 'string', 'canonicalize returned no text');
  return text;
}

/** RFC 8785 canonical JSON, UTF-8 encoded: the bytes every SettleLab signature covers. */
export function canonicalBytes(value: unknown): Uint8Array<ArrayBuffer> {
  return utf8Encode(canonicalString(value));
}

/**
 * RFC 8785 canonical text of an untrusted value, or null when it is not plain JSON: the rules of
 * isJsonSafe and the text of canonicalString in one walk (a verifier reads thousands of
 * documents). On plain JSON it is what `canonicalize` writes: keys sorted by UTF-16 code units,
 * primitives as JSON.stringify writes them (test/property/crypto-json-safety.test.ts).
 */
export function canonicalJsonIfSafe(value: unknown): string | null {
  let nodes = 0;
  const walk = (v: unknown, depth: number): string | null => {
    nodes += 1;
    if (nodes > jsonNodesMax || depth > jsonDepthMax) return null;
    if (v === null) return 'null';
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : null;
      case 'string':
        return hasLoneSurrogate(v) ? null : JSON.stringify(v);
      case 'object':
        break;
      default:
        return null;
    }
    if (Array.isArray(v)) {
      let out = '[';
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) return null;
        const item = walk(v[i], depth + 1);
        if (item === null) return null;
        out += i === 0 ? item : `,${item}`;
      }
      return `${out}]`;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return null;
    if (Object.getOwnPropertySymbols(v).length > 0) return null;
    const keys = Object.keys(v).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (hasLoneSurrogate(key)) return null;
      const item = walk((v as Record<string, unknown>)[key], depth + 1);
      if (item === null) return null;
      out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${item}`;
    }
    return `${out}}`;
  };
  return walk(value, 0);
}

/** canonicalJsonIfSafe, UTF-8 encoded: the bytes a signature over `value` covers, or null. */
export function canonicalBytesIfSafe(value: unknown): Uint8Array<ArrayBuffer> | null {
  const text = canonicalJsonIfSafe(value);
  return text === null ? null : utf8Encode(text);
}
