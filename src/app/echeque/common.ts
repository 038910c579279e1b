import {
  assert,
  availableOf,
  bytesToHex,
  err,
  keyPairFromSeed,
  makeEchequeConfig,
  ok,
  recordChequeStatus,
  toStored,
  type Certificate,
  type ChequeAccount,
  type ChequeStatus,
  type ChequeReturnReason,
  type EchequeConfig,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { echequeMetaKeys, echequeTables, type ChequeAccountRow, type ChequeRow } from '../../storage/echeque-tables.ts';
import { latestCertificateOf } from '../identity/ca.ts';
import { systemRandom, type Random } from '../identity/common.ts';
import { tabKeys, type KeyRing } from '../identity/keys.ts';
import type { Tx } from '../command.ts';

// Pieces shared by the e-cheque commands: the world's config, the signer of a tab (the key opened
// at login and the party's certificate), the bank's view of a cheque account. The domain's effects
// (mail, events, the returned-cheque fee) are carried out by the effect interpreter (effects/interpret.ts).

/** Options of commands run in a party's tab. */
export type ChequeOptions = {
  /** Defaults to this tab's key ring; tests pass their own. */
  readonly keyRing?: KeyRing;
  readonly random?: Random;
};

/** The world's e-cheque config: the defaults with a lesson's stored overrides. */
export async function readEchequeConfig(db: WorldDb): Promise<EchequeConfig> {
  const row = await db.meta.get(echequeMetaKeys.config);
  return makeEchequeConfig((row?.value ?? {}) as Partial<EchequeConfig>);
}

export type Signer = { readonly seed: Uint8Array; readonly certificate: Certificate };

/**
 * What a tab signs with for `partyId`: the key opened at login and the party's latest certificate.
 * Runs before a command (reads Dexie outside any transaction).
 */
export async function signerOf(db: WorldDb, worldId: string, partyId: string, keyRing: KeyRing = tabKeys): Promise<Result<Signer, string>> {
  const seed = keyRing.seed(worldId, partyId);
  if (seed === null) return err('login_required');
  const row = await latestCertificateOf(db, partyId);
  if (row === undefined) return err('certificate_required');
  if (row.revoked !== null) return err('certificate_revoked', { serial: row.serial });
  if (bytesToHex(keyPairFromSeed(seed).publicKey) !== row.certificate.body.publicKey) return err('key_mismatch');
  return ok({ seed, certificate: row.certificate });
}

/** A party's name as the world shows it on cheques: its certificate's subject, or its party name. */
export async function chequeNameOf(db: WorldDb, partyId: string): Promise<string> {
  const cert = await latestCertificateOf(db, partyId);
  if (cert !== undefined) return cert.certificate.body.subject.name;
  const party = await db.parties.get(partyId);
  assert(party !== undefined, `party ${partyId} exists`);
  return party.name.zh;
}

export function chequeAccountOf(row: ChequeAccountRow): ChequeAccount {
  return { bankId: row.bankId, accountNumber: row.accountNumber, holderPartyId: row.partyId, holderName: row.holderName, chequeEnabled: true };
}

export async function chequeAccountByNumber(db: WorldDb, bankId: string, accountNumber: string): Promise<ChequeAccountRow | undefined> {
  return echequeTables(db).chequeAccounts.where('[bankId+accountNumber]').equals([bankId, accountNumber]).first();
}

/** What the deposit account can pay now (balance less holds), stored CNY; "0.00" when missing. */
export async function availableText(db: WorldDb, accountId: string): Promise<string> {
  const account = await ledgerTables(db).accounts.get(accountId);
  return account === undefined ? '0.00' : toStored(availableOf(account)).amount;
}

/** A short command id in a tab: `<name>:<random hex>`. */
export function commandIdOf(name: string, random: Random = systemRandom): string {
  return `${name}:${bytesToHex(random(12))}`;
}

/** Appends a status entry to the cheque's record (the domain's status table decides). */
export async function pushChequeStatus(tx: Tx, row: ChequeRow, status: ChequeStatus, by: string, reason: ChequeReturnReason | null = null) {
  const next = recordChequeStatus(row, { status, at: tx.now, by, reason });
  if (!next.ok) return next;
  const updated: ChequeRow = { ...row, status: next.value.status, history: next.value.history };
  await echequeTables(tx.db).cheques.put(updated);
  return ok(updated);
}

// The bank's fee income account (its own book): the effect interpreter opens it with the first fee.
export { feeIncomeAccountId } from '../effects/interpret.ts';
