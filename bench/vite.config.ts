import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// Builds the benchmark page: the real src/ modules (Dexie, ledger, crypto) bundled as in production,
// loaded by bench/run.mjs in Debian's Chromium.
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../node_modules/.settlelab-bench'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: resolve(import.meta.dirname, 'index.html') },
  },
});
