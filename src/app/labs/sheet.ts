import type { LabFile, LabRole, LabStep } from '../../domain/labs/lab.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { identityTables } from '../../storage/identity-tables.ts';
import { readLabSheet, type TeacherToken } from '../teacher.ts';
import { labUserPassword } from './presets.ts';

// What a lab's printed sheet and its panel say about each role: the role's steps in the lab's
// order, and how the role's tab signs in. Generic over every lab file: it reads only the file's
// roles and steps, and in a lab world the world's users and lab sheet.

/** How a role's tab signs in: a preset user's lab password, an institution's from the world's lab sheet (the teacher's to hand out, null without the teacher's sign-in). */
export type LabSignIn = { readonly role: LabRole; readonly loginName: string; readonly password: string | null; readonly institution: boolean };

export async function labSignIns(db: WorldDb, lab: LabFile, teacher: TeacherToken | null): Promise<LabSignIn[]> {
  const users = await identityTables(db).users.bulkGet(lab.roles.map((r) => r.party));
  const sheet = (await readLabSheet(db, teacher)).rows;
  return lab.roles.flatMap((role, i): LabSignIn[] => {
    const user = users[i];
    if (user === undefined) return [];
    const password = user.institution ? (sheet.find((r) => r.partyId === role.party)?.password ?? null) : labUserPassword;
    return [{ role, loginName: user.loginName, password, institution: user.institution }];
  });
}

/** A role's part of the sheet: its steps, each with its number in the whole lab (1-based). */
export type LabSheetRole = { readonly role: LabRole; readonly steps: readonly { readonly step: LabStep; readonly number: number }[] };

/** The roles a sheet shows (one role, or every role when `roleId` names none of them), in the file's order. */
export function labSheetRoles(lab: LabFile, roleId: string | null): LabSheetRole[] {
  const chosen = lab.roles.filter((r) => r.id === roleId);
  return (chosen.length > 0 ? chosen : lab.roles).map((role) => ({
    role,
    steps: lab.steps.flatMap((step, i) => (step.role === role.id ? [{ step, number: i + 1 }] : [])),
  }));
}
