import { describe, expect, it } from 'vitest';
import { SHIPPED_DECK_SUMMARIES } from './shippedDeckSummaries';
import { SHIPPED_DECKS } from './shippedDecks';

describe('shipped deck summaries', () => {
  it('DECK-9: the deck picker’s summaries match the shipped decks, in order (update shippedDeckSummaries.ts with the deck files)', () => {
    const fromDecks = SHIPPED_DECKS.map((deck) => ({ id: deck.id, title: deck.title, description: deck.description, audience: deck.audience, promptCount: deck.prompts.length }));
    expect(SHIPPED_DECK_SUMMARIES).toEqual(fromDecks);
  });
});
