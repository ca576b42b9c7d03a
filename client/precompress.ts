// Writes brotli (.br) and gzip (.gz) copies of the built text files next to them, once, at build
// time, so the relay (server/src/staticFiles.ts) sends compressed bytes without compressing per
// request. Maximum levels: the cost is paid once per build, not per visitor.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest', '.txt']);
/** Below this, headers outweigh the saving and the extra file is noise. */
const MIN_BYTES = 512;

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Compresses every compressible file under `dir`; a copy that is not smaller is not written. */
export function precompressDir(dir: string): { files: number } {
  let files = 0;
  for (const path of listFiles(dir)) {
    if (!COMPRESSIBLE.has(extname(path))) continue;
    const bytes = readFileSync(path);
    if (bytes.length < MIN_BYTES) continue;
    const brotli = brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
    const gzip = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
    if (brotli.length < bytes.length) writeFileSync(`${path}.br`, brotli);
    if (gzip.length < bytes.length) writeFileSync(`${path}.gz`, gzip);
    files++;
  }
  return { files };
}

/** The Vite plugin: runs after the bundle (and public/) is written to outDir. */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'seen-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    // Last and alone: the service worker (vite-plugin-pwa) is written in its own closeBundle, and
    // compressing a file while it is being written would ship a truncated copy.
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        precompressDir(outDir);
      },
    },
  };
}
