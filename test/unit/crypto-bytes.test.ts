import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../src/domain/assert.ts';
import {
  bytesToHex,
  canonicalBytes,
  canonicalString,
  concatBytes,
  CryptoInputError,
  equalBytes,
  hexToBytes,
  isHex,
  isJsonSafe,
  jsonDepthMax,
  sha256Hex,
  utf8Decode,
  utf8Encode,
} from '../../src/domain/crypto/index.ts';

describe('hex and utf8', () => {
  it('round-trips bytes through lower-case hex', () => {
    const bytes = new Uint8Array([0, 1, 15, 16, 127, 128, 254, 255]);
    expect(bytesToHex(bytes)).toBe('00010f107f80feff');
    expect(hexToBytes('00010F107f80FEFF')).toEqual(bytes);
    expect(hexToBytes('')).toEqual(new Uint8Array(0));
  });

  it('refuses malformed hex and wrong lengths with CryptoInputError', () => {
    expect(() => hexToBytes('abc')).toThrow(CryptoInputError);
    expect(() => hexToBytes('zz')).toThrow(CryptoInputError);
    expect(() => hexToBytes('0x00')).toThrow(CryptoInputError);
    expect(() => hexToBytes('00 11')).toThrow(CryptoInputError);
    expect(() => hexToBytes('0011', 3)).toThrow(CryptoInputError);
    expect(() => hexToBytes(42 as unknown as string)).toThrow(CryptoInputError);
    expect(() => bytesToHex([1, 2] as unknown as Uint8Array)).toThrow(CryptoInputError);
    expect(isHex('00ff', 2)).toBe(true);
    expect(isHex('00ff', 3)).toBe(false);
    expect(isHex('0g')).toBe(false);
    expect(isHex(null)).toBe(false);
  });

  it('encodes UTF-8 and refuses invalid UTF-8 when decoding', () => {
    expect(bytesToHex(utf8Encode('结算'))).toBe('e7bb93e7ae97');
    expect(utf8Decode(hexToBytes('e7bb93e7ae97'))).toBe('结算');
    expect(() => utf8Decode(new Uint8Array([0xff, 0xfe]))).toThrow();
  });

  it('concatenates and compares bytes', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array([]), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
  });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 known answers', () => {
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(utf8Encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('canonicalBytes (RFC 8785)', () => {
  it('gives the same bytes whatever the key order', () => {
    const a = canonicalBytes({ b: 1, a: { d: [1, 'x'], c: null } });
    const b = canonicalBytes({ a: { c: null, d: [1, 'x'] }, b: 1 });
    expect(a).toEqual(b);
    expect(utf8Decode(a)).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
  });

  it('serializes numbers, strings and literals as RFC 8785 §3.2.2 shows', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    expect(canonicalString(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as RFC 8785 §3.2.3 shows', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const expectedOrder = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'] as const;
    const expected = `{${expectedOrder.map((k) => `${JSON.stringify(k)}:${JSON.stringify(input[k])}`).join(',')}}`;
    expect(canonicalString(input)).toBe(expected);
  });

  it('encodes the canonical text as UTF-8', () => {
    expect(bytesToHex(canonicalBytes({ 名: '值' }))).toBe(bytesToHex(utf8Encode('{"名":"值"}')));
  });

  const unsafe: [string, unknown][] = [
    ['undefined', undefined],
    ['an undefined property', { a: 1, b: undefined }],
    ['an undefined array element', [1, undefined]],
    ['a hole', [1, , 2]], // eslint-disable-line no-sparse-arrays
    ['NaN', { a: NaN }],
    ['Infinity', [Infinity]],
    ['-Infinity', -Infinity],
    ['a function', { f: () => 1 }],
    ['a symbol', Symbol('s')],
    ['a bigint', 1n],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a Uint8Array', new Uint8Array(1)],
    ['a class instance', new (class Thing {})()],
    ['a symbol key', { [Symbol('k')]: 1 }],
    ['a lone surrogate', '\ud800'],
    ['a lone surrogate key', { '\udc00': 1 }],
  ];
  for (const [name, value] of unsafe) {
    it(`refuses ${name}`, () => {
      expect(isJsonSafe(value)).toBe(false);
      expect(() => canonicalBytes(value)).toThrow(AssertionError);
    });
  }

  it('accepts plain JSON, including null-prototype objects and -0 (written as 0)', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.x = -0;
    expect(isJsonSafe(bare)).toBe(true);
    expect(canonicalString(bare)).toBe('{"x":0}');
    expect(canonicalString('\ud83d\ude00')).toBe('"😀"');
  });

  it(`refuses nesting deeper than ${jsonDepthMax}`, () => {
    let deep: unknown = 0;
    for (let i = 0; i < jsonDepthMax; i++) deep = [deep];
    expect(isJsonSafe(deep)).toBe(true);
    expect(isJsonSafe([deep])).toBe(false);
  });
});
