/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { VitePWA } from 'vite-plugin-pwa';

// base './' keeps every URL relative, so dist/ works from any static host and any sub-path.
export default defineConfig({
  base: './',
  plugins: [
    svelte(),
    VitePWA({
      injectRegister: false,
      registerType: 'prompt',
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'SettleLab 结算实验室',
        short_name: 'SettleLab',
        description: 'How money moves through an e-commerce platform, offline, one tab per party.',
        theme_color: '#0f5b78',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: './',
        scope: './',
        screenshots: [{ src: 'screenshot.png', sizes: '1280x800', type: 'image/png', form_factor: 'wide' }],
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg}'],
        // clientsClaim: the first visit is controlled at once, so the app works offline after one load.
        // skipWaiting stays off: a new version waits until the user accepts "update available".
        clientsClaim: true,
        skipWaiting: false,
        navigateFallback: 'index.html',
        // The app is one bundle of about 1.2 MB; Workbox skips files over its 2 MiB default without
        // a word, which would break offline use, so the limit is stated here with room to grow.
        maximumFileSizeToCacheInBytes: 6 * 1024 * 1024,
      },
    }),
  ],
  // manifest: bench/bundle-report.mjs reads which chunks each entry and page loads (issue #18).
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2048,
    manifest: true,
    rolldownOptions: {
      // src/domain is pure (no I/O, nothing runs on import but its own setup, e.g. ed25519's hash):
      // a domain module none of whose exports a chunk uses is left out of it. Without this the
      // start page pulled the whole domain through the barrel src/domain/index.ts (issue #18).
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]src[\\/]domain[\\/]/.test(id) },
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          // Property tests and PBKDF2 take seconds on a busy two-core machine; a stuck test still fails.
          testTimeout: 60_000,
          include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts'],
          setupFiles: ['fake-indexeddb/auto', 'test/setup-node.ts'],
        },
      },
      {
        // Node against a real nats-server (test/support/nats-server.ts starts one per file on free
        // loopback ports): the class world's transport and replicas (issue #20).
        extends: true,
        test: {
          name: 'integration',
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['fake-indexeddb/auto', 'test/setup-node.ts'],
        },
      },
      {
        extends: true,
        plugins: [svelteTesting()],
        test: {
          name: 'component',
          environment: 'jsdom',
          testTimeout: 30_000,
          include: ['test/component/**/*.test.ts'],
          setupFiles: ['fake-indexeddb/auto', 'test/component/setup.ts'],
        },
      },
    ],
  },
});
