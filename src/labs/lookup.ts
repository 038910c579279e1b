import type { LabFile } from '../domain/labs/lab.ts';
import { openRegistry } from '../storage/registry.ts';
import { isBuiltinLab } from './cards.ts';

// The one look-up of a lab by id: the labs this build ships first, then the lab files a teacher
// loaded on this device (the registry's teacherLabs, validated when loaded and again before a world
// starts from one). A lab world itself keeps the file it started from (src/app/labs/lab-world.ts,
// labOfWorld), so it never needs this after its start. Light: no app code (the start page uses it),
// and the shipped files themselves load on the first look-up (the start page shows their cards
// from ./cards.ts; issue #18), from a chunk the service worker precaches like every other.

/** A lab this build ships, whole (its steps and questions too). */
export async function builtinLab(id: string): Promise<LabFile | undefined> {
  if (!isBuiltinLab(id)) return undefined;
  const { labFileList } = await import('./index.ts');
  return labFileList.find((l) => l.id === id);
}

export async function findLab(id: string): Promise<LabFile | undefined> {
  const builtin = await builtinLab(id);
  if (builtin !== undefined) return builtin;
  const row = await openRegistry().teacherLabs.get(id);
  return row === undefined ? undefined : (row.file as LabFile);
}

/** The teacher's loaded labs, in the order they were loaded. */
export async function teacherLabList(): Promise<LabFile[]> {
  return (await openRegistry().teacherLabs.orderBy('addedAtMs').toArray()).map((r) => r.file as LabFile);
}
