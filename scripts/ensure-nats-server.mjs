#!/usr/bin/env node
// The class world's integration tests (test/integration) start a real nats-server from the configs
// in class-server/. `npm test` runs this first: with Debian's nats-server in /usr/sbin or /usr/bin
// (or SETTLELAB_NATS_SERVER naming one) it does nothing; otherwise, as root, it installs Debian's
// package, and else stops at once with the exact command to run.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

const installCommand = 'apt-get update && apt-get install -y nats-server';
const candidates = [process.env.SETTLELAB_NATS_SERVER, '/usr/sbin/nats-server', '/usr/bin/nats-server'].filter(Boolean);

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (candidates.some(executable)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0) {
  console.log(`== nats-server is missing: installing Debian's package (${installCommand})`);
  const run = spawnSync('sh', ['-c', installCommand], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run.status === 0 && ['/usr/sbin/nats-server', '/usr/bin/nats-server'].some(executable)) process.exit(0);
  console.error(`Installing nats-server failed (exit ${run.status}). Run it by hand: ${installCommand}`);
  process.exit(1);
}
console.error(`The class world's integration tests need nats-server. Install it: sudo ${installCommand}`);
process.exit(1);
