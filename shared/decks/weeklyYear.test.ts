// A year of the weekly ritual on the shipped deck (DECK-20): the draw spreads themes within each
// session and over the year, and a room open to every level meets no card twice in 52 weeks.
import { describe, expect, it } from 'vitest';
import { drawSession, type DrawHistoryEntry } from './drawSession';
import { findShippedDeck } from './shippedDecks';

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKS_PER_YEAR = 52;
const CARDS_PER_SESSION = 5;
const SEEDS = Array.from({ length: 8 }, (_, index) => `year-seed-${index}`);
/** No theme on more than this many cards of one session. */
const MAX_THEME_PER_SESSION = 2;
/** Sessions (of 52) allowed to repeat any theme at all. */
const MAX_SESSIONS_REPEATING_A_THEME = 3;
/** No theme on more than this share of a year's cards ("us" was 27 % before DECK-20's cards). */
const MAX_THEME_SHARE_OF_YEAR = 0.22;

const deck = findShippedDeck('weekly-ritual');

function drawYear(seed: string, maxLevel: 1 | 2 | 3) {
  if (!deck) throw new Error('the weekly-ritual deck is not shipped');
  const history: DrawHistoryEntry[] = [];
  const sessions: { promptIds: readonly string[]; thenAndNow: string | null }[] = [];
  for (let week = 1; week <= WEEKS_PER_YEAR; week += 1) {
    const now = Date.UTC(2026, 0, 4, 19) + week * 7 * DAY_MS;
    const draw = drawSession({ deck, seed: `${seed}:${week}`, sessionNumber: week, history, maxLevel, count: CARDS_PER_SESSION, now });
    sessions.push(draw);
    for (const promptId of draw.promptIds) history.push({ promptId, drawnAt: now, thenAndNow: promptId === draw.thenAndNow });
  }
  return sessions;
}

function themesOf(id: string): readonly string[] {
  return deck?.prompts.find((prompt) => prompt.id === id)?.themes ?? [];
}

describe('a year of weekly sessions', () => {
  it('DECK-20 the weekly deck holds a year of cards, and no theme is on more than a fifth of them', () => {
    const prompts = deck?.prompts ?? [];
    expect(prompts.length).toBeGreaterThanOrEqual(WEEKS_PER_YEAR * CARDS_PER_SESSION);
    const counts = new Map<string, number>();
    for (const theme of prompts.flatMap((prompt) => prompt.themes)) counts.set(theme, (counts.get(theme) ?? 0) + 1);
    for (const [theme, count] of counts) expect(count / prompts.length, theme).toBeLessThanOrEqual(1 / 5);
  });

  it('DECK-20 52 consecutive weekly draws at every level repeat no card (then-and-now revisits aside)', () => {
    for (const seed of SEEDS) {
      const drawn = drawYear(seed, 3).flatMap((session) => session.promptIds.filter((id) => id !== session.thenAndNow));
      expect(drawn.length, seed).toBeGreaterThanOrEqual(WEEKS_PER_YEAR * (CARDS_PER_SESSION - 1));
      expect(drawn.length - new Set(drawn).size, `cards drawn twice in a year with seed ${seed}`).toBe(0);
    }
  });

  it(`DECK-20 DECK-15 themes are spread: ≤ ${MAX_THEME_PER_SESSION} cards per theme in a session, ≤ ${MAX_SESSIONS_REPEATING_A_THEME} sessions a year repeating one, no theme on more than ${MAX_THEME_SHARE_OF_YEAR * 100} % of the year`, () => {
    for (const maxLevel of [2, 3] as const) {
      for (const seed of SEEDS) {
        const sessions = drawYear(seed, maxLevel);
        const yearCounts = new Map<string, number>();
        let repeating = 0;
        for (const session of sessions) {
          const counts = new Map<string, number>();
          for (const theme of session.promptIds.flatMap(themesOf)) {
            counts.set(theme, (counts.get(theme) ?? 0) + 1);
            yearCounts.set(theme, (yearCounts.get(theme) ?? 0) + 1);
          }
          const most = Math.max(...counts.values());
          expect(most, `${seed} level ${maxLevel}: ${JSON.stringify([...counts])}`).toBeLessThanOrEqual(MAX_THEME_PER_SESSION);
          if (most > 1) repeating += 1;
        }
        expect(repeating, `${seed} level ${maxLevel}: sessions repeating a theme`).toBeLessThanOrEqual(MAX_SESSIONS_REPEATING_A_THEME);
        const cards = sessions.reduce((sum, session) => sum + session.promptIds.length, 0);
        for (const [theme, count] of yearCounts) expect(count / cards, `${seed} level ${maxLevel}: ${theme}`).toBeLessThanOrEqual(MAX_THEME_SHARE_OF_YEAR);
      }
    }
  });
});
