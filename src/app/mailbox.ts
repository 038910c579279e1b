import Dexie from 'dexie';
import { assert, err, ok, type Result } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { identityTables, type MailRow, type MailText } from '../storage/identity-tables.ts';
import { type CommandEnv, type CommandMeta, type Tx } from './command.ts';
import { defineCommand, execute } from './pipeline.ts';

// Every party's in-world mailbox (站内信). Features send mail inside their own command's
// transaction, so a mail exists exactly when the change it reports does: the activation code, a
// certificate issued or revoked, a store approved, later e-cheques and statements. Subject and body
// are message keys with parameters, so each reader sees the mail in their own language.

/** A mailbox page shows at most this many mails, newest first. */
export const mailboxPageMax = 200;
export const mailParamsMax = 20;
export const mailKeyLengthMax = 100;
export const mailParamLengthMax = 2_000;

export type MailDraft = {
  readonly to: string;
  readonly from: string;
  readonly subject: MailText;
  readonly body: MailText;
  readonly ref?: string;
};

function assertText(text: MailText, what: string): void {
  assert(typeof text.key === 'string' && text.key.length > 0 && text.key.length <= mailKeyLengthMax, `${what} key`);
  const params = Object.entries(text.params ?? {});
  assert(params.length <= mailParamsMax, `${what}: at most ${mailParamsMax} params`);
  for (const [name, value] of params) {
    assert(typeof value === 'number' || (typeof value === 'string' && value.length <= mailParamLengthMax), `${what} param ${name}`);
  }
}

/** Sends a mail inside the caller's command; the recipient's tabs get a notice after commit. */
export async function sendMail(tx: Tx, draft: MailDraft): Promise<number> {
  assert(draft.to.length > 0 && draft.from.length > 0, 'mail needs a sender and a recipient');
  assertText(draft.subject, 'subject');
  assertText(draft.body, 'body');
  const row: MailRow = {
    to: draft.to,
    from: draft.from,
    at: tx.now,
    subject: draft.subject.params ? { key: draft.subject.key, params: { ...draft.subject.params } } : { key: draft.subject.key },
    body: draft.body.params ? { key: draft.body.key, params: { ...draft.body.params } } : { key: draft.body.key },
    ref: draft.ref ?? null,
    readAt: null,
  };
  const id = await identityTables(tx.db).mailbox.add(row);
  assert(typeof id === 'number' && id > 0, 'mail id assigned');
  tx.notify({ to: [draft.to], kind: 'mail.received', ref: String(id) });
  return id;
}

/** A party's mail, newest first (works inside or outside a transaction). */
export async function mailOf(db: WorldDb, partyId: string, limit = mailboxPageMax): Promise<MailRow[]> {
  assert(limit > 0 && limit <= mailboxPageMax, `at most ${mailboxPageMax} mails per page`);
  return identityTables(db)
    .mailbox.where('[to+at]')
    .between([partyId, Dexie.minKey], [partyId, Dexie.maxKey])
    .reverse()
    .limit(limit)
    .toArray();
}

export function unreadCount(mails: readonly MailRow[]): number {
  return mails.filter((m) => m.readAt === null).length;
}

export const markMailReadCommand = defineCommand({
  name: 'markMailRead',
  stores: ['mailbox'],
  apply: async (tx, input: { readonly mailId: number }) => {
    const { mailbox } = identityTables(tx.db);
    const mail = await mailbox.get(input.mailId);
    if (!mail || mail.to !== tx.meta.actor) return err('mail_not_found');
    if (mail.readAt === null) await mailbox.update(input.mailId, { readAt: tx.now });
    return ok(null);
  },
});

/** Marks a mail read. Only its recipient may (the actor). */
export async function markMailRead(db: WorldDb, meta: CommandMeta, mailId: number, env: CommandEnv = {}): Promise<Result<null, string>> {
  // A mail id that is not a whole number names no mail (and could not travel in the log).
  if (!Number.isSafeInteger(mailId)) return err('mail_not_found');
  return execute(db, markMailReadCommand, meta, { mailId }, env);
}
