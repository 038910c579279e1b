import { createWorld } from '../../src/app/worlds.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import type { CommandMeta } from '../../src/app/command.ts';
import { signInTeacher, type TeacherToken } from '../../src/app/teacher.ts';
import '../../src/app/features.ts';

let counter = 0;
export const testPasswordIterations = 1000;

/** The teacher password of every world freshWorld makes. */
export const testTeacherPassword = 'teacher pass 42';

/** A fresh world in fake-indexeddb, opened; `teacher` is the token its creation signed in. */
export async function freshWorld(name = 'test world'): Promise<{ id: string; db: WorldDb; teacher: TeacherToken }> {
  counter += 1;
  const id = `test-world-${Date.now().toString(36)}-${counter}`;
  // Few PBKDF2 iterations keep unit tests fast; the app uses 600,000 (defaultPasswordIterations).
  const r = await createWorld({ id, name, createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: 'Ms Wang', password: testTeacherPassword } });
  if (!r.ok) throw new Error(`createWorld failed: ${r.code}`);
  const db = openWorldDb(r.value.entry);
  await db.open();
  return { id, db, teacher: r.value.teacher };
}

/** The teacher's sign-in for a world freshWorld made (as a teacher's tab would get it). */
export async function teacherOf(db: WorldDb): Promise<TeacherToken> {
  const r = await signInTeacher(db, testTeacherPassword, { nowMs: 0 });
  if (!r.ok) throw new Error(`teacher sign-in failed: ${r.code}`);
  return r.value;
}

let cmd = 0;
export function meta(actor = 'platform'): CommandMeta {
  cmd += 1;
  return { id: `cmd-${cmd}-${Math.random().toString(36).slice(2)}`, actor };
}
