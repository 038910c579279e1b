import {
  assert,
  bytesToHex,
  hexToBytes,
  denominationMinor,
  ecashAbandonExpiredSessions,
  ecashBankAbandonSession,
  ecashBankCommitNonce,
  ecashBankSignBlinded,
  ecashBlindChallenge,
  ecashDecompose,
  ecashStartWithdrawal,
  ecashUnblind,
  ecashUnitMinor,
  ecashWithdrawalRandomLength,
  err,
  findEcashKey,
  money,
  ok,
  paymentAccountId,
  toMinorUnits,
  availableOf,
  type EcashCoin,
  type EcashDenomination,
  type EcashWalletWithdrawal,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ecashTables, type EcashPurseRow, type SealedBlob } from '../../storage/ecash-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import type { CommandEnv } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { systemRandom, type Random } from '../identity/common.ts';
import { bankSigningKeys, ecashBankIds, ensureEcashBank, ensureEcashBankKeys, publishedKeys } from './bank.ts';
import { interpretEffects, paymentEffects } from '../effects/interpret.ts';
import { openForWallet, sealForWallet, type UnlockedWallet } from './wallet.ts';

// Withdrawing e-cash, one blind signing session per coin (SCHEME.md). The customer's tab runs the
// wallet half (serial, blinding, unblinding: WebCrypto and hashing outside any transaction); each
// bank step is a command (the bank commits a nonce; the bank signs the blinded challenge and debits
// the account). The purse row of a coin being withdrawn holds the sealed wallet state, so a tab
// closed between the bank's signature and unblinding finishes it later (resumeWithdrawals).

/** Coins one withdrawal may make (¥100,000 in ¥100 coins would be 1000: far beyond a lab's needs). */
export const ecashWithdrawalCoinsMax = 200;

let rowCounter = 0;
function newRowId(random: Random): string {
  rowCounter += 1;
  return `coin-${bytesToHex(random(8))}-${rowCounter}`;
}

function commandId(rowId: string, step: string): string {
  return `ecash:${step}:${rowId}`;
}

/**
 * The bank opens its signing session for one coin and the purse row is written (withdrawing). The
 * wallet's state comes sealed (AES-GCM in the tab), the bank's nonce randomness as hex: both made
 * by the wrapper. `totalMinor` is what the whole withdrawal still needs (decimal minor units).
 */
export const ecashOpenSessionCommand = defineCommand({
  name: 'ecash.openSession',
  apply: async (
    tx,
    input: { readonly rowId: string; readonly bankId: string; readonly denomination: EcashDenomination; readonly totalMinor: string; readonly sealed: SealedBlob; readonly nonceRandom: string },
  ) => {
    const ownerId = tx.meta.actor;
    const { rowId, bankId } = input;
    const sessionId = `ecs-${rowId}`;
    await ensureEcashBank(tx.db, bankId, tx.now);
    const account = await ledgerTables(tx.db).accounts.get(paymentAccountId({ role: 'bank_deposit', bankId, partyId: ownerId }));
    if (account === undefined) return err('ecash_no_bank_account', { bankId, partyId: ownerId });
    // Refused before any session opens: a session left open would block the key for everyone.
    if (toMinorUnits(availableOf(account)) < BigInt(input.totalMinor)) {
      return err('insufficient_funds', { accountId: account.id });
    }
    const t = ecashTables(tx.db);
    const keys = await bankSigningKeys(tx.db, bankId);
    const key = findEcashKey(keys, bankId, input.denomination);
    assert(key !== undefined, 'every denomination has a key');
    const open = await t.sessions.where('[keyId+status]').equals([key.keyId, 'open']).toArray();
    // Sessions whose wallet went away are closed here, so they block the key only until they expire.
    for (const s of ecashAbandonExpiredSessions(open, tx.now)) await t.sessions.put(s);
    const committed = ecashBankCommitNonce(open.filter((s) => s.expiresAt > tx.now), { sessionId, account: ownerId, key, nonceRandom: hexToBytes(input.nonceRandom), now: tx.now });
    if (!committed.ok) return committed;
    await t.sessions.add(committed.value.session);
    const row: EcashPurseRow = {
      id: rowId, ownerId, bankId, denomination: input.denomination, state: 'withdrawing',
      sealed: input.sealed, sessionId, response: null, updatedAt: tx.now,
    };
    await t.purse.add(row);
    return ok(committed.value.commitment);
  },
});

/** Opens the bank's signing session for one coin and writes the purse row (withdrawing). */
async function openSession(
  db: WorldDb,
  wallet: UnlockedWallet,
  rowId: string,
  started: EcashWalletWithdrawal,
  totalMinor: bigint,
  env: CommandEnv,
  random: Random,
) {
  const sealed = await sealForWallet(wallet, rowId, started, random);
  const nonceRandom = bytesToHex(random(64));
  // A world older than e-cash gets its bank's keys now, outside the command.
  await ensureEcashBankKeys(db, started.bankId);
  const input = { rowId, bankId: started.bankId, denomination: started.denomination, totalMinor: totalMinor.toString(), sealed, nonceRandom };
  return execute(db, ecashOpenSessionCommand, { id: commandId(rowId, 'open'), actor: wallet.ownerId }, input, env);
}

/** The bank signs the blinded challenge and debits the customer; the purse row keeps s (and the sealed blinded state). */
export const ecashSignBlindedCommand = defineCommand({
  name: 'ecash.signBlinded',
  apply: async (tx, input: { readonly rowId: string; readonly sessionId: string; readonly blindedChallenge: string; readonly sealed: SealedBlob }) => {
    const ownerId = tx.meta.actor;
    const t = ecashTables(tx.db);
    const session = await t.sessions.get(input.sessionId);
    if (session === undefined) return err('session_not_open', { sessionId: input.sessionId });
    assert(session.account === ownerId, 'a customer completes only its own session');
    const key = findEcashKey(await bankSigningKeys(tx.db, session.bankId), session.bankId, session.denomination);
    assert(key !== undefined, 'session key exists');
    const signed = ecashBankSignBlinded(session, { sessionId: session.sessionId, challenge: input.blindedChallenge }, key, tx.now);
    if (!signed.ok) return signed;
    const moved = await interpretEffects(tx, paymentEffects(signed.value.effects));
    if (!moved.ok) return moved;
    await t.sessions.put(signed.value.session);
    await t.purse.update(input.rowId, { sealed: input.sealed, response: signed.value.response.s, updatedAt: tx.now });
    // The event names what the bank saw: the account, the value and the session, never a serial.
    await tx.appendEvent({
      type: 'ecash.withdrawn', actor: ownerId, parties: [session.bankId],
      payload: { sessionId: session.sessionId, bankId: session.bankId, denomination: session.denomination },
    });
    return ok(signed.value.response);
  },
});

/** The bank signs the blinded challenge and debits the customer; the purse row keeps s. */
async function signBlinded(
  db: WorldDb,
  wallet: UnlockedWallet,
  rowId: string,
  blinded: EcashWalletWithdrawal,
  env: CommandEnv,
  random: Random,
) {
  assert(blinded.status === 'blinded', 'sign a blinded withdrawal');
  const sealed = await sealForWallet(wallet, rowId, blinded, random);
  const input = { rowId, sessionId: blinded.sessionId, blindedChallenge: blinded.blindedChallenge, sealed };
  return execute(db, ecashSignBlindedCommand, { id: commandId(rowId, 'sign'), actor: wallet.ownerId }, input, env);
}

/** The unblinded coin, sealed in the tab, replaces the withdrawal's state in its purse row (held). */
export const ecashStoreCoinCommand = defineCommand({
  name: 'ecash.storeCoin',
  apply: async (tx, input: { readonly rowId: string; readonly sealed: SealedBlob }) => {
    const t = ecashTables(tx.db);
    const row = await t.purse.get(input.rowId);
    // The wrapper read it withdrawing and signed; only this command (one id per row) moves it on.
    assert(row !== undefined && row.ownerId === tx.meta.actor && row.state === 'withdrawing', `purse row ${input.rowId} is a signed withdrawal`);
    await t.purse.put({ ...row, state: 'held', sealed: input.sealed, sessionId: null, response: null, updatedAt: tx.now });
    return ok(null);
  },
});

/** Unblinds a signed withdrawal into a coin and stores it sealed in the purse (held). */
async function finish(db: WorldDb, wallet: UnlockedWallet, row: EcashPurseRow, env: CommandEnv, random: Random) {
  assert(row.state === 'withdrawing' && row.response !== null && row.sessionId !== null, 'finish a signed withdrawal');
  const blinded = await openForWallet<EcashWalletWithdrawal>(wallet, row.id, row.sealed);
  const key = findEcashKey(await publishedKeys(db), row.bankId, row.denomination);
  assert(key !== undefined, 'published key exists');
  const coin = ecashUnblind(blinded, { sessionId: row.sessionId, s: row.response }, key);
  if (!coin.ok) return coin;
  // The new blob holds only the coin: the blinding factors a and b (the link to the session) are gone.
  const sealed = await sealForWallet(wallet, row.id, coin.value, random);
  const stored = await execute(db, ecashStoreCoinCommand, { id: commandId(row.id, 'store'), actor: wallet.ownerId }, { rowId: row.id, sealed }, env);
  if (!stored.ok) return stored;
  return coin;
}

/** Closes the bank session of a withdrawal that will not complete and drops its purse row. */
export const ecashAbandonCommand = defineCommand({
  name: 'ecash.abandon',
  apply: async (tx, input: { readonly rowId: string; readonly sessionId: string }) => {
    const t = ecashTables(tx.db);
    const session = await t.sessions.get(input.sessionId);
    if (session?.status === 'open') await t.sessions.put(ecashBankAbandonSession(session, tx.now));
    const row = await t.purse.get(input.rowId);
    if (row?.state === 'withdrawing' && row.response === null) await t.purse.delete(input.rowId);
    return ok(null);
  },
});

/** Closes the bank session of a withdrawal that will not complete and drops its purse row. */
async function abandon(db: WorldDb, wallet: UnlockedWallet, rowId: string, sessionId: string, env: CommandEnv): Promise<void> {
  await execute(db, ecashAbandonCommand, { id: commandId(rowId, 'abandon'), actor: wallet.ownerId }, { rowId, sessionId }, env);
}

/** Withdraws coins of exactly these denominations from the wallet owner's account at `bankId`. */
export async function withdrawDenominations(
  db: WorldDb,
  wallet: UnlockedWallet,
  bankId: string,
  denominations: readonly EcashDenomination[],
  env: CommandEnv = {},
  random: Random = systemRandom,
): Promise<Result<EcashCoin[], string>> {
  if (!ecashBankIds.includes(bankId)) return err('bank_not_found', { bankId });
  if (denominations.length === 0) return err('amount_not_positive');
  if (denominations.length > ecashWithdrawalCoinsMax) return err('ecash_too_many_coins', { max: ecashWithdrawalCoinsMax });
  let remainingMinor = denominations.reduce((t, d) => t + denominationMinor(d), 0n);
  const coins: EcashCoin[] = [];
  for (const denomination of denominations) {
    const rowId = newRowId(random);
    const started = ecashStartWithdrawal(bankId, denomination, random(ecashWithdrawalRandomLength));
    const commitment = await openSession(db, wallet, rowId, started, remainingMinor, env, random);
    if (!commitment.ok) return commitment;
    const key = findEcashKey(await publishedKeys(db), bankId, denomination);
    assert(key !== undefined, 'published key exists');
    const blinded = ecashBlindChallenge(started, commitment.value, key);
    if (!blinded.ok) {
      await abandon(db, wallet, rowId, commitment.value.sessionId, env);
      return blinded;
    }
    const signed = await signBlinded(db, wallet, rowId, blinded.value.withdrawal, env, random);
    if (!signed.ok) {
      await abandon(db, wallet, rowId, commitment.value.sessionId, env);
      return signed;
    }
    const row = await ecashTables(db).purse.get(rowId);
    assert(row !== undefined, 'purse row written');
    const coin = await finish(db, wallet, row, env, random);
    if (!coin.ok) return coin;
    coins.push(coin.value);
    remainingMinor -= denominationMinor(denomination);
  }
  return ok(coins);
}

/** Withdraws `amount` (a multiple of ¥0.10) in the fewest coins. */
export async function withdrawEcash(
  db: WorldDb,
  wallet: UnlockedWallet,
  input: { readonly bankId: string; readonly amount: string },
  env: CommandEnv = {},
  random: Random = systemRandom,
): Promise<Result<EcashCoin[], string>> {
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(input.amount.trim())) return err('amount_invalid');
  const minor = toMinorUnits(money(input.amount.trim(), 'CNY'));
  if (minor <= 0n) return err('amount_not_positive');
  if (minor % ecashUnitMinor !== 0n) return err('amount_not_payable_in_coins', { amount: input.amount });
  const denominations = ecashDecompose(minor);
  return withdrawDenominations(db, wallet, input.bankId, denominations, env, random);
}

/** Finishes withdrawals the bank signed but the tab did not unblind (closed mid-way); drops dead ones. */
export async function resumeWithdrawals(db: WorldDb, wallet: UnlockedWallet, env: CommandEnv = {}, random: Random = systemRandom): Promise<number> {
  const rows = await ecashTables(db).purse.where('[ownerId+state]').equals([wallet.ownerId, 'withdrawing']).toArray();
  let finished = 0;
  for (const row of rows) {
    if (row.response !== null) {
      if ((await finish(db, wallet, row, env, random)).ok) finished += 1;
    } else if (row.sessionId !== null) {
      await abandon(db, wallet, row.id, row.sessionId, env);
    }
  }
  return finished;
}
