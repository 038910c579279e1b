import { defineConfig } from 'vitest/config';

// End-to-end tests drive Debian's Chromium against the production build in dist/.
// One file at a time: the machine has two cores and each test runs its own browsers.
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
