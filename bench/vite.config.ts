import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

// Builds the benchmark page: the real src/ modules (Dexie, ledger, crypto) bundled as in production,
// loaded by bench/run.mjs in Debian's Chromium. Svelte: the desk walk mounts the desk's own page
// component (bench/recon-desk-cases.ts).
export default defineConfig({
  plugins: [svelte()],
  root: resolve(import.meta.dirname),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../node_modules/.settlelab-bench'),
    emptyOutDir: true,
    target: 'es2022',
    // class.html: the class rows' page (bench/class-bench.ts drives one per Chromium profile).
    rollupOptions: { input: [resolve(import.meta.dirname, 'index.html'), resolve(import.meta.dirname, 'class.html')] },
  },
});
