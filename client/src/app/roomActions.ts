// Everything a member can do in a room, as plain functions over the document. Components receive
// these through useRoomActions and never see the document itself.
import type * as Y from 'yjs';
import {
  addCustomPrompt,
  addMember,
  closeSession,
  editDraft,
  ensureDraft,
  lookEarly,
  markReady,
  nextSessionNumber,
  readCustomPrompts,
  readDepth,
  readDrawHistory,
  readMembers,
  readOpenSession,
  readRoom,
  readSession,
  removeCustomPrompt,
  renameRoom,
  sessionParticipantIds,
  sessionSeed,
  setCheckin,
  setDepthConsent,
  setEscrowDays,
  setPassed,
  setReaction,
  setReply,
  setRoomGroup,
  setRitual as writeRitual,
  setRoomMode,
  startSession,
  submitAnswer,
  type AddCustomPromptResult,
  type AnswerRef,
  type Level,
  type Reaction,
  type RoomMode,
} from '@seen/shared/doc';
import { drawCards, type PromptKind } from './decks.ts';
import { randomId } from './ids.ts';

export interface RoomActions {
  /** Draws and starts the next session; false if one is open or the deck is unavailable. */
  /** Draws the next session; `at` is its agreed start (a ritual draw's moment), else the clock. */
  startNextSession(at?: number): Promise<boolean>;
  prepareDraft(session: number, cardId: string): void;
  editDraft(session: number, cardId: string, text: string): void;
  /** Shares the draft; `allowEarly` lets the others open it before answering (SEALED-18). */
  submit(session: number, cardId: string, options?: { allowEarly?: boolean }): boolean;
  /** "See it anyway": opens an answer its author released early; the author will see it (SEALED-18). */
  lookEarly(session: number, cardId: string, authorId: string): void;
  setPassed(session: number, cardId: string, passed: boolean): void;
  /** "What I heard" in `answerId`'s answer (APP-23). */
  reply(session: number, cardId: string, answerId: string, text: string): void;
  /** A reaction to `answerId`'s answer, or null to take it back (APP-23). */
  react(session: number, cardId: string, answerId: string, reaction: Reaction | null): void;
  setReady(session: number, cardIndex: number, ready: boolean): void;
  setDepth(level: Level): void;
  checkIn(session: number, value: number): boolean;
  closeSession(session: number): void;
  addOwnCard(card: { text: string; level: Level; kind: PromptKind }): AddCustomPromptResult;
  removeOwnCard(id: string): void;
  setMode(mode: RoomMode): void;
  /** How long answer keys wait at the relay for the members who answer later (SEALED-9). */
  setEscrowDays(days: number): void;
  /** Sets the weekly ritual time (APP-31), or clears it with null. */
  setRitual(ritual: { weekday: number; hour: number; minute: number } | null): void;
  /** Who the room is for: how many people, and whether they are two partners (APP-24). */
  setGroup(size: number, partners: boolean): void;
  renameRoom(name: string): void;
  renameMe(name: string): void;
}

/**
 * What a member did that the others may want to hear about while they are away (SPEC APP-32): the
 * room page turns it into a content-free nudge through the relay. Never what was written.
 */
export type SharedMoment = 'answered' | 'drew' | 'deeper';

/** How a member's answers are written: sealed through the device's vault in the app (SEALED-6), in clear in old tests. */
export interface AnswerWriter {
  prepare(ref: AnswerRef, now: number): void;
  edit(ref: AnswerRef, text: string, now: number): void;
  /** False when there is nothing to share. */
  submit(ref: AnswerRef, now: number, allowEarly?: boolean): boolean;
  pass(ref: AnswerRef, passed: boolean, now: number): void;
}

/** Answers in clear, as rooms were written before sealed answers: for tests about other things. */
export function clearAnswerWriter(doc: Y.Doc): AnswerWriter {
  return {
    prepare: (ref, now) => void ensureDraft(doc, { ...ref, now }),
    edit: (ref, text, now) => editDraft(doc, { ...ref, text, now }),
    submit: (ref, now) => submitAnswer(doc, { ...ref, now }),
    pass: (ref, passed, now) => setPassed(doc, { ...ref, passed, now }),
  };
}

export function createRoomActions(
  doc: Y.Doc,
  memberId: string,
  clock: () => number = Date.now,
  onShared: (moment: SharedMoment) => void = () => undefined,
  answers: AnswerWriter = clearAnswerWriter(doc),
): RoomActions {
  const memberIds = () => readMembers(doc).map((member) => member.id);
  const answer = (session: number, cardId: string) => ({ session, cardId, memberId, now: clock() });
  const ref = (session: number, cardId: string): AnswerRef => ({ session, cardId, memberId });
  return {
    async startNextSession(at) {
      if (readOpenSession(doc)) return false;
      const room = readRoom(doc);
      if (!room.deckId || !room.seed) return false;
      const number = nextSessionNumber(doc);
      const maxLevel = readDepth(doc).roomLevel;
      const seed = sessionSeed(room.seed, number);
      // A ritual draw passes the week's ritual moment: every device drawing it agrees on it (APP-31).
      const now = at ?? clock();
      const drawn = await drawCards({
        deckId: room.deckId,
        seed,
        sessionNumber: number,
        history: readDrawHistory(doc),
        maxLevel,
        now,
        customPrompts: readCustomPrompts(doc).map((custom) => custom.prompt),
      });
      // Someone else may have started it while the deck loaded; startSession keeps theirs.
      if (!drawn || drawn.promptIds.length === 0 || readOpenSession(doc)) return false;
      // Whoever is a member now takes part; a friend who joins later starts with the next session (SEALED-12).
      const participants = memberIds();
      startSession(doc, { number, seed, cardIds: drawn.promptIds, maxLevel, thenAndNow: drawn.thenAndNow, memberId, now, participants });
      onShared('drew');
      return true;
    },
    prepareDraft(session, cardId) {
      answers.prepare(ref(session, cardId), clock());
    },
    editDraft(session, cardId, text) {
      answers.edit(ref(session, cardId), text, clock());
    },
    submit(session, cardId, options) {
      const shared = answers.submit(ref(session, cardId), clock(), options?.allowEarly === true);
      if (shared) onShared('answered');
      return shared;
    },
    lookEarly(session, cardId, authorId) {
      lookEarly(doc, { session, cardId, viewerId: memberId, authorId, now: clock() });
    },
    setPassed(session, cardId, passed) {
      answers.pass(ref(session, cardId), passed, clock());
    },
    reply(session, cardId, answerId, text) {
      setReply(doc, { ...answer(session, cardId), answerId, members: readMembers(doc), text });
    },
    react(session, cardId, answerId, reaction) {
      setReaction(doc, { ...answer(session, cardId), answerId, members: readMembers(doc), reaction });
    },
    setReady(session, cardIndex, ready) {
      markReady(doc, { session, cardIndex, memberId, ready, now: clock() });
    },
    setDepth(level) {
      const before = readDepth(doc).consent[memberId] ?? 1;
      setDepthConsent(doc, { memberId, level });
      // Asking to go deeper (or saying yes to it) is news for the others; stepping back is not.
      if (level > before) onShared('deeper');
    },
    checkIn(session, value) {
      const record = readSession(doc, session);
      const participants = record ? sessionParticipantIds(record, memberIds()) : memberIds();
      return setCheckin(doc, { session, memberId, value, now: clock(), memberIds: participants });
    },
    closeSession(session) {
      closeSession(doc, { number: session, memberId, now: clock() });
    },
    addOwnCard(card) {
      return addCustomPrompt(doc, { id: randomId(6).toLowerCase(), ...card, memberId, now: clock() });
    },
    removeOwnCard(id) {
      removeCustomPrompt(doc, id);
    },
    setMode(mode) {
      setRoomMode(doc, mode);
    },
    setEscrowDays(days) {
      setEscrowDays(doc, days);
    },
    setRitual(ritual) {
      writeRitual(doc, ritual ? { ...ritual, memberId, now: clock() } : null);
    },
    setGroup(size, partners) {
      setRoomGroup(doc, { groupSize: size, partners, memberCount: readMembers(doc).length });
    },
    renameRoom(name) {
      renameRoom(doc, name);
    },
    renameMe(name) {
      addMember(doc, { id: memberId, name, now: clock() });
    },
  };
}
