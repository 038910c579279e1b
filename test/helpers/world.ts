import { createWorld } from '../../src/app/worlds.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import type { CommandMeta } from '../../src/app/command.ts';
import '../../src/app/features.ts';

let counter = 0;
export const testPasswordIterations = 1000;

/** A fresh world in fake-indexeddb, opened. */
export async function freshWorld(name = 'test world'): Promise<{ id: string; db: WorldDb }> {
  counter += 1;
  const id = `test-world-${Date.now().toString(36)}-${counter}`;
  // Few PBKDF2 iterations keep unit tests fast; the app uses 600,000 (defaultPasswordIterations).
  const r = await createWorld({ id, name, createdAtMs: 0, passwordIterations: testPasswordIterations });
  if (!r.ok) throw new Error(`createWorld failed: ${r.code}`);
  const db = openWorldDb(r.value);
  await db.open();
  return { id, db };
}

let cmd = 0;
export function meta(actor = 'platform'): CommandMeta {
  cmd += 1;
  return { id: `cmd-${cmd}-${Math.random().toString(36).slice(2)}`, actor };
}
