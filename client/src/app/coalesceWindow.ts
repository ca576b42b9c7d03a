import { localOrigin } from '@seen/shared/doc';

/**
 * A draft is veiled: the partner sees "is writing…" (presence), never the keystrokes, so typing
 * can wait this long to leave as one envelope. It costs nothing a person can see and cuts the
 * relay's envelopes, CPU and storage several times over (BENCHMARKS.md "Coalescing").
 */
export const DRAFT_COALESCE_MS = 1_000;

const DRAFT_ORIGIN = localOrigin('draft');

/**
 * How long a local update may wait to be merged with the next ones. Everything the others look at
 * as it happens (a shared answer, a reaction, "next card", consent, presence) leaves at once.
 */
export function coalesceWindowFor(origin: unknown): number {
  // localOrigin returns one frozen object per reason, so identity is the whole test.
  return origin === DRAFT_ORIGIN ? DRAFT_COALESCE_MS : 0;
}
