// Test support (Node only): a keystroke-by-keystroke editing history to replay through sync (SYNC-22).
//
// The real one is the start of Martin Kleppmann's `automerge-paper` history from Joseph Gentle's
// editing-traces collection (CC BY 4.0), the same files `pnpm bench` replays (BENCHMARKS.md). They
// are not part of the repository, so a fresh clone replays a seeded synthetic trace instead, shaped
// like the real one's first 3,000 patches (measured once, numbers below): every patch types or
// deletes one character; 19% are deletes; typing comes in runs averaging 27 characters and
// backspacing in runs averaging 9; 9% of runs start at the end of the text, the rest jump back
// into it (revising earlier sentences).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createSeededRandom } from './createSeededRandom.ts';

/** [position, deleteCount, inserted text], applied in order to one text. */
export type TracePatch = readonly [position: number, deleteCount: number, insert: string];

export interface EditingTrace {
  /** Which history this is, for the test's output: the real trace or the synthetic stand-in. */
  readonly name: string;
  readonly patches: readonly TracePatch[];
}

/** Where the bench keeps the traces: ../shared/data/editing-traces beside the repository; overridable. */
export const EDITING_TRACES_DIRECTORY =
  process.env.SEEN_EDITING_TRACES ?? fileURLToPath(new URL('../../../shared/data/editing-traces', import.meta.url));
const REAL_TRACE_FILE = 'automerge-paper.json.gz';

/** Shape of the real trace's first 3,000 patches (see the header). */
const DELETE_RUN_SHARE = 62 / 151;
const MEAN_TYPING_RUN = 27;
const MEAN_BACKSPACE_RUN = 9;
const RUN_AT_END_SHARE = 13 / 151;
/** Mostly letters and spaces, some punctuation and line breaks, like prose. */
const TYPED_CHARACTERS = 'eeeettaaooiinnsshhrrdlcumwfgypbvk          ,.\n';
const DEFAULT_SEED = 22;

/** The real trace's first `count` patches when its file is there, otherwise the synthetic stand-in. */
export function loadEditingTrace(count: number, directory: string = EDITING_TRACES_DIRECTORY): EditingTrace {
  const path = `${directory}/${REAL_TRACE_FILE}`;
  if (!existsSync(path)) return { name: `a synthetic trace (seed ${DEFAULT_SEED}; no ${REAL_TRACE_FILE} beside the repository)`, patches: generateKeystrokeTrace(count) };
  const trace = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { txns: { patches: TracePatch[] }[] };
  return { name: 'the real automerge-paper trace', patches: trace.txns.flatMap((txn) => txn.patches).slice(0, count) };
}

/** A seeded keystroke history with the real trace's mix of typing and backspacing (see the header). */
export function generateKeystrokeTrace(count: number, seed: number = DEFAULT_SEED): TracePatch[] {
  const random = createSeededRandom(seed);
  const patches: TracePatch[] = [];
  let length = 0;
  while (patches.length < count) {
    const remaining = count - patches.length;
    const backspacing = length > 0 && random() < DELETE_RUN_SHARE;
    const atEnd = random() < RUN_AT_END_SHARE;
    if (backspacing) {
      const run = Math.min(drawRunLength(random, MEAN_BACKSPACE_RUN), length, remaining);
      // Backspace deletes the character before the cursor, so the run walks left from `start`.
      const start = atEnd ? length - 1 : run - 1 + Math.floor(random() * (length - run + 1));
      for (let step = 0; step < run; step += 1) patches.push([start - step, 1, '']);
      length -= run;
    } else {
      const run = Math.min(drawRunLength(random, MEAN_TYPING_RUN), remaining);
      const start = atEnd ? length : Math.floor(random() * (length + 1));
      for (let step = 0; step < run; step += 1) {
        patches.push([start + step, 0, TYPED_CHARACTERS.charAt(Math.floor(random() * TYPED_CHARACTERS.length))]);
      }
      length += run;
    }
  }
  return patches;
}

/** The text a trace leaves behind. */
export function applyTrace(patches: readonly TracePatch[]): string {
  let text = '';
  for (const [position, deleteCount, insert] of patches) text = text.slice(0, position) + insert + text.slice(position + deleteCount);
  return text;
}

/** A geometric run length (at least 1) with the given mean. */
function drawRunLength(random: () => number, mean: number): number {
  return 1 + Math.floor(Math.log(1 - random()) / Math.log(1 - 1 / mean));
}
