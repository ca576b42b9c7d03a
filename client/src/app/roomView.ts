// Builds the plain, read-only view of a room that components render. Pure: a doc and a viewer in,
// plain values out (no Yjs types escape), so components never touch the document (APP-4 lives in
// the readers this calls; nothing here may expose veiled text).
import type * as Y from 'yjs';
import {
  firstAnswerer,
  hasFixedParticipants,
  isRoomInitialised,
  nextSessionNumber,
  readCardAnswers,
  readCheckins,
  readCustomPrompts,
  readDepth,
  readLiveCardIndex,
  readMembers,
  readReactions,
  readReadyMembers,
  readReplies,
  readRitual,
  readRoom,
  readSessions,
  SCHEMA_VERSION,
  sessionParticipantIds,
  type AnswerReader,
  type CardAnswers,
  type CustomPrompt,
  type DepthState,
  type Member,
  type ReactionEntry,
  type Reply,
  type RitualTime,
  type RoomInfo,
  type SessionCheckins,
  type SessionRecord,
} from '@seen/shared/doc';
import { loadedDeck, loadedShippedDecks, type Deck, type Prompt } from './decks.ts';
import { decideEarlierAnswers, findEarlierSession, type EarlierAnswers } from './thenAndNow.ts';
import type { Company } from './words.ts';

export type CardWaiting = 'you' | 'others' | 'nobody';

export interface CardView {
  /** `<session>/<cardId>`: the id presence uses for "on this card". */
  readonly key: string;
  readonly session: number;
  readonly index: number;
  readonly cardId: string;
  readonly prompt: Prompt | null;
  readonly isThenAndNow: boolean;
  readonly thenAndNowFrom: number | null;
  /** A "then and now" card's earlier answers, once the new ones are all in (APP-30); else null. */
  readonly earlier: EarlierAnswers | null;
  readonly answers: CardAnswers;
  readonly firstAnswererId: string | null;
  readonly replies: readonly Reply[];
  readonly reactions: readonly ReactionEntry[];
  readonly readyMemberIds: readonly string[];
  /** Weekly mode: who this card is waiting for. */
  readonly waiting: CardWaiting;
}

export interface SessionView {
  readonly record: SessionRecord;
  /**
   * Who the session is for, in turn order (SEALED-12): the members when it was drawn, or every
   * member for a session from before the rule or drawn by someone alone. Only they answer, hold
   * the cards up, take turns, get ready and check in.
   */
  readonly participants: readonly Member[];
  /** The participants are the draw's own list, so someone who joined since may be left out of it. */
  readonly fixedParticipants: boolean;
  /** The viewer is a participant; false for a member who joined after the draw. */
  readonly viewerTakesPart: boolean;
  readonly cards: readonly CardView[];
  /** Live mode: the card everyone is on (cards.length when all are done). */
  readonly liveIndex: number;
  readonly checkins: SessionCheckins;
  readonly allSettled: boolean;
}

export interface RoomView {
  readonly initialised: boolean;
  /** The document was written by a newer app version: show a gentle warning. */
  readonly fromNewerVersion: boolean;
  readonly room: RoomInfo;
  /** The weekly ritual time, if the room has one (APP-31). */
  readonly ritual: RitualTime | null;
  readonly deck: Deck | null;
  /** 'loading' until the deck content has been fetched; 'missing' if this app does not have it. */
  readonly deckState: 'loading' | 'ready' | 'missing';
  readonly members: readonly Member[];
  readonly me: Member | null;
  readonly others: readonly Member[];
  /**
   * Who the room is for (APP-24): its size (never below the members already in) and whether it is
   * a room for two partners. The words take their names and numbers from here (APP-25).
   */
  readonly group: { readonly size: number; readonly partners: boolean; readonly full: boolean };
  readonly depth: DepthState;
  readonly openSession: SessionView | null;
  readonly sessions: readonly SessionRecord[];
  readonly nextSessionNumber: number;
  readonly customPrompts: readonly CustomPrompt[];
  /** The newest closed session (its check-in may still be waiting for someone). */
  readonly lastClosed: SessionView | null;
}

export function cardKey(session: number, cardId: string): string {
  return `${session}/${cardId}`;
}

export function resolvePrompt(deck: Deck | null, customPrompts: readonly CustomPrompt[], id: string): Prompt | null {
  return deck?.prompts.find((prompt) => prompt.id === id) ?? customPrompts.find((custom) => custom.prompt.id === id)?.prompt ?? null;
}

function waitingFor(answers: CardAnswers, viewerTakesPart: boolean): CardWaiting {
  const mineDone = !viewerTakesPart || answers.mine.submittedAt !== null || answers.mine.passed;
  if (!mineDone) return 'you';
  return answers.settled ? 'nobody' : 'others';
}

function buildSessionView(
  doc: Y.Doc,
  record: SessionRecord,
  context: { viewerId: string; members: readonly Member[]; deck: Deck | null; customPrompts: readonly CustomPrompt[]; sessions: readonly SessionRecord[]; reader: AnswerReader | undefined },
): SessionView {
  const memberIds = sessionParticipantIds(record, context.members.map((member) => member.id));
  const participants = memberIds.flatMap((id) => context.members.find((member) => member.id === id) ?? []);
  const viewerTakesPart = memberIds.includes(context.viewerId);
  const cardIds = [...record.cardIds];
  const thenAndNow = record.thenAndNow;
  if (thenAndNow && !cardIds.includes(thenAndNow.promptId)) cardIds.push(thenAndNow.promptId);
  const cards = cardIds.map((cardId, index): CardView => {
    const ref = { session: record.number, cardId };
    const answers = readCardAnswers(doc, { ...ref, viewerId: context.viewerId, memberIds, reader: context.reader });
    const isThenAndNow = thenAndNow?.promptId === cardId;
    const earlierSession = isThenAndNow ? findEarlierSession(context.sessions, record, cardId) : null;
    const earlier = decideEarlierAnswers({
      viewerId: context.viewerId,
      isThenAndNow,
      now: answers,
      earlierSession,
      earlier: earlierSession ? readEarlierAnswers(doc, earlierSession, cardId, context) : null,
    });
    return {
      key: cardKey(record.number, cardId),
      session: record.number,
      index,
      cardId,
      prompt: resolvePrompt(context.deck, context.customPrompts, cardId),
      isThenAndNow,
      thenAndNowFrom: isThenAndNow ? thenAndNow?.fromSession ?? null : null,
      earlier,
      answers,
      firstAnswererId: firstAnswerer(participants, record.number, index)?.id ?? null,
      replies: readReplies(doc, ref, context.members),
      reactions: readReactions(doc, ref, context.members),
      readyMemberIds: readReadyMembers(doc, record.number, index, memberIds),
      waiting: waitingFor(answers, viewerTakesPart),
    };
  });
  return {
    record,
    participants,
    fixedParticipants: hasFixedParticipants(record, context.members.map((member) => member.id)),
    viewerTakesPart,
    cards,
    liveIndex: readLiveCardIndex(doc, { session: record.number, cardCount: cards.length, memberIds }),
    checkins: readCheckins(doc, { session: record.number, viewerId: context.viewerId, memberIds }),
    allSettled: cards.every((card) => card.answers.settled),
  };
}

/** A revisited card's first answers, among that earlier session's own participants (SEALED-12). */
function readEarlierAnswers(
  doc: Y.Doc,
  earlierSession: SessionRecord,
  cardId: string,
  context: { viewerId: string; members: readonly Member[]; reader: AnswerReader | undefined },
): CardAnswers {
  const memberIds = sessionParticipantIds(earlierSession, context.members.map((member) => member.id));
  return readCardAnswers(doc, { session: earlierSession.number, cardId, viewerId: context.viewerId, memberIds, reader: context.reader });
}

function readGroup(room: RoomInfo, memberCount: number): RoomView['group'] {
  const size = Math.max(room.groupSize, memberCount);
  return { size, partners: room.partners && size === 2, full: memberCount >= size };
}

/** `reader` opens sealed answers with this device's keys (the app always passes its vault). */
export function buildRoomView(doc: Y.Doc, viewerId: string, reader?: AnswerReader): RoomView {
  const room = readRoom(doc);
  const members = readMembers(doc);
  const deck = loadedDeck(room.deckId);
  const deckState = deck ? 'ready' : loadedShippedDecks() === null ? 'loading' : 'missing';
  const customPrompts = readCustomPrompts(doc);
  const sessions = readSessions(doc);
  const context = { viewerId, members, deck, customPrompts, sessions, reader };
  const latest = sessions.at(-1) ?? null;
  const openSession = latest && latest.closedAt === null ? buildSessionView(doc, latest, context) : null;
  const lastClosed = [...sessions].reverse().find((session) => session.closedAt !== null) ?? null;
  const lastClosedView = lastClosed ? buildSessionView(doc, lastClosed, context) : null;
  return {
    initialised: isRoomInitialised(doc),
    fromNewerVersion: (room.schemaVersion ?? SCHEMA_VERSION) > SCHEMA_VERSION,
    room,
    ritual: readRitual(doc),
    deck,
    deckState,
    members,
    me: members.find((member) => member.id === viewerId) ?? null,
    others: members.filter((member) => member.id !== viewerId),
    group: readGroup(room, members.length),
    depth: readDepth(doc),
    openSession,
    sessions,
    nextSessionNumber: nextSessionNumber(doc),
    customPrompts,
    lastClosed: lastClosedView,
  };
}


/** The other members as the words need them: names, the room's size, partners or friends (APP-25). */
export function companyOf(view: Pick<RoomView, 'others' | 'group'>): Company {
  return { names: view.others.map((member) => member.name), groupSize: view.group.size, partners: view.group.partners };
}

/**
 * The company of one session: its other participants when the draw fixed them (SEALED-12), so a
 * friend who joined since is never named as holding a card up; otherwise the room's company.
 */
export function sessionCompanyOf(view: Pick<RoomView, 'others' | 'group' | 'me'>, session: Pick<SessionView, 'participants' | 'fixedParticipants'>): Company {
  if (!session.fixedParticipants) return companyOf(view);
  const names = session.participants.filter((member) => member.id !== view.me?.id).map((member) => member.name);
  return { names, groupSize: session.participants.length, partners: view.group.partners };
}
