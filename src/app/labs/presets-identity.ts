import { assert } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import { login } from '../identity/login.ts';
import { KeyRing } from '../identity/keys.ts';
import type { PresetContext } from '../worlds.ts';
import { labMetaKey, type LabMarker } from './marker.ts';
import { bankAccountAt, form, must, registerActiveUser, type Preset } from './presets.ts';

// The preset of the digital certificate lab (数字证书申请与签名): the student's account is
// registered and activated, with an account at Huaxin Bank (bank-a) to sign in to online banking
// with, and no certificate: applying for one is the lab. Built by the app's real commands.

/** Signs the CA in with its own key ring (not the tab's): a preset's CA steps sign with the CA key. */
export async function caKeyRing(db: WorldDb, presetId: string, ctx: PresetContext): Promise<KeyRing> {
  const caKeys = new KeyRing();
  const caPassword = (await identityTables(db).labSheet.get('ca'))?.password;
  assert(typeof caPassword === 'string', 'a fresh world has the CA on its lab sheet');
  must(await login(db, ctx.worldId, { loginName: 'ca', password: caPassword }, { keyRing: caKeys, commandId: `lab:${presetId}:login:ca` }), 'CA login');
  return caKeys;
}

export async function markLab(db: WorldDb, labId: string): Promise<void> {
  const marker: LabMarker = { labId };
  await db.meta.put({ key: labMetaKey, value: marker });
}

const certificate: Preset = async (db, ctx) => {
  const id = 'certificate';
  const applicant = await registerActiveUser(db, id, ctx, form('lab_cert', 'buyer', '韩梅梅'));
  await bankAccountAt(db, id, applicant, 'bank-a');
  await markLab(db, id);
};

export const identityPresets: Readonly<Record<string, Preset>> = { certificate };


