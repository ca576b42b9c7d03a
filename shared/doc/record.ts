import type * as Y from 'yjs';
import { readCardAnswers, type AnswerReader, type AnswerState } from './answers.ts';
import { readCheckins, type SessionCheckins } from './checkins.ts';
import { readCustomPrompts, type CustomPrompt } from './customPrompts.ts';
import { readMembers, type Member } from './members.ts';
import { readReactions, readReplies, type ReactionEntry, type Reply } from './responses.ts';
import { readRoom, type RoomInfo } from './room.ts';
import { readSessions, sessionParticipantIds, type SessionRecord } from './sessions.ts';

export interface CardRecordAnswer {
  readonly memberId: string;
  /** The viewer's own unsubmitted text shows as 'draft'; others' follow the veil (APP-4). */
  readonly state: AnswerState | 'draft';
  readonly text: string | null;
  readonly submittedAt: number | null;
}

export interface CardRecord {
  readonly cardId: string;
  readonly index: number;
  readonly answers: readonly CardRecordAnswer[];
  readonly replies: readonly Reply[];
  readonly reactions: readonly ReactionEntry[];
}

export interface SessionRecordView extends SessionRecord {
  /** Who the session was for, in turn order: its participants, or every member (SEALED-12). */
  readonly participantIds: readonly string[];
  /**
   * The viewer is one of them. A member who joined after the draw is shown none of the session's
   * answers, responses or check-ins, and has no answer in it: it stays between its participants.
   */
  readonly viewerTookPart: boolean;
  readonly cards: readonly CardRecord[];
  readonly checkins: SessionCheckins;
}

export interface RoomRecord {
  readonly room: RoomInfo;
  readonly members: readonly Member[];
  readonly sessions: readonly SessionRecordView[];
  readonly customPrompts: readonly CustomPrompt[];
}

/**
 * Everything in the room as the viewer may see it — the basis for history and export. Other
 * members' answers and check-ins stay veiled exactly as in the room itself, so an export can never
 * be used to peek (APP-4, APP-11, APP-17).
 */
export function readRoomRecord(doc: Y.Doc, viewerId: string, reader?: AnswerReader): RoomRecord {
  const members = readMembers(doc);
  const allMemberIds = members.map((member) => member.id);
  const sessions = readSessions(doc).map((session): SessionRecordView => {
    const memberIds = sessionParticipantIds(session, allMemberIds);
    const tookPart = memberIds.includes(viewerId);
    return {
      ...session,
      participantIds: memberIds,
      viewerTookPart: tookPart,
      cards: session.cardIds.map((cardId, index): CardRecord => {
        if (!tookPart) return { cardId, index, answers: [], replies: [], reactions: [] };
        const ref = { session: session.number, cardId };
        const answers = readCardAnswers(doc, { ...ref, viewerId, memberIds, reader });
        const mine: CardRecordAnswer = {
          memberId: viewerId,
          state: answers.mine.submittedAt !== null ? 'submitted' : answers.mine.passed ? 'passed' : answers.mine.text.trim() ? 'draft' : 'none',
          text: answers.mine.text.trim() ? answers.mine.text : null,
          submittedAt: answers.mine.submittedAt,
        };
        return {
          cardId,
          index,
          answers: [mine, ...answers.others.map(({ memberId, state, text, submittedAt }) => ({ memberId, state, text, submittedAt }))],
          replies: readReplies(doc, ref, members),
          reactions: readReactions(doc, ref, members),
        };
      }),
      checkins: readCheckins(doc, { session: session.number, viewerId, memberIds }),
    };
  });
  return { room: readRoom(doc), members, sessions, customPrompts: readCustomPrompts(doc) };
}
