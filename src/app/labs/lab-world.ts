import { err, type Result } from '../../domain/index.ts';
import { validateLab } from '../../domain/labs/lab.ts';
import { findLab } from '../../labs/lookup.ts';
import { createWorld, type CreatedWorld, type SeedOptions } from '../worlds.ts';
import type { TeacherInput } from '../teacher.ts';
import { labRegistry } from './catalogue.ts';
import { must, presets, seededRandom } from './presets.ts';
import { rememberLabFile } from './lab-file-command.ts';

export { labOfWorld } from './catalogue.ts';

// A lab world: a new world built with its lab's preset, marked in its meta table with the lab it
// runs (a lab world is an ordinary world otherwise: export, import, reset work as for any other).

export async function createLabWorld(
  input: { readonly labId: string; readonly id: string; readonly name: string; readonly createdAtMs: number; readonly teacher?: TeacherInput } & SeedOptions,
): Promise<Result<CreatedWorld, string>> {
  // A shipped lab or a teacher's loaded file (checked again: the build may have changed since).
  const found = await findLab(input.labId);
  if (found === undefined) return err('lab_not_found');
  const checked = validateLab(found, labRegistry);
  if (!checked.ok) return checked;
  const lab = checked.value;
  const preset = presets[lab.preset];
  if (preset === undefined) return err('lab_not_found');
  // The preset's commands draw from randomness seeded by the lab, so the same lab moves the same
  // money under the same ids (the same ledger head hash). The world's own secrets (institutions'
  // passwords and keys, the teacher's) still come from the device: no two lab worlds share them.
  // The world then keeps the lab file itself (its meta row, by a command): it runs without the
  // catalogue's copy, which the teacher may remove.
  return createWorld({
    ...input,
    preset: async (db, ctx) => {
      await preset(db, { ...ctx, random: seededRandom(`settlelab-lab:${lab.id}`) });
      must(await rememberLabFile(db, lab), 'remember the lab file');
    },
  });
}
