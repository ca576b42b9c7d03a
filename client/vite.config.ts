import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { precompress } from './precompress.ts';
import { PUSH_WORKER_FILE, pushWorker } from './pushWorkerBuild.ts';

// The app's palette (src/styles/app.css, light scheme): --paper behind the splash and in the title bar.
const PAPER = '#f7f1e8';

// The relay serves dist/ under a strict CSP (script-src/style-src/connect-src 'self'): nothing here
// may inline scripts or styles into index.html, and every asset is same-origin.
export default defineConfig({
  plugins: [
    react(),
    pushWorker(),
    VitePWA({
      // A new version waits until the person presses Reload (src/app/appUpdate.ts): an automatic
      // reload could land in the middle of an answer being written.
      registerType: 'prompt',
      // main.tsx registers the worker itself after the first paint; the plugin's register script
      // would be one more script in index.html.
      injectRegister: false,
      strategies: 'generateSW',
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      // The glob below already precaches every icon; listing them again would duplicate entries.
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Seen',
        short_name: 'Seen',
        description: 'A private room for two: draw a card, both answer, see each other.',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: PAPER,
        background_color: PAPER,
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The whole shell, every lazy screen and the decks chunk, so a room opens with no network.
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        navigateFallback: '/index.html',
        // The relay's own paths are never the app: the socket and the health check go to the network.
        navigateFallbackDenylist: [/^\/v1(?:\/|$)/, /^\/healthz(?:\/|$)/],
        // No runtime caching: only the precached build is ever served from the worker.
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        // The first visit's page is controlled at once (nothing older to replace); updates still wait.
        clientsClaim: true,
        skipWaiting: false,
        sourcemap: false,
        // Web Push: the notification's words come from this device (src/push/pushWorker.ts). Same
        // origin, served no-cache like sw.js, so an update check sees a new version of it too.
        importScripts: [`/${PUSH_WORKER_FILE}`],
      },
    }),
    precompress(),
  ],
  // Workspace packages (@seen/sync) are read from their TypeScript sources here; outside this
  // repository the same package resolves to its built dist/.
  resolve: { conditions: ['seen-source', ...defaultClientConditions] },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // Keep small assets as files: inlined data: URLs would need a looser CSP.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: { port: 5173 },
});
