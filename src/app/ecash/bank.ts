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
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ecashTables } from '../../storage/ecash-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { openAccountInTransaction } from '../ledger.ts';
import { registerWorldSeeder } from '../worlds.ts';
import { readClock } from '../clock-read.ts';

// The banks' side of e-cash: each bank's key seed (its "HSM"), the published keys derived from it,
// and the liability account for coins in circulation. A world gets the keys at creation (the `ecash`
// seeder, drawing from the genesis's recorded random tape); a world made before this feature gets
// them before its first withdrawal (ensureEcashBankKeys, outside any command). The liability account
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

/**
 * A world made before e-cash got its banks' keys at creation (the `ecash` seeder) gets them here,
 * on first use, in its own transaction: OUTSIDE any command (issue #19 item 2: key generation is
 * never part of a command's body, so a logged command's input and the world decide its effect).
 * Every world with a command log has a genesis that seeded the keys, so there this never writes;
 * the worlds it writes to have no log and cannot be replayed anyway. Run by the wrapper before
 * the bank's first command.
 */
export async function ensureEcashBankKeys(db: WorldDb, bankId: string): Promise<void> {
  assert(ecashBankIds.includes(bankId), `not a bank: ${bankId}`);
  if ((await ecashTables(db).bankSecrets.get(bankId)) !== undefined) return;
  const seed = crypto.getRandomValues(new Uint8Array(ecashKeySeedLength));
  await db.transaction('rw', [db.table('ecashBankSecrets'), db.table('ecashKeys'), db.meta], async () => {
    // Another tab may have written them meanwhile: the first one's keys stay.
    if ((await ecashTables(db).bankSecrets.get(bankId)) === undefined) await writeBank(db, bankId, seed, await readClock(db));
  });
  seed.fill(0);
}

/** Opens a bank's e-cash liability account on first use (inside a command; its keys are there already). */
export async function ensureEcashBank(db: WorldDb, bankId: string, now: number): Promise<void> {
  assert(ecashBankIds.includes(bankId), `not a bank: ${bankId}`);
  assert((await ecashTables(db).bankSecrets.get(bankId)) !== undefined, `e-cash keys of ${bankId} (seeded, or ensureEcashBankKeys before the command)`);
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
