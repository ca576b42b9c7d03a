// "Then and now" (APP-30): a card that comes back after 90 days or more shows what each of you
// wrote the first time, but only once the new answers are all in, so the old words cannot steer
// the new ones. Pure: plain values in, plain values out.
import type { CardAnswers, SessionRecord } from '@seen/shared/doc';

export interface EarlierAnswer {
  readonly memberId: string;
  readonly text: string;
}

export interface EarlierAnswers {
  readonly session: number;
  readonly startedAt: number;
  /** The viewer's own earlier answer first, then the others' that the viewer was shown then. */
  readonly answers: readonly EarlierAnswer[];
}

/**
 * The session a revisited card was first answered in: the one the draw recorded, else the newest
 * earlier session that drew it (a draw from an app version that did not record it).
 */
export function findEarlierSession(sessions: readonly SessionRecord[], current: SessionRecord, cardId: string): SessionRecord | null {
  const recorded = current.thenAndNow?.fromSession ?? null;
  const earlier = sessions.filter((session) => session.number < current.number && session.cardIds.includes(cardId));
  return earlier.find((session) => session.number === recorded) ?? earlier.at(-1) ?? null;
}

/**
 * What to show beside the new answers: nothing unless the card is a revisit, the viewer has shared
 * the new answer and every member has shared or passed it. The earlier answers keep their own
 * veil (APP-4): another member's old text appears only if the viewer was shown it back then.
 */
export function decideEarlierAnswers(input: {
  readonly viewerId: string;
  readonly isThenAndNow: boolean;
  readonly now: CardAnswers;
  readonly earlierSession: SessionRecord | null;
  readonly earlier: CardAnswers | null;
}): EarlierAnswers | null {
  const { now, earlier, earlierSession } = input;
  if (!input.isThenAndNow || !earlier || !earlierSession) return null;
  if (now.mine.submittedAt === null || !now.settled) return null;
  const answers: EarlierAnswer[] = [];
  if (earlier.mine.submittedAt !== null && earlier.mine.text.trim() !== '') answers.push({ memberId: input.viewerId, text: earlier.mine.text });
  for (const other of earlier.others) if (other.text !== null) answers.push({ memberId: other.memberId, text: other.text });
  return answers.length ? { session: earlierSession.number, startedAt: earlierSession.startedAt, answers } : null;
}
