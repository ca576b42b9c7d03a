// The app's single door to decks. Today `@seen/shared/decks` has no index yet (its owner is still
// writing the content and the drawing rules), so this adapter serves a small placeholder deck and a
// placeholder draw. When SHIPPED_DECKS and drawSession land, replace the bodies below with re-exports;
// the rest of the app only uses the names in this file.
// TODO(decks): swap in SHIPPED_DECKS, findShippedDeck and drawSession from '@seen/shared/decks'.

export type PromptLevel = 1 | 2 | 3;
export type PromptKind = 'question' | 'reflection' | 'action';

export interface Prompt {
  readonly id: string;
  readonly level: PromptLevel;
  readonly kind: PromptKind;
  readonly themes: readonly string[];
  readonly text: string;
  readonly deeper?: string;
}

export interface Deck {
  readonly format: 'seen-deck';
  readonly version: 1;
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly audience: 'partners' | 'friends' | 'anyone';
  readonly language: string;
  readonly prompts: readonly Prompt[];
}

export interface DrawOptions {
  readonly deck: Deck;
  readonly seed: string;
  readonly sessionNumber: number;
  readonly history: readonly { promptId: string; drawnAt: number }[];
  readonly maxLevel: PromptLevel;
  readonly count: number;
  readonly now: number;
  readonly customPrompts?: readonly Prompt[];
}

export interface DrawResult {
  readonly promptIds: readonly string[];
  readonly thenAndNow: { readonly promptId: string; readonly fromSession: number | null } | null;
}

/** Cards per session: a handful, so a session fits one evening. */
export const CARDS_PER_SESSION = 5;

const placeholder = (id: string, level: PromptLevel, kind: PromptKind, text: string, deeper?: string): Prompt =>
  deeper ? { id, level, kind, themes: ['us'], text, deeper } : { id, level, kind, themes: ['us'], text };

const PLACEHOLDER_DECKS: readonly Deck[] = [
  {
    format: 'seen-deck',
    version: 1,
    id: 'placeholder-partners',
    title: 'Us, this week',
    description: 'A placeholder deck for two partners while the real decks are being written.',
    audience: 'partners',
    language: 'en',
    prompts: [
      placeholder('ph-1', 1, 'question', 'What small moment from this week would you like to live again?'),
      placeholder('ph-2', 1, 'question', 'When did you feel most like yourself in the last few days?'),
      placeholder('ph-3', 1, 'reflection', 'Name one thing your partner did recently that you noticed but did not mention.'),
      placeholder('ph-4', 2, 'question', 'What is something you have been carrying alone that you would like to share?', 'What would help you carry it?'),
      placeholder('ph-5', 2, 'reflection', 'Describe a time you felt understood by me without having to explain.'),
      placeholder('ph-6', 2, 'question', 'What part of you do you keep a little hidden, even here?'),
      placeholder('ph-7', 3, 'question', 'What do you most hope I will never stop seeing in you?'),
      placeholder('ph-8', 3, 'action', 'Look at each other for two quiet minutes, then write what you noticed.'),
    ],
  },
  {
    format: 'seen-deck',
    version: 1,
    id: 'placeholder-friends',
    title: 'Deep lunch',
    description: 'A placeholder deck for friends while the real decks are being written.',
    audience: 'friends',
    language: 'en',
    prompts: [
      placeholder('phf-1', 1, 'question', 'What has been quietly taking up space in your head lately?'),
      placeholder('phf-2', 1, 'question', 'What are you looking forward to, even a little?'),
      placeholder('phf-3', 2, 'question', 'When did you last change your mind about something that mattered?'),
      placeholder('phf-4', 2, 'reflection', 'What do you wish more people asked you about?'),
      placeholder('phf-5', 3, 'question', 'What are you afraid people would think if they really knew you?'),
    ],
  },
];

export const SHIPPED_DECKS: readonly Deck[] = PLACEHOLDER_DECKS;

export function findShippedDeck(id: string | null): Deck | null {
  return SHIPPED_DECKS.find((deck) => deck.id === id) ?? null;
}

/** Placeholder: lowest levels first, skipping cards already drawn; not the real drawing rules. */
export function drawSession(options: DrawOptions): DrawResult {
  const drawn = new Set(options.history.map((entry) => entry.promptId));
  const pool = [...options.deck.prompts, ...(options.customPrompts ?? [])]
    .filter((prompt) => prompt.level <= options.maxLevel)
    .sort((a, b) => a.level - b.level);
  const fresh = pool.filter((prompt) => !drawn.has(prompt.id));
  const chosen = (fresh.length >= options.count ? fresh : pool).slice(0, options.count);
  return { promptIds: chosen.sort((a, b) => a.level - b.level).map((prompt) => prompt.id), thenAndNow: null };
}

export const LEVEL_NAMES: Readonly<Record<PromptLevel, string>> = { 1: 'Warm-up', 2: 'Deeper', 3: 'Deepest' };
export const KIND_NAMES: Readonly<Record<PromptKind, string>> = { question: 'Question', reflection: 'Reflection', action: 'Try together' };
