// The decks that ship inside the app (DECK-9). They are validated by the same parser an imported
// file goes through, in the tests (shippedDecks.test.ts), not at module load: each file must be
// exactly what parseDeck makes of it, so the app can use the JSON as it is. Parsing ~400 cards at
// load cost a phone's main thread a long task while a room opened, for a check whose answer is
// fixed when the app is built.
import { type Deck } from './deckFormat';
import beingSeen from './being-seen.json';
import deepLunch from './deep-lunch.json';
import weeklyRitual from './weekly-ritual.json';

/** The content files, in the order the deck picker lists them. */
export const SHIPPED_DECKS: readonly Deck[] = [weeklyRitual, deepLunch, beingSeen] as readonly Deck[];

export function findShippedDeck(id: string): Deck | undefined {
  return SHIPPED_DECKS.find((deck) => deck.id === id);
}
