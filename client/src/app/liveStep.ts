// What the bar under a live card offers next (APP-14, APP-27). Pure: the card as the room document
// says it is, the members and the viewer in; one step out, so the rule is tested without a screen.
import type { Member } from '@seen/shared/doc';
import type { CardView } from './roomView.ts';

export type LiveStep =
  /** The viewer has neither shared nor passed: the card is theirs to answer first. */
  | { readonly kind: 'answer' }
  /**
   * The viewer is done but someone is still answering: the next card is not offered yet, only a
   * quiet way to move on without waiting for them.
   */
  | { readonly kind: 'waiting-for-answers'; readonly waitingOnIds: readonly string[] }
  /** Everyone has shared or passed: "Ready for the next card". */
  | { readonly kind: 'ready' }
  /** The viewer is ready; the card moves when the rest are (none left: it is moving). */
  | { readonly kind: 'waiting-for-ready'; readonly waitingOnIds: readonly string[] };

export function decideLiveStep(card: Pick<CardView, 'answers' | 'readyMemberIds'>, members: readonly Pick<Member, 'id'>[], viewerId: string | null): LiveStep {
  const { mine, others } = card.answers;
  if (mine.submittedAt === null && !mine.passed) return { kind: 'answer' };
  if (viewerId !== null && card.readyMemberIds.includes(viewerId)) {
    return { kind: 'waiting-for-ready', waitingOnIds: members.filter((member) => member.id !== viewerId && !card.readyMemberIds.includes(member.id)).map((member) => member.id) };
  }
  const stillAnswering = others.filter((other) => other.state !== 'submitted' && other.state !== 'passed').map((other) => other.memberId);
  return stillAnswering.length === 0 ? { kind: 'ready' } : { kind: 'waiting-for-answers', waitingOnIds: stillAnswering };
}
