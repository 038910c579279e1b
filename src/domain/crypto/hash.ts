// SHA-256 is synchronous (@noble/hashes) so fingerprints and key ids can be computed anywhere,
// including inside an IndexedDB transaction, where awaiting WebCrypto would commit it early.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { assertBytes, bytesToHex } from './bytes.ts';

export function sha256(bytes: Uint8Array): Uint8Array {
  assertBytes(bytes, undefined, 'bytes');
  return nobleSha256(bytes);
}

export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}
