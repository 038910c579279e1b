import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { charWidthPx, wrapName } from '../../src/ui/diagram/wrap.ts';

// A lifeline's name in the diagram's header box (the card payment's screenshot showed
// "Great Wall Card Compan" / "y": names were cut by characters wherever the box ended).

const width = (s: string) => [...s].reduce((w, c) => w + charWidthPx(c, 13), 0);

describe('wrapName', () => {
  it('breaks Latin names between words, never inside one that fits', () => {
    expect(wrapName('Great Wall Card Company', 154)).toEqual(['Great Wall Card', 'Company']);
    expect(wrapName('Eastern Commercial Bank', 154)).toEqual(['Eastern Commercial', 'Bank']);
    expect(wrapName('buyer1', 154)).toEqual(['buyer1']);
  });

  it('breaks CJK names between characters and ends a name that does not fit with …', () => {
    expect(wrapName('长城信用卡公司', 60)).toEqual(['长城信用', '卡公司']);
    expect(wrapName('中华人民共和国东方商业银行上海分行', 60)).toEqual(['中华人民', '共和国东…']);
    expect(wrapName('Industrial and Commercial Bank of China', 130)).toEqual(['Industrial and', 'Commercial Bank…']);
  });

  it('cuts only a word wider than the whole box', () => {
    expect(wrapName('Supercalifragilisticexpialidocious', 100)).toEqual(['Supercalifra', 'gilisticexp…']);
  });

  it('every line fits the box, no line has outer spaces, and an uncut name keeps every character', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('Bank', 'of', 'Card', 'Company', 'SafePay', 'u-lilei', ' ', '银', '行', '安付宝')), { maxLength: 14 }), fc.integer({ min: 40, max: 220 }), (parts, box) => {
        const name = parts.join('').trim();
        const lines = wrapName(name, box);
        expect(lines.length).toBeLessThanOrEqual(2);
        for (const l of lines) {
          expect(width(l)).toBeLessThanOrEqual(box);
          expect(l).toBe(l.trim());
        }
        const cut = lines.some((l) => l.endsWith('…'));
        if (!cut) expect(lines.join('').replace(/\s+/g, '')).toBe(name.replace(/\s+/g, ''));
      }),
    );
  });
});
