import '../testing/installDom.ts';
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, createRoom, editDraft, startSession, submitAnswer } from '@seen/shared/doc';
import { createFakeSession, type FakeSession } from '../testing/fakeSession.ts';
import { usePeers, usePublishPresence } from './usePresence.ts';
import { useRoomActions, useRoomView } from './useRoom.ts';
import { useSessionStatus } from './useSessionStatus.ts';

const T0 = 1_750_000_000_000;
let sessions: FakeSession[] = [];

function coupleSession(): FakeSession {
  const session = createFakeSession();
  createRoom(session.doc, { name: 'Evenings', deckId: 'weekly-ritual', mode: 'weekly', seed: 's', now: T0, member: { id: 'alex', name: 'Alex' } });
  addMember(session.doc, { id: 'sam', name: 'Sam', now: T0 + 1 });
  startSession(session.doc, { number: 1, seed: 's:1', cardIds: ['c1'], maxLevel: 1, thenAndNow: null, memberId: 'alex', now: T0 });
  sessions.push(session);
  return session;
}

afterEach(() => {
  for (const session of sessions) session.destroy();
  sessions = [];
});

describe('hooks: React state from Yjs', () => {
  it('[APP-5] useRoomView re-renders on document changes and keeps the same view otherwise', () => {
    const session = coupleSession();
    const { result, rerender } = renderHook(() => useRoomView(session, 'alex'));
    const first = result.current;
    rerender();
    expect(result.current).toBe(first);
    act(() => {
      editDraft(session.doc, { session: 1, cardId: 'c1', memberId: 'sam', text: 'Sam writes', now: T0 });
      submitAnswer(session.doc, { session: 1, cardId: 'c1', memberId: 'sam', now: T0 });
    });
    expect(result.current).not.toBe(first);
    expect(result.current.openSession?.cards[0]?.answers.others[0]).toMatchObject({ state: 'submitted', text: null });
  });

  it('[APP-5] a partner’s answer arriving from another device (a remote update, rendered as a transition) reaches the view', async () => {
    const session = coupleSession();
    const { result } = renderHook(() => useRoomView(session, 'alex'));
    // Sam's device: a copy of the room, edited there, its changes applied here as the relay would.
    const samDoc = new Y.Doc();
    Y.applyUpdate(samDoc, Y.encodeStateAsUpdate(session.doc));
    const before = Y.encodeStateVector(samDoc);
    editDraft(samDoc, { session: 1, cardId: 'c1', memberId: 'sam', text: 'Sam writes', now: T0 });
    submitAnswer(samDoc, { session: 1, cardId: 'c1', memberId: 'sam', now: T0 });
    await act(async () => {
      Y.applyUpdate(session.doc, Y.encodeStateAsUpdate(samDoc, before), 'relay');
      await Promise.resolve();
    });
    expect(result.current.openSession?.cards[0]?.answers.others[0]).toMatchObject({ state: 'submitted', text: null });
    samDoc.destroy();
  });

  it('[APP-3] actions from useRoomActions write through to the view', () => {
    const session = coupleSession();
    const { result } = renderHook(() => ({ view: useRoomView(session, 'alex'), actions: useRoomActions(session, 'alex') }));
    act(() => result.current.actions.editDraft(1, 'c1', 'A draft'));
    expect(result.current.view.openSession?.cards[0]?.answers.mine.text).toBe('A draft');
    act(() => {
      result.current.actions.submit(1, 'c1');
    });
    expect(result.current.view.openSession?.cards[0]?.answers.mine.submittedAt).not.toBeNull();
  });

  it('[APP-22] useSessionStatus follows the session', () => {
    const session = coupleSession();
    const { result } = renderHook(() => useSessionStatus(session));
    expect(result.current.phase).toBe('synced');
    act(() => session.setStatus({ phase: 'offline' }));
    expect(result.current.phase).toBe('offline');
  });

  it('[APP-15] presence publishes who and where only, and peers exclude my own devices', () => {
    const mine = coupleSession();
    const { result } = renderHook(() => {
      usePublishPresence(mine, { memberId: 'alex', name: 'Alex', activeCardId: '1/c1', typing: true });
      return usePeers(mine, 'alex');
    });
    expect(mine.awareness.getLocalState()).toEqual({ memberId: 'alex', name: 'Alex', activeCardId: '1/c1', typing: true });
    expect(result.current).toEqual([]);

    // Remote states arrive through awareness: Sam's phone, and Alex's own laptop.
    act(() => {
      const states = mine.awareness.getStates();
      states.set(1001, { memberId: 'sam', name: 'Sam', activeCardId: '1/c1', typing: true });
      states.set(1002, { memberId: 'alex', name: 'Alex', activeCardId: null, typing: false });
      states.set(1003, { junk: true });
      mine.awareness.emit('change', [{ added: [1001, 1002, 1003], updated: [], removed: [] }, 'test']);
    });
    expect(result.current).toEqual([{ memberId: 'sam', name: 'Sam', activeCardId: '1/c1', typing: true }]);
  });
});
