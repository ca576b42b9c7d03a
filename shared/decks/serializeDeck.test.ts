import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECK_KEYS, PROMPT_KEYS, type Deck } from './deckFormat';
import { parseDeckFile } from './parseDeck';
import { serializeDeck } from './serializeDeck';
import { arbitraryDeck } from './testing/arbitraryDeck';

/** The same deck with every object's keys in reverse order. */
function reverseKeys(deck: Deck): Deck {
  return {
    prompts: deck.prompts.map(({ deeper, text, themes, kind, level, id }) =>
      deeper === undefined ? { text, themes, kind, level, id } : { deeper, text, themes, kind, level, id },
    ),
    language: deck.language,
    audience: deck.audience,
    description: deck.description,
    title: deck.title,
    id: deck.id,
    version: deck.version,
    format: deck.format,
  };
}

describe('serializeDeck', () => {
  it('DECK-7 round-trips: parse(serialize(deck)) is the deck, and serializing again gives the same bytes', () => {
    fc.assert(
      fc.property(arbitraryDeck(), (deck) => {
        const text = serializeDeck(deck);
        const parsed = parseDeckFile(text);
        expect(parsed.ok && parsed.value).toEqual(deck);
        if (parsed.ok) expect(serializeDeck(parsed.value)).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('DECK-7 writes canonical key order, two-space indentation and a final newline, whatever the input order', () => {
    fc.assert(
      fc.property(arbitraryDeck(), (deck) => {
        const text = serializeDeck(reverseKeys(deck));
        expect(text).toBe(serializeDeck(deck));
        expect(text.endsWith('}\n')).toBe(true);
        expect(text.split('\n')[1]).toBe('  "format": "seen-deck",');
        const json = JSON.parse(text) as { prompts: object[] };
        expect(Object.keys(json)).toEqual(DECK_KEYS);
        for (const prompt of json.prompts) expect(PROMPT_KEYS.filter((key) => key in prompt)).toEqual(Object.keys(prompt));
      }),
      { numRuns: 50 },
    );
  });
});
