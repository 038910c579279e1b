// Property: changing any single field of a signed cheque (in its body, its signature or its
// certificate) after the drawer signed it gets it returned as altered or fictitious, never paid,
// whether the payee endorsed the cheque before or after the change.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalString, type JsonValue } from '../../src/domain/crypto/index.ts';
import { endorseCheque, presentCheque, type SignedCheque } from '../../src/domain/payments/echeque/index.ts';
import { chequeDate, config, depositTo, goodCheque, goodEndorsed, payeeCert, payeeSeed, presentment } from '../unit/echeque-fixtures.ts';

type Path = readonly (string | number)[];

/** Every leaf path of a JSON value (the fields a forger could change one at a time). */
function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  }
  return [prefix];
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
}

/** A deep copy with the leaf at `path` replaced (or deleted when `replacement` is undefined). */
function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) delete target[last];
  else target[last] = replacement;
  return copy;
}

const cheque = goodCheque as unknown as Record<string, unknown>;
const paths: Path[] = [
  ...leafPaths(goodCheque.payload, ['payload']),
  ['signature'],
  ...leafPaths(goodCheque.signerCertificate, ['signerCertificate']),
];

/** A plausible change of one leaf: one character of a string, a nudge of a number, any JSON, or deletion. */
const tamperArb = fc.constantFrom(...paths).chain((path) => {
  const original = getAt(cheque, path);
  const options: fc.Arbitrary<unknown>[] = [fc.jsonValue(), fc.constant(undefined)];
  if (typeof original === 'string' && original.length > 0) {
    options.push(
      fc.tuple(fc.nat({ max: original.length - 1 }), fc.constantFrom('0', '1', '9', 'a', 'f', 'A', '.', '壹', '玖', '-', ' ')).map(
        ([i, c]) => original.slice(0, i) + c + original.slice(i + 1),
      ),
    );
  }
  if (typeof original === 'number') {
    options.push(fc.integer({ min: -10_000_000, max: 10_000_000 }).filter((d) => d !== 0).map((d) => original + d));
  }
  return fc.tuple(fc.constant(path), fc.oneof(...options));
});

describe('e-cheque tampering', () => {
  it('any single-field change to a signed cheque is returned as altered_or_fictitious, never paid', () => {
    expect(presentCheque(presentment(), config).outcome).toBe('paid');
    fc.assert(
      fc.property(tamperArb, fc.boolean(), ([path, replacement], endorseAfterTampering) => {
        const tampered = setAt(cheque, path, replacement) as SignedCheque;
        // A change that leaves the signed bytes and the certificate exactly as they were is no change.
        fc.pre(canonicalString(tampered as unknown as JsonValue) !== canonicalString(cheque as unknown as JsonValue));
        let endorsement = goodEndorsed.endorsement;
        if (endorseAfterTampering) {
          // The payee (fooled, or in league) endorses the tampered cheque itself.
          const endorsed = endorseCheque(tampered, depositTo, payeeSeed, payeeCert, chequeDate);
          if (endorsed.ok) endorsement = endorsed.value.endorsement;
        }
        const decision = presentCheque(presentment({ presented: { cheque: tampered, endorsement } }), config);
        expect(decision.outcome).toBe('returned');
        if (decision.outcome === 'returned') expect(decision.reason).toBe('altered_or_fictitious');
      }),
      { numRuns: 250 },
    );
  }, 60_000); // ~250 presentments of ~6 signature checks each: seconds on a busy 2-core machine
});
