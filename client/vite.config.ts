import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompress } from './precompress.ts';

// The relay serves dist/ under a strict CSP (script-src/style-src/connect-src 'self'): nothing here
// may inline scripts or styles into index.html, and every asset is same-origin.
export default defineConfig({
  plugins: [react(), precompress()],
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
