#!/usr/bin/env node
// `npm run class-server`: starts nats-server (Debian's package, or the one SETTLELAB_NATS_SERVER
// names) with the config this folder ships, in the foreground. Everything the config reads from the
// environment gets a default here, so one command starts a working class server on this machine:
//   client port 4222, WebSocket 9222 (ws://, or wss:// with --tls), monitoring 8222,
//   JetStream store .class-server/store, listening on 127.0.0.1 (SETTLELAB_NATS_HOST=0.0.0.0 for a lab).
// Class passwords not given in the environment are drawn once and kept in
// .class-server/passwords.env (outside git), and printed, so the teacher can hand them out.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const stateDir = join(root, '.class-server');
const tls = process.argv.includes('--tls');

/** Debian installs nats-server in /usr/sbin (bookworm) or /usr/bin; either, or the one named. */
export function findNatsServer(env = process.env) {
  const candidates = [env.SETTLELAB_NATS_SERVER, '/usr/sbin/nats-server', '/usr/bin/nats-server'].filter(Boolean);
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not this one
    }
  }
  return null;
}

const binary = findNatsServer();
if (binary === null) {
  console.error('nats-server is not installed. Install it with: apt-get update && apt-get install -y nats-server');
  process.exit(1);
}

mkdirSync(stateDir, { recursive: true });
const passwordsFile = join(stateDir, 'passwords.env');
const saved = existsSync(passwordsFile)
  ? Object.fromEntries(
      readFileSync(passwordsFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    )
  : {};
// The classes the shipped classes.conf defines; a teacher who adds one adds its two names here.
const passwordNames = ['SETTLELAB_DEMO_TEACHER_PASSWORD', 'SETTLELAB_DEMO_STUDENT_PASSWORD'];
const passwords = {};
for (const name of passwordNames) {
  passwords[name] = process.env[name] ?? saved[name] ?? randomBytes(12).toString('base64url');
}
writeFileSync(passwordsFile, Object.entries(passwords).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });

const env = {
  SETTLELAB_NATS_NAME: 'settlelab-class',
  SETTLELAB_NATS_HOST: '127.0.0.1',
  SETTLELAB_NATS_PORT: '4222',
  SETTLELAB_NATS_WS_PORT: '9222',
  SETTLELAB_NATS_MONITOR: '127.0.0.1:8222',
  SETTLELAB_NATS_STORE: join(stateDir, 'store'),
  ...process.env,
  ...passwords,
};
if (tls && (env.SETTLELAB_TLS_CERT === undefined || env.SETTLELAB_TLS_KEY === undefined)) {
  console.error('--tls needs SETTLELAB_TLS_CERT and SETTLELAB_TLS_KEY: the PEM certificate (with its chain) and key of the school server.');
  process.exit(1);
}
mkdirSync(env.SETTLELAB_NATS_STORE, { recursive: true });

const config = join(here, tls ? 'nats-wss.conf' : 'nats.conf');
const scheme = tls ? 'wss' : 'ws';
console.log(`SettleLab class server: ${binary} -c ${config}`);
console.log(`  browsers connect to ${scheme}://${env.SETTLELAB_NATS_HOST === '0.0.0.0' ? '<this machine>' : env.SETTLELAB_NATS_HOST}:${env.SETTLELAB_NATS_WS_PORT}`);
console.log(`  JetStream store: ${env.SETTLELAB_NATS_STORE}`);
console.log(`  class "demo": teacher demo-teacher / ${passwords.SETTLELAB_DEMO_TEACHER_PASSWORD}, students demo-student / ${passwords.SETTLELAB_DEMO_STUDENT_PASSWORD}`);
console.log(`  (passwords kept in ${passwordsFile})`);

const child = spawn(binary, ['-c', config], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
