import {
  amountToMinor,
  assert,
  atBankAccountInput,
  balanceOf,
  bankClearingAccountInputs,
  bankingAccountIds as ids,
  bankingCurrency,
  cashDepositRequests,
  centralBankAccountInputs,
  clearingPartyId,
  depositAccountInput,
  issueNotesRequests,
  minorToAmount,
  notesAccountInput,
  reserveDepositRequests,
  scaleOf,
  toMinorUnits,
  toStored,
  type AccountInput,
  type TransferRequest,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { bankingMetaKeys, bankingTables } from '../../storage/banking-tables.ts';
import { applyInTransaction, openAccountInTransaction } from '../ledger.ts';
import { appendEventRow } from '../command.ts';
import { readClock } from '../clock-read.ts';
import { registerWorldSeeder } from '../worlds.ts';
// The ledger's seeder books the vaults this one mirrors: importing it first registers it first,
// whichever module a program imports first.
import '../ledger-seed.ts';
import { issueCardNumber } from './common.ts';

// A new world's banking: the central bank's accounts, each bank's reserve and clearing accounts,
// banknotes matching every institution's seeded vault cash, reserves paid in from the banks'
// vaults, and the institutions' own bank accounts (funded from their vaults at the counter), so
// the escrow agent, the platform, logistics and the card company can pay and be paid by bank from
// the first minute. Runs after the ledger seeder (which books each institution's capital).

/** Each bank pays this much of its vault cash into its reserve account at the central bank. */
export const reserveOpening = '20000000.00';

/** Institutions' bank accounts opened with every world, and the cash each pays in at opening. */
export const institutionBankAccounts: readonly { readonly partyId: string; readonly bankId: string; readonly opening: string }[] = [
  { partyId: 'escrow', bankId: 'bank-a', opening: '3000000.00' },
  { partyId: 'escrow', bankId: 'bank-b', opening: '3000000.00' },
  { partyId: 'platform', bankId: 'bank-a', opening: '500000.00' },
  { partyId: 'logistics', bankId: 'bank-a', opening: '500000.00' },
  { partyId: 'card', bankId: 'bank-b', opening: '30000000.00' },
];

async function open(db: WorldDb, input: AccountInput, now: number): Promise<void> {
  const opened = await openAccountInTransaction(db, input, now);
  assert(opened.ok, `banking seed account ${input.id} opens`);
}

async function post(db: WorldDb, requests: readonly TransferRequest[], now: number): Promise<void> {
  if (requests.length === 0) return;
  const linked = requests.map((r, i) => ({ ...r, linked: i < requests.length - 1 }));
  const results = await applyInTransaction(db, linked, now);
  assert(results.every((r) => r.status === 'created'), `banking seed transfers post: ${JSON.stringify(results.find((r) => r.status === 'failed'))}`);
}

/** Opens an institution's deposit account at a bank (with its own-book mirror and a card). */
export async function openInstitutionAccount(db: WorldDb, partyId: string, bankId: string, now: number, applicationId: string | null): Promise<string> {
  await open(db, depositAccountInput(bankId, partyId), now);
  await open(db, atBankAccountInput(partyId, bankId), now);
  const cardNumber = await issueCardNumber(db, bankId);
  await bankingTables(db).bankAccounts.add({ id: ids.deposit(bankId, partyId), bankId, partyId, cardNumber, openedAt: now, applicationId });
  return cardNumber;
}

/** `amount`, or less when the party's vault holds less (an older world may have spent some). */
async function upToVault(db: WorldDb, partyId: string, amount: string): Promise<string | null> {
  const vault = await ledgerTables(db).accounts.get(ids.vault(partyId));
  if (vault === undefined) return null;
  const scale = scaleOf(bankingCurrency);
  const held = toMinorUnits(balanceOf(vault));
  const wanted = amountToMinor(amount, scale);
  assert(wanted !== undefined && wanted > 0n, 'a configured opening amount');
  const take = held < wanted ? held : wanted;
  return take > 0n ? minorToAmount(take, scale) : null;
}

/** Writes the banking seed inside the caller's transaction; a second call does nothing. */
export async function writeBanking(db: WorldDb, now: number): Promise<void> {
  if ((await db.meta.get(bankingMetaKeys.seeded)) !== undefined) return;
  const parties = await db.parties.toArray();
  const banks = parties.filter((p) => p.kind === 'bank');
  assert(banks.length >= 2 && parties.some((p) => p.id === clearingPartyId), 'a world has two banks and a clearing system');
  for (const input of centralBankAccountInputs()) await open(db, input, now);
  for (const bank of banks) for (const input of bankClearingAccountInputs(bank.id)) await open(db, input, now);

  // Vault cash is banknotes: the central bank's notes account mirrors every institution's vault.
  const { accounts } = ledgerTables(db);
  const issue: TransferRequest[] = [];
  for (const p of parties.filter((q) => q.institution && q.id !== clearingPartyId)) {
    const vault = await accounts.get(ids.vault(p.id));
    if (vault === undefined) continue;
    await open(db, notesAccountInput(p.id), now);
    const amount = toStored(balanceOf(vault)).amount;
    if (amount !== '0.00') issue.push(...issueNotesRequests({ id: `banking:notes:${p.id}`, partyId: p.id, amount, currency: bankingCurrency, code: 'clearing.notes_opening' }));
  }
  await post(db, issue, now);
  for (const bank of banks) {
    const amount = await upToVault(db, bank.id, reserveOpening);
    if (amount !== null) await post(db, reserveDepositRequests({ id: `banking:reserve:${bank.id}`, bankId: bank.id, amount, currency: bankingCurrency }), now);
  }

  for (const a of institutionBankAccounts) {
    if (!parties.some((p) => p.id === a.partyId) || !banks.some((b) => b.id === a.bankId)) continue;
    await openInstitutionAccount(db, a.partyId, a.bankId, now, null);
    const customer = { bankId: a.bankId, partyId: a.partyId, bookAccountId: ids.vault(a.partyId) };
    const amount = await upToVault(db, a.partyId, a.opening);
    if (amount !== null) await post(db, cashDepositRequests({ id: `banking:opening:${a.partyId}:${a.bankId}`, customer, amount, currency: bankingCurrency }), now);
  }
  await db.meta.put({ key: bankingMetaKeys.seeded, value: now });
  await appendEventRow(db, { type: 'bank.seeded', actor: clearingPartyId, parties: banks.map((b) => b.id), payload: { banks: banks.length, reserve: reserveOpening } }, now);
}

registerWorldSeeder({ name: 'banking', write: (db, now) => writeBanking(db, now) });

/**
 * A world made before banking (schema below 4) gets its banking accounts on first use. Safe from
 * several tabs at once: the transaction writes only if nobody did meanwhile.
 */
export async function ensureBanking(db: WorldDb): Promise<'present' | 'created'> {
  if ((await db.meta.get(bankingMetaKeys.seeded)) !== undefined) return 'present';
  return db.transaction('rw', db.tables, async () => {
    if ((await db.meta.get(bankingMetaKeys.seeded)) !== undefined) return 'present';
    await writeBanking(db, await readClock(db));
    return 'created';
  });
}
