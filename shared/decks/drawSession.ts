// Which cards a session gets (DECK-12…DECK-17). Both partners' devices run this on the same inputs
// and must get the same cards without talking to each other first, so it is a pure function of its
// inputs: no clock, no Math.random, no locale, and no dependence on the order of the lists it is
// given. Changing the algorithm changes what existing rooms draw; two app versions in one room would
// then disagree, so pin it (drawSession.test.ts has golden draws) and treat changes as a version bump.
import { PROMPT_LEVELS, type Deck, type Prompt, type PromptLevel } from './deckFormat';
import { createSeededRandom, pickIndex } from './seededRandom';

const DAY_MS = 24 * 60 * 60 * 1000;

export const DRAW_RULES = {
  DEFAULT_COUNT: 5,
  MIN_COUNT: 1,
  MAX_COUNT: 12,
  /** "Now and then": roughly one session in six offers a card answered long ago (DECK-16). */
  THEN_AND_NOW_CHANCE: 1 / 6,
  /** Long enough that the answer may really have changed (Gottman: love maps need updating). */
  THEN_AND_NOW_MIN_AGE_MS: 90 * DAY_MS,
  /** A one-card session is never a revisit: the new card is the point of the ritual. */
  THEN_AND_NOW_MIN_COUNT: 2,
} as const;

/** Separates this use of the room seed from any other use of the same seed. */
const SEED_CONTEXT = 'seen/draw-session/v1';
const SEED_SEPARATOR = '\u0000';

export type DrawHistoryEntry = {
  readonly promptId: string;
  /** Milliseconds since the epoch, from the session record in the room (not this device's clock). */
  readonly drawnAt: number;
  /**
   * True when the card was drawn as the session's "then and now" card. Revisits sit outside the
   * no-repeat cycle, so they neither complete it nor push the card into the next one.
   */
  readonly thenAndNow?: boolean;
};

export type DrawSessionOptions = {
  readonly deck: Pick<Deck, 'prompts'>;
  /** The room's own prompts, drawn exactly like the deck's. On an id clash the deck's card wins. */
  readonly customPrompts?: readonly Prompt[];
  /** The room's draw seed, shared by both devices (stored in the room document). */
  readonly seed: string;
  readonly sessionNumber: number;
  readonly history: readonly DrawHistoryEntry[];
  /** The deepest level the room has agreed to. */
  readonly maxLevel: PromptLevel;
  /** Cards in the session; default 5, clamped to 1…12. */
  readonly count?: number;
  /** The session's agreed start time (from the room document), used only for "then and now". */
  readonly now: number;
};

export type SessionDraw = {
  /** In reading order: levels never decrease. */
  readonly promptIds: readonly string[];
  /** The revisited card, also present in promptIds; null in most sessions. */
  readonly thenAndNow: string | null;
};

type DrawnCard = { readonly prompt: Prompt; readonly rank: number };

export function drawSession(options: DrawSessionOptions): SessionDraw {
  const count = clampCount(options.count);
  const maxLevel = clampLevel(options.maxLevel);
  const random = createSeededRandom([SEED_CONTEXT, options.seed, String(options.sessionNumber)].join(SEED_SEPARATOR));
  const eligible = collectPool(options.deck.prompts, options.customPrompts ?? []).filter((prompt) => prompt.level <= maxLevel);
  const history = summarizeHistory(options.history);

  // The first number always decides the revisit, whatever else happens, so the rest of the stream
  // does not shift depending on which branch runs.
  const revisitRoll = random();
  const revisit =
    count >= DRAW_RULES.THEN_AND_NOW_MIN_COUNT && revisitRoll < DRAW_RULES.THEN_AND_NOW_CHANCE
      ? pickRevisit({ eligible, history, now: options.now, count, random })
      : null;

  const usedThemes = new Set<string>(revisit?.themes ?? []);
  const candidates = eligible.filter((prompt) => prompt !== revisit);
  const picks = pickByCycle(candidates, history.cycleDraws, count - (revisit === null ? 0 : 1), usedThemes, random);
  if (revisit !== null) picks.push({ prompt: revisit, rank: Number.POSITIVE_INFINITY });

  // Reading order: lightest first, deepest last (Aron et al.: escalating disclosure).
  picks.sort((left, right) => left.prompt.level - right.prompt.level || left.rank - right.rank);
  return { promptIds: picks.map((pick) => pick.prompt.id), thenAndNow: revisit?.id ?? null };
}

function clampCount(count: number | undefined): number {
  if (count === undefined || !Number.isFinite(count)) return DRAW_RULES.DEFAULT_COUNT;
  return Math.min(DRAW_RULES.MAX_COUNT, Math.max(DRAW_RULES.MIN_COUNT, Math.trunc(count)));
}

function clampLevel(level: number): PromptLevel {
  const lightest = PROMPT_LEVELS[0];
  const deepest = PROMPT_LEVELS[PROMPT_LEVELS.length - 1] ?? lightest;
  if (!Number.isFinite(level)) return lightest;
  return PROMPT_LEVELS.find((candidate) => candidate === Math.min(deepest, Math.max(lightest, Math.trunc(level)))) ?? lightest;
}

/**
 * Deck and custom prompts as one list sorted by id, one card per id. Sorting makes the result
 * independent of the order the lists arrive in (a Y.Map iterates differently on two devices).
 */
function collectPool(deckPrompts: readonly Prompt[], customPrompts: readonly Prompt[]): Prompt[] {
  const tagged = [
    ...deckPrompts.map((prompt) => ({ prompt, source: 0, key: fingerprintPrompt(prompt) })),
    ...customPrompts.map((prompt) => ({ prompt, source: 1, key: fingerprintPrompt(prompt) })),
  ];
  tagged.sort((left, right) => compareStrings(left.prompt.id, right.prompt.id) || left.source - right.source || compareStrings(left.key, right.key));
  const pool: Prompt[] = [];
  for (const { prompt } of tagged) {
    if (pool[pool.length - 1]?.id !== prompt.id) pool.push(prompt);
  }
  return pool;
}

/** A stable tie-breaker when two different cards claim one id. */
function fingerprintPrompt(prompt: Prompt): string {
  return JSON.stringify([prompt.level, prompt.kind, prompt.themes, prompt.text, prompt.deeper ?? null]);
}

/** Code-unit order, the same everywhere (localeCompare is not). */
function compareStrings(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

type HistorySummary = {
  /** In-cycle draws per card (revisits excluded). */
  readonly cycleDraws: ReadonlyMap<string, number>;
  readonly lastDrawnAt: ReadonlyMap<string, number>;
};

/**
 * Both devices may have written the same draw into the history (a merge of two offline copies),
 * so draws are counted per distinct (card, time), not per entry.
 */
function summarizeHistory(history: readonly DrawHistoryEntry[]): HistorySummary {
  const draws = new Map<string, { promptId: string; drawnAt: number; inCycle: boolean }>();
  for (const entry of history) {
    const key = `${entry.promptId}${SEED_SEPARATOR}${entry.drawnAt}`;
    const inCycle = entry.thenAndNow !== true;
    const known = draws.get(key);
    if (known === undefined) draws.set(key, { promptId: entry.promptId, drawnAt: entry.drawnAt, inCycle });
    else known.inCycle ||= inCycle;
  }
  const cycleDraws = new Map<string, number>();
  const lastDrawnAt = new Map<string, number>();
  for (const { promptId, drawnAt, inCycle } of draws.values()) {
    if (inCycle) cycleDraws.set(promptId, (cycleDraws.get(promptId) ?? 0) + 1);
    const last = lastDrawnAt.get(promptId);
    if (Number.isFinite(drawnAt) && (last === undefined || drawnAt > last)) lastDrawnAt.set(promptId, drawnAt);
  }
  return { cycleDraws, lastDrawnAt };
}

type RevisitInput = {
  readonly eligible: readonly Prompt[];
  readonly history: HistorySummary;
  readonly now: number;
  readonly count: number;
  readonly random: () => number;
};

/**
 * A card whose most recent draw is at least 90 days old, so the answer may have changed (DECK-16).
 * A card not yet drawn in the current cycle qualifies only if the session can still be filled from
 * the current cycle without it: otherwise setting it aside as the revisit would force a repeat of
 * another card before this one had its regular turn (DECK-14).
 */
function pickRevisit({ eligible, history, now, count, random }: RevisitInput): Prompt | null {
  const drawsOf = (prompt: Prompt): number => history.cycleDraws.get(prompt.id) ?? 0;
  const fewestDraws = Math.min(...eligible.map(drawsOf));
  const currentCycleSize = eligible.filter((prompt) => drawsOf(prompt) === fewestDraws).length;
  const cycleCanSpareOne = currentCycleSize >= count;
  const candidates = eligible.filter((prompt) => {
    const last = history.lastDrawnAt.get(prompt.id);
    const oldEnough = last !== undefined && now - last >= DRAW_RULES.THEN_AND_NOW_MIN_AGE_MS;
    return oldEnough && (drawsOf(prompt) > fewestDraws || cycleCanSpareOne);
  });
  if (candidates.length === 0) return null;
  return candidates[pickIndex(random, candidates.length)] ?? null;
}

/**
 * The no-repeat cycle (DECK-14): cards are grouped by how often they were drawn, and a group is
 * used up before any card of the next is taken. So no card repeats until every eligible card has
 * been drawn, and a new cycle starts by itself — with no stored cycle state to merge. One effect to
 * know: after a room raises maxLevel, the newly eligible cards have fewer draws than the rest, so
 * they come first until they catch up.
 */
function pickByCycle(
  candidates: readonly Prompt[],
  cycleDraws: ReadonlyMap<string, number>,
  wanted: number,
  usedThemes: Set<string>,
  random: () => number,
): DrawnCard[] {
  const tiers = new Map<number, Prompt[]>();
  for (const prompt of candidates) {
    const draws = cycleDraws.get(prompt.id) ?? 0;
    const tier = tiers.get(draws);
    if (tier === undefined) tiers.set(draws, [prompt]);
    else tier.push(prompt);
  }
  const picks: DrawnCard[] = [];
  for (const drawCount of [...tiers.keys()].sort((left, right) => left - right)) {
    const tier = tiers.get(drawCount) ?? [];
    const need = wanted - picks.length;
    if (need <= 0) break;
    const chosen = tier.length <= need ? shuffle(tier, random) : pickFromTier(tier, need, usedThemes, random);
    for (const prompt of chosen) {
      for (const theme of prompt.themes) usedThemes.add(theme);
      picks.push({ prompt, rank: picks.length });
    }
  }
  return picks;
}

/**
 * `need` cards from one tier (fewer than it holds). Levels are shared out first (allocateLevelSlots).
 * Within a level, the card sharing the fewest themes with the session so far wins (DECK-15); among
 * those, the card whose theme is most common in what is left of the tier, so common themes are used
 * at the pace they occur instead of piling up into repetitive sessions at the end of the cycle.
 * Remaining ties go to the seed.
 */
function pickFromTier(tier: readonly Prompt[], need: number, usedThemes: Set<string>, random: () => number): Prompt[] {
  const remaining = [...tier];
  const themeCounts = new Map<string, number>();
  for (const prompt of remaining) for (const theme of prompt.themes) themeCounts.set(theme, (themeCounts.get(theme) ?? 0) + 1);
  const chosen: Prompt[] = [];
  for (const level of allocateLevelSlots(tier, need)) {
    let best: Prompt[] = [];
    let bestScore: readonly [number, number] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (const prompt of remaining) {
      if (prompt.level !== level) continue;
      const overlap = prompt.themes.filter((theme) => usedThemes.has(theme)).length;
      const pressure = Math.max(...prompt.themes.map((theme) => themeCounts.get(theme) ?? 0));
      const comparison = overlap - bestScore[0] || bestScore[1] - pressure;
      if (comparison < 0) {
        best = [prompt];
        bestScore = [overlap, pressure];
      } else if (comparison === 0) best.push(prompt);
    }
    const pick = best[pickIndex(random, best.length)];
    if (pick === undefined) continue;
    remaining.splice(remaining.indexOf(pick), 1);
    chosen.push(pick);
    for (const theme of pick.themes) {
      usedThemes.add(theme);
      themeCounts.set(theme, (themeCounts.get(theme) ?? 1) - 1);
    }
  }
  return chosen;
}

/**
 * The level of each of `need` slots, in the order they are filled. Slots are shared out in
 * proportion to what the tier holds at each level (largest remainder), so a cycle uses its levels
 * up evenly instead of ending in a run of single-level sessions. Then the deepest level present gets
 * at least one slot (DECK-13: the session reaches it) and, with two or more slots, the lightest too
 * (the session opens gently), each taken from the level with the most slots. Deepest is filled
 * first, lightest second, so they win the themes. Integer arithmetic only: both devices round alike.
 */
function allocateLevelSlots(tier: readonly Prompt[], need: number): PromptLevel[] {
  const available = PROMPT_LEVELS.map((level) => tier.filter((prompt) => prompt.level === level).length);
  const total = available.reduce((sum, count) => sum + count, 0);
  const present = PROMPT_LEVELS.filter((_level, index) => (available[index] ?? 0) > 0);
  const deepest = present[present.length - 1];
  const lightest = present[0];
  if (deepest === undefined || lightest === undefined) return [];

  const slots = available.map((count) => Math.floor((need * count) / total));
  const byRemainder = available
    .map((count, index) => ({ index, remainder: (need * count) % total }))
    .sort((left, right) => right.remainder - left.remainder || left.index - right.index);
  let leftOver = need - slots.reduce((sum, count) => sum + count, 0);
  for (const { index } of byRemainder) {
    if (leftOver <= 0) break;
    slots[index] = (slots[index] ?? 0) + 1;
    leftOver -= 1;
  }

  const ensureOne = (level: PromptLevel, keep: PromptLevel | null): void => {
    const target = PROMPT_LEVELS.indexOf(level);
    if ((slots[target] ?? 0) > 0) return;
    // The donor keeps at least one slot if it is the level we just secured.
    const donor = slots
      .map((count, index) => ({ index, spare: count - (PROMPT_LEVELS[index] === keep ? 1 : 0) }))
      .filter(({ index, spare }) => index !== target && spare > 0)
      .sort((left, right) => right.spare - left.spare || left.index - right.index)[0];
    if (donor === undefined) return;
    slots[donor.index] = (slots[donor.index] ?? 0) - 1;
    slots[target] = 1;
  };
  ensureOne(deepest, null);
  if (need >= 2 && lightest !== deepest) ensureOne(lightest, deepest);

  const order: PromptLevel[] = [];
  const take = (level: PromptLevel): void => {
    const index = PROMPT_LEVELS.indexOf(level);
    if ((slots[index] ?? 0) <= 0) return;
    slots[index] = (slots[index] ?? 0) - 1;
    order.push(level);
  };
  take(deepest);
  take(lightest);
  PROMPT_LEVELS.forEach((level, index) => {
    while ((slots[index] ?? 0) > 0) take(level);
  });
  return order;
}

/** Fisher–Yates with the seeded generator; returns a new array. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const shuffled = [...items];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = pickIndex(random, index + 1);
    const current = shuffled[index];
    const swapped = shuffled[other];
    if (current === undefined || swapped === undefined) continue;
    shuffled[index] = swapped;
    shuffled[other] = current;
  }
  return shuffled;
}
