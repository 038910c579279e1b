import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromMinorUnits, toChineseCapital, toMinorUnits } from '../../src/domain/index.ts';

// An independent reader of capitals, written the simple way (a running total per 万/亿 section), to
// check that toChineseCapital always writes the amount it was given.
const digitValues: Record<string, bigint> = { 零: 0n, 壹: 1n, 贰: 2n, 叁: 3n, 肆: 4n, 伍: 5n, 陆: 6n, 柒: 7n, 捌: 8n, 玖: 9n };
const smallUnits: Record<string, bigint> = { 拾: 10n, 佰: 100n, 仟: 1000n };

function readCapitalFen(text: string): bigint {
  expect(text.startsWith('人民币')).toBe(true);
  let rest = text.slice(3);
  let yuan = 0n;
  const yuanAt = rest.indexOf('元');
  if (yuanAt >= 0) {
    let section = 0n;
    let digit = 0n;
    let total = 0n;
    for (const ch of rest.slice(0, yuanAt)) {
      if (ch in digitValues) digit = digitValues[ch]!;
      else if (ch in smallUnits) { section += digit * smallUnits[ch]!; digit = 0n; }
      else if (ch === '万') { total += (section + digit) * 10_000n; section = 0n; digit = 0n; }
      else if (ch === '亿') { total = (total + section + digit) * 100_000_000n; section = 0n; digit = 0n; }
      else throw new Error(`unexpected ${ch} in ${text}`);
    }
    yuan = total + section + digit;
    rest = rest.slice(yuanAt + 1);
  }
  let fen = yuan * 100n;
  const jiao = /([壹贰叁肆伍陆柒捌玖])角/.exec(rest);
  if (jiao) fen += digitValues[jiao[1]!]! * 10n;
  const fenMatch = /([壹贰叁肆伍陆柒捌玖])分/.exec(rest);
  if (fenMatch) fen += digitValues[fenMatch[1]!]!;
  return fen;
}

describe('toChineseCapital properties', () => {
  it('writes exactly the amount, in the PBOC shape', () => {
    fc.assert(
      fc.property(fc.oneof(
        fc.bigInt({ min: 0n, max: 10n ** 14n - 1n }),
        // Sparse amounts: mostly zeros, to exercise zero runs across 万 and 亿.
        fc.array(fc.constantFrom<bigint>(0n, 0n, 0n, 1n, 5n, 9n), { minLength: 14, maxLength: 14 })
          .map((ds) => ds.reduce<bigint>((acc, d) => acc * 10n + d, 0n)),
      ), (fenAmount) => {
        const m = fromMinorUnits(fenAmount, 'CNY');
        const text = toChineseCapital(m);
        expect(readCapitalFen(text)).toBe(toMinorUnits(m));
        expect(text).not.toMatch(/零零/); // one 零 per run of zeros
        expect(text).not.toMatch(/[一二三四五六七八九十两0-9]/);
        expect(text).not.toMatch(/分整/); // never 整 after 分
        if (fenAmount === 0n) {
          expect(text).toBe('人民币零元整');
        } else {
          expect(text).not.toMatch(/零[元角分万亿整]/); // 零 is always followed by a digit...
          expect(text).not.toMatch(/^人民币零/); // ...and never leads
        }
        // 整 exactly when there are no fen; 拾 always has its digit.
        expect(text.endsWith('整')).toBe(fenAmount % 10n === 0n);
        expect(text).not.toMatch(/(^人民币|[零万亿])拾/);
      }),
      { numRuns: 1000 },
    );
  });
});
