import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECK_ERROR, MAX_REPORTED_ERRORS, type DeckErrorCode } from './deckError';
import { DECK_LIMITS } from './deckFormat';
import { parseDeck, parseDeckFile } from './parseDeck';
import { parsePrompt } from './parsePrompt';
import { arbitraryDeck } from './testing/arbitraryDeck';
import { readDeckFile } from './testing/readDeckFiles';

const FIXTURE_TEXT = readDeckFile('fixtures/small-deck.json');

type MutableDeckJson = { [key: string]: unknown; prompts: Record<string, unknown>[] };

/** A fresh, mutable copy of the valid fixture deck. */
function loadFixture(): MutableDeckJson {
  return JSON.parse(FIXTURE_TEXT) as MutableDeckJson;
}

function promptAt(deck: MutableDeckJson, index: number): Record<string, unknown> {
  const prompt = deck.prompts[index];
  if (prompt === undefined) throw new Error(`fixture has no prompt ${index}`);
  return prompt;
}

function mutate(change: (deck: MutableDeckJson) => void): string {
  const deck = loadFixture();
  change(deck);
  return JSON.stringify(deck);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

type BadInput = {
  readonly name: string;
  readonly text: () => string;
  readonly code: DeckErrorCode;
  readonly path: string;
  /** The exact sentence, or a pattern when it includes an engine's JSON error wording. */
  readonly message: string | RegExp;
};

const BAD_INPUTS: readonly BadInput[] = [
  {
    name: 'a newer format version',
    text: () => mutate((deck) => (deck.version = 2)),
    code: DECK_ERROR.NEWER_VERSION,
    path: '/version',
    message:
      'This deck was made by a newer version of Seen (deck format 2; this version reads format 1). Update Seen to open it.',
  },
  {
    name: 'a version that is not a whole number',
    text: () => mutate((deck) => (deck.version = '1')),
    code: DECK_ERROR.INVALID_VERSION,
    path: '/version',
    message: 'Deck "fixture-small": "version" must be a whole number from 1 up (got "1").',
  },
  {
    name: 'an unknown format',
    text: () => mutate((deck) => (deck.format = 'anki-deck')),
    code: DECK_ERROR.UNKNOWN_FORMAT,
    path: '/format',
    message: 'Deck "fixture-small": this is not a Seen deck (its "format" is "anki-deck"; a Seen deck\'s "format" is "seen-deck").',
  },
  {
    name: 'a card without text',
    text: () => mutate((deck) => delete promptAt(deck, 3).text),
    code: DECK_ERROR.MISSING_FIELD,
    path: '/prompts/3/text',
    message: 'Card "fx-004" (index 3): "text" is missing.',
  },
  {
    name: 'level 4',
    text: () => mutate((deck) => (promptAt(deck, 2).level = 4)),
    code: DECK_ERROR.INVALID_LEVEL,
    path: '/prompts/2/level',
    message: 'Card "fx-003" (index 2): "level" must be 1, 2 or 3 (got 4).',
  },
  {
    name: 'a duplicate card id',
    text: () => mutate((deck) => (promptAt(deck, 5).id = 'fx-002')),
    code: DECK_ERROR.DUPLICATE_ID,
    path: '/prompts/5/id',
    message: 'Card "fx-002" (index 5): "id" is already used by the card at index 1; card ids must be unique and never change.',
  },
  {
    name: 'an unknown theme',
    text: () => mutate((deck) => (promptAt(deck, 1).themes = ['play', 'joy'])),
    code: DECK_ERROR.UNKNOWN_THEME,
    path: '/prompts/1/themes/1',
    message: /^Card "fx-002" \(index 1\): "themes" contains "joy", which is not a Seen theme; use "everyday", .* or "stretch"\.$/u,
  },
  {
    name: 'a theme listed twice',
    text: () => mutate((deck) => (promptAt(deck, 1).themes = ['play', 'play'])),
    code: DECK_ERROR.DUPLICATE_THEME,
    path: '/prompts/1/themes/1',
    message: 'Card "fx-002" (index 1): "themes" lists "play" twice.',
  },
  {
    name: 'no themes',
    text: () => mutate((deck) => (promptAt(deck, 0).themes = [])),
    code: DECK_ERROR.WRONG_THEME_COUNT,
    path: '/prompts/0/themes',
    message: 'Card "fx-001" (index 0): "themes" must list 1 to 3 themes (got 0).',
  },
  {
    name: 'an unknown kind',
    text: () => mutate((deck) => (promptAt(deck, 0).kind = 'quiz')),
    code: DECK_ERROR.INVALID_KIND,
    path: '/prompts/0/kind',
    message: 'Card "fx-001" (index 0): "kind" must be "question", "reflection" or "action" (got "quiz").',
  },
  {
    name: 'text that is not a string',
    text: () => mutate((deck) => (promptAt(deck, 4).text = 42)),
    code: DECK_ERROR.WRONG_TYPE,
    path: '/prompts/4/text',
    message: 'Card "fx-005" (index 4): "text" must be a string (got a number).',
  },
  {
    name: 'text one character too long',
    text: () => mutate((deck) => (promptAt(deck, 0).text = `${'é'.repeat(DECK_LIMITS.TEXT_MAX)}?`)),
    code: DECK_ERROR.TOO_LONG,
    path: '/prompts/0/text',
    message: 'Card "fx-001" (index 0): "text" is 221 characters long; the limit is 220.',
  },
  {
    name: 'a follow-up that is too short',
    text: () => mutate((deck) => (promptAt(deck, 6).deeper = 'Why?')),
    code: DECK_ERROR.TOO_SHORT,
    path: '/prompts/6/deeper',
    message: 'Card "fx-007" (index 6): "deeper" is 4 characters long; it needs at least 8.',
  },
  {
    name: 'text over two lines',
    text: () => mutate((deck) => (promptAt(deck, 0).text = 'Which hour of today\nfelt most like yours?')),
    code: DECK_ERROR.NOT_ONE_LINE,
    path: '/prompts/0/text',
    message: 'Card "fx-001" (index 0): "text" must be one line with no space at the start or end.',
  },
  {
    name: 'an invalid card id',
    text: () => mutate((deck) => (promptAt(deck, 0).id = 'FX 1')),
    code: DECK_ERROR.INVALID_ID,
    path: '/prompts/0/id',
    message: 'Card at index 0: "id" must be 2 to 48 lowercase letters, digits or dashes, not starting with a dash (got "FX 1").',
  },
  {
    name: 'a misspelt card field',
    text: () => mutate((deck) => (promptAt(deck, 8).levle = 1)),
    code: DECK_ERROR.UNKNOWN_FIELD,
    path: '/prompts/8/levle',
    message: 'Card "fx-009" (index 8): "levle" is not a field of a card (did you mean "level"?).',
  },
  {
    name: 'an unknown deck field',
    text: () => mutate((deck) => (deck.colour = 'blue')),
    code: DECK_ERROR.UNKNOWN_FIELD,
    path: '/colour',
    message: 'Deck "fixture-small": "colour" is not a field of a deck.',
  },
  {
    name: 'an unknown audience',
    text: () => mutate((deck) => (deck.audience = 'couples')),
    code: DECK_ERROR.INVALID_AUDIENCE,
    path: '/audience',
    message: 'Deck "fixture-small": "audience" must be "partners", "friends" or "anyone" (got "couples").',
  },
  {
    name: 'an empty prompt list',
    text: () => mutate((deck) => (deck.prompts = [])),
    code: DECK_ERROR.NO_PROMPTS,
    path: '/prompts',
    message: 'Deck "fixture-small": "prompts" is empty; a deck needs at least one card.',
  },
  {
    name: 'more than 2000 prompts',
    text: () => mutate((deck) => (deck.prompts = Array.from({ length: DECK_LIMITS.PROMPTS_MAX + 1 }, () => promptAt(deck, 0)))),
    code: DECK_ERROR.TOO_MANY_PROMPTS,
    path: '/prompts',
    message: 'Deck "fixture-small": "prompts" has 2001 cards; the limit is 2000.',
  },
  {
    name: 'a card that is not an object',
    text: () => mutate((deck) => (deck.prompts[0] = 'Which hour felt most like yours?' as unknown as Record<string, unknown>)),
    code: DECK_ERROR.NOT_AN_OBJECT,
    path: '/prompts/0',
    message: 'Card at index 0: must be an object with "id", "level", "kind", "themes" and "text" (got a string).',
  },
  {
    name: 'a file that is a list, not a deck',
    text: () => '[]',
    code: DECK_ERROR.NOT_AN_OBJECT,
    path: '',
    message: 'The deck: the file must contain one deck object (got a list).',
  },
  {
    name: 'invalid JSON',
    text: () => FIXTURE_TEXT.slice(0, -10),
    code: DECK_ERROR.INVALID_JSON,
    path: '',
    message: /^The deck file is not valid JSON \(.+\)\.$/u,
  },
  {
    name: 'a file over 1 MB',
    text: () => mutate((deck) => (deck.description = 'x'.repeat(DECK_LIMITS.FILE_BYTES_MAX))),
    code: DECK_ERROR.FILE_TOO_LARGE,
    path: '',
    message: 'The deck file is larger than 1 MB, the largest deck Seen can open.',
  },
];

describe('parseDeck', () => {
  it('DECK-1 accepts a valid deck and returns it typed, in canonical form', () => {
    const result = parseDeckFile(FIXTURE_TEXT);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.id).toBe('fixture-small');
    expect(result.value.prompts).toHaveLength(9);
    expect(result.value).toEqual(JSON.parse(FIXTURE_TEXT));
  });

  it.each(BAD_INPUTS)('DECK-6 rejects $name with exactly one error: code, path and a sentence naming the card and field', (bad) => {
    const result = parseDeckFile(bad.text());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error?.code).toBe(bad.code);
    expect(error?.path).toBe(bad.path);
    if (typeof bad.message === 'string') expect(error?.message).toBe(bad.message);
    else expect(error?.message).toMatch(bad.message);
  });

  it('DECK-6 reports every problem in one pass, not just the first', () => {
    const text = mutate((deck) => {
      promptAt(deck, 0).level = 0;
      promptAt(deck, 2).kind = 'poem';
      delete deck.title;
    });
    const result = parseDeckFile(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => [error.code, error.path])).toEqual([
      [DECK_ERROR.MISSING_FIELD, '/title'],
      [DECK_ERROR.INVALID_LEVEL, '/prompts/0/level'],
      [DECK_ERROR.INVALID_KIND, '/prompts/2/kind'],
    ]);
  });

  it('DECK-6 caps a hopeless file at 100 errors plus one "too many" note', () => {
    const text = mutate((deck) => (deck.prompts = Array.from({ length: DECK_LIMITS.PROMPTS_MAX }, (_unused, index) => ({ id: `c-${index}`, level: 9 }))));
    const result = parseDeckFile(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(MAX_REPORTED_ERRORS + 1);
    expect(result.errors.at(-1)?.code).toBe(DECK_ERROR.TOO_MANY_ERRORS);
  });

  it('DECK-5 measures the file limit in UTF-8 bytes, not characters', () => {
    // Each "é" is two bytes: half a mebibyte of them is over the limit although the string is shorter.
    const text = mutate((deck) => (deck.description = 'é'.repeat(DECK_LIMITS.FILE_BYTES_MAX / 2)));
    expect(text.length).toBeLessThan(DECK_LIMITS.FILE_BYTES_MAX);
    const result = parseDeckFile(text);
    expect(!result.ok && result.errors[0]?.code).toBe(DECK_ERROR.FILE_TOO_LARGE);
  });

  it('DECK-5 opens a file saved with a UTF-8 byte-order mark', () => {
    expect(parseDeckFile(`\uFEFF${FIXTURE_TEXT}`).ok).toBe(true);
  });

  it('DECK-6 never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withSparseArray: true, withBigInt: true }), (input) => {
        parseDeck(input);
        parseDeck({ format: 'seen-deck', version: 1, prompts: [input] });
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        parseDeckFile(text);
      }),
      { numRuns: 300 },
    );
  });

  it('DECK-6 never mutates its input, and the result shares no objects with it', () => {
    fc.assert(
      fc.property(arbitraryDeck(), (deck) => {
        const input = deepFreeze(structuredClone(deck));
        const before = structuredClone(input);
        const result = parseDeck(input);
        expect(input).toEqual(before);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.value).toEqual(input);
        expect(result.value).not.toBe(input);
        expect(result.value.prompts).not.toBe(input.prompts);
        result.value.prompts.forEach((prompt, index) => {
          expect(prompt).not.toBe(input.prompts[index]);
          expect(prompt.themes).not.toBe(input.prompts[index]?.themes);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('DECK-4 parsePrompt checks one custom card the same way, naming it by id and index', () => {
    expect(parsePrompt({ id: 'c-1', level: 2, kind: 'question', themes: ['us'], text: 'What did we get right?' }, { index: 0, path: '' }).ok).toBe(true);
    const result = parsePrompt({ id: 'c-1', level: 2, kind: 'question', themes: ['us'], text: 'Short' }, { index: 3, path: '/custom/3' });
    expect(result).toEqual({
      ok: false,
      errors: [{ code: DECK_ERROR.TOO_SHORT, path: '/custom/3/text', message: 'Card "c-1" (index 3): "text" is 5 characters long; it needs at least 8.' }],
    });
  });
});
