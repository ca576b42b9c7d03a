// What the deck picker shows about each shipped deck, without the prompts: the start page renders
// it with the page (no layout shift when a download finishes) and does not download or validate
// the decks themselves (~20 KB compressed of prompts, parsed at load). shippedDeckSummaries.test.ts
// checks it against SHIPPED_DECKS, so a changed deck file fails the tests until this is updated.
import type { Audience } from './deckFormat';

export interface DeckSummary {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly audience: Audience;
  readonly promptCount: number;
}

/** In the order of SHIPPED_DECKS (the deck picker's order; the first is the default). */
export const SHIPPED_DECK_SUMMARIES: readonly DeckSummary[] = [
  {
    id: 'weekly-ritual',
    title: 'Weekly ritual',
    description: 'A year of weekly conversations for the two of you. Start light, go deeper when you both want to, and take turns being curious about each other.',
    audience: 'partners',
    promptCount: 283,
  },
  {
    id: 'deep-lunch',
    title: 'Deep lunch',
    description:
      'For two or three friends over a meal or a call. Begin with the everyday and drift toward what really matters: the people you care for, your hopes, work, love, and what is hard right now.',
    audience: 'friends',
    promptCount: 80,
  },
  {
    id: 'being-seen',
    title: 'Being seen',
    description:
      'Quiet prompts to think through on your own before you share. Notice where you hide, get a little easier with being seen, stay with what feels uncomfortable, and try one small stretch.',
    audience: 'anyone',
    promptCount: 55,
  },
];
