import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, createRoom, editDraft, setCheckin, setPassed, setReaction, startSession, submitAnswer, closeSession, markReady } from '@seen/shared/doc';
import { buildRoomView } from './roomView.ts';

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
});

