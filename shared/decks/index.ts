// Public API of @seen/shared/decks. Importing it loads the shipped decks (validated by the tests, see
// shippedDecks.ts); tests inside this folder import the modules directly so they do not depend on it.
export {
  AUDIENCES,
  BEING_SEEN_STEPS,
  DECK_FORMAT,
  DECK_FORMAT_VERSION,
  DECK_KEYS,
  DECK_LIMITS,
  DECK_PATTERNS,
  PROMPT_KEYS,
  PROMPT_KINDS,
  PROMPT_LEVELS,
  THEMES,
  type Audience,
  type Deck,
  type Prompt,
  type PromptKind,
  type PromptLevel,
  type Theme,
} from './deckFormat';
export { DECK_ERROR, MAX_REPORTED_ERRORS, type DeckError, type DeckErrorCode, type DeckResult } from './deckError';
export { parseDeck, parseDeckFile, type DeckParseResult } from './parseDeck';
export { parsePrompt, type PromptLocation } from './parsePrompt';
export { serializeDeck } from './serializeDeck';
export { drawSession, DRAW_RULES, type DrawHistoryEntry, type DrawSessionOptions, type SessionDraw } from './drawSession';
export { findNearDuplicates, measureTextSimilarity, NEAR_DUPLICATE_THRESHOLD, type NearDuplicate } from './nearDuplicates';
export { SHIPPED_DECKS, findShippedDeck } from './shippedDecks';
