// Test and script support (Node only) for DECK-19: shipped cards are our own words, not the seed
// article's. The article the decks were written against is copyrighted, so the repository keeps only
// a fingerprint of it: a truncated SHA-256 of every normalised six-word run. A card that copies six
// words in a row from the article has a run whose hash is in the fingerprint.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitWords } from '../nearDuplicates';
import { DECKS_DIRECTORY } from './readDeckFiles';

/** Shared runs of this many words with the seed article count as copying (WRITING.md "Our own words"). */
export const COPIED_RUN_WORDS = 6;
/** 48 bits: with a few thousand runs on each side a chance collision is about one in ten million. */
export const RUN_HASH_HEX_CHARS = 12;
export const SEED_FINGERPRINT_PATH = join(DECKS_DIRECTORY, 'seed-fingerprint.json');
/**
 * A fixed phrase (not from the article) whose hash the fingerprint records. If splitWords or the
 * hash ever changes, the recorded calibration no longer matches and the test asks for a regenerated
 * fingerprint instead of silently comparing hashes made two different ways.
 */
export const CALIBRATION_TEXT = 'Calibration: Seen hashes six-word runs like this one.';

export interface SeedFingerprint {
  readonly about: string;
  readonly runWords: number;
  readonly hashHexChars: number;
  readonly calibration: string;
  readonly hashes: readonly string[];
}

/** The hash of one run of words, as the fingerprint stores it. */
export function hashWordRun(words: readonly string[]): string {
  return createHash('sha256').update(words.join(' '), 'utf8').digest('hex').slice(0, RUN_HASH_HEX_CHARS);
}

/** Every run of COPIED_RUN_WORDS consecutive normalised words in a text (none when it is shorter). */
export function listWordRuns(text: string): string[][] {
  const words = splitWords(text);
  const runs: string[][] = [];
  for (let start = 0; start + COPIED_RUN_WORDS <= words.length; start += 1) runs.push(words.slice(start, start + COPIED_RUN_WORDS));
  return runs;
}

/** The fingerprint of a seed text: each distinct run's hash, sorted so the file diffs cleanly. */
export function fingerprintText(text: string, about: string): SeedFingerprint {
  const hashes = [...new Set(listWordRuns(text).map(hashWordRun))].sort();
  return { about, runWords: COPIED_RUN_WORDS, hashHexChars: RUN_HASH_HEX_CHARS, calibration: hashCalibration(), hashes };
}

export function hashCalibration(): string {
  return hashWordRun(splitWords(CALIBRATION_TEXT));
}

/** The runs of `texts` whose hashes are in the fingerprint, as "label: run" lines. */
export function findCopiedRuns(texts: readonly { readonly label: string; readonly text: string }[], hashes: ReadonlySet<string>): string[] {
  return texts.flatMap(({ label, text }) =>
    listWordRuns(text)
      .filter((run) => hashes.has(hashWordRun(run)))
      .map((run) => `${label}: "${run.join(' ')}"`),
  );
}

/** seed-fingerprint.json; throws on a malformed file (a broken repo, not user input). */
export function readSeedFingerprint(path: string = SEED_FINGERPRINT_PATH): SeedFingerprint {
  if (!existsSync(path)) throw new Error(`${path} is missing; regenerate it with npx tsx shared/decks/scripts/fingerprintSeed.ts`);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Partial<SeedFingerprint>;
  const { about, runWords, hashHexChars, calibration, hashes } = json;
  if (
    typeof about !== 'string' ||
    typeof runWords !== 'number' ||
    typeof hashHexChars !== 'number' ||
    typeof calibration !== 'string' ||
    !Array.isArray(hashes) ||
    !hashes.every((hash: unknown) => typeof hash === 'string')
  ) {
    throw new Error(`${path} must hold about, runWords, hashHexChars, calibration and a list of hashes`);
  }
  return { about, runWords, hashHexChars, calibration, hashes };
}
