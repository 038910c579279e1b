// The bundle report (issue #18): which JavaScript the start page loads before it shows, the party
// shell on top of it, and every chunk, with gzip sizes. Reads a production build's
// .vite/manifest.json (vite.config.ts: build.manifest) and the files beside it.
//   node bench/bundle-report.mjs [dist]   prints the report
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** What a party's tab loads on top of the start page: the world shell and every feature's words. */
const shellSources = ['src/ui/world/WorldView.svelte', 'src/ui/i18n/en.ts', 'src/ui/i18n/zh-CN.ts'];
const jsPattern = /\.js$/;

export function bundleReport(dist) {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
  const gzipKb = new Map();
  const sizeOf = (file) => {
    if (!gzipKb.has(file)) {
      const bytes = readFileSync(join(dist, file));
      gzipKb.set(file, { rawKb: bytes.length / 1024, gzipKb: gzipSync(bytes, { level: 9 }).length / 1024 });
    }
    return gzipKb.get(file);
  };
  // Static imports only: what the browser must fetch and run before the entry's code runs.
  const closure = (key, seen = new Set()) => {
    const chunk = manifest[key];
    if (chunk === undefined || seen.has(chunk.file)) return seen;
    seen.add(chunk.file);
    for (const dep of chunk.imports ?? []) closure(dep, seen);
    return seen;
  };
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry && k.endsWith('index.html'));
  if (entryKey === undefined) throw new Error('no index.html entry in the manifest');
  const firstScreen = closure(entryKey);
  const shell = new Set();
  for (const source of shellSources) {
    if (manifest[source] === undefined) throw new Error(`${source} is not a chunk of its own in the manifest`);
    closure(source, shell);
  }
  const shellExtra = [...shell].filter((f) => !firstScreen.has(f));
  const sum = (files) => files.reduce((s, f) => s + sizeOf(f).gzipKb, 0);
  const sourceOf = new Map(Object.entries(manifest).map(([k, c]) => [c.file, c.src ?? c.name ?? k]));
  // Every script of the app: the manifest's chunks and what they start (the verifier's worker).
  const files = readdirSync(join(dist, 'assets')).filter((f) => jsPattern.test(f)).map((f) => `assets/${f}`);
  const chunks = files
    .map((file) => ({ file, source: sourceOf.get(file) ?? 'worker', ...sizeOf(file), firstScreen: firstScreen.has(file), shell: shellExtra.includes(file) }))
    .sort((a, b) => b.gzipKb - a.gzipKb);
  return {
    firstScreenGzipKb: sum([...firstScreen]),
    firstScreenFiles: [...firstScreen],
    shellGzipKb: sum(shellExtra),
    totalGzipKb: sum(files),
    chunks,
  };
}

const round = (x) => Math.round(x * 10) / 10;

export function bundleMarkdown(r) {
  const rows = r.chunks.map((c) => `| ${c.file} | ${c.source} | ${round(c.rawKb)} | ${round(c.gzipKb)} | ${c.firstScreen ? 'start page' : c.shell ? 'party shell' : 'when needed'} |`);
  return [
    `First screen (start page): **${round(r.firstScreenGzipKb)} kB** of JavaScript (gzip), ${r.firstScreenFiles.length} files; the party shell adds ${round(r.shellGzipKb)} kB; all JavaScript: ${round(r.totalGzipKb)} kB in ${r.chunks.length} chunks.`,
    '',
    '| chunk | source | raw kB | gzip kB | loads |',
    '|---|---|---:|---:|---|',
    ...rows,
  ].join('\n');
}

// Printed on its own for a build (dist/ by default); npm run bench keeps it in BENCHMARKS.md.
if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = resolve(process.argv[2] ?? join(import.meta.dirname, '../dist'));
  console.log(bundleMarkdown(bundleReport(dist)));
}
