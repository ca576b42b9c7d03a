import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EDITING_TRACES_DIRECTORY } from '@seen/shared/testing';

/** bench/src/lib → the repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BENCH_ROOT = resolve(REPO_ROOT, 'bench');
export const BENCH_DIST = resolve(BENCH_ROOT, 'dist');
export const RESULTS_DIR = resolve(BENCH_ROOT, 'results');
export const SERVER_MAIN = resolve(REPO_ROOT, 'server/dist/main.js');
export const CLIENT_DIST = resolve(REPO_ROOT, 'client/dist');

/**
 * The real editing traces (CC BY 4.0, github.com/josephg/editing-traces) are never in the
 * repository: the same folder the sync tests read (`../shared/data/editing-traces` beside the
 * repository, or SEEN_EDITING_TRACES).
 */
export const TRACES_DIR = EDITING_TRACES_DIRECTORY;

export const TRACE_FILES = {
  friendsforever: 'friendsforever.json.gz',
  clownschool: 'clownschool.json.gz',
  automergePaper: 'automerge-paper.json.gz',
} as const;

export function requireTraces(): void {
  const missing = Object.values(TRACE_FILES).filter((file) => !existsSync(resolve(TRACES_DIR, file)));
  if (missing.length === 0) return;
  throw new Error(
    `The editing traces are missing: ${missing.join(', ')} not found in ${TRACES_DIR}.\n` +
      'The benchmark reads the real human editing traces (josephg/editing-traces, CC BY 4.0) from ' +
      '../shared/data/editing-traces beside the repository, or from the folder SEEN_EDITING_TRACES names. ' +
      'Put the three .json.gz files there (friendsforever, clownschool, automerge-paper) and run again.',
  );
}
