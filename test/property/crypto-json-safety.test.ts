import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalBytes, canonicalBytesIfSafe, canonicalJsonIfSafe, isJsonSafe, jsonSafetyProblem } from '../../src/domain/crypto/index.ts';

// isJsonSafe takes a fast walk without paths; jsonSafetyProblem explains a refusal with a path.
// Both must apply the same rules, and canonicalBytesIfSafe must equal canonicalBytes on safe values.

const anything = fc.anything({
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
});

describe('JSON safety', () => {
  it('the fast check and the explained check agree on every value', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const problem = jsonSafetyProblem(value);
        expect(isJsonSafe(value)).toBe(problem === null);
        const bytes = canonicalBytesIfSafe(value);
        if (problem === null) expect(bytes).toEqual(canonicalBytes(value));
        else expect(bytes).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('the one-walk canonical text is exactly what canonicalize writes, on every plain JSON value', () => {
    const json = fc.jsonValue({ maxDepth: 6 });
    // Keys that sort differently by code unit and by code point, numbers in every notation.
    const tricky = fc.dictionary(fc.constantFrom('a', 'B', 'é', '\u{1F600}', '\uFF21', '10', '9', ''), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ unit: 'grapheme' }), fc.constant(-0)));
    fc.assert(
      fc.property(fc.oneof(json, tricky, fc.array(tricky)), (value) => {
        expect(canonicalJsonIfSafe(value)).toBe(canonicalize(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('a refusal names where the problem is', () => {
    expect(jsonSafetyProblem({ a: [1, { b: Number.NaN }] })).toBe('non-finite number at $.a[1].b');
    expect(jsonSafetyProblem({ a: [1, , 3] })).toBe('hole at $.a[1]'); // eslint-disable-line no-sparse-arrays
    expect(jsonSafetyProblem({ s: 'x\ud800' })).toBe('lone surrogate at $.s');
    expect(jsonSafetyProblem({ d: new Date(0) })).toBe('non-plain object at $.d');
  });
});
