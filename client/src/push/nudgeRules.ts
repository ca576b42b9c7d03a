// When a nudge is sent, and when the quiet prompt to turn them on is offered (SPEC APP-32, APP-33).
// Pure: the room page passes what it knows.

/**
 * A nudge goes out only when someone who could want it is away: a member present in the room sees
 * the answer, the cards or the invitation on their screen already.
 */
export function shouldNudge(otherMemberIds: readonly string[], presentMemberIds: readonly string[]): boolean {
  const present = new Set(presentMemberIds);
  return otherMemberIds.some((memberId) => !present.has(memberId));
}

export interface NudgeOfferInput {
  /** The room's sessions, newest last (only when each closed matters here). */
  readonly sessions: readonly { readonly closedAt: number | null }[];
  /** A session is open: the room is mid-card, and nothing interrupts that. */
  readonly sessionOpen: boolean;
  readonly othersCount: number;
  /** When this device joined the room (SavedRoom.joinedAt). */
  readonly joinedAt: number;
}

/**
 * The prompt appears once this device has seen a session completed — never on a first visit to a
 * room with a past (a new phone joining an old room waits for the next session), never during a
 * card, never before anyone else is in. Whether it was answered before is the caller's to check.
 */
export function canOfferNudges(input: NudgeOfferInput): boolean {
  if (input.sessionOpen || input.othersCount === 0) return false;
  return input.sessions.some((session) => session.closedAt !== null && session.closedAt >= input.joinedAt);
}
