// The class rows (issue #20): a simulated class on a real nats-server, driven from Node by
// bench/run.mjs. Three Chromium profiles (three "PCs") join the class and follow its stream through
// the app's own code (bench/class-page.ts); 40 simulated students are Node NATS clients that sign
// lesson commands (bench/class-lesson.ts) with the certified lab users' keys and publish them.
// - class.converge: students publish at lesson rates (each one command every `lessonPeriodMs`,
//   staggered); per command, publish → applied in all three replicas; p95. Baseline: p95 of
//   publish → JetStream's acknowledgement (the server's own share).
// - class.apply: the replicas stop following, the students publish a backlog, and each replica in
//   turn catches up alone: commands/s applied from the stream (envelope, signature, pipeline, the
//   applied sequence). Baseline: the same kind of commands run locally through the pipeline in the
//   same page just before. Median of the three replicas.
// - class.join: the stream grows to 10,000 commands (one replica applies them and writes the
//   snapshot after `joinSnapshotSeq`, as the teacher's PC writes one every snapshotEvery), and a
//   fourth profile joins: snapshot, import, digest check, the tail, until settled. Baseline: the
//   first replica's join at the class's start (the snapshot at sequence 0).
// Without nats-server the rows are skipped with a message; the rest of the bench runs.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sirv from 'sirv';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { hexToBytes } from '../src/domain/crypto/index.ts';
import { encodeEnvelope, signClassCommand } from '../src/sync/class/envelope.ts';
import { ClassTransport } from '../src/sync/class/transport.ts';
import { demoClass, natsServerBinary, nodeWebSocketFactory, startNatsServer, type NatsServerHandle } from '../test/support/nats-server.ts';
import { lessonCommand, lessonSetup, type ClassBenchApi, type LessonCommand, type LessonParty, type ServerLink } from './class-lesson.ts';
import type { BenchRow } from './cases.ts';

export const classRowNames = ['class.apply', 'class.converge', 'class.join'] as const;

const students = 40;
const replicas = 3;
/** A student's pace during the lesson: one command this often (staggered, jittered). */
const lessonPeriodMs = 3_000;
const lessonMs = 36_000;
/** Commands the replicas catch up on for class.apply, and the local commands of its baseline. */
const backlogCommands = 600;
const localCommands = 200;
/** The late joiner's world. */
const joinWorldCommands = 10_000;
const convergeLimitMs = 100;
const joinLimitMs = 5_000;
const applyTarget = 0.5;
const settleTimeoutMs = 10 * 60_000;

const wallMs = (): number => performance.timeOrigin + performance.now();
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: readonly number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round1 = (x: number): number => Math.round(x * 10) / 10;
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

type Pc = { readonly context: BrowserContext; readonly page: Page; readonly profile: string };

async function launchPc(url: string, chromiumPath: string): Promise<Pc> {
  const profile = mkdtempSync(join(tmpdir(), 'settlelab-class-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Three headless profiles on one machine: none of them is throttled as a background tab.
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    // Chromium calls nats-server 2.9's close frame "broken" when a transport closes (createClass,
    // joinClass close theirs): noise, not a failure. 404: the favicon.
    if (m.type() === 'error' && !/broken close frame|status of 404/.test(m.text())) console.error('class page:', m.text());
  });
  page.on('pageerror', (e) => console.error('class page:', e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.__classBench !== undefined);
  return { context, page, profile };
}

async function closePc(pc: Pc): Promise<void> {
  await pc.page.evaluate(() => window.__classBench!.close()).catch(() => undefined);
  await pc.context.close();
  rmSync(pc.profile, { recursive: true, force: true });
}

/** Calls the page's bench API (bench/class-page.ts). */
function call<K extends keyof ClassBenchApi>(pc: Pc, name: K, ...args: Parameters<ClassBenchApi[K]>): Promise<Awaited<ReturnType<ClassBenchApi[K]>>> {
  return pc.page.evaluate(([n, a]) => (window.__classBench![n as K] as (...x: unknown[]) => unknown)(...(a as unknown[])), [name, args] as const) as Promise<Awaited<ReturnType<ClassBenchApi[K]>>>;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = settleTimeoutMs): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every stream command was applied as a real command, none refused: else the figures would measure refusals. */
async function allApplied(pcs: readonly Pc[]): Promise<void> {
  for (const pc of pcs) {
    const outcomes = await call(pc, 'outcomes');
    if (Object.keys(outcomes).some((k) => k !== 'ok')) throw new Error(`stream commands not all applied: ${JSON.stringify(outcomes)}`);
  }
}

/** The simulated students: one NATS connection each, signing with the certified users' keys. */
class Students {
  private n = 0;
  private constructor(readonly transports: ClassTransport[], private readonly parties: readonly LessonParty[], private readonly productId: string) {}

  static async connect(server: NatsServerHandle, parties: readonly LessonParty[], productId: string): Promise<Students> {
    const transports: ClassTransport[] = [];
    for (let i = 0; i < students; i++) {
      const r = await ClassTransport.connect({ servers: server.wsUrl, classCode: demoClass.code, user: demoClass.student.user, pass: demoClass.student.pass, name: `student-${i + 1}`, wsFactory: nodeWebSocketFactory });
      if (!r.ok) throw new Error(`student ${i + 1}: ${r.code}`);
      transports.push(r.value);
    }
    return new Students(transports, parties, productId);
  }

  /** Signs the next lesson command (or `command`) and publishes it from `student`; resolves with its id and times. */
  async publish(student: number, command?: LessonCommand): Promise<{ id: string; publishedAtMs: number; ackMs: number; seq: number }> {
    const c = command ?? lessonCommand(this.parties, this.productId, 'class', this.n++);
    const party = this.parties.find((p) => p.partyId === c.actor)!;
    const data = encodeEnvelope(signClassCommand({ classId: demoClass.code, name: c.name, commandId: c.commandId, actor: c.actor, input: c.input }, hexToBytes(party.seedHex), party.certificate));
    const publishedAtMs = wallMs();
    const ack = await this.transports[student % students]!.publish(c.commandId, data);
    return { id: c.commandId, publishedAtMs, ackMs: wallMs() - publishedAtMs, seq: ack.seq };
  }

  /** Publishes until the stream's last sequence is `toSeq`, many in flight at once (a backlog, not a lesson). */
  async fillTo(toSeq: number, fromSeq: number): Promise<void> {
    const inFlight = 200;
    for (let seq = fromSeq; seq < toSeq; ) {
      const batch = Math.min(inFlight, toSeq - seq);
      await Promise.all(Array.from({ length: batch }, (_, i) => this.publish(seq + i)));
      seq += batch;
    }
  }

  async close(): Promise<void> {
    for (const t of this.transports) await t.close();
  }
}

/** The class rows; [] (with a message) when nats-server is not installed. */
export async function classRows(options: { outDir: string; chromiumPath: string; wanted: readonly string[] }): Promise<{ rows: BenchRow[]; browser: string }> {
  try {
    natsServerBinary();
  } catch (e) {
    console.warn(`class rows skipped (${options.wanted.join(', ')}): ${e instanceof Error ? e.message : String(e)}`);
    return { rows: [], browser: '' };
  }
  const serve = sirv(options.outDir, { dev: true });
  const http: Server = createServer((req, res) => serve(req, res, () => { res.statusCode = 404; res.end(); }));
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}/class.html`;
  const server = await startNatsServer();
  const link: ServerLink = { server: server.wsUrl, teacherPass: demoClass.teacher.pass, studentPass: demoClass.student.pass, runId: Math.random().toString(36).slice(2, 8) };
  const pcs: Pc[] = [];
  let class_: Students | null = null;
  const rows: BenchRow[] = [];
  let browser: string | undefined;
  try {
    console.log(`class bench: load average ${load()}; opening the class and ${replicas} replicas`);
    for (let i = 0; i < replicas; i++) pcs.push(await launchPc(url, options.chromiumPath));
    // The binary's own version: the page's user agent reduces it to 156.0.0.0.
    browser = execFileSync(options.chromiumPath, ['--version'], { encoding: 'utf8' }).match(/(\d+\.\d+\.\d+\.\d+)/)?.[1] ?? '';
    const { parties, productId, snapshotEvery } = await call(pcs[0]!, 'open', link);
    // The latest snapshot the teacher's PC writes before the 10,000th command (the page reads the
    // app's snapshotEvery: class-tab.ts loads browser-only code).
    const joinSnapshotSeq = Math.floor((joinWorldCommands - 1) / snapshotEvery) * snapshotEvery;
    const joins: number[] = [];
    for (const [i, pc] of pcs.entries()) joins.push((await call(pc, 'join', { ...link, replicaId: `pc-${i + 1}` })).ms);
    class_ = await Students.connect(server, parties, productId);
    const students_ = class_;
    const lastSeq = async (): Promise<number> => students_.transports[0]!.lastSeq();
    const settledEverywhere = async (pcsNow: readonly Pc[], seq: number): Promise<void> =>
      until(`every replica applied ${seq}`, async () => (await Promise.all(pcsNow.map((pc) => call(pc, 'settled')))).every((s) => s >= seq));
    await students_.publish(0, lessonSetup(parties, productId, 'class'));
    await settledEverywhere(pcs, await lastSeq());

    // The lesson: each student one command every lessonPeriodMs, starting at a random offset.
    console.log(`class bench: ${students} students for ${lessonMs / 1000} s, one command each every ${lessonPeriodMs / 1000} s; load ${load()}`);
    const sent: { id: string; publishedAtMs: number; ackMs: number }[] = [];
    const lessonEnd = Date.now() + lessonMs;
    await Promise.all(
      Array.from({ length: students }, async (_, s) => {
        await new Promise((r) => setTimeout(r, Math.random() * lessonPeriodMs));
        while (Date.now() < lessonEnd) {
          const next = Date.now() + lessonPeriodMs * (0.75 + Math.random() / 2);
          sent.push(await students_.publish(s));
          await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
        }
      }),
    );
    const afterLesson = await lastSeq();
    await settledEverywhere(pcs, afterLesson);
    const applied = await Promise.all(pcs.map((pc) => call(pc, 'appliedAt', sent.map((c) => c.id))));
    const latencies = sent.map((c, i) => {
      const times = applied.map((a) => a[i]);
      if (times.some((t) => t === null)) throw new Error(`command ${c.id} not applied on every replica`);
      return Math.max(...(times as number[])) - c.publishedAtMs;
    });
    await allApplied(pcs);
    const convergeP95 = percentile(latencies, 95);
    const ackP95 = percentile(sent.map((c) => c.ackMs), 95);
    console.log(`class.converge: ${sent.length} commands; publish → applied in all ${replicas}: p50 ${round1(percentile(latencies, 50))} ms, p95 ${round1(convergeP95)} ms, p99 ${round1(percentile(latencies, 99))} ms, max ${round1(Math.max(...latencies))} ms; publish → ack p95 ${round1(ackP95)} ms; load ${load()}`);
    rows.push({ name: 'class.converge', value: round1(convergeP95), unit: 'ms', baseline: round1(ackP95), ratio: Math.round((convergeP95 / ackP95) * 1000) / 1000, limit: convergeLimitMs });

    // class.apply: a backlog, then each replica alone catches up after its local baseline.
    for (const pc of pcs) await call(pc, 'pause');
    const fromSeq = await lastSeq();
    await students_.fillTo(fromSeq + backlogCommands, fromSeq);
    const backlogEnd = await lastSeq();
    const streamRates: number[] = [];
    const localRates: number[] = [];
    for (const pc of pcs) {
      const localMs = await call(pc, 'local', parties, productId, localCommands, link.runId);
      localRates.push(localCommands / (localMs / 1000));
      const catchUpMs = await call(pc, 'catchUp', backlogEnd);
      streamRates.push((backlogEnd - fromSeq) / (catchUpMs / 1000));
      // The others wait: each replica catches up alone, like its baseline ran alone.
      if (pc !== pcs[0]) await call(pc, 'pause');
    }
    console.log(`class.apply: from the stream ${streamRates.map(round1).join(', ')} commands/s; locally ${localRates.map(round1).join(', ')} commands/s; load ${load()}`);
    const applyValue = median(streamRates);
    const applyBaseline = median(localRates);
    rows.push({ name: 'class.apply', value: round1(applyValue), unit: 'commands/s', baseline: round1(applyBaseline), ratio: Math.round((applyValue / applyBaseline) * 1000) / 1000, target: applyTarget });

    // class.join: PC 1 (still following) applies the stream to 10,000 and writes the snapshot.
    await call(pcs[0]!, 'snapshotAt', joinSnapshotSeq);
    const buildStart = Date.now();
    await students_.fillTo(joinWorldCommands, backlogEnd);
    await until('PC 1 applied the 10,000-command world', async () => (await call(pcs[0]!, 'settled')) >= joinWorldCommands);
    console.log(`class.join: the world of ${joinWorldCommands} commands built in ${round1((Date.now() - buildStart) / 1000)} s; load ${load()}`);
    const late = await launchPc(url, options.chromiumPath);
    pcs.push(late);
    const joined = await call(late, 'join', { ...link, replicaId: 'late' });
    if (joined.snapshotSeq !== joinSnapshotSeq || joined.seq !== joinWorldCommands) throw new Error(`late joiner: snapshot ${joined.snapshotSeq}, stream ${joined.seq}`);
    const [teacherDigest, lateDigest] = [await call(pcs[0]!, 'digest'), await call(late, 'digest')];
    if (teacherDigest !== lateDigest) throw new Error('the late joiner’s digest differs from PC 1’s');
    await allApplied(pcs);
    console.log(`class.join: snapshot after ${joined.snapshotSeq}, tail ${joined.seq - joined.snapshotSeq}: ${Math.round(joined.ms)} ms, of which joinClass (snapshot read, import, digest) ${Math.round(joined.importMs)} ms (joining at sequence 0: ${joins.map(Math.round).join(', ')} ms); equal digests; load ${load()}`);
    rows.push({ name: 'class.join', value: Math.round(joined.ms), unit: 'ms', baseline: Math.round(joins[0]!), ratio: Math.round((joined.ms / joins[0]!) * 1000) / 1000, limit: joinLimitMs });
    // Where joinClass's time goes: its parts measured again one by one (not part of the row).
    const parts = await call(late, 'joinParts', link);
    console.log(`class.join parts (again, one by one): snapshot of ${round1(parts.bytes / 1e6)} MB read ${Math.round(parts.readMs)} ms, imported (worker: write and check) ${Math.round(parts.importMs)} ms, digest ${Math.round(parts.digestMs)} ms, checkWorld alone ${Math.round(parts.checkMs)} ms; load ${load()}`);
  } finally {
    await class_?.close();
    for (const pc of pcs) await closePc(pc);
    await server.dispose();
    http.close();
  }
  return { rows: rows.filter((r) => options.wanted.includes(r.name)), browser: browser ?? '' };
}
