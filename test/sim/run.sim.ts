import { expect, it } from 'vitest';
import { simulate } from './simulator.ts';

// The command-line run of the simulator (`npm run sim -- --seed N --steps M`, scripts/sim.mjs):
// the seeds, steps and check intervals come in through the environment. Several seeds run one
// after another; the first violation fails the run with its seed, step, command and invariant.

const env = process.env;
const firstSeed = Number(env.SIM_SEED ?? Math.floor(Math.random() * 2 ** 31));
const seeds = Number(env.SIM_SEEDS ?? 1);
const steps = Number(env.SIM_STEPS ?? 1000);
const checkEvery = Number(env.SIM_CHECK_EVERY ?? 1);
const replayEvery = Number(env.SIM_REPLAY_EVERY ?? 0);
/** A wall-clock budget for long runs: no new seed starts after it (0: none). */
const budgetMs = Number(env.SIM_BUDGET_S ?? 0) * 1000;

it(`simulates ${seeds} seed(s) from ${firstSeed}, ${steps} steps each`, async () => {
  const started = Date.now();
  let totalSteps = 0;
  let ran = 0;
  for (let i = 0; i < seeds; i += 1) {
    if (budgetMs > 0 && Date.now() - started > budgetMs) break;
    const seed = (firstSeed + i) >>> 0;
    const t0 = Date.now();
    const report = await simulate({ seed, steps, checkEvery, replayEvery, log: (line) => console.log(line) });
    if (!report.ok) {
      const v = report.violation;
      expect.fail(`seed ${v.seed} step ${v.step} command ${v.command}: ${v.invariant}\n${v.detail}\nreproduce: npm run sim -- --seed ${v.seed} --steps ${v.step}`);
    }
    ran += 1;
    totalSteps += steps;
    console.log(`seed ${seed}: ${steps} steps, ${report.accepted} accepted, ${report.refused} refused, ${report.logRows} log rows, ${report.settled} orders settled, faults ${JSON.stringify(report.faults)}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (env.SIM_VERBOSE === '1') console.log(`  commands ${JSON.stringify(report.commands)}\n  refusals ${JSON.stringify(report.refusals)}\n  logged ${JSON.stringify(report.logged)}`);
  }
  console.log(`SIM TOTAL: ${ran} seeds from ${firstSeed}, ${totalSteps} steps, ${((Date.now() - started) / 1000).toFixed(1)} s, no violation`);
}, 24 * 3600 * 1000);
