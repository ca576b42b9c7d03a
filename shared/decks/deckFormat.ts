// The deck format, version 1 (SPEC.md DECK-1…DECK-5). `seen-deck.schema.json` publishes the
// same contract for people who write decks by hand; deckSchema.test.ts fails if the two drift.
// Adding a field or widening a limit is a format change: bump DECK_FORMAT_VERSION, because an
// older app rejects unknown fields (strict) and would refuse the new deck with a wrong message.

export const DECK_FORMAT = 'seen-deck';
export const DECK_FORMAT_VERSION = 1;

/** 1 warm-up, 2 deeper, 3 deepest (WRITING.md "Levels"). */
export const PROMPT_LEVELS = [1, 2, 3] as const;
export type PromptLevel = (typeof PROMPT_LEVELS)[number];

export const PROMPT_KINDS = ['question', 'reflection', 'action'] as const;
export type PromptKind = (typeof PROMPT_KINDS)[number];

export const AUDIENCES = ['partners', 'friends', 'anyone'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * The fixed theme vocabulary. The last four are the four steps of the Being seen deck
 * (WRITING.md "The four steps"). Removing a theme breaks every deck that uses it.
 */
export const THEMES = [
  'everyday',
  'memories',
  'feelings',
  'appreciation',
  'needs',
  'hopes',
  'fears',
  'us',
  'growth',
  'values',
  'people',
  'work',
  'play',
  'hard-now',
  'love',
  'hiding',
  'being-seen',
  'discomfort',
  'stretch',
] as const;
export type Theme = (typeof THEMES)[number];

/** The four steps of developing intimacy, in the order the Being seen deck walks them. */
export const BEING_SEEN_STEPS = ['hiding', 'being-seen', 'discomfort', 'stretch'] as const satisfies readonly Theme[];

/**
 * Regular-expression sources shared by the parser and the JSON Schema (ECMA-262, `u` flag).
 * ID: lowercase, digits and dashes, 2–48 characters, never starting with a dash — safe in URLs,
 * file names and Yjs map keys without escaping.
 * LINE: one line, no leading or trailing whitespace — a prompt is read aloud in one breath, and a
 * stray newline or space would render as a visible gap on the card.
 * LANGUAGE: a BCP 47 tag such as `en` or `pt-BR` (shape only; we do not check the registry).
 */
export const DECK_PATTERNS = {
  ID: '^[a-z0-9][a-z0-9-]{1,47}$',
  LINE: '^\\S(?:.*\\S)?$',
  LANGUAGE: '^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$',
} as const;

/**
 * Limits. Text lengths count Unicode code points (what JSON Schema's maxLength counts), so an emoji
 * is one character and the parser and the schema agree.
 */
export const DECK_LIMITS = {
  TITLE_MIN: 2,
  TITLE_MAX: 60,
  DESCRIPTION_MIN: 8,
  DESCRIPTION_MAX: 300,
  /** "One breath": longer prompts stop being read aloud and start being skimmed. */
  TEXT_MIN: 8,
  TEXT_MAX: 220,
  THEMES_MIN: 1,
  THEMES_MAX: 3,
  PROMPTS_MIN: 1,
  /** Far above any real deck; bounds the work an imported file can cause on a phone. */
  PROMPTS_MAX: 2000,
  LANGUAGE_MAX: 35,
  /** 1 MiB of UTF-8. 2000 prompts of 220 + 220 characters fit with room to spare. */
  FILE_BYTES_MAX: 1024 * 1024,
} as const;

export type Prompt = {
  readonly id: string;
  readonly level: PromptLevel;
  readonly kind: PromptKind;
  readonly themes: readonly Theme[];
  readonly text: string;
  /** A gentle follow-up the app can offer after both answered. */
  readonly deeper?: string;
};

export type Deck = {
  readonly format: typeof DECK_FORMAT;
  readonly version: typeof DECK_FORMAT_VERSION;
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly audience: Audience;
  readonly language: string;
  readonly prompts: readonly Prompt[];
};

/**
 * Field names in canonical order. The parser rejects any other key (strict), and serializeDeck
 * writes keys in exactly this order so an exported deck diffs cleanly.
 */
export const DECK_KEYS = ['format', 'version', 'id', 'title', 'description', 'audience', 'language', 'prompts'] as const satisfies readonly (keyof Deck)[];
export const PROMPT_KEYS = ['id', 'level', 'kind', 'themes', 'text', 'deeper'] as const satisfies readonly (keyof Prompt)[];
export const OPTIONAL_PROMPT_KEYS = ['deeper'] as const satisfies readonly (keyof Prompt)[];

// Compile-time guard: adding a field to Deck or Prompt without listing it above fails the build,
// instead of the parser silently rejecting the new field as unknown.
type AssertTrue<T extends true> = T;
type _DeckKeysComplete = AssertTrue<keyof Deck extends (typeof DECK_KEYS)[number] ? true : false>;
type _PromptKeysComplete = AssertTrue<keyof Prompt extends (typeof PROMPT_KEYS)[number] ? true : false>;
