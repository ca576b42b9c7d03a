import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROMPT_LEVELS, type Prompt, type PromptLevel } from './deckFormat';
import { DRAW_RULES, drawSession, type DrawHistoryEntry, type DrawSessionOptions, type SessionDraw } from './drawSession';
import { parseDeckFile } from './parseDeck';
import { arbitraryPrompts, arbitraryThemeRichPrompts } from './testing/arbitraryDeck';
import { readDeckFile } from './testing/readDeckFiles';

const DAY_MS = 24 * 60 * 60 * 1000;
const START = Date.UTC(2026, 0, 5);
const RUNS = 150;

const fixture = parseDeckFile(readDeckFile('fixtures/small-deck.json'));
if (!fixture.ok) throw new Error('fixture deck is invalid');
const FIXTURE_PROMPTS = fixture.value.prompts;

const arbitraryLevel = (): fc.Arbitrary<PromptLevel> => fc.constantFrom(...PROMPT_LEVELS);

/** A history over some of the given prompts, with times from long ago to now. */
const arbitraryHistory = (prompts: readonly Prompt[]): fc.Arbitrary<DrawHistoryEntry[]> =>
  fc.array(
    fc.record({
      promptId: fc.constantFrom(...prompts.map((prompt) => prompt.id), 'gone-card'),
      drawnAt: fc.integer({ min: START - 400 * DAY_MS, max: START }),
      thenAndNow: fc.option(fc.boolean(), { nil: undefined }),
    }),
    { maxLength: 60 },
  );

const arbitraryOptions = (): fc.Arbitrary<DrawSessionOptions> =>
  arbitraryPrompts({ maxLength: 30 }).chain((prompts) =>
    fc.record({
      deck: fc.constant({ prompts }),
      seed: fc.string(),
      sessionNumber: fc.nat(500),
      history: arbitraryHistory(prompts),
      maxLevel: arbitraryLevel(),
      count: fc.option(fc.integer({ min: -2, max: 15 }), { nil: undefined }),
      now: fc.constant(START),
    }),
  );

const levelsOf = (draw: SessionDraw, prompts: readonly Prompt[]): PromptLevel[] =>
  draw.promptIds.map((id) => {
    const prompt = prompts.find((candidate) => candidate.id === id);
    if (prompt === undefined) throw new Error(`drew unknown card ${id}`);
    return prompt.level;
  });

/** In-cycle draws per card as DECK-14 defines them: distinct (card, time) pairs, revisits aside. */
function countCycleDraws(history: readonly DrawHistoryEntry[]): Map<string, number> {
  const draws = new Map<string, { promptId: string; inCycle: boolean }>();
  for (const entry of history) {
    const key = `${entry.promptId}@${entry.drawnAt}`;
    const inCycle = entry.thenAndNow !== true || (draws.get(key)?.inCycle ?? false);
    draws.set(key, { promptId: entry.promptId, inCycle });
  }
  const counts = new Map<string, number>();
  for (const { promptId, inCycle } of draws.values()) if (inCycle) counts.set(promptId, (counts.get(promptId) ?? 0) + 1);
  return counts;
}

/** Same objects with keys in another order, lists reversed: what a second device might hold. */
function reorder(options: DrawSessionOptions): DrawSessionOptions {
  const flip = (prompt: Prompt): Prompt => Object.fromEntries(Object.entries(prompt).reverse()) as Prompt;
  return {
    ...options,
    deck: { prompts: [...options.deck.prompts].reverse().map(flip) },
    customPrompts: options.customPrompts === undefined ? undefined : [...options.customPrompts].reverse().map(flip),
    history: [...options.history].reverse().map((entry) => Object.fromEntries(Object.entries(entry).reverse()) as DrawHistoryEntry),
  };
}

describe('drawSession', () => {
  it('DECK-12 is deterministic and ignores list order and key order (both devices draw the same)', () => {
    fc.assert(
      fc.property(arbitraryOptions(), (options) => {
        const draw = drawSession(options);
        expect(drawSession(options)).toEqual(draw);
        expect(drawSession(reorder(options))).toEqual(draw);
        // A draw written twice into the history (two devices merging) counts once.
        const someTwice = [...options.history, ...options.history.filter((_entry, index) => index % 2 === 0)];
        expect(drawSession({ ...options, history: someTwice })).toEqual(draw);
      }),
      { numRuns: RUNS },
    );
  });

  it('DECK-13 levels never decrease, never exceed maxLevel, and no card appears twice', () => {
    fc.assert(
      fc.property(arbitraryOptions(), (options) => {
        const draw = drawSession(options);
        const levels = levelsOf(draw, options.deck.prompts);
        expect(levels).toEqual([...levels].sort((left, right) => left - right));
        expect(levels.every((level) => level <= options.maxLevel)).toBe(true);
        expect(new Set(draw.promptIds).size).toBe(draw.promptIds.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('DECK-17 draws min(count, eligible cards) cards; count defaults to 5 and is clamped to 1…12', () => {
    fc.assert(
      fc.property(arbitraryOptions(), (options) => {
        const eligible = options.deck.prompts.filter((prompt) => prompt.level <= options.maxLevel).length;
        const raw = options.count ?? DRAW_RULES.DEFAULT_COUNT;
        const count = Math.min(DRAW_RULES.MAX_COUNT, Math.max(DRAW_RULES.MIN_COUNT, raw));
        expect(drawSession(options).promptIds).toHaveLength(Math.min(count, eligible));
      }),
      { numRuns: RUNS },
    );
    const base = { deck: { prompts: FIXTURE_PROMPTS }, seed: 's', sessionNumber: 1, history: [], maxLevel: 3, now: START } as const;
    expect(drawSession({ ...base, count: Number.NaN }).promptIds).toHaveLength(DRAW_RULES.DEFAULT_COUNT);
    expect(drawSession({ ...base, count: 0 }).promptIds).toHaveLength(DRAW_RULES.MIN_COUNT);
  });

  it('DECK-13 reaches maxLevel whenever the not-yet-drawn cards include it, and opens at the lightest level', () => {
    fc.assert(
      fc.property(arbitraryOptions(), (options) => {
        const draw = drawSession(options);
        const counts = countCycleDraws(options.history);
        const pool = options.deck.prompts.filter((prompt) => prompt.level <= options.maxLevel && prompt.id !== draw.thenAndNow);
        const lowest = Math.min(...pool.map((prompt) => counts.get(prompt.id) ?? 0));
        const fresh = pool.filter((prompt) => (counts.get(prompt.id) ?? 0) === lowest);
        const levels = levelsOf(draw, options.deck.prompts);
        if (fresh.some((prompt) => prompt.level === options.maxLevel)) expect(levels).toContain(options.maxLevel);
        // With no history every card is fresh: the session spans the whole range it can.
        if (options.history.length === 0 && levels.length >= 2) {
          expect(levels[0]).toBe(Math.min(...fresh.map((prompt) => prompt.level)));
          expect(levels.at(-1)).toBe(Math.max(...fresh.map((prompt) => prompt.level)));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('DECK-13 a fresh session opens at the lightest level and ends at the deepest, even when one is rare', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.nat(3), fc.nat(30), fc.nat(10)),
        fc.string(),
        fc.integer({ min: 2, max: DRAW_RULES.MAX_COUNT }),
        (perLevel, seed, count) => {
          const prompts = perLevel.flatMap((howMany, index) =>
            Array.from({ length: howMany }, (_unused, card): Prompt => ({
              id: `l${index + 1}-${card}`,
              level: PROMPT_LEVELS[index] ?? 1,
              kind: 'question',
              themes: ['everyday'],
              text: 'A question for a property test?',
            })),
          );
          const levels = levelsOf(drawSession({ deck: { prompts }, seed, sessionNumber: 0, history: [], maxLevel: 3, count, now: START }), prompts);
          if (levels.length < 2) return;
          expect(levels[0]).toBe(Math.min(...prompts.map((prompt) => prompt.level)));
          expect(levels.at(-1)).toBe(Math.max(...prompts.map((prompt) => prompt.level)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('DECK-14 across sessions that feed history forward, no card repeats until every eligible card was drawn', () => {
    fc.assert(
      fc.property(
        arbitraryPrompts({ maxLength: 25 }),
        fc.string(),
        arbitraryLevel(),
        // Gaps of up to two months, so "then and now" revisits (≥ 90 days) happen mid-simulation too.
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 12 }), gapDays: fc.integer({ min: 1, max: 60 }) }), { minLength: 5, maxLength: 25 }),
        (prompts, seed, maxLevel, sessions) => {
          const eligible = new Set(prompts.filter((prompt) => prompt.level <= maxLevel).map((prompt) => prompt.id));
          const history: DrawHistoryEntry[] = [];
          let drawnThisCycle = new Set<string>();
          let now = START;
          sessions.forEach(({ count, gapDays }, session) => {
            now += gapDays * DAY_MS;
            const draw = drawSession({ deck: { prompts }, seed, sessionNumber: session, history, maxLevel, count, now });
            const regular = draw.promptIds.filter((id) => id !== draw.thenAndNow);
            const repeats = regular.filter((id) => drawnThisCycle.has(id));
            const fresh = regular.filter((id) => !drawnThisCycle.has(id));
            if (repeats.length > 0) {
              // A repeat is only allowed once this very session has completed the cycle.
              expect(new Set([...drawnThisCycle, ...fresh])).toEqual(eligible);
              drawnThisCycle = new Set(repeats);
            } else {
              drawnThisCycle = new Set([...drawnThisCycle, ...fresh]);
              if (drawnThisCycle.size === eligible.size) drawnThisCycle = new Set();
            }
            for (const promptId of draw.promptIds) history.push({ promptId, drawnAt: now, thenAndNow: promptId === draw.thenAndNow });
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('DECK-15 never repeats a theme within a session when the deck allows it', () => {
    fc.assert(
      fc.property(
        arbitraryThemeRichPrompts(DRAW_RULES.MAX_COUNT),
        fc.string(),
        arbitraryLevel(),
        fc.integer({ min: 1, max: DRAW_RULES.MAX_COUNT }),
        (prompts, seed, maxLevel, count) => {
          const draw = drawSession({ deck: { prompts }, seed, sessionNumber: 1, history: [], maxLevel, count, now: START });
          const themes = draw.promptIds.flatMap((id) => prompts.find((prompt) => prompt.id === id)?.themes ?? []);
          expect(new Set(themes).size).toBe(themes.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('DECK-16 "then and now" only picks an eligible card last drawn at least 90 days before now, and includes it', () => {
    fc.assert(
      fc.property(arbitraryOptions(), (options) => {
        const draw = drawSession(options);
        if (draw.thenAndNow === null) return;
        expect(draw.promptIds).toContain(draw.thenAndNow);
        const draws = options.history.filter((entry) => entry.promptId === draw.thenAndNow).map((entry) => entry.drawnAt);
        expect(draws.length).toBeGreaterThan(0);
        expect(options.now - Math.max(...draws)).toBeGreaterThanOrEqual(DRAW_RULES.THEN_AND_NOW_MIN_AGE_MS);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('DECK-16 offers "then and now" in roughly one session in six, and never without an old enough card', () => {
    const oldHistory = FIXTURE_PROMPTS.map((prompt) => ({ promptId: prompt.id, drawnAt: START - 200 * DAY_MS }));
    // Some cards a cycle ahead, so revisits are possible even when a session needs the whole cycle.
    oldHistory.push(...FIXTURE_PROMPTS.slice(0, 3).map((prompt) => ({ promptId: prompt.id, drawnAt: START - 100 * DAY_MS })));
    const recentHistory = FIXTURE_PROMPTS.map((prompt) => ({ promptId: prompt.id, drawnAt: START - 89 * DAY_MS }));
    const sessions = Array.from({ length: 600 }, (_unused, sessionNumber) => sessionNumber);
    const base = { deck: { prompts: FIXTURE_PROMPTS }, seed: 'room-seed', maxLevel: 3, now: START } as const;
    const revisits = sessions.filter((sessionNumber) => drawSession({ ...base, sessionNumber, history: oldHistory }).thenAndNow !== null).length;
    expect(revisits / sessions.length).toBeGreaterThan(0.1);
    expect(revisits / sessions.length).toBeLessThan(0.25);
    expect(sessions.every((sessionNumber) => drawSession({ ...base, sessionNumber, history: recentHistory }).thenAndNow === null)).toBe(true);
    expect(sessions.every((sessionNumber) => drawSession({ ...base, sessionNumber, history: oldHistory, count: 1 }).thenAndNow === null)).toBe(true);
  });

  it('DECK-17 mixes custom prompts in exactly as if they were part of the deck; on an id clash the deck card wins', () => {
    fc.assert(
      fc.property(arbitraryOptions(), fc.nat(), (options, split) => {
        const prompts = options.deck.prompts;
        const cut = split % (prompts.length + 1);
        const mixed = { ...options, deck: { prompts: prompts.slice(0, cut) }, customPrompts: prompts.slice(cut) };
        expect(drawSession(mixed)).toEqual(drawSession(options));
      }),
      { numRuns: RUNS },
    );
    const clash: Prompt = { id: 'fx-001', level: 3, kind: 'question', themes: ['us'], text: 'A custom card reusing a deck id?' };
    const base = { deck: { prompts: FIXTURE_PROMPTS }, seed: 's', sessionNumber: 2, history: [], maxLevel: 3, now: START, count: 12 } as const;
    expect(drawSession({ ...base, customPrompts: [clash] })).toEqual(drawSession(base));
  });

  it('DECK-12 golden draws: the algorithm is pinned, because two app versions in one room must agree', () => {
    const history = [{ promptId: 'fx-003', drawnAt: START - 120 * DAY_MS }];
    const draws = [1, 2, 3, 4, 5, 6, 7, 8].map((sessionNumber) =>
      drawSession({ deck: { prompts: FIXTURE_PROMPTS }, seed: 'golden', sessionNumber, history, maxLevel: 3, count: 4, now: START }),
    );
    expect(draws).toMatchInlineSnapshot(`
      [
        {
          "promptIds": [
            "fx-001",
            "fx-003",
            "fx-005",
            "fx-007",
          ],
          "thenAndNow": "fx-003",
        },
        {
          "promptIds": [
            "fx-001",
            "fx-004",
            "fx-005",
            "fx-009",
          ],
          "thenAndNow": null,
        },
        {
          "promptIds": [
            "fx-002",
            "fx-006",
            "fx-004",
            "fx-008",
          ],
          "thenAndNow": null,
        },
        {
          "promptIds": [
            "fx-001",
            "fx-003",
            "fx-004",
            "fx-007",
          ],
          "thenAndNow": "fx-003",
        },
        {
          "promptIds": [
            "fx-001",
            "fx-006",
            "fx-005",
            "fx-009",
          ],
          "thenAndNow": null,
        },
        {
          "promptIds": [
            "fx-001",
            "fx-005",
            "fx-004",
            "fx-008",
          ],
          "thenAndNow": null,
        },
        {
          "promptIds": [
            "fx-001",
            "fx-005",
            "fx-004",
            "fx-009",
          ],
          "thenAndNow": null,
        },
        {
          "promptIds": [
            "fx-002",
            "fx-004",
            "fx-006",
            "fx-009",
          ],
          "thenAndNow": null,
        },
      ]
    `);
  });
});
