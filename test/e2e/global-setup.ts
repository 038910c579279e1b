import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sirv from 'sirv';
import type { TestProject } from 'vitest/node';

// Serves the production build (dist/) twice: at the root and under a sub-path, as a static host
// would. End-to-end tests never run against the dev server.
export const subPath = '/teaching/settlelab/';

let server: Server | undefined;

export async function setup(project: TestProject): Promise<void> {
  // SETTLELAB_DIST lets a developer test a build in another folder (e.g. two builds side by side).
  const dist = resolve(process.env.SETTLELAB_DIST ?? resolve(import.meta.dirname, '../../dist'));
  if (!existsSync(resolve(dist, 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const serve = sirv(dist, { dev: false, etag: true, single: false });
  // A test can "deploy a new version": from then on sw.js differs by a trailing comment, which is
  // what a real deployment looks like to the browser's update check.
  let swVersion = 1;
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/__test/deploy') {
      swVersion += 1;
      res.end(String(swVersion));
      return;
    }
    if (swVersion > 1 && (url === '/sw.js' || url === subPath + 'sw.js')) {
      res.setHeader('content-type', 'text/javascript');
      res.setHeader('cache-control', 'no-cache');
      res.end(readFileSync(resolve(dist, 'sw.js'), 'utf8') + `\n// deployment ${swVersion}\n`);
      return;
    }
    if (url.startsWith(subPath)) req.url = '/' + url.slice(subPath.length);
    else if (url.startsWith('/teaching/')) {
      res.statusCode = 404;
      res.end();
      return;
    }
    serve(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  project.provide('baseUrl', `http://127.0.0.1:${address.port}/`);
  project.provide('subPathUrl', `http://127.0.0.1:${address.port}${subPath}`);
}

export async function teardown(): Promise<void> {
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    subPathUrl: string;
  }
}
