import { defineConfig } from 'vitest/config';

// End-to-end tests drive Debian's Chromium against the production build in dist/.
// Two files at a time: a test spends most of its time waiting on the pages (polls, live queries,
// the world clock), measured at under half a core each, so two side by side use the two cores and
// take about half the wall time. Each file has its own browser profiles, and the update test its
// own host (global-setup.ts), so files cannot see each other's data.
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: true,
    maxWorkers: 2,
    // Generous bounds: on a loaded 2-core machine (two files side by side) a page can take a few
    // seconds to answer. A passing test never waits for them; they only bound a failing one.
    testTimeout: 240_000,
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
  },
});
