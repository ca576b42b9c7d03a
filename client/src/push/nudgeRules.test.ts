import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, createRoom, readSessions } from '@seen/shared/doc';
import { createRoomActions, type SharedMoment } from '../app/roomActions.ts';
import { canOfferNudges, shouldNudge } from './nudgeRules.ts';

const JOINED = 1_000;

describe('when a nudge goes out (APP-32)', () => {
  it('APP-32 only when at least one other member is away', () => {
    expect(shouldNudge(['sam'], [])).toBe(true);
    expect(shouldNudge(['sam'], ['sam'])).toBe(false);
    expect(shouldNudge(['maya', 'jon'], ['maya'])).toBe(true);
    expect(shouldNudge(['maya', 'jon'], ['jon', 'maya'])).toBe(false);
    expect(shouldNudge([], [])).toBe(false);
  });

  it('APP-32 sharing an answer, drawing the cards and asking to go deeper are moments; stepping back is not', async () => {
    const doc = new Y.Doc();
    createRoom(doc, { name: 'Us', deckId: 'weekly-ritual', mode: 'weekly', seed: 'nudge-seed', now: 1, member: { id: 'alex', name: 'Alex' } });
    addMember(doc, { id: 'sam', name: 'Sam', now: 2 });
    const moments: SharedMoment[] = [];
    const actions = createRoomActions(doc, 'alex', () => 10, (moment) => moments.push(moment));
    expect(await actions.startNextSession()).toBe(true);
    expect(moments).toEqual(['drew']);
    const cardId = readSessions(doc)[0]?.cardIds[0] ?? '';
    moments.length = 0;
    actions.setDepth(2);
    actions.setDepth(1);
    expect(moments).toEqual(['deeper']);
    moments.length = 0;
    actions.editDraft(1, cardId, 'Something true');
    expect(actions.submit(1, cardId)).toBe(true);
    // An empty answer is not shared, and says nothing.
    expect(actions.submit(1, readSessions(doc)[0]?.cardIds[1] ?? '')).toBe(false);
    expect(moments).toEqual(['answered']);
  });
});

describe('when the prompt is offered (APP-33)', () => {
  const closed = (closedAt: number | null) => ({ closedAt });

  it('APP-33 after a session this device saw completed, with nobody mid-card', () => {
    expect(canOfferNudges({ sessions: [closed(JOINED + 5)], sessionOpen: false, othersCount: 1, joinedAt: JOINED })).toBe(true);
  });

  it('APP-33 never on a first visit: not before a completed session, not for a past this device only inherited', () => {
    expect(canOfferNudges({ sessions: [], sessionOpen: false, othersCount: 1, joinedAt: JOINED })).toBe(false);
    expect(canOfferNudges({ sessions: [closed(JOINED - 5)], sessionOpen: false, othersCount: 1, joinedAt: JOINED })).toBe(false);
  });

  it('APP-33 never during a card, and never before anyone else is in', () => {
    expect(canOfferNudges({ sessions: [closed(JOINED + 5), closed(null)], sessionOpen: true, othersCount: 1, joinedAt: JOINED })).toBe(false);
    expect(canOfferNudges({ sessions: [closed(JOINED + 5)], sessionOpen: false, othersCount: 0, joinedAt: JOINED })).toBe(false);
  });
});
