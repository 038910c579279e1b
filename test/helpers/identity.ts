import { expect } from 'vitest';
import type { WorldDb } from '../../src/storage/schema.ts';
import { register, activateAccount, type RegisterInput } from '../../src/app/identity/registration.ts';
import { login } from '../../src/app/identity/login.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { mailOf } from '../../src/app/mailbox.ts';
import { identityTables } from '../../src/storage/identity-tables.ts';
import { meta } from './world.ts';

export const goodPassword = 'correct horse 42';

export function buyerForm(loginName: string, overrides: Partial<RegisterInput> = {}): RegisterInput {
  return {
    role: 'buyer',
    loginName,
    password: goodPassword,
    passwordAgain: goodPassword,
    realName: '李雷',
    deliveryAddress: '北京市海淀区中关村大街1号',
    deliveryPhone: '138 1234 5678',
    email: `${loginName}@example.com`,
    ...overrides,
  };
}

/** The activation code from the party's mailbox, as the user reads it. */
export async function activationCodeFromMailbox(db: WorldDb, partyId: string): Promise<string> {
  const mails = await mailOf(db, partyId);
  const mail = mails.find((m) => m.subject.key === 'mail.activation.subject');
  expect(mail, 'the activation mail arrived').toBeDefined();
  const code = mail!.body.params?.code;
  expect(typeof code).toBe('string');
  return code as string;
}

export async function registerActive(db: WorldDb, loginName: string, overrides: Partial<RegisterInput> = {}): Promise<string> {
  const r = await register(db, buyerForm(loginName, overrides));
  if (!r.ok) throw new Error(`register failed: ${r.code} ${JSON.stringify(r.fields)}`);
  const code = await activationCodeFromMailbox(db, r.value.partyId);
  const a = await activateAccount(db, meta(r.value.partyId), { partyId: r.value.partyId, code });
  if (!a.ok) throw new Error(`activation failed: ${a.code}`);
  return r.value.partyId;
}

export async function labPassword(db: WorldDb, partyId: string): Promise<string> {
  const row = await identityTables(db).labSheet.get(partyId);
  expect(row?.password).toBeTruthy();
  return row!.password!;
}

/** Logs `loginName` in in a fresh tab (key ring); throws when refused. */
export async function loggedInTab(db: WorldDb, worldId: string, loginName: string, password: string, ring = new KeyRing()): Promise<KeyRing> {
  const r = await login(db, worldId, { loginName, password }, { keyRing: ring });
  if (!r.ok) throw new Error(`login failed: ${r.code}`);
  return ring;
}
