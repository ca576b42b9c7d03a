import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, createRoom, editDraft, readSession, setCheckin, setPassed, setReaction, startSession, submitAnswer, closeSession, markReady } from '@seen/shared/doc';
import { createRoomActions } from './roomActions.ts';
import { buildRoomView, sessionCompanyOf } from './roomView.ts';

const T0 = 1_750_000_000_000;
const ALEX = 'm-alex';
const SAM = 'm-sam';

function room(): Y.Doc {
  const doc = new Y.Doc();
  createRoom(doc, { name: 'Evenings', deckId: 'weekly-ritual', mode: 'weekly', seed: 's', now: T0, member: { id: ALEX, name: 'Alex' } });
  addMember(doc, { id: SAM, name: 'Sam', now: T0 + 1 });
  startSession(doc, { number: 1, seed: 's:1', cardIds: ['c1', 'c2', 'c3'], maxLevel: 1, thenAndNow: null, memberId: ALEX, now: T0 + 2 });
  return doc;
}

describe('room view', () => {
  it('[APP-4] the view handed to components never carries veiled text', () => {
    const doc = room();
    editDraft(doc, { session: 1, cardId: 'c1', memberId: SAM, text: 'SAM-VEILED', now: T0 });
    submitAnswer(doc, { session: 1, cardId: 'c1', memberId: SAM, now: T0 });
    const view = buildRoomView(doc, ALEX);
    expect(JSON.stringify(view)).not.toContain('SAM-VEILED');
    expect(view.openSession?.cards[0]?.answers.others[0]).toMatchObject({ state: 'submitted', text: null });
  });

  it('[APP-5] weekly mode says which cards wait for whom', () => {
    const doc = room();
    editDraft(doc, { session: 1, cardId: 'c1', memberId: ALEX, text: 'mine', now: T0 });
    submitAnswer(doc, { session: 1, cardId: 'c1', memberId: ALEX, now: T0 });
    setPassed(doc, { session: 1, cardId: 'c2', memberId: ALEX, passed: true, now: T0 });
    setPassed(doc, { session: 1, cardId: 'c2', memberId: SAM, passed: true, now: T0 });
    const view = buildRoomView(doc, ALEX);
    expect(view.openSession?.cards.map((card) => card.waiting)).toEqual(['others', 'nobody', 'you']);
    expect(buildRoomView(doc, SAM).openSession?.cards.map((card) => card.waiting)).toEqual(['you', 'nobody', 'you']);
  });

  it('[APP-12][APP-14] live mode: turns alternate and the current card follows the ready flags', () => {
    const doc = room();
    markReady(doc, { session: 1, cardIndex: 0, memberId: ALEX, ready: true, now: T0 });
    markReady(doc, { session: 1, cardIndex: 0, memberId: SAM, ready: true, now: T0 });
    const view = buildRoomView(doc, SAM);
    expect(view.openSession?.liveIndex).toBe(1);
    expect(view.openSession?.cards.map((card) => card.firstAnswererId)).toEqual([ALEX, SAM, ALEX]);
    expect(view.me?.name).toBe('Sam');
    expect(view.others.map((member) => member.name)).toEqual(['Alex']);
  });

  it('[APP-11] a closed session keeps its check-in for the member who has not answered', () => {
    const doc = room();
    setCheckin(doc, { session: 1, memberId: ALEX, value: 6, now: T0, memberIds: [ALEX, SAM] });
    closeSession(doc, { number: 1, memberId: ALEX, now: T0 });
    const forSam = buildRoomView(doc, SAM);
    expect(forSam.openSession).toBeNull();
    expect(forSam.lastClosed?.checkins).toMatchObject({ mine: null, revealed: false });
    expect(forSam.nextSessionNumber).toBe(2);
  });

  it('[APP-21] an uninitialised or odd document still builds a view', () => {
    const doc = new Y.Doc();
    doc.getMap('room').set('schemaVersion', 99);
    const view = buildRoomView(doc, ALEX);
    expect(view).toMatchObject({ initialised: false, fromNewerVersion: true, openSession: null, me: null, deckState: 'loading' });
  });

  it('[APP-23, APP-24] a room of three: who it is for, when it is full, and responses tied to their answer', () => {
    const doc = new Y.Doc();
    const KIM = 'm-kim';
    createRoom(doc, { name: 'Lunch', deckId: 'deep-lunch', mode: 'live', seed: 's', now: T0, member: { id: ALEX, name: 'Alex' }, groupSize: 3, partners: false });
    addMember(doc, { id: SAM, name: 'Sam', now: T0 + 1 });
    expect(buildRoomView(doc, ALEX).group).toEqual({ size: 3, partners: false, full: false });
    addMember(doc, { id: KIM, name: 'Kim', now: T0 + 2 });
    expect(buildRoomView(doc, ALEX).group).toEqual({ size: 3, partners: false, full: true });
    startSession(doc, { number: 1, seed: 's:1', cardIds: ['c1'], maxLevel: 1, thenAndNow: null, memberId: ALEX, now: T0 + 3 });
    const members = buildRoomView(doc, ALEX).members;
    setReaction(doc, { session: 1, cardId: 'c1', memberId: KIM, answerId: SAM, members, reaction: 'me-too', now: T0 + 4 });
    const card = buildRoomView(doc, ALEX).openSession?.cards[0];
    expect(card?.reactions).toEqual([{ memberId: KIM, answerId: SAM, reaction: 'me-too', at: T0 + 4 }]);
    // A room from before APP-24 with a third member already in is for (at least) three.
    const old = room();
    old.getMap('room').delete('groupSize');
    old.getMap('room').delete('partners');
    addMember(old, { id: KIM, name: 'Kim', now: T0 + 5 });
    expect(buildRoomView(old, ALEX).group).toEqual({ size: 3, partners: false, full: true });
  });

  describe('participants fixed at the draw (SEALED-12)', () => {
    const KIM = 'm-kim';
    /** Alex and Sam draw a live session of two cards for a room of three; Kim has not joined yet. */
    function lunch(participants: readonly string[] | null = [ALEX, SAM]): Y.Doc {
      const doc = new Y.Doc();
      createRoom(doc, { name: 'Lunch', deckId: 'deep-lunch', mode: 'live', seed: 's', now: T0, member: { id: ALEX, name: 'Alex' }, groupSize: 3, partners: false });
      addMember(doc, { id: SAM, name: 'Sam', now: T0 + 1 });
      startSession(doc, { number: 1, seed: 's:1', cardIds: ['c1', 'c2'], maxLevel: 1, thenAndNow: null, memberId: ALEX, now: T0 + 2, ...(participants ? { participants } : {}) });
      return doc;
    }
    const share = (doc: Y.Doc, memberId: string, cardId: string, text: string) => {
      editDraft(doc, { session: 1, cardId, memberId, text, now: T0 + 10 });
      submitAnswer(doc, { session: 1, cardId, memberId, now: T0 + 10 });
    };

    it('SEALED-12 drawing the next session stores the members of that moment as its participants', async () => {
      const doc = lunch();
      closeSession(doc, { number: 1, memberId: ALEX, now: T0 + 3 });
      addMember(doc, { id: KIM, name: 'Kim', now: T0 + 4 });
      expect(await createRoomActions(doc, ALEX, () => T0 + 5).startNextSession()).toBe(true);
      expect(readSession(doc, 2)?.participants).toEqual([ALEX, SAM, KIM]);
      expect(buildRoomView(doc, KIM).openSession).toMatchObject({ viewerTakesPart: true, fixedParticipants: true });
    });

    it('SEALED-12 a friend who joins during the session holds nothing up: settled, all settled, ready and the live card count the two who drew', () => {
      const doc = lunch();
      addMember(doc, { id: KIM, name: 'Kim', now: T0 + 3 });
      share(doc, ALEX, 'c1', 'ALEX-1');
      share(doc, SAM, 'c1', 'SAM-1');
      setPassed(doc, { session: 1, cardId: 'c2', memberId: ALEX, passed: true, now: T0 });
      setPassed(doc, { session: 1, cardId: 'c2', memberId: SAM, passed: true, now: T0 });
      const forAlex = buildRoomView(doc, ALEX).openSession;
      expect(forAlex?.participants.map((member) => member.id)).toEqual([ALEX, SAM]);
      expect(forAlex?.cards.map((card) => [card.answers.settled, card.waiting])).toEqual([[true, 'nobody'], [true, 'nobody']]);
      expect(forAlex?.allSettled).toBe(true);
      // Each sees the other's answer without waiting for Kim; Kim is not among the answers.
      expect(forAlex?.cards[0]?.answers.others).toEqual([expect.objectContaining({ memberId: SAM, text: 'SAM-1' })]);
      expect(forAlex?.cards.map((card) => card.firstAnswererId)).toEqual([ALEX, SAM]);
      markReady(doc, { session: 1, cardIndex: 0, memberId: ALEX, ready: true, now: T0 });
      markReady(doc, { session: 1, cardIndex: 0, memberId: SAM, ready: true, now: T0 });
      const moved = buildRoomView(doc, SAM).openSession;
      expect(moved?.liveIndex).toBe(1);
      expect(moved?.cards[0]?.readyMemberIds).toEqual([ALEX, SAM]);
      // The check-in is theirs: two numbers open it, and Kim cannot add one.
      expect(createRoomActions(doc, KIM, () => T0).checkIn(1, 5)).toBe(false);
      createRoomActions(doc, ALEX, () => T0).checkIn(1, 6);
      createRoomActions(doc, SAM, () => T0).checkIn(1, 5);
      expect(buildRoomView(doc, ALEX).openSession?.checkins).toMatchObject({ revealed: true, entries: [{ memberId: ALEX, value: 6 }, { memberId: SAM, value: 5 }] });
    });

    it('SEALED-12 the late friend sees no answers of the session, and the words name only the two at its table', () => {
      const doc = lunch();
      addMember(doc, { id: KIM, name: 'Kim', now: T0 + 3 });
      share(doc, ALEX, 'c1', 'ALEX-SECRET');
      share(doc, SAM, 'c1', 'SAM-SECRET');
      // Kim's app writes into the card anyway: nobody is shown it, and it holds nothing up.
      share(doc, KIM, 'c2', 'KIM-STRAY');
      const forKim = buildRoomView(doc, KIM);
      expect(forKim.openSession).toMatchObject({ viewerTakesPart: false, fixedParticipants: true });
      expect(forKim.openSession?.cards.map((card) => card.waiting)).toEqual(['nobody', 'others']);
      expect(forKim.openSession?.checkins).toMatchObject({ mine: null, revealed: false });
      expect(JSON.stringify(forKim)).not.toMatch(/ALEX-SECRET|SAM-SECRET|KIM-STRAY/);
      const forAlex = buildRoomView(doc, ALEX);
      expect(JSON.stringify(forAlex)).not.toContain('KIM-STRAY');
      expect(forAlex.openSession?.cards[1]?.answers.others.map((other) => other.memberId)).toEqual([SAM]);
      expect(sessionCompanyOf(forAlex, forAlex.openSession ?? fail())).toEqual({ names: ['Sam'], groupSize: 2, partners: false });
      // The room itself still knows all three.
      expect(forAlex.others.map((member) => member.name)).toEqual(['Sam', 'Kim']);
    });

    it('SEALED-12 sessions from before the rule, and sessions drawn alone, are for every member, as before', () => {
      for (const participants of [null, [ALEX]]) {
        const doc = lunch(participants);
        addMember(doc, { id: KIM, name: 'Kim', now: T0 + 3 });
        const forKim = buildRoomView(doc, KIM);
        expect(forKim.openSession).toMatchObject({ viewerTakesPart: true, fixedParticipants: false });
        expect(forKim.openSession?.participants.map((member) => member.id)).toEqual([ALEX, SAM, KIM]);
        share(doc, ALEX, 'c1', 'ALEX-1');
        share(doc, SAM, 'c1', 'SAM-1');
        // Kim is one of them, so the card still waits for Kim.
        expect(buildRoomView(doc, ALEX).openSession?.cards[0]?.waiting).toBe('others');
        expect(sessionCompanyOf(forKim, forKim.openSession ?? fail())).toEqual({ names: ['Alex', 'Sam'], groupSize: 3, partners: false });
      }
    });
  });
});

function fail(): never {
  throw new Error('expected an open session');
}
