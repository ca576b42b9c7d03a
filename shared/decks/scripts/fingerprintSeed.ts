// Records the seed article's fingerprint in shared/decks/seed-fingerprint.json (DECK-19).
//
//   npx tsx shared/decks/scripts/fingerprintSeed.ts [path/to/seed.txt]          rewrite the fingerprint
//   npx tsx shared/decks/scripts/fingerprintSeed.ts --check [path/to/seed.txt]  fail if it is out of date
//
// The article is not part of the repository (it is someone else's copyrighted writing); whoever has
// a copy passes its path, or keeps it at ../shared/seed/emotional-intimacy.txt beside the repository.
// Only the hashes are committed, never the text. Both modes also report any shipped card that already
// copies a run, so a writer can check a draft against the article itself.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeckFile } from '../parseDeck';
import { DECKS_DIRECTORY, readShippedDeckFiles } from '../testing/readDeckFiles';
import { SEED_FINGERPRINT_PATH, findCopiedRuns, fingerprintText, readSeedFingerprint } from '../testing/seedFingerprint';

const CHECK_FLAG = '--check';
const DEFAULT_SEED_PATH = join(DECKS_DIRECTORY, '../../../shared/seed/emotional-intimacy.txt');
const ABOUT =
  'DECK-19: truncated SHA-256 of every normalised six-word run of the seed article (the text itself is not in the repository). ' +
  'Regenerate with: npx tsx shared/decks/scripts/fingerprintSeed.ts path/to/seed.txt';

function serialize(fingerprint: ReturnType<typeof fingerprintText>): string {
  return `${JSON.stringify(fingerprint, null, 1)}\n`;
}

function fingerprintSeed(args: readonly string[]): number {
  const check = args.includes(CHECK_FLAG);
  const seedPath = args.find((arg) => arg !== CHECK_FLAG) ?? DEFAULT_SEED_PATH;
  if (!existsSync(seedPath)) {
    console.error(`No seed article at ${seedPath}. Pass the path to your copy of it.`);
    return 1;
  }
  const fingerprint = fingerprintText(readFileSync(seedPath, 'utf8'), ABOUT);
  const copied = findCopiedRuns(shippedTexts(), new Set(fingerprint.hashes));
  if (copied.length > 0) console.error(`Shipped cards that copy the seed article (rewrite them in our own words):\n  ${copied.join('\n  ')}`);
  if (check) {
    const current = existsSync(SEED_FINGERPRINT_PATH) ? serialize(readSeedFingerprint()) : '';
    if (current !== serialize(fingerprint)) {
      console.error(`${SEED_FINGERPRINT_PATH} is out of date; run this script without ${CHECK_FLAG}.`);
      return 1;
    }
    console.log(`${SEED_FINGERPRINT_PATH} is current (${fingerprint.hashes.length} runs).`);
  } else {
    writeFileSync(SEED_FINGERPRINT_PATH, serialize(fingerprint));
    console.log(`Recorded ${fingerprint.hashes.length} six-word runs in ${SEED_FINGERPRINT_PATH}.`);
  }
  return copied.length > 0 ? 1 : 0;
}

function shippedTexts(): { label: string; text: string }[] {
  return readShippedDeckFiles().flatMap(({ file, text }) => {
    const parsed = text === null ? null : parseDeckFile(text);
    if (parsed === null || !parsed.ok) throw new Error(`shared/decks/${file} is missing or invalid; fix it first`);
    return parsed.value.prompts.flatMap((prompt) => [
      { label: prompt.id, text: prompt.text },
      { label: `${prompt.id} (deeper)`, text: prompt.deeper ?? '' },
    ]);
  });
}

process.exitCode = fingerprintSeed(process.argv.slice(2));
