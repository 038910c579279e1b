// Where a world says which lab it runs: a row of the world's meta table (no schema change; an
// exported lab world carries it, so an imported one is a lab world too).
export const labMetaKey = 'lab';
export type LabMarker = { readonly labId: string };

export function labIdOf(value: unknown): string | null {
  const m = value as LabMarker | null | undefined;
  return typeof m === 'object' && m !== null && typeof m.labId === 'string' ? m.labId : null;
}
