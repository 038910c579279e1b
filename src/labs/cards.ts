import type { LabFile } from '../domain/labs/lab.ts';

// The start page's lab catalogue shows each lab's card (id, title, summary, objectives, roles),
// not its steps, questions and preset: those are most of a lab file (issue #18: all twelve files
// were 69 kB of the first screen's script). So the start page reads only the card fields here,
// and the whole file loads when a lab starts or its sheet opens (loadBuiltinLabs in ./lookup.ts).
//
// How: each lab file is imported here under the query `?card` (a module of its own, apart from the
// plain `./x.json` that ./index.ts imports whole into a chunk of its own), and only its named
// exports id/title/summary/objectives/roles are used, so the bundler leaves the other fields out.
// `&lang.json` keeps it JSON to the bundler (with only `?card` Rolldown parsed the file as script).
// Never import a lab file's default export or `*` here: that brings the whole file back.

/** What a lab's card on the start page shows. A whole LabFile (a teacher's) is one too. */
export type LabCard = Pick<LabFile, 'id' | 'title' | 'summary' | 'objectives' | 'roles'>;

/** The catalogue's order (file names in src/labs): "Try a demo" first, then as a course runs. */
export const labFileOrder = [
  'b2c-escrow', 'certificate', 'online-banking', 'refund-dispute', 'reconciliation', 'echeque',
  'cod', 'remittance', 'auditor', 'cards', 'ecash', 'smartcard',
] as const;

// (Vite reads these options as written: each must be a literal, no spread.)
const ids = import.meta.glob<LabCard['id']>('./*.json', { query: '?card&lang.json', eager: true, import: 'id' });
const titles = import.meta.glob<LabCard['title']>('./*.json', { query: '?card&lang.json', eager: true, import: 'title' });
const summaries = import.meta.glob<LabCard['summary']>('./*.json', { query: '?card&lang.json', eager: true, import: 'summary' });
const objectives = import.meta.glob<LabCard['objectives']>('./*.json', { query: '?card&lang.json', eager: true, import: 'objectives' });
const roles = import.meta.glob<LabCard['roles']>('./*.json', { query: '?card&lang.json', eager: true, import: 'roles' });

function cardOf(name: string): LabCard {
  const path = `./${name}.json`;
  const id = ids[path];
  // A name in labFileOrder without its file is a programmer error (the catalogue's unit test).
  if (id === undefined) throw new Error(`no lab file ${path}`);
  return { id, title: titles[path]!, summary: summaries[path]!, objectives: objectives[path]!, roles: roles[path]! };
}

/** The cards of the labs this build ships, in the catalogue's order. */
export const labCardList: readonly LabCard[] = labFileOrder.map(cardOf);

/** Whether a lab id is one this build ships (a teacher's lab may not reuse it). */
export function isBuiltinLab(id: string): boolean {
  return labCardList.some((c) => c.id === id);
}
