// Who goes first on a live card, as the hint on the card shows it (APP-12, APP-26). Pure: the card
// as the room document says it is, and the viewer, in; who to name (or nothing), out.
import type { CardView } from './roomView.ts';

export type TurnHint = { readonly firstId: string; readonly isViewer: boolean } | null;

/**
 * The hint says who opens the card, so it only makes sense before anyone has: once any member has
 * shared or passed, whoever it was has gone first and the hint would contradict the screen.
 */
export function decideTurnHint(card: Pick<CardView, 'firstAnswererId' | 'answers'>, viewerId: string | null): TurnHint {
  const firstId = card.firstAnswererId;
  if (firstId === null) return null;
  const { mine, others } = card.answers;
  const someoneAnswered = mine.submittedAt !== null || mine.passed || others.some((other) => other.state === 'submitted' || other.state === 'passed');
  if (someoneAnswered) return null;
  return { firstId, isViewer: firstId === viewerId };
}
