import {
  assert,
  bytesToHex,
  err,
  hexToBytes,
  ok,
  openPrivateKey,
  sealPrivateKey,
  utf8Decode,
  utf8Encode,
  ivLength,
  saltLength,
  type Result,
  type SealedPrivateKey,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ecashTables, type SealedBlob } from '../../storage/ecash-tables.ts';
import { readPasswordIterations, systemRandom, type Random } from '../identity/common.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';

// The e-wallet's lock. Each user's wallet has a random 32-byte wallet key, stored only sealed under
// the wallet password (PBKDF2-SHA256 → AES-GCM-256, the crypto module's sealPrivateKey, the same
// iteration count as login passwords). Every coin (serial and signature) and every withdrawal in
// progress (its blinding factors) is stored AES-GCM-encrypted under the wallet key, with the row id
// as associated data (a ciphertext moved to another row does not open). So the coins are bearer
// bytes only to whoever knows the password; what stays in clear is each row's denomination and
// state (the balance shows while locked). The unlocked key lives only in the tab's memory.

export const walletPasswordLengthMin = 6;
const walletKeyLength = 32;

/** An unlocked wallet: its owner and the AES key, held in memory by the owner's tab only. */
export type UnlockedWallet = { readonly ownerId: string; readonly key: CryptoKey };

async function importKey(bytes: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(bytes), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function hasWallet(db: WorldDb, ownerId: string): Promise<boolean> {
  return (await ecashTables(db).wallets.get(ownerId)) !== undefined;
}

/** The wallet's row: its key sealed under the password by the wrapper (never the key or the password). */
export const ecashCreateWalletCommand = defineCommand({
  name: 'ecash.createWallet',
  apply: async (tx, input: { readonly sealedKey: SealedPrivateKey }) => {
    const t = ecashTables(tx.db);
    if (await t.wallets.get(tx.meta.actor)) return err('wallet_exists');
    await t.wallets.add({ ownerId: tx.meta.actor, sealedKey: input.sealedKey, createdAt: tx.now });
    await tx.appendEvent({ type: 'wallet.created', actor: tx.meta.actor, payload: {} });
    return ok(null);
  },
});

/** Creates the user's wallet under `password` and returns it unlocked. */
export async function createWallet(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly password: string },
  env: CommandEnv = {},
  random: Random = systemRandom,
): Promise<Result<UnlockedWallet, string>> {
  if (input.password.length < walletPasswordLengthMin) return err('wallet_password_too_short', { min: walletPasswordLengthMin });
  const keyBytes = random(walletKeyLength);
  const iterations = await readPasswordIterations(db);
  const sealedKey = await sealPrivateKey(keyBytes, input.password, random(saltLength), random(ivLength), iterations);
  const created = await execute(db, ecashCreateWalletCommand, meta, { sealedKey }, env);
  if (!created.ok) return created;
  const key = await importKey(keyBytes);
  keyBytes.fill(0);
  return ok({ ownerId: meta.actor, key });
}

export async function unlockWallet(db: WorldDb, ownerId: string, password: string): Promise<Result<UnlockedWallet, string>> {
  const row = await ecashTables(db).wallets.get(ownerId);
  if (row === undefined) return err('wallet_not_found');
  const opened = await openPrivateKey(row.sealedKey, password);
  if (!opened.ok) return err('wallet_password_wrong');
  const key = await importKey(opened.value);
  opened.value.fill(0);
  return ok({ ownerId, key });
}

/** Encrypts a JSON value for row `rowId` of this wallet. */
export async function sealForWallet(wallet: UnlockedWallet, rowId: string, value: unknown, random: Random = systemRandom): Promise<SealedBlob> {
  const iv = random(12);
  const plain = utf8Encode(JSON.stringify(value));
  const cipher = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: utf8Encode(`${wallet.ownerId}/${rowId}`) },
    wallet.key,
    plain,
  );
  return { iv: bytesToHex(iv), ciphertext: bytesToHex(new Uint8Array(cipher)) };
}

/** Decrypts a row's blob; a wrong key or a moved blob is a bug or tampering (asserted). */
export async function openForWallet<T>(wallet: UnlockedWallet, rowId: string, blob: SealedBlob): Promise<T> {
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: hexToBytes(blob.iv), additionalData: utf8Encode(`${wallet.ownerId}/${rowId}`) },
      wallet.key,
      hexToBytes(blob.ciphertext),
    );
  } catch (error) {
    assert(false, `wallet row ${rowId} does not open: ${String(error)}`);
  }
  return JSON.parse(utf8Decode(new Uint8Array(plain))) as T;
}
