import {
  assert,
  bytesToHex,
  ecashBankKeysFromSeed,
  ecashKeySeedLength,
  ecashPublicKeyOf,
  hexToBytes,
  institutionSeeds,
  paymentAccountId,
  type AccountInput,
  type EcashPublicKey,
  type EcashSigningKey,
  type PaymentLedgerEffect,
  type Result,
  type TransferRequest,
  type TransferResult,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ecashTables } from '../../storage/ecash-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { openAccountInTransaction } from '../ledger.ts';
import { moveLinked } from '../banking/common.ts';
import type { Tx } from '../command.ts';
import { registerWorldSeeder } from '../worlds.ts';

// The banks' side of e-cash: each bank's key seed (its "HSM"), the published keys derived from it,
// and the liability account for coins in circulation. A world gets the keys at creation (the `ecash`
// seeder); a world made before this feature gets them on first use (ensureEcashBank), with random
// bytes drawn synchronously so it can run inside a command's transaction. The liability account
// `<bank>:ecash:outstanding` is opened when the bank first signs a coin.

export const ecashBankIds: readonly string[] = institutionSeeds.filter((p) => p.kind === 'bank').map((p) => p.id);

export function outstandingAccountInput(bankId: string): AccountInput {
  return {
    id: paymentAccountId({ role: 'ecash_outstanding', bankId }),
    partyId: bankId,
    bookId: bankId,
    code: 'ecash.outstanding',
    name: 'E-cash outstanding',
    currency: 'CNY',
    normal: 'credit',
    // Never below zero: a deposit of more than was ever issued is a bug the ledger must refuse.
    flags: { debitsMustNotExceedCredits: true },
  };
}

async function writeBank(db: WorldDb, bankId: string, seed: Uint8Array, now: number): Promise<void> {
  assert(seed.length === ecashKeySeedLength, 'e-cash seed length');
  const t = ecashTables(db);
  await t.bankSecrets.put({ bankId, seed: bytesToHex(seed), createdAt: now });
  await t.keys.bulkPut(ecashBankKeysFromSeed(bankId, seed).map(ecashPublicKeyOf));
}

/** The liability account is opened when the bank first signs a coin (a new world's books stay as they were). */
async function ensureOutstanding(db: WorldDb, bankId: string, now: number): Promise<void> {
  const account = outstandingAccountInput(bankId);
  if ((await ledgerTables(db).accounts.get(account.id)) !== undefined) return;
  const opened = await openAccountInTransaction(db, account, now);
  assert(opened.ok, `open ${account.id}`);
}

registerWorldSeeder<Record<string, Uint8Array>>({
  name: 'ecash',
  prepare: async (ctx) => Object.fromEntries(ecashBankIds.map((b) => [b, ctx.random(ecashKeySeedLength)])),
  write: async (db, now, prepared) => {
    for (const bankId of ecashBankIds) await writeBank(db, bankId, prepared[bankId]!, now);
  },
});

/** Opens a bank's e-cash keys (older worlds) and its liability account on first use (inside a transaction). */
export async function ensureEcashBank(db: WorldDb, bankId: string, now: number): Promise<void> {
  assert(ecashBankIds.includes(bankId), `not a bank: ${bankId}`);
  if ((await ecashTables(db).bankSecrets.get(bankId)) === undefined) {
    await writeBank(db, bankId, crypto.getRandomValues(new Uint8Array(ecashKeySeedLength)), now);
  }
  await ensureOutstanding(db, bankId, now);
}

/** The bank's signing keys (only the bank's own commands call this). */
export async function bankSigningKeys(db: WorldDb, bankId: string): Promise<EcashSigningKey[]> {
  const row = await ecashTables(db).bankSecrets.get(bankId);
  assert(row !== undefined, `e-cash keys of ${bankId}`);
  return ecashBankKeysFromSeed(bankId, hexToBytes(row.seed));
}

/** Every bank's published keys: what wallets and merchants check coins with. */
export async function publishedKeys(db: WorldDb): Promise<EcashPublicKey[]> {
  return ecashTables(db).keys.toArray();
}

/** Carries out a domain command's ledger effects as one linked set inside the command. */
export async function applyPaymentEffects(tx: Tx, effects: readonly PaymentLedgerEffect[]): Promise<Result<readonly TransferResult[], string>> {
  const requests: TransferRequest[] = effects.map((e) => ({
    id: e.transferId,
    kind: 'single',
    debitAccountId: paymentAccountId(e.from),
    creditAccountId: paymentAccountId(e.to),
    amount: e.amount.amount,
    currency: e.amount.currency,
    code: e.code,
    refs: e.refs,
  }));
  return moveLinked(tx, requests);
}
