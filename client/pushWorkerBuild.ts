// Builds the service worker's push handling (src/push/pushWorker.ts) into one classic script,
// /push-worker.js, which the generated sw.js loads with importScripts (vite.config.ts). A classic
// script because importScripts cannot load modules; esbuild because the app's own chunks are ES
// modules that share code between them.
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Plugin } from 'vite';

export const PUSH_WORKER_FILE = 'push-worker.js';

export function pushWorker(): Plugin {
  return {
    name: 'seen-push-worker',
    apply: 'build',
    async generateBundle() {
      const result = await build({
        entryPoints: [join(import.meta.dirname, 'src', 'push', 'pushWorker.ts')],
        bundle: true,
        format: 'iife',
        target: 'es2022',
        minify: true,
        write: false,
        legalComments: 'none',
      });
      const [output] = result.outputFiles;
      if (!output) throw new Error('pushWorker: esbuild wrote nothing for src/push/pushWorker.ts.');
      this.emitFile({ type: 'asset', fileName: PUSH_WORKER_FILE, source: output.text });
    },
  };
}
