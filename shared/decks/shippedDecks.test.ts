// DECK-9…DECK-11 and the mechanical half of WRITING.md, checked against the shipped content files.
// The files are read from disk (not through shippedDecks.ts), so a broken file fails here with its
// own name and errors even when the module cannot load.
import { describe, expect, it } from 'vitest';
import { BEING_SEEN_STEPS, PROMPT_LEVELS, type Deck } from './deckFormat';
import { drawSession, type DrawHistoryEntry } from './drawSession';
import { NEAR_DUPLICATE_THRESHOLD, findNearDuplicates, splitWords } from './nearDuplicates';
import { parseDeckFile } from './parseDeck';
import { SHIPPED_DECK_FILES, findMissingIds, readDeckFile, readRecordedIds, readShippedDeckFiles } from './testing/readDeckFiles';
import { COPIED_RUN_WORDS, RUN_HASH_HEX_CHARS, findCopiedRuns, fingerprintText, hashCalibration, readSeedFingerprint } from './testing/seedFingerprint';

/**
 * Words that assume a gender or a kind of relationship (WRITING.md "Fit everyone"). Matched as whole
 * words in text and follow-ups.
 */
const EXCLUDING_WORDS = [
  'he', 'she', 'him', 'her', 'his', 'hers', 'himself', 'herself', 'man', 'woman', 'men', 'women', 'guy', 'guys',
  'girl', 'girls', 'boy', 'boys', 'lady', 'ladies', 'husband', 'wife', 'wives', 'boyfriend', 'girlfriend',
  'spouse', 'married', 'marriage', 'fiance', 'fiancee',
] as const;

/** Fewer distinct runs than this means the fingerprint was made from a fragment of the article. */
const MIN_SEED_RUNS = 2_500;

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKS_PER_YEAR = 52;

function loadShippedDecks(): { file: string; deck: Deck }[] {
  return readShippedDeckFiles().map(({ file, text }) => {
    if (text === null) throw new Error(`shared/decks/${file} is missing`);
    const result = parseDeckFile(text);
    if (!result.ok) throw new Error(`shared/decks/${file} is invalid:\n${result.errors.map((error) => error.message).join('\n')}`);
    return { file, deck: result.value };
  });
}

describe('shipped decks', () => {
  const decks = loadShippedDecks();
  const allPrompts = decks.flatMap(({ deck }) => deck.prompts);

  it.each(SHIPPED_DECK_FILES)('DECK-9 $file parses and meets its size, level, audience and id-prefix rules', (expected) => {
    const found = decks.find(({ file }) => file === expected.file);
    expect(found).toBeDefined();
    if (found === undefined) return;
    const { deck } = found;
    expect(deck.id).toBe(expected.id);
    if (expected.audience !== null) expect(deck.audience).toBe(expected.audience);
    expect(deck.prompts.length).toBeGreaterThanOrEqual(expected.minPrompts);
    for (const level of PROMPT_LEVELS) {
      expect(deck.prompts.filter((prompt) => prompt.level === level).length, `level ${level} cards`).toBeGreaterThanOrEqual(expected.minPerLevel);
    }
    expect(deck.prompts.filter((prompt) => !prompt.id.startsWith(expected.idPrefix)).map((prompt) => prompt.id)).toEqual([]);
  });

  it('DECK-9 prompt ids are unique across all shipped decks', () => {
    const ids = allPrompts.map((prompt) => prompt.id);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  it('DECK-9 the Being seen deck walks all four steps (hiding, being seen, discomfort, stretch)', () => {
    const beingSeen = decks.find(({ deck }) => deck.id === 'being-seen')?.deck;
    const themes = new Set(beingSeen?.prompts.flatMap((prompt) => prompt.themes));
    expect(BEING_SEEN_STEPS.filter((step) => !themes.has(step))).toEqual([]);
  });

  it('DECK-10 every id recorded in shipped-ids.json is still shipped (ids may be added, never removed)', () => {
    const recorded = readRecordedIds();
    expect(recorded.length).toBeGreaterThan(0);
    expect(findMissingIds(recorded, allPrompts.map((prompt) => prompt.id))).toEqual([]);
  });

  it('DECK-10 the stable-id check reports an id that disappeared, and accepts new ones', () => {
    expect(findMissingIds(['wr-001', 'wr-002'], ['wr-001', 'wr-003'])).toEqual(['wr-002']);
    expect(findMissingIds(['wr-001'], ['wr-001', 'wr-999'])).toEqual([]);
  });

  it(`DECK-11 no two shipped prompts are near-duplicates (similarity ≥ ${NEAR_DUPLICATE_THRESHOLD})`, () => {
    const pairs = findNearDuplicates(allPrompts, NEAR_DUPLICATE_THRESHOLD);
    const textOf = (id: string): string => allPrompts.find((prompt) => prompt.id === id)?.text ?? '';
    expect(pairs.map((pair) => `${pair.firstId} ~ ${pair.secondId} (${pair.similarity.toFixed(2)}): ${textOf(pair.firstId)} / ${textOf(pair.secondId)}`)).toEqual([]);
  });

  it('DECK-18 no prompt assumes a gender or a kind of relationship', () => {
    const excluded = new Set<string>(EXCLUDING_WORDS);
    const offenders = allPrompts.flatMap((prompt) =>
      [prompt.text, prompt.deeper ?? ''].flatMap((text) => splitWords(text).filter((word) => excluded.has(word)).map((word) => `${prompt.id}: "${word}" in ${text}`)),
    );
    expect(offenders).toEqual([]);
  });

  it(`DECK-19 no prompt shares a run of ${COPIED_RUN_WORDS} words with the seed article (checked against its committed fingerprint)`, () => {
    const fingerprint = readSeedFingerprint();
    // Hashes made by another normalisation or hash would never match: insist they are made the same way.
    expect(fingerprint.calibration, 'splitWords or the run hash changed: regenerate seed-fingerprint.json').toBe(hashCalibration());
    expect([fingerprint.runWords, fingerprint.hashHexChars]).toEqual([COPIED_RUN_WORDS, RUN_HASH_HEX_CHARS]);
    // The whole article, not a stub: it has about 2,600 words, so about as many distinct runs.
    expect(new Set(fingerprint.hashes).size).toBeGreaterThanOrEqual(MIN_SEED_RUNS);
    expect(fingerprint.hashes.filter((hash) => !/^[0-9a-f]+$/u.test(hash) || hash.length !== RUN_HASH_HEX_CHARS)).toEqual([]);
    const texts = allPrompts.flatMap((prompt) => [
      { label: prompt.id, text: prompt.text },
      { label: `${prompt.id} (deeper)`, text: prompt.deeper ?? '' },
    ]);
    expect(findCopiedRuns(texts, new Set(fingerprint.hashes))).toEqual([]);
  });

  it(`DECK-19 the copy check is not blind: a card copying ${COPIED_RUN_WORDS} words of a fingerprinted text is caught, whatever its case and punctuation`, () => {
    const article = 'When we feel seen by someone, we stop performing and start to rest in their company.';
    const hashes = new Set(fingerprintText(article, 'stand-in article').hashes);
    const copied = { label: 'copied', text: 'Do you STOP performing, and start to rest when we are alone?' };
    const fiveWords = { label: 'five words', text: 'When did you stop performing and start to relax?' };
    expect(findCopiedRuns([copied, fiveWords], hashes)).toEqual(['copied: "stop performing and start to rest"']);
  });

  it('DECK-13 a year of weekly sessions on each shipped deck always opens light and reaches the deepest level', () => {
    for (const { deck } of decks) {
      const history: DrawHistoryEntry[] = [];
      for (let week = 0; week < WEEKS_PER_YEAR; week += 1) {
        const now = Date.UTC(2026, 0, 5) + week * 7 * DAY_MS;
        const draw = drawSession({ deck, seed: `year-${deck.id}`, sessionNumber: week, history, maxLevel: 3, now });
        const levels = draw.promptIds.map((id) => deck.prompts.find((prompt) => prompt.id === id)?.level);
        expect([levels[0], levels.at(-1)], `${deck.id} week ${week}`).toEqual([1, 3]);
        for (const promptId of draw.promptIds) history.push({ promptId, drawnAt: now, thenAndNow: promptId === draw.thenAndNow });
      }
    }
  });

  it('DECK-9 shippedDecks.ts ships each file exactly as parseDeck reads it, in order, and finds the decks by id', async () => {
    const { SHIPPED_DECKS, findShippedDeck } = await import('./shippedDecks');
    // Strict: the app uses the JSON unparsed, so no key, default or normalisation may differ.
    expect(SHIPPED_DECKS).toStrictEqual(decks.map(({ deck }) => deck));
    expect(findShippedDeck('deep-lunch')?.audience).toBe('friends');
    expect(findShippedDeck('no-such-deck')).toBeUndefined();
  });

  it('DECK-11 the near-duplicate detector is not blind on real content: a reworded shipped card is caught', () => {
    const [original] = allPrompts;
    expect(original).toBeDefined();
    if (original === undefined) return;
    const reworded = { id: 'reworded', text: `${original.text.replace(/[?.!]$/u, '')}, honestly?` };
    expect(findNearDuplicates([original, reworded], NEAR_DUPLICATE_THRESHOLD)).toHaveLength(1);
  });
});

describe('fixtures', () => {
  it('DECK-9 the fixture deck is not shipped: none of its ids is recorded as shipped', () => {
    const fixture = parseDeckFile(readDeckFile('fixtures/small-deck.json'));
    expect(fixture.ok).toBe(true);
    if (!fixture.ok) return;
    const recorded = new Set(readRecordedIds());
    expect(fixture.value.prompts.filter((prompt) => recorded.has(prompt.id))).toEqual([]);
  });
});
