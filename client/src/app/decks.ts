// The app's single door to decks. The deck content (a few hundred prompts) is not part of the first
// download: the decks module is imported on demand and cached, and the UI renders from the cache.
// Types come from '@seen/shared/decks'; the drawing rules are the decks module's, never copied here.
import type * as DecksApi from '@seen/shared/decks';
import type { Deck, Prompt, PromptKind, PromptLevel } from '@seen/shared/decks';

export type { Deck, Prompt, PromptKind, PromptLevel };

type DecksModule = typeof DecksApi;

/** Cards per session: a handful, so a session fits one evening. */
export const CARDS_PER_SESSION = 5;

let modulePromise: Promise<DecksModule> | null = null;
let loaded: DecksModule | null = null;
const listeners = new Set<() => void>();

export function loadDecks(): Promise<DecksModule> {
  modulePromise ??= import('@seen/shared/decks').then(
    (module) => {
      loaded = module;
      for (const listener of [...listeners]) listener();
      return module;
    },
    (error: unknown) => {
      // A failed chunk load (offline on a first visit): let the next attempt try again.
      modulePromise = null;
      throw error;
    },
  );
  return modulePromise;
}

export function subscribeToDecks(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Shipped decks if they are loaded already, else null (call loadDecks to load them). */
export function loadedShippedDecks(): readonly Deck[] | null {
  return loaded?.SHIPPED_DECKS ?? null;
}

export function loadedDeck(id: string | null): Deck | null {
  return id ? (loaded?.findShippedDeck(id) ?? null) : null;
}

export interface DrawInput {
  readonly deckId: string;
  readonly seed: string;
  readonly sessionNumber: number;
  readonly history: readonly { promptId: string; drawnAt: number; thenAndNow?: boolean; session: number }[];
  readonly maxLevel: PromptLevel;
  readonly now: number;
  readonly customPrompts: readonly Prompt[];
}

export interface DrawResult {
  readonly promptIds: readonly string[];
  readonly thenAndNow: { readonly promptId: string; readonly fromSession: number | null } | null;
}

/** Draws a session with the decks module's rules; null when the room's deck is unknown here. */
export async function drawCards(input: DrawInput): Promise<DrawResult | null> {
  const decks = await loadDecks();
  const deck = decks.findShippedDeck(input.deckId);
  if (!deck) return null;
  const draw = decks.drawSession({
    deck,
    customPrompts: input.customPrompts,
    seed: input.seed,
    sessionNumber: input.sessionNumber,
    history: input.history.map(({ promptId, drawnAt, thenAndNow }) => ({ promptId, drawnAt, thenAndNow })),
    maxLevel: input.maxLevel,
    count: CARDS_PER_SESSION,
    now: input.now,
  });
  const revisit = draw.thenAndNow;
  const fromSession = revisit ? (input.history.find((entry) => entry.promptId === revisit && !entry.thenAndNow)?.session ?? null) : null;
  return { promptIds: draw.promptIds, thenAndNow: revisit ? { promptId: revisit, fromSession } : null };
}

export const LEVEL_NAMES: Readonly<Record<PromptLevel, string>> = { 1: 'Warm-up', 2: 'Deeper', 3: 'Deepest' };
export const KIND_NAMES: Readonly<Record<PromptKind, string>> = { question: 'Question', reflection: 'Reflection', action: 'Try together' };
