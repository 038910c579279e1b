import { describe, expect, it } from 'vitest';
import { cardNumberText, maskedCardNumberText } from '../../src/ui/format.ts';

// One way to show a card number on every page (issue #12: the pages showed them ungrouped, grouped,
// or masked in different ways).

describe('card numbers on screen', () => {
  it('groups the digits in fours, whatever spaces or dashes came with them', () => {
    expect(cardNumberText('6230580000000017')).toBe('6230 5800 0000 0017');
    expect(cardNumberText('6210950000000000123')).toBe('6210 9500 0000 0000 123');
    expect(cardNumberText('6230 5800-0000 0017')).toBe('6230 5800 0000 0017');
    expect(cardNumberText('6230 5800 0000 0017')).toBe(cardNumberText('6230580000000017'));
  });

  it('shows an id that is not a number as it is', () => {
    expect(cardNumberText('CC000001')).toBe('CC000001');
    expect(cardNumberText('')).toBe('');
  });

  it('masks all but the last four digits in the same groups', () => {
    expect(maskedCardNumberText('0017')).toBe('**** **** **** 0017');
  });
});
