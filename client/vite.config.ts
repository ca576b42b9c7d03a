import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompress } from './precompress.ts';

// The relay serves dist/ under a strict CSP (script-src/style-src/connect-src 'self'): nothing here
// may inline scripts or styles into index.html, and every asset is same-origin.
export default defineConfig({
  plugins: [react(), precompress()],
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
