// Byte helpers shared by every signed or hashed structure. Hex is the storage and wire form of
// keys, signatures and hashes (plain strings survive IndexedDB, JSON export and canonical JSON);
// Uint8Array is the working form. Parsing is strict: a malformed hex string is refused, never
// silently truncated, because a silently shortened key or signature would verify differently.

/** Thrown for wrong inputs to crypto functions (wrong type, wrong length, malformed hex). */
export class CryptoInputError extends Error {
  override name = 'CryptoInputError';
}

/** Thrown when WebCrypto (or its Ed25519 / PBKDF2 / AES-GCM support) is missing. */
export class CryptoUnavailableError extends Error {
  override name = 'CryptoUnavailableError';
}

const hexDigits = '0123456789abcdef';
const hexPattern = /^(?:[0-9a-fA-F]{2})*$/;
// Lookup tables: the auditor converts tens of thousands of keys and signatures per run, and a
// table lookup per byte is several times faster than slicing and parseInt.
const hexOfByte: readonly string[] = Array.from({ length: 256 }, (_, b) => hexDigits[b >> 4]! + hexDigits[b & 15]!);
const nibbleOfCode: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 16; i++) {
    table[hexDigits.charCodeAt(i)] = i;
    table[hexDigits.toUpperCase().charCodeAt(i)] = i;
  }
  return table;
})();

/** Asserts `value` is a Uint8Array (of `length` bytes when given); `what` names it in the error. */
export function assertBytes(value: unknown, length: number | undefined, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new CryptoInputError(`${what} must be a Uint8Array, got ${describe(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new CryptoInputError(`${what} must be ${length} bytes, got ${value.length}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return Object.prototype.toString.call(value);
}

/** Lower-case hex, two digits per byte. */
export function bytesToHex(bytes: Uint8Array): string {
  assertBytes(bytes, undefined, 'bytes');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += hexOfByte[bytes[i]!]!;
  return out;
}

/** True when `value` is a hex string (either case), of exactly `bytesLength` bytes when given. */
export function isHex(value: unknown, bytesLength?: number): value is string {
  if (typeof value !== 'string' || !hexPattern.test(value)) return false;
  return bytesLength === undefined || value.length === bytesLength * 2;
}

export function hexToBytes(hex: string, bytesLength?: number): Uint8Array<ArrayBuffer> {
  if (typeof hex !== 'string') throw new CryptoInputError(`hex must be a string, got ${describe(hex)}`);
  if (!hexPattern.test(hex)) throw new CryptoInputError('hex must have an even number of 0-9a-f digits');
  if (bytesLength !== undefined && hex.length !== bytesLength * 2) {
    throw new CryptoInputError(`hex must encode ${bytesLength} bytes, got ${hex.length / 2}`);
  }
  const out = new Uint8Array(hex.length / 2);
  // The pattern above admits only 0-9a-fA-F, so every code has a nibble in the table.
  for (let i = 0; i < out.length; i++) out[i] = (nibbleOfCode[hex.charCodeAt(2 * i)]! << 4) | nibbleOfCode[hex.charCodeAt(2 * i + 1)]!;
  return out;
}

const encoder = new TextEncoder();
// fatal: a byte sequence that is not UTF-8 is an error, not U+FFFD, so decoding never hides damage.
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new CryptoInputError(`text must be a string, got ${describe(text)}`);
  return encoder.encode(text);
}

export function utf8Decode(bytes: Uint8Array): string {
  assertBytes(bytes, undefined, 'bytes');
  return decoder.decode(bytes);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) {
    assertBytes(part, undefined, 'part');
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Constant-time equality for secrets (password hashes, activation codes): the time taken depends
 * only on the lengths, never on where the first difference is, so timing reveals no prefix.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, undefined, 'a');
  assertBytes(b, undefined, 'b');
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/**
 * WebCrypto wants BufferSource backed by a plain ArrayBuffer; a view over a SharedArrayBuffer
 * (or another realm's buffer) is copied so every engine accepts it.
 */
export function toBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  assertBytes(bytes, undefined, 'bytes');
  if (bytes.buffer instanceof ArrayBuffer) return bytes as Uint8Array<ArrayBuffer>;
  return new Uint8Array(bytes);
}
