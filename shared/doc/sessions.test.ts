import { describe, expect, it } from 'vitest';
import { firstAnswerer, markReady, readLiveCardIndex } from './live.ts';
import { readMembers } from './members.ts';
import { readRoom } from './room.ts';
import { closeSession, nextSessionNumber, readDrawHistory, readOpenSession, readSessions, sessionSeed, startSession } from './sessions.ts';
import { ALEX, SAM, T0, createCoupleDoc, createCouplePair, syncDocs } from './testRoom.ts';

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
