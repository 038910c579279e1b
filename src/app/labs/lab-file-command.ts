import { ok, type Result } from '../../domain/index.ts';
import type { LabFile } from '../../domain/labs/lab.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { labMetaKey, type LabMarker } from './marker.ts';

/**
 * The last step of a lab world's preset: the world keeps the lab file it was started from in its
 * `lab` meta row. A command (logged, replayed, in the world file), so a replayed or imported lab
 * world has the file even where no catalogue holds it (a teacher's file removed, another device).
 */
export const rememberLabFileCommand = defineCommand({
  name: 'rememberLabFile',
  // The file travels in the input (plain JSON, a few kB), already checked against the app.
  apply: async (tx, input: { readonly lab: LabFile }) => {
    const marker: LabMarker = { labId: input.lab.id, file: input.lab };
    await tx.db.meta.put({ key: labMetaKey, value: marker });
    return ok({ labId: input.lab.id });
  },
});

export async function rememberLabFile(db: WorldDb, lab: LabFile): Promise<Result<{ labId: string }, string>> {
  return execute(db, rememberLabFileCommand, { id: `lab:${lab.id}:file`, actor: 'platform' }, { lab });
}
