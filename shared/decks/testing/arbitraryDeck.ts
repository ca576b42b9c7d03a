// Test-only fast-check generators for valid decks and prompts.
import fc from 'fast-check';
import {
  AUDIENCES,
  DECK_FORMAT,
  DECK_FORMAT_VERSION,
  DECK_PATTERNS,
  PROMPT_KINDS,
  PROMPT_LEVELS,
  THEMES,
  type Deck,
  type Prompt,
  type PromptLevel,
  type Theme,
} from '../deckFormat';

/** Mixed scripts on purpose: lengths are counted in code points, so 🌱 and é must count as one. */
const WORDS = ['what', 'felt', 'close', 'today', 'you', 'me', 'quiet', 'hope', 'café', 'naïve', '🌱', 'week', 'remember', 'kind'] as const;
const MAX_TEXT_WORDS = 20;

export const arbitraryId = (): fc.Arbitrary<string> => fc.stringMatching(new RegExp(DECK_PATTERNS.ID, 'u'));

/** One-line text within the limits (at most 20 words of at most 8 characters, plus a question mark). */
export const arbitraryText = (): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...WORDS), { minLength: 4, maxLength: MAX_TEXT_WORDS }).map((words) => `${words.join(' ')}?`);

export const arbitraryThemes = (): fc.Arbitrary<Theme[]> => fc.uniqueArray(fc.constantFrom(...THEMES), { minLength: 1, maxLength: 3 });

export const arbitraryPrompt = (id: fc.Arbitrary<string> = arbitraryId()): fc.Arbitrary<Prompt> =>
  fc
    .record({
      id,
      level: fc.constantFrom(...PROMPT_LEVELS),
      kind: fc.constantFrom(...PROMPT_KINDS),
      themes: arbitraryThemes(),
      text: arbitraryText(),
      deeper: fc.option(arbitraryText(), { nil: undefined }),
    })
    .map(({ deeper, ...rest }): Prompt => (deeper === undefined ? rest : { ...rest, deeper }));

export const arbitraryPrompts = (constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<Prompt[]> =>
  fc.uniqueArray(arbitraryPrompt(), { minLength: 1, maxLength: 40, ...constraints, selector: (prompt) => prompt.id });

export const arbitraryDeck = (): fc.Arbitrary<Deck> =>
  fc.record({
    format: fc.constant(DECK_FORMAT),
    version: fc.constant(DECK_FORMAT_VERSION),
    id: arbitraryId(),
    title: fc.constantFrom('Weekly', 'Deep lunch 🌱', 'Un café'),
    description: fc.constantFrom('A deck made by a property test.', 'Questions to share over lunch.'),
    audience: fc.constantFrom(...AUDIENCES),
    language: fc.constantFrom('en', 'pt-BR', 'de'),
    prompts: arbitraryPrompts(),
  });

/**
 * Prompts where each card has one theme and every level offers at least `themesPerLevel` distinct
 * themes — a deck that *allows* a session without a repeated theme (DECK-15).
 */
export const arbitraryThemeRichPrompts = (themesPerLevel: number): fc.Arbitrary<Prompt[]> =>
  fc
    .tuple(...PROMPT_LEVELS.map((level) => fc.shuffledSubarray([...THEMES], { minLength: themesPerLevel }).map((themes) => ({ level, themes }))))
    .map((levels) =>
      levels.flatMap(({ level, themes }: { level: PromptLevel; themes: Theme[] }) =>
        themes.map((theme, index): Prompt => ({
          id: `l${level}-${String(index).padStart(2, '0')}`,
          level,
          kind: 'question',
          themes: [theme],
          text: `A level ${level} question about ${theme}?`,
        })),
      ),
    );
