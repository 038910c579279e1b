import { afterEach, describe, expect, it, vi } from 'vitest';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import {
  bytesToHex,
  concatBytes,
  CryptoInputError,
  CryptoUnavailableError,
  hasWebCryptoEd25519,
  hexToBytes,
  keyPairFromSeed,
  sign,
  signWebCrypto,
  verify,
  verifyBatchSize,
  verifyMany,
  verifyWebCrypto,
  type VerifyItem,
} from '../../src/domain/crypto/index.ts';

// Fixture: RFC 8032 §7.1 test vectors for Ed25519, exact hex (TEST 1, 2, 3, 1024, SHA(abc)).
const rfc8032Vectors = [
  {
    name: 'TEST 1',
    secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    secretKey: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST 1024',
    secretKey: 'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
    publicKey: '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e',
    message:
      '08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98' +
      'fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8' +
      '79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d' +
      '658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc' +
      '1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe' +
      'ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e' +
      '06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef' +
      'efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7' +
      'aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1' +
      '85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2' +
      'd17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24' +
      '554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270' +
      '88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc' +
      '2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07' +
      '07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba' +
      'b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a' +
      'ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e' +
      'c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7' +
      '51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c' +
      '42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8' +
      'ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df' +
      'f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08' +
      'd78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649' +
      'de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4' +
      '88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3' +
      '2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e' +
      '6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f' +
      'b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5' +
      '0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1' +
      '369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d' +
      'b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c' +
      '0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0',
    signature:
      '0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03',
  },
  {
    name: 'TEST SHA(abc)',
    secretKey: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
] as const;

const groupOrder = ed.Point.CURVE().n;

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] = out[bit >> 3]! ^ (1 << (bit & 7));
  return out;
}

function littleEndian32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function fromLittleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** Every 1-bit mutation of a vector's signature and public key, and a few of its message. */
function mutations(v: (typeof rfc8032Vectors)[number]): VerifyItem[] {
  const signature = hexToBytes(v.signature);
  const message = hexToBytes(v.message);
  const publicKey = hexToBytes(v.publicKey);
  const items: VerifyItem[] = [];
  for (let bit = 0; bit < 512; bit++) items.push({ signature: flipBit(signature, bit), message, publicKey });
  for (let bit = 0; bit < 256; bit++) items.push({ signature, message, publicKey: flipBit(publicKey, bit) });
  const messageBits = message.length * 8;
  for (const bit of [0, 1, 7, messageBits - 1, messageBits >> 1].filter((b) => b >= 0 && b < messageBits)) {
    items.push({ signature, message: flipBit(message, bit), publicKey });
  }
  items.push({ signature, message: concatBytes(message, new Uint8Array([0])), publicKey }); // one byte longer
  if (message.length > 0) items.push({ signature, message: message.subarray(0, message.length - 1), publicKey });
  return items;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('RFC 8032 §7.1 vectors', () => {
  it('the SHA(abc) message is SHA-512("abc") (fixture self-check)', () => {
    const vector = rfc8032Vectors[4];
    expect(bytesToHex(sha512(new TextEncoder().encode('abc')))).toBe(vector.message);
    expect(hexToBytes(rfc8032Vectors[3].message).length).toBe(1023);
  });

  for (const v of rfc8032Vectors) {
    it(`${v.name}: noble wrapper derives the key, signs exactly, verifies`, () => {
      const pair = keyPairFromSeed(hexToBytes(v.secretKey));
      expect(bytesToHex(pair.publicKey)).toBe(v.publicKey);
      expect(bytesToHex(sign(hexToBytes(v.message), hexToBytes(v.secretKey)))).toBe(v.signature);
      expect(verify(hexToBytes(v.signature), hexToBytes(v.message), hexToBytes(v.publicKey))).toBe(true);
    });

    it(`${v.name}: WebCrypto signs byte-identically and verifies`, async () => {
      expect(await hasWebCryptoEd25519()).toBe(true);
      expect(bytesToHex(await signWebCrypto(hexToBytes(v.message), hexToBytes(v.secretKey)))).toBe(v.signature);
      expect(await verifyWebCrypto(hexToBytes(v.signature), hexToBytes(v.message), hexToBytes(v.publicKey))).toBe(true);
    });

    it(`${v.name}: every 1-bit mutation of signature and key (and message) is refused by both paths alike`, async () => {
      const items = mutations(v);
      const byNoble = await verifyMany(items, { engine: 'noble' });
      const byWebCrypto = await verifyMany(items, { engine: 'webcrypto' });
      expect(byNoble).toEqual(byWebCrypto);
      expect(byNoble.every((valid) => !valid)).toBe(true);
      // The single-item functions agree with the bulk ones (spot checks keep the test quick).
      for (const i of [0, 255, 256, 511, 512, 700, items.length - 1]) {
        const item = items[i]!;
        expect(verify(item.signature, item.message, item.publicKey)).toBe(false);
        expect(await verifyWebCrypto(item.signature, item.message, item.publicKey)).toBe(false);
      }
    });
  }
});

describe('edge cases where Ed25519 implementations differ', () => {
  const v = rfc8032Vectors[1];
  const seed = hexToBytes(v.secretKey);
  const message = hexToBytes(v.message);

  it('refuses a signer-crafted signature with a small-order point mixed into R on both paths (noble cofactored verify would accept it)', async () => {
    const { scalar, point: A, pointBytes } = ed.utils.getExtendedPublicKey(seed);
    // y = 0 encodes a point of order 4.
    const torsion = ed.Point.fromBytes(new Uint8Array(32));
    expect(torsion.isSmallOrder() && !torsion.is0()).toBe(true);
    const r = 123456789n;
    const R = ed.Point.BASE.multiply(r).add(torsion).toBytes();
    const k = ed.etc.mod(fromLittleEndian(sha512(concatBytes(R, pointBytes, message))), groupOrder);
    const S = ed.etc.mod(r + k * scalar, groupOrder);
    const signature = concatBytes(R, littleEndian32(S));
    expect(A.toBytes()).toEqual(pointBytes);

    // The cofactored equation holds, so the crafted signature is a real disagreement case...
    expect(ed.verify(signature, message, pointBytes, { zip215: false })).toBe(true);
    // ...and both of our paths use the cofactorless one.
    expect(verify(signature, message, pointBytes)).toBe(false);
    expect(await verifyWebCrypto(signature, message, pointBytes)).toBe(false);
    expect(await verifyMany([{ signature, message, publicKey: pointBytes }], { engine: 'noble' })).toEqual([false]);
  });

  it('refuses S >= L (malleated signature) on both paths', async () => {
    const signature = hexToBytes(v.signature);
    const S = fromLittleEndian(signature.subarray(32));
    const malleated = concatBytes(signature.subarray(0, 32), littleEndian32(S + groupOrder));
    const publicKey = hexToBytes(v.publicKey);
    expect(verify(malleated, message, publicKey)).toBe(false);
    expect(await verifyWebCrypto(malleated, message, publicKey)).toBe(false);
  });

  it('refuses small-order and non-canonical public keys on both paths', async () => {
    // Identity key with R = identity and S = 0 satisfies the equation for every message.
    const identity = hexToBytes('0100000000000000000000000000000000000000000000000000000000000000');
    const trivial = concatBytes(identity, new Uint8Array(32));
    expect(verify(trivial, message, identity)).toBe(false);
    expect(await verifyWebCrypto(trivial, message, identity)).toBe(false);
    // y = p + 1 is a non-canonical encoding of y = 1 (the identity).
    const nonCanonical = hexToBytes('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    expect(verify(trivial, message, nonCanonical)).toBe(false);
    expect(await verifyWebCrypto(trivial, message, nonCanonical)).toBe(false);
  });
});

describe('input checks', () => {
  const seed = hexToBytes(rfc8032Vectors[0].secretKey);
  const publicKey = hexToBytes(rfc8032Vectors[0].publicKey);
  const signature = hexToBytes(rfc8032Vectors[0].signature);
  const message = new Uint8Array(0);

  it('throws CryptoInputError on wrong lengths and non-Uint8Array inputs', async () => {
    expect(() => keyPairFromSeed(new Uint8Array(31))).toThrow(CryptoInputError);
    expect(() => keyPairFromSeed(Array.from(seed) as unknown as Uint8Array)).toThrow(CryptoInputError);
    expect(() => sign(message, new Uint8Array(33))).toThrow(CryptoInputError);
    expect(() => sign('hello' as unknown as Uint8Array, seed)).toThrow(CryptoInputError);
    expect(() => verify(signature.subarray(0, 63), message, publicKey)).toThrow(CryptoInputError);
    expect(() => verify(signature, message, publicKey.subarray(1))).toThrow(CryptoInputError);
    expect(() => verify(signature, null as unknown as Uint8Array, publicKey)).toThrow(CryptoInputError);
    await expect(verifyWebCrypto(signature.subarray(0, 63), message, publicKey)).rejects.toThrow(CryptoInputError);
    await expect(signWebCrypto(message, seed.subarray(1))).rejects.toThrow(CryptoInputError);
    await expect(verifyMany([{ signature, message, publicKey: new Uint8Array(31) }])).rejects.toThrow(CryptoInputError);
  });

  it('keyPairFromSeed copies the seed, so wiping the caller buffer does not change it', () => {
    const mine = seed.slice();
    const pair = keyPairFromSeed(mine);
    mine.fill(0);
    expect(bytesToHex(pair.seed)).toBe(rfc8032Vectors[0].secretKey);
  });
});

describe('verifyMany', () => {
  it('detects WebCrypto once and caches the answer', async () => {
    expect(hasWebCryptoEd25519()).toBe(hasWebCryptoEd25519());
    expect(await hasWebCryptoEd25519()).toBe(true);
  });

  it('keeps item order across batches and agrees between engines on a mixed batch', async () => {
    const items: VerifyItem[] = [];
    const expected: boolean[] = [];
    for (let i = 0; i < verifyBatchSize + 100; i++) {
      const v = rfc8032Vectors[i % rfc8032Vectors.length]!;
      const good = i % 3 !== 0;
      const signature = hexToBytes(v.signature);
      items.push({ signature: good ? signature : flipBit(signature, i % 512), message: hexToBytes(v.message), publicKey: hexToBytes(v.publicKey) });
      expected.push(good);
    }
    expect(await verifyMany(items)).toEqual(expected);
    expect(await verifyMany(items, { engine: 'webcrypto' })).toEqual(expected);
    expect(await verifyMany(items.slice(0, 60), { engine: 'noble' })).toEqual(expected.slice(0, 60));
    expect(await verifyMany([])).toEqual([]);
  });

  it('falls back to noble for a key the engine refuses in auto mode, and throws in webcrypto mode', async () => {
    const v = rfc8032Vectors[2];
    const items: VerifyItem[] = [
      { signature: hexToBytes(v.signature), message: hexToBytes(v.message), publicKey: hexToBytes(v.publicKey) },
      { signature: flipBit(hexToBytes(v.signature), 9), message: hexToBytes(v.message), publicKey: hexToBytes(v.publicKey) },
    ];
    await hasWebCryptoEd25519();
    vi.spyOn(globalThis.crypto.subtle, 'importKey').mockRejectedValue(new Error('engine says no'));
    expect(await verifyMany(items)).toEqual([true, false]);
    await expect(verifyMany(items, { engine: 'webcrypto' })).rejects.toThrow(CryptoUnavailableError);
  });

  it('imports each distinct public key into WebCrypto once per call', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const items: VerifyItem[] = [];
    for (let i = 0; i < 40; i++) {
      const v = rfc8032Vectors[i % 2]!;
      items.push({ signature: hexToBytes(v.signature), message: hexToBytes(v.message), publicKey: hexToBytes(v.publicKey) });
    }
    await hasWebCryptoEd25519(); // detection (cached) imports keys of its own
    importKey.mockClear();
    expect((await verifyMany(items, { engine: 'webcrypto' })).every(Boolean)).toBe(true);
    expect(importKey).toHaveBeenCalledTimes(2);
  });
});
