import type { LabFile } from '../domain/labs/lab.ts';
import { labFileOrder } from './cards.ts';

// The lab files of the catalogue, whole, as data. Each is checked against the app's checks,
// queries, presets and pages by src/app/labs/catalogue.ts (and its unit test). The start page shows
// only their cards (./cards.ts) and loads this module when a lab starts or its sheet opens
// (./lookup.ts), so the steps and questions are not in the first screen's script (issue #18).
// A new lab: a file here, named in labFileOrder (docs/labs.md).
const files = import.meta.glob<LabFile>('./*.json', { eager: true, import: 'default' });

export const labFileList: readonly LabFile[] = labFileOrder.map((name) => {
  const file = files[`./${name}.json`];
  // A name without its file is a programmer error (the catalogue's unit test loads every one).
  if (file === undefined) throw new Error(`no lab file ./${name}.json`);
  return file;
});
