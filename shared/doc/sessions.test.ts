import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { editDraft, readCardAnswers, setPassed, submitAnswer } from './answers.ts';
import { readCheckins, setCheckin } from './checkins.ts';
import { firstAnswerer, markReady, readLiveCardIndex } from './live.ts';
import { addMember, readMembers } from './members.ts';
import { readRoomRecord } from './record.ts';
import { createRoom, readRoom } from './room.ts';
import { RootKey, rootMap } from './schema.ts';
import {
  closeSession,
  hasFixedParticipants,
  nextSessionNumber,
  readDrawHistory,
  readOpenSession,
  readSession,
  readSessions,
  sessionParticipantIds,
  sessionSeed,
  startSession,
} from './sessions.ts';
import { ALEX, KIM, SAM, T0, createCoupleDoc, createCouplePair, syncDocs } from './testRoom.ts';

const draw = (number: number, cardIds = ['a', 'b', 'c']) => ({
  number, seed: `seed-1:${number}`, cardIds, maxLevel: 1 as const, thenAndNow: null, memberId: ALEX.id, now: T0 + number,
});

describe('sessions', () => {
  it('[APP-8] starting a session twice keeps the first draw; only one session is open', () => {
    const doc = createCoupleDoc();
    expect(nextSessionNumber(doc)).toBe(1);
    startSession(doc, draw(1));
    const again = startSession(doc, draw(1, ['x', 'y']));
    expect(again.cardIds).toEqual(['a', 'b', 'c']);
    expect(readOpenSession(doc)?.number).toBe(1);
    closeSession(doc, { number: 1, memberId: SAM.id, now: T0 + 50 });
    closeSession(doc, { number: 1, memberId: ALEX.id, now: T0 + 60 });
    expect(readSessions(doc)[0]).toMatchObject({ closedAt: T0 + 50, closedBy: SAM.id });
    expect(readOpenSession(doc)).toBeNull();
    expect(nextSessionNumber(doc)).toBe(2);
    startSession(doc, draw(2, ['d']));
    expect(readDrawHistory(doc).map((entry) => [entry.promptId, entry.drawnAt, entry.session])).toEqual([
      ['a', T0 + 1, 1], ['b', T0 + 1, 1], ['c', T0 + 1, 1], ['d', T0 + 2, 2],
    ]);
  });

  it('[APP-9] both devices derive the same seed for a session from the shared room seed', () => {
    const { alexDoc, samDoc } = createCouplePair();
    expect(sessionSeed(readRoom(alexDoc).seed, 4)).toBe(sessionSeed(readRoom(samDoc).seed, 4));
    expect(sessionSeed('r', 4)).not.toBe(sessionSeed('r', 5));
  });

  it('[APP-8][APP-16] two devices starting the same session offline converge on one session', () => {
    const { alexDoc, samDoc } = createCouplePair();
    startSession(alexDoc, draw(1));
    startSession(samDoc, { ...draw(1), memberId: SAM.id });
    syncDocs(alexDoc, samDoc);
    expect(readSessions(alexDoc)).toEqual(readSessions(samDoc));
    expect(readSessions(alexDoc)).toHaveLength(1);
  });

  it('[APP-12] who answers first alternates card by card and rotates each session', () => {
    const members = readMembers(createCoupleDoc());
    const order = (session: number) => [0, 1, 2, 3].map((i) => firstAnswerer(members, session, i)?.name);
    expect(order(1)).toEqual(['Alex', 'Sam', 'Alex', 'Sam']);
    expect(order(2)).toEqual(['Sam', 'Alex', 'Sam', 'Alex']);
    expect(firstAnswerer([], 1, 0)).toBeNull();
  });

  it('[APP-14] live mode moves to the next card only when every member is ready', () => {
    const { alexDoc, samDoc } = createCouplePair();
    const memberIds = [ALEX.id, SAM.id];
    const index = (doc = alexDoc) => readLiveCardIndex(doc, { session: 1, cardCount: 2, memberIds });
    expect(index()).toBe(0);
    markReady(alexDoc, { session: 1, cardIndex: 0, memberId: ALEX.id, ready: true, now: T0 });
    expect(index()).toBe(0);
    markReady(samDoc, { session: 1, cardIndex: 0, memberId: SAM.id, ready: true, now: T0 });
    syncDocs(alexDoc, samDoc);
    expect(index()).toBe(1);
    expect(index(samDoc)).toBe(1);
    markReady(alexDoc, { session: 1, cardIndex: 1, memberId: ALEX.id, ready: true, now: T0 });
    markReady(alexDoc, { session: 1, cardIndex: 1, memberId: SAM.id, ready: true, now: T0 });
    expect(index()).toBe(2);
  });
});

describe('participants (SEALED-12)', () => {
  /** Alex and Sam draw session 1; Kim joins after the draw. */
  function lunchWithLateKim(): Y.Doc {
    const doc = new Y.Doc();
    createRoom(doc, { name: 'Deep lunch', deckId: 'deep-lunch', mode: 'live', seed: 'seed-3', now: T0, member: ALEX, groupSize: 3, partners: false });
    addMember(doc, { ...SAM, now: T0 + 1000 });
    startSession(doc, { ...draw(1), participants: readMembers(doc).map((member) => member.id) });
    addMember(doc, { ...KIM, now: T0 + 2000 });
    return doc;
  }
  const everyone = [ALEX.id, SAM.id, KIM.id];
  const setParticipants = (doc: Y.Doc, value: unknown) => (rootMap(doc, RootKey.Sessions).get('1') as Y.Map<unknown>).set('participants', value);

  it('SEALED-12 the draw stores its participants in turn order, and every device reads the same list', () => {
    const { alexDoc, samDoc } = createCouplePair();
    startSession(alexDoc, { ...draw(1), participants: [ALEX.id, SAM.id, ALEX.id] });
    syncDocs(alexDoc, samDoc);
    expect(readSession(samDoc, 1)?.participants).toEqual([ALEX.id, SAM.id]);
    expect(readSessions(alexDoc)).toEqual(readSessions(samDoc));
    // The first draw wins, participants and all (APP-8).
    expect(startSession(alexDoc, { ...draw(1), participants: [SAM.id] }).participants).toEqual([ALEX.id, SAM.id]);
  });

  it('SEALED-12 a session stored before the rule reads as null and is for every member, as before', () => {
    const doc = createCoupleDoc();
    startSession(doc, draw(1));
    expect(rootMap(doc, RootKey.Sessions).get('1')).toBeInstanceOf(Y.Map);
    expect((rootMap(doc, RootKey.Sessions).get('1') as Y.Map<unknown>).has('participants')).toBe(false);
    const session = readSession(doc, 1);
    expect(session?.participants).toBeNull();
    expect(sessionParticipantIds({ participants: null }, everyone)).toEqual(everyone);
    expect(hasFixedParticipants({ participants: null }, everyone)).toBe(false);
  });

  it('SEALED-12 odd participants are ignored, never thrown on: the session then is for every member', () => {
    const doc = createCoupleDoc();
    startSession(doc, draw(1));
    for (const odd of ['m-alex', 42, null, {}, [], [7, null, ''], Array.from({ length: 500 }, (_, i) => `m-${i}`)]) {
      setParticipants(doc, odd);
      expect(() => readSessions(doc)).not.toThrow();
      expect(readSession(doc, 1)?.participants).toBeNull();
    }
    setParticipants(doc, [SAM.id, 3, ALEX.id, SAM.id]);
    expect(readSession(doc, 1)?.participants).toEqual([SAM.id, ALEX.id]);
    // Ids that are no member's could never answer: they are not waited for.
    expect(sessionParticipantIds({ participants: [ALEX.id, 'm-nobody', SAM.id] }, everyone)).toEqual([ALEX.id, SAM.id]);
  });

  it('SEALED-12 a session drawn by someone alone is for whoever joins (nobody to share it with otherwise)', () => {
    expect(sessionParticipantIds({ participants: [ALEX.id] }, [ALEX.id, SAM.id])).toEqual([ALEX.id, SAM.id]);
    expect(hasFixedParticipants({ participants: [ALEX.id] }, [ALEX.id, SAM.id])).toBe(false);
    expect(sessionParticipantIds({ participants: [ALEX.id, SAM.id] }, everyone)).toEqual([ALEX.id, SAM.id]);
    expect(hasFixedParticipants({ participants: [ALEX.id, SAM.id] }, everyone)).toBe(true);
  });

  it('SEALED-12 a friend who joins later neither holds a card up nor sees the answers, and answers nothing in it', () => {
    const doc = lunchWithLateKim();
    const session = readSession(doc, 1);
    if (!session) throw new Error('session 1 was not stored');
    const memberIds = sessionParticipantIds(session, readMembers(doc).map((member) => member.id));
    expect(memberIds).toEqual([ALEX.id, SAM.id]);
    const card = { session: 1, cardId: 'a' };
    editDraft(doc, { ...card, memberId: ALEX.id, text: 'ALEX-ANSWER', now: T0 });
    submitAnswer(doc, { ...card, memberId: ALEX.id, now: T0 });
    setPassed(doc, { ...card, memberId: SAM.id, passed: true, now: T0 });
    // Kim writes into the card anyway (another app version): it counts for nothing and is never shown.
    editDraft(doc, { ...card, memberId: KIM.id, text: 'KIM-STRAY', now: T0 });
    submitAnswer(doc, { ...card, memberId: KIM.id, now: T0 });
    const forAlex = readCardAnswers(doc, { ...card, viewerId: ALEX.id, memberIds });
    expect(forAlex.settled).toBe(true);
    expect(forAlex.others.map((other) => other.memberId)).toEqual([SAM.id]);
    const forKim = readCardAnswers(doc, { ...card, viewerId: KIM.id, memberIds });
    expect(forKim).toMatchObject({ revealed: false, settled: true, mine: { text: '', submittedAt: null } });
    expect(JSON.stringify(forKim)).not.toContain('ALEX-ANSWER');
    // The live card moves when the two who drew are ready; the turn stays between them.
    for (const id of memberIds) markReady(doc, { session: 1, cardIndex: 0, memberId: id, ready: true, now: T0 });
    expect(readLiveCardIndex(doc, { session: 1, cardCount: 3, memberIds })).toBe(1);
    const participants = readMembers(doc).filter((member) => memberIds.includes(member.id));
    expect([0, 1, 2].map((index) => firstAnswerer(participants, 1, index)?.id)).toEqual([ALEX.id, SAM.id, ALEX.id]);
  });

  it('SEALED-12 the check-in and the room record count the participants only', () => {
    const doc = lunchWithLateKim();
    const memberIds = [ALEX.id, SAM.id];
    expect(setCheckin(doc, { session: 1, memberId: KIM.id, value: 5, now: T0, memberIds })).toBe(false);
    setCheckin(doc, { session: 1, memberId: ALEX.id, value: 6, now: T0, memberIds });
    setCheckin(doc, { session: 1, memberId: SAM.id, value: 4, now: T0, memberIds });
    expect(readCheckins(doc, { session: 1, viewerId: ALEX.id, memberIds })).toMatchObject({ revealed: true, entries: [{ value: 6 }, { value: 4 }] });
    expect(readCheckins(doc, { session: 1, viewerId: KIM.id, memberIds })).toMatchObject({ revealed: false, mine: null, entries: [{ value: null }, { value: null }] });

    editDraft(doc, { session: 1, cardId: 'a', memberId: SAM.id, text: 'SAM-ANSWER', now: T0 });
    submitAnswer(doc, { session: 1, cardId: 'a', memberId: SAM.id, now: T0 });
    const forAlex = readRoomRecord(doc, ALEX.id).sessions[0];
    expect(forAlex).toMatchObject({ participants: [ALEX.id, SAM.id], participantIds: [ALEX.id, SAM.id], viewerTookPart: true });
    expect(forAlex?.cards[0]?.answers.map((answer) => answer.memberId)).toEqual([ALEX.id, SAM.id]);
    const forKim = readRoomRecord(doc, KIM.id).sessions[0];
    expect(forKim).toMatchObject({ viewerTookPart: false, checkins: { revealed: false, mine: null } });
    expect(forKim?.cards.every((card) => card.answers.length === 0 && card.replies.length === 0)).toBe(true);
    expect(JSON.stringify(forKim)).not.toContain('SAM-ANSWER');
  });
});
