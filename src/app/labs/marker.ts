// Where a world says which lab it runs: a row of the world's meta table (no schema change; an
// exported lab world carries it, so an imported one is a lab world too). Since teachers load their
// own lab files, the row also keeps the lab file the world started from (written by the
// rememberLabFile command, src/app/labs/lab-file-command.ts): the world keeps working after the
// file leaves the catalogue, and on another device that never had it.
export const labMetaKey = 'lab';
export type LabMarker = { readonly labId: string; readonly file?: unknown };

export function labIdOf(value: unknown): string | null {
  const m = value as LabMarker | null | undefined;
  return typeof m === 'object' && m !== null && typeof m.labId === 'string' ? m.labId : null;
}

/** The lab file the marker keeps, unchecked (null for a world marked before files were kept). */
export function labFileIn(value: unknown): unknown {
  const m = value as LabMarker | null | undefined;
  return typeof m === 'object' && m !== null && m.file !== undefined ? m.file : null;
}
