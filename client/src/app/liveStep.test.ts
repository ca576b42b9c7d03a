import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, createRoom, editDraft, markReady, setPassed, startSession, submitAnswer } from '@seen/shared/doc';
import { decideLiveStep } from './liveStep.ts';
import { buildRoomView } from './roomView.ts';
import { decideTurnHint } from './turnHint.ts';

const T0 = 1_750_000_000_000;
const ALEX = 'm-alex';
const SAM = 'm-sam';
const KIM = 'm-kim';

/** A live room: Alex joined first, so Alex goes first on card 1 of session 1 (APP-12). */
function liveRoom(withKim = false): Y.Doc {
  const doc = new Y.Doc();
  createRoom(doc, { name: 'Evenings', deckId: 'weekly-ritual', mode: 'live', seed: 's', now: T0, member: { id: ALEX, name: 'Alex' }, groupSize: withKim ? 3 : 2, partners: !withKim });
  addMember(doc, { id: SAM, name: 'Sam', now: T0 + 1 });
  if (withKim) addMember(doc, { id: KIM, name: 'Kim', now: T0 + 2 });
  startSession(doc, { number: 1, seed: 's:1', cardIds: ['c1', 'c2'], maxLevel: 1, thenAndNow: null, memberId: ALEX, now: T0 + 3 });
  return doc;
}

function share(doc: Y.Doc, memberId: string, text: string): void {
  editDraft(doc, { session: 1, cardId: 'c1', memberId, text, now: T0 });
  submitAnswer(doc, { session: 1, cardId: 'c1', memberId, now: T0 });
}

function stepFor(doc: Y.Doc, viewerId: string) {
  const view = buildRoomView(doc, viewerId);
  const card = view.openSession?.cards[0];
  if (!card) throw new Error('no card');
  return decideLiveStep(card, view.members, viewerId);
}

function hintFor(doc: Y.Doc, viewerId: string) {
  const card = buildRoomView(doc, viewerId).openSession?.cards[0];
  if (!card) throw new Error('no card');
  return decideTurnHint(card, viewerId);
}

describe('the turn hint on a live card (APP-26)', () => {
  it('APP-26: before anyone answers, it names who goes first to everyone', () => {
    const doc = liveRoom();
    editDraft(doc, { session: 1, cardId: 'c1', memberId: SAM, text: 'still writing', now: T0 });
    expect(hintFor(doc, ALEX)).toEqual({ firstId: ALEX, isViewer: true });
    expect(hintFor(doc, SAM)).toEqual({ firstId: ALEX, isViewer: false });
  });

  it('APP-26: once the partner has answered first, "You go first" is gone', () => {
    const doc = liveRoom();
    share(doc, SAM, 'Sam did not wait');
    expect(hintFor(doc, ALEX)).toBeNull();
    expect(hintFor(doc, SAM)).toBeNull();
  });

  it('APP-26: a pass counts as taking the turn, and so does the first answerer’s own answer', () => {
    const passed = liveRoom();
    setPassed(passed, { session: 1, cardId: 'c1', memberId: SAM, passed: true, now: T0 });
    expect(hintFor(passed, ALEX)).toBeNull();
    const answered = liveRoom();
    share(answered, ALEX, 'Alex went first');
    expect(hintFor(answered, SAM)).toBeNull();
  });
});

describe('the step under a live card (APP-27)', () => {
  it('APP-27: before answering, the step is to answer or pass', () => {
    const doc = liveRoom();
    share(doc, SAM, 'Sam answered');
    expect(stepFor(doc, ALEX)).toEqual({ kind: 'answer' });
  });

  it('APP-27: answered while the partner is still writing: no "ready", only moving on without waiting', () => {
    const doc = liveRoom();
    editDraft(doc, { session: 1, cardId: 'c1', memberId: SAM, text: 'half a thought', now: T0 });
    share(doc, ALEX, 'Alex answered');
    expect(stepFor(doc, ALEX)).toEqual({ kind: 'waiting-for-answers', waitingOnIds: [SAM] });
  });

  it('APP-27: once both have answered or passed, "Ready for the next card" is offered to both', () => {
    const doc = liveRoom();
    share(doc, ALEX, 'Alex answered');
    setPassed(doc, { session: 1, cardId: 'c1', memberId: SAM, passed: true, now: T0 });
    expect(stepFor(doc, ALEX)).toEqual({ kind: 'ready' });
    expect(stepFor(doc, SAM)).toEqual({ kind: 'ready' });
  });

  it('APP-27: after "ready" (or moving on without waiting) it waits for the others to be ready', () => {
    const doc = liveRoom();
    share(doc, ALEX, 'Alex answered');
    markReady(doc, { session: 1, cardIndex: 0, memberId: ALEX, ready: true, now: T0 });
    expect(stepFor(doc, ALEX)).toEqual({ kind: 'waiting-for-ready', waitingOnIds: [SAM] });
    share(doc, SAM, 'Sam answered');
    expect(stepFor(doc, SAM)).toEqual({ kind: 'ready' });
  });

  it('APP-27: in a group it names only those still answering', () => {
    const doc = liveRoom(true);
    share(doc, ALEX, 'Alex answered');
    share(doc, KIM, 'Kim answered');
    editDraft(doc, { session: 1, cardId: 'c1', memberId: SAM, text: 'writing', now: T0 });
    expect(stepFor(doc, ALEX)).toEqual({ kind: 'waiting-for-answers', waitingOnIds: [SAM] });
  });
});
