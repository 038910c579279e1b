import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sirv from 'sirv';
import type { TestProject } from 'vitest/node';

// Serves the production build (dist/) at the root and under a sub-path, as a static host would,
// and once more on a host of its own for the update test. End-to-end tests never run against the dev server.
export const subPath = '/teaching/settlelab/';

const servers: Server[] = [];

/**
 * One static host of `dist`. A host made `deployable` can "deploy a new version": from then on its
 * sw.js differs by a trailing comment, which is what a real deployment looks like to the browser's
 * update check. Only the update test uses that host (its own origin), so e2e files running side by
 * side never see another file's deployment.
 */
async function serveDist(dist: string, deployable: boolean): Promise<number> {
  const serve = sirv(dist, { dev: false, etag: true, single: false });
  let swVersion = 1;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (deployable && url === '/__test/deploy') {
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
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function setup(project: TestProject): Promise<void> {
  // SETTLELAB_DIST lets a developer test a build in another folder (e.g. two builds side by side).
  const dist = resolve(process.env.SETTLELAB_DIST ?? resolve(import.meta.dirname, '../../dist'));
  if (!existsSync(resolve(dist, 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const port = await serveDist(dist, false);
  project.provide('baseUrl', `http://127.0.0.1:${port}/`);
  project.provide('subPathUrl', `http://127.0.0.1:${port}${subPath}`);
  project.provide('deployUrl', `http://127.0.0.1:${await serveDist(dist, true)}/`);
}

export async function teardown(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((ok) => server.close(() => ok()))));
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    subPathUrl: string;
    /** A host of its own whose `__test/deploy` makes a new version (the update test's). */
    deployUrl: string;
  }
}
