#!/usr/bin/env node
// The end-to-end tests and the benchmarks drive a real Chromium (Debian's, at /usr/bin/chromium, or
// the one CHROMIUM_PATH names). `npm test` runs this first, so the README's test command works on a
// fresh Debian machine: as root it installs Chromium with apt-get; otherwise it stops at once and
// prints the exact command to run, instead of failing ten minutes later inside the browser tests.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const installCommand = 'apt-get update && apt-get install -y chromium';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

if (executable(chromiumPath)) process.exit(0);

if (process.env.CHROMIUM_PATH !== undefined) {
  console.error(`CHROMIUM_PATH is set to ${chromiumPath}, which is not an executable file. Point it at a Chromium binary, or unset it to use Debian's /usr/bin/chromium.`);
  process.exit(1);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && onPath('apt-get')) {
  console.log(`== Chromium is missing at ${chromiumPath}: installing Debian's package (${installCommand})`);
  const run = spawnSync('sh', ['-c', installCommand], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run.status === 0 && executable(chromiumPath)) process.exit(0);
  console.error(`Installing Chromium failed (exit ${run.status}). Run it by hand: ${installCommand}`);
  process.exit(1);
}

console.error(
  [
    `The end-to-end tests need Chromium at ${chromiumPath}, and it is missing.`,
    onPath('apt-get') ? `Install it with:  sudo sh -c '${installCommand}'` : 'Install Chromium with your system\'s package manager,',
    'or point CHROMIUM_PATH at an existing Chromium or Chrome binary, then run npm test again.',
  ].join('\n'),
);
process.exit(1);
