import { err, ok, type Result } from '../../domain/index.ts';
import { labInvalidOf, validateLab, type LabFile } from '../../domain/labs/lab.ts';
import { isBuiltinLab } from '../../labs/cards.ts';
import { openRegistry } from '../../storage/registry.ts';
import { labRegistry } from './catalogue.ts';

// A teacher's own lab file (issue #14: "a teacher-written lab is a file"): loaded from the start
// page's catalogue, checked against this build's checks, queries, presets and pages, and kept in
// the device's registry database beside the worlds, where the catalogue lists it. A refused file
// changes nothing; the refusal names the problem and its place in the file.

/** A lab is a lesson of a few kB: a file far larger is not a lab file. */
export const labFileBytesMax = 256 * 1024;
/** Named limit on the teacher's loaded labs (the catalogue lists them all). */
export const teacherLabsMax = 100;

export type LoadLabRefusal = 'lab_file_too_large' | 'lab_not_json' | 'lab_invalid' | 'lab_builtin_id' | 'lab_already_loaded' | 'teacher_labs_too_many';

export async function loadTeacherLab(fileText: string, addedAtMs: number): Promise<Result<LabFile, LoadLabRefusal>> {
  if (new TextEncoder().encode(fileText).length > labFileBytesMax) return err('lab_file_too_large', { max: `${labFileBytesMax / 1024} kB` });
  let raw: unknown;
  try {
    raw = JSON.parse(fileText);
  } catch {
    return err('lab_not_json');
  }
  const checked = validateLab(raw, labRegistry);
  if (!checked.ok) {
    const invalid = labInvalidOf(checked)!;
    return err('lab_invalid', { problem: invalid.problem, where: invalid.where });
  }
  const lab = checked.value;
  if (isBuiltinLab(lab.id)) return err('lab_builtin_id', { id: lab.id });
  const registry = openRegistry();
  return registry.transaction('rw', registry.teacherLabs, async (): Promise<Result<LabFile, LoadLabRefusal>> => {
    if ((await registry.teacherLabs.get(lab.id)) !== undefined) return err('lab_already_loaded', { id: lab.id });
    if ((await registry.teacherLabs.count()) >= teacherLabsMax) return err('teacher_labs_too_many', { max: teacherLabsMax });
    // The checked file, not the raw one: fields the format does not know are not kept.
    await registry.teacherLabs.add({ id: lab.id, file: lab, addedAtMs });
    return ok(lab);
  });
}

/** Removes a teacher's lab from the catalogue. Worlds started from it keep their own copy. */
export async function removeTeacherLab(id: string): Promise<Result<null, 'lab_not_found'>> {
  const registry = openRegistry();
  return registry.transaction('rw', registry.teacherLabs, async (): Promise<Result<null, 'lab_not_found'>> => {
    if ((await registry.teacherLabs.get(id)) === undefined) return err('lab_not_found');
    await registry.teacherLabs.delete(id);
    return ok(null);
  });
}
