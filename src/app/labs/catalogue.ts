import { validateLab, type LabFile, type LabRegistry } from '../../domain/labs/lab.ts';
import { labFileList } from '../../labs/index.ts';
import { labChecks, labQueries } from './checks.ts';
import { presets } from './presets.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { labFileIn, labIdOf, labMetaKey } from './marker.ts';

// The lab catalogue: every lab file of src/labs, checked against the checks, queries, presets and
// pages the app has. A new lab is a file here plus, where it needs them, new checks (docs/labs.md).

/** The party pages a lab step may send a student to (ids of src/ui/world/pages.ts). */
export const labPageIds: ReadonlySet<string> = new Set([
  'activity', 'account', 'mailbox', 'ca', 'stores', 'online-banking', 'bank-counter', 'my-bank', 'clearing', 'shop', 'store', 'orders', 'wallet',
  'shipments', 'disputes', 'commission', 'escrow', 'payments', 'cards', 'card-company', 'remittances', 'cod', 'chequebook', 'cheques', 'cheque-desk',
  'ewallet', 'smart-card', 'stored-value', 'phone', 'cashier', 'ecash-lab', 'reconciliation', 'accounts', 'auditor', 'signature-audit',
]);

export const labRegistry: LabRegistry = {
  checks: new Set(Object.keys(labChecks)),
  queries: new Set(Object.keys(labQueries)),
  presets: new Set(Object.keys(presets)),
  pages: labPageIds,
};

/** The lab files as shipped, before checking. */
export const labFiles: readonly unknown[] = labFileList;

function load(): LabFile[] {
  return labFiles.map((raw) => {
    const r = validateLab(raw, labRegistry);
    // A shipped lab file that does not validate is a programmer error (its unit test fails first).
    if (!r.ok) throw new Error(`lab file refused: ${r.detail?.problem} at ${r.detail?.where}`);
    return r.value;
  });
}

export const labs: readonly LabFile[] = load();

/** A lab this build ships, checked (a teacher's loaded lab: findLab in src/labs/lookup.ts). */
export function labById(id: string): LabFile | undefined {
  return labs.find((l) => l.id === id);
}

/**
 * The lab a world's `lab` meta row names: the file the world keeps (checked again against this
 * build: a world from another version naming a check this one lacks is not run), or, for a world
 * marked before worlds kept their file, the shipped lab of that id. Null for an ordinary world.
 */
export function labOfMarker(value: unknown): LabFile | null {
  const labId = labIdOf(value);
  if (labId === null) return null;
  const file = labFileIn(value);
  if (file === null) return labById(labId) ?? null;
  const r = validateLab(file, labRegistry);
  return r.ok && r.value.id === labId ? r.value : null;
}

/** The lab a world runs, or null for an ordinary world. */
export async function labOfWorld(db: WorldDb): Promise<LabFile | null> {
  return labOfMarker((await db.meta.get(labMetaKey))?.value);
}

/** The lab's roles → parties, for its checks. */
export function partiesOf(lab: LabFile): Record<string, string> {
  return Object.fromEntries(lab.roles.map((r) => [r.id, r.party]));
}
