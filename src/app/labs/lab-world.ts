import { err, type Result } from '../../domain/index.ts';
import type { LabFile } from '../../domain/labs/lab.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { createWorld, type CreatedWorld, type SeedOptions } from '../worlds.ts';
import type { TeacherInput } from '../teacher.ts';
import { labById } from './catalogue.ts';
import { presets, seededRandom } from './presets.ts';
import { labIdOf, labMetaKey } from './marker.ts';

// A lab world: a new world built with its lab's preset, marked in its meta table with the lab it
// runs (a lab world is an ordinary world otherwise: export, import, reset work as for any other).

export async function createLabWorld(
  input: { readonly labId: string; readonly id: string; readonly name: string; readonly createdAtMs: number; readonly teacher?: TeacherInput } & SeedOptions,
): Promise<Result<CreatedWorld, string>> {
  const lab = labById(input.labId);
  if (lab === undefined) return err('lab_not_found');
  const preset = presets[lab.preset];
  if (preset === undefined) return err('lab_not_found');
  // The preset's commands draw from randomness seeded by the lab, so the same lab moves the same
  // money under the same ids (the same ledger head hash). The world's own secrets (institutions'
  // passwords and keys, the teacher's) still come from the device: no two lab worlds share them.
  return createWorld({ ...input, preset: (db, ctx) => preset(db, { ...ctx, random: seededRandom(`settlelab-lab:${lab.id}`) }) });
}

/** The lab a world runs, or null for an ordinary world. */
export async function labOfWorld(db: WorldDb): Promise<LabFile | null> {
  const labId = labIdOf((await db.meta.get(labMetaKey))?.value);
  return labId === null ? null : (labById(labId) ?? null);
}
