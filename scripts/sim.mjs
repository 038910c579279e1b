// `npm run sim -- --seed N --steps M [--seeds K] [--check-every k] [--replay-every n] [--budget-s S]`
// runs the deterministic simulator (test/sim/simulator.ts) under vitest (TypeScript, fake-indexeddb).
// Without --seed a random one is drawn and printed: a failure prints its seed and step, and the same
// command line with that seed reproduces it exactly.
import { spawnSync } from 'node:child_process';

const flags = { seed: 'SIM_SEED', steps: 'SIM_STEPS', seeds: 'SIM_SEEDS', 'check-every': 'SIM_CHECK_EVERY', 'replay-every': 'SIM_REPLAY_EVERY', 'budget-s': 'SIM_BUDGET_S', verbose: 'SIM_VERBOSE' };
const env = { ...process.env };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 1) {
  const name = args[i].replace(/^--/, '');
  const key = flags[name];
  if (key === undefined) {
    console.error(`unknown option ${args[i]}; known: ${Object.keys(flags).map((f) => `--${f}`).join(' ')}`);
    process.exit(2);
  }
  if (name === 'verbose') env[key] = '1';
  else {
    const value = args[i + 1];
    if (value === undefined || !/^\d+$/.test(value)) {
      console.error(`--${name} needs a whole number`);
      process.exit(2);
    }
    env[key] = value;
    i += 1;
  }
}
env.SIM_SEED ??= String(Math.floor(Math.random() * 2 ** 31));
console.log(`simulator: seed ${env.SIM_SEED}, steps ${env.SIM_STEPS ?? 1000}, seeds ${env.SIM_SEEDS ?? 1}`);
const r = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.sim.config.ts', '--reporter', 'default'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
