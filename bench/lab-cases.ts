import { createLabWorld } from '../src/app/labs/lab-world.ts';
import { createWorld, deleteWorld } from '../src/app/worlds.ts';
import { labFileList } from '../src/labs/index.ts';
import '../src/app/features.ts';
import { paired, type BenchCase } from './cases.ts';

// Lab presets (issue #14: "a preset builds in under 5 s on this machine"): the time from "Start
// this lab" to its prepared world, i.e. createLabWorld running the preset's real commands with
// the real password hashing (PBKDF2, the app's own iteration count), in this browser's IndexedDB.
// The baseline is an empty world made the same way (createWorld: institutions, their passwords
// and keys, the clock), so the ratio is what the preset's commands add to a world of its own.

const runId = Math.random().toString(36).slice(2, 8);
/** Builds per lab (median): each takes seconds, and there are a dozen labs. */
const rounds = 3;
/** The bound on one preset. */
const presetLimitMs = 5_000;
let n = 0;

async function timed(make: (id: string) => Promise<{ ok: boolean; code?: string }>): Promise<number> {
  const id = `bench-${runId}-lab-${++n}`;
  const t0 = performance.now();
  const r = await make(id);
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(`lab preset: ${r.code ?? 'refused'}`);
  // Not kept: a dozen labs times three would fill the bench profile's storage.
  const deleted = await deleteWorld(id);
  if (!deleted.ok) throw new Error(`delete: ${deleted.code}`);
  return ms;
}

export const labCases: readonly BenchCase[] = labFileList.map((lab) => ({
  name: `lab.preset.${lab.id}`,
  unit: 'ms',
  limit: presetLimitMs,
  run: () =>
    paired(
      () => timed((id) => createLabWorld({ labId: lab.id, id, name: 'bench lab', createdAtMs: Date.UTC(2026, 0, 5), teacher: { name: '', password: '' } })),
      () => timed((id) => createWorld({ id, name: 'bench world', createdAtMs: Date.UTC(2026, 0, 5), teacher: { name: '', password: '' } })),
      rounds,
    ),
}));
