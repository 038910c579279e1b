// A real nats-server for Node integration tests: started from the configs the project ships
// (class-server/nats.conf, class-server/cluster/node.conf), each on free loopback ports with its own
// temporary JetStream store, so tests never share state with each other or with a class server a
// developer runs on the default ports. Stopping removes the store unless the test keeps it to
// restart the server on the same data.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';

const repoRoot = resolve(import.meta.dirname, '..', '..');
export const singleConfig = join(repoRoot, 'class-server', 'nats.conf');
export const clusterNodeConfig = join(repoRoot, 'class-server', 'cluster', 'node.conf');

/** The demo class's users (class-server/classes.conf); tests give them these passwords. */
export const demoClass = {
  code: 'demo',
  teacher: { user: 'demo-teacher', pass: 'teacher-test-password' },
  student: { user: 'demo-student', pass: 'student-test-password' },
} as const;

/** A started server answers /healthz well within this on an idle machine; a busy two-core one needs more. */
const readyTimeoutMs = 30_000;
const readyPollMs = 50;
const stopTimeoutMs = 10_000;

export function natsServerBinary(): string {
  for (const path of [process.env.SETTLELAB_NATS_SERVER, '/usr/sbin/nats-server', '/usr/bin/nats-server']) {
    if (path === undefined) continue;
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not this one
    }
  }
  throw new Error('nats-server is not installed: apt-get install -y nats-server (.ci/run does this)');
}

/** A loopback port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      server.close(() => resolvePort(address.port));
    });
  });
}

export type NodePorts = { readonly client: number; readonly websocket: number; readonly monitor: number; readonly cluster: number };

export type NatsServerHandle = {
  readonly name: string;
  readonly ports: NodePorts;
  /** ws://127.0.0.1:<port>, what a browser (or wsconnect in Node) connects to */
  readonly wsUrl: string;
  readonly storeDir: string;
  /** Stops the process (SIGTERM, so JetStream flushes), keeping the store. */
  stop(): Promise<void>;
  /** Kills the process at once (SIGKILL), keeping the store: a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and store. */
  start(): Promise<void>;
  /** Stops it and removes its store. */
  dispose(): Promise<void>;
  running(): boolean;
};

type NodeSpec = {
  readonly name: string;
  readonly config: string;
  readonly ports: NodePorts;
  readonly storeDir: string;
  readonly extraEnv: Readonly<Record<string, string>>;
};

async function waitReady(ports: NodePorts, child: ChildProcess, output: () => string, cluster: boolean): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}:\n${output()}`);
    try {
      // /healthz answers ok once JetStream is up (in a cluster: once this node is current with the
      // meta leader), which is when a stream can be created.
      const health = await fetch(`http://127.0.0.1:${ports.monitor}/healthz`);
      if (health.ok) {
        if (!cluster) return;
        const jsz = (await (await fetch(`http://127.0.0.1:${ports.monitor}/jsz`)).json()) as { meta_cluster?: { leader?: string } };
        if (jsz.meta_cluster?.leader) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, readyPollMs));
  }
  throw new Error(`nats-server on ${ports.client} not ready within ${readyTimeoutMs} ms:\n${output()}`);
}

function nodeHandle(spec: NodeSpec, cluster: boolean): NatsServerHandle {
  let child: ChildProcess | null = null;
  let log = '';
  const env = {
    ...process.env,
    SETTLELAB_NATS_NAME: spec.name,
    SETTLELAB_NATS_HOST: '127.0.0.1',
    SETTLELAB_NATS_PORT: String(spec.ports.client),
    SETTLELAB_NATS_WS_PORT: String(spec.ports.websocket),
    SETTLELAB_NATS_MONITOR: `127.0.0.1:${spec.ports.monitor}`,
    SETTLELAB_CLUSTER_PORT: String(spec.ports.cluster),
    SETTLELAB_NATS_STORE: spec.storeDir,
    SETTLELAB_DEMO_TEACHER_PASSWORD: demoClass.teacher.pass,
    SETTLELAB_DEMO_STUDENT_PASSWORD: demoClass.student.pass,
    ...spec.extraEnv,
  };
  const exited = (p: ChildProcess): Promise<void> =>
    p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const p = child;
    if (p === null) return;
    child = null;
    const done = exited(p);
    p.kill(signal);
    const timer = setTimeout(() => p.kill('SIGKILL'), stopTimeoutMs);
    await done;
    clearTimeout(timer);
  };
  const handle: NatsServerHandle = {
    name: spec.name,
    ports: spec.ports,
    wsUrl: `ws://127.0.0.1:${spec.ports.websocket}`,
    storeDir: spec.storeDir,
    async start() {
      if (child !== null) throw new Error(`${spec.name} is already running`);
      log = '';
      const p = spawn(natsServerBinary(), ['-c', spec.config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout?.on('data', (d: Buffer) => (log += d.toString()));
      p.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      child = p;
      await waitReady(spec.ports, p, () => log, cluster);
    },
    stop: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    async dispose() {
      await halt('SIGTERM');
      rmSync(spec.storeDir, { recursive: true, force: true });
    },
    running: () => child !== null && child.exitCode === null,
  };
  return handle;
}

async function portsOf(): Promise<NodePorts> {
  return { client: await freePort(), websocket: await freePort(), monitor: await freePort(), cluster: await freePort() };
}

/** One class server (class-server/nats.conf) on free loopback ports with a fresh store, started. */
export async function startNatsServer(): Promise<NatsServerHandle> {
  const storeDir = mkdtempSync(join(tmpdir(), 'settlelab-nats-'));
  const server = nodeHandle({ name: 'settlelab-test', config: singleConfig, ports: await portsOf(), storeDir, extraEnv: {} }, false);
  try {
    await server.start();
  } catch (e) {
    await server.dispose();
    throw e;
  }
  return server;
}

/** Three nodes of class-server/cluster/node.conf routed to each other, started and with a meta leader. */
export async function startNatsCluster(): Promise<NatsServerHandle[]> {
  const allPorts = [await portsOf(), await portsOf(), await portsOf()];
  const routes = Object.fromEntries(allPorts.map((p, i) => [`SETTLELAB_ROUTE_${i + 1}`, `nats-route://127.0.0.1:${p.cluster}`]));
  const nodes = allPorts.map((ports, i) =>
    nodeHandle(
      { name: `settlelab-${i + 1}`, config: clusterNodeConfig, ports, storeDir: mkdtempSync(join(tmpdir(), `settlelab-nats-${i + 1}-`)), extraEnv: routes },
      true,
    ),
  );
  try {
    // All three at once: a node is ready only when a meta leader is elected, which needs a quorum.
    await Promise.all(nodes.map((n) => n.start()));
  } catch (e) {
    await Promise.all(nodes.map((n) => n.dispose()));
    throw e;
  }
  return nodes;
}

/** wsconnect's socket factory for Node, which (v20) has no WebSocket global; browsers need none. */
export async function nodeWebSocketFactory(url: string): Promise<{ socket: globalThis.WebSocket; encrypted: boolean }> {
  return { socket: new WebSocket(url) as unknown as globalThis.WebSocket, encrypted: url.startsWith('wss:') };
}
