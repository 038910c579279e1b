import { openRegistry, type WorldEntry } from '../storage/registry.ts';

// Reading the list of worlds: all the start page needs at first. Kept apart from worlds.ts
// (create, reset, the teacher's keys and seals) so the first screen loads without that code
// (issue #18); worlds.ts re-exports these.

export const worldsMax = 200;

export async function listWorlds(): Promise<WorldEntry[]> {
  return openRegistry().worlds.orderBy('createdAtMs').limit(worldsMax).toArray();
}

export async function getWorld(id: string): Promise<WorldEntry | undefined> {
  return openRegistry().worlds.get(id);
}
