// Export (DECK-7): the same deck always becomes the same bytes — canonical key order, two-space
// indentation, a final newline — so exported decks diff cleanly and round-trip through parseDeck.
import { type Deck, type Prompt } from './deckFormat';

const INDENT_SPACES = 2;

export function serializeDeck(deck: Deck): string {
  // Objects are rebuilt in DECK_KEYS / PROMPT_KEYS order rather than trusting the caller's key
  // order; JSON.stringify follows insertion order.
  const canonical = {
    format: deck.format,
    version: deck.version,
    id: deck.id,
    title: deck.title,
    description: deck.description,
    audience: deck.audience,
    language: deck.language,
    prompts: deck.prompts.map(toCanonicalPrompt),
  };
  return `${JSON.stringify(canonical, null, INDENT_SPACES)}\n`;
}

function toCanonicalPrompt(prompt: Prompt): Prompt {
  const { id, level, kind, themes, text, deeper } = prompt;
  return deeper === undefined ? { id, level, kind, themes: [...themes], text } : { id, level, kind, themes: [...themes], text, deeper };
}
