import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The deterministic simulator's command-line run (`npm run sim`, scripts/sim.mjs): Node with
// fake-indexeddb, like the unit project, but only test/sim and with no time limit of its own.
export default defineConfig({
  // The app's i18n module is a .svelte.ts file (runes): the Svelte plugin compiles it.
  plugins: [svelte()],
  test: {
    environment: 'node',
    include: ['test/sim/**/*.sim.ts'],
    setupFiles: ['fake-indexeddb/auto', 'test/setup-node.ts'],
    testTimeout: 0,
  },
});
