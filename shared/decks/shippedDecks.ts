// The decks that ship inside the app (DECK-9). They are validated here, at module load, by the same
// parser an imported file goes through: an invalid shipped deck is a build bug, so it fails loudly
// at startup and in every test that imports this module, rather than reaching a room.
import { type Deck } from './deckFormat';
import { parseDeck } from './parseDeck';
import beingSeen from './being-seen.json';
import deepLunch from './deep-lunch.json';
import weeklyRitual from './weekly-ritual.json';

/** The content files, in the order the deck picker lists them. */
const SHIPPED_DECK_FILES: readonly { readonly file: string; readonly json: unknown }[] = [
  { file: 'weekly-ritual.json', json: weeklyRitual },
  { file: 'deep-lunch.json', json: deepLunch },
  { file: 'being-seen.json', json: beingSeen },
];

export const SHIPPED_DECKS: readonly Deck[] = SHIPPED_DECK_FILES.map(({ file, json }) => {
  const result = parseDeck(json);
  if (!result.ok) {
    const problems = result.errors.map((error) => `  - ${error.message} [${error.code} at ${error.path || '/'}]`).join('\n');
    throw new Error(`Shipped deck shared/decks/${file} is invalid (a build bug, not user input):\n${problems}`);
  }
  return result.value;
});

export function findShippedDeck(id: string): Deck | undefined {
  return SHIPPED_DECKS.find((deck) => deck.id === id);
}
