// Test and script support (Node only): the shipped content files read straight from disk, so the
// shipped-deck tests name the failing file even when shippedDecks.ts cannot load at all.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const DECKS_DIRECTORY = fileURLToPath(new URL('..', import.meta.url));
export const SHIPPED_IDS_PATH = join(DECKS_DIRECTORY, 'shipped-ids.json');

/** The shipped content files and the size, level and audience rules each must meet (DECK-9). */
export const SHIPPED_DECK_FILES = [
  { file: 'weekly-ritual.json', id: 'weekly-ritual', idPrefix: 'wr-', audience: 'partners', minPrompts: 150, minPerLevel: 30 },
  { file: 'deep-lunch.json', id: 'deep-lunch', idPrefix: 'dl-', audience: 'friends', minPrompts: 60, minPerLevel: 1 },
  { file: 'being-seen.json', id: 'being-seen', idPrefix: 'bs-', audience: null, minPrompts: 40, minPerLevel: 1 },
] as const;

export type DeckFileText = { readonly file: string; readonly text: string | null };

/** Each shipped file's text, or null when the file is missing. */
export function readShippedDeckFiles(): DeckFileText[] {
  return SHIPPED_DECK_FILES.map(({ file }) => {
    const path = join(DECKS_DIRECTORY, file);
    return { file, text: existsSync(path) ? readFileSync(path, 'utf8') : null };
  });
}

export function readDeckFile(relativePath: string): string {
  return readFileSync(join(DECKS_DIRECTORY, relativePath), 'utf8');
}

/** shipped-ids.json as a list of ids; throws on a malformed file (a broken repo, not user input). */
export function readRecordedIds(path: string = SHIPPED_IDS_PATH): string[] {
  if (!existsSync(path)) return [];
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const ids = typeof json === 'object' && json !== null && 'ids' in json ? json.ids : undefined;
  if (!Array.isArray(ids) || !ids.every((id: unknown) => typeof id === 'string')) {
    throw new Error(`${path} must be an object with an "ids" list of strings`);
  }
  return ids.filter((id: unknown): id is string => typeof id === 'string');
}

/** Ids recorded as shipped that no deck carries any more (DECK-10). */
export function findMissingIds(recorded: readonly string[], current: readonly string[]): string[] {
  const present = new Set(current);
  return recorded.filter((id) => !present.has(id));
}
