import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, closeSession, createRoom, readRitual, readSessions, setRitual, startSession, type SessionRecord } from '@seen/shared/doc';
import { decideRitualDraw, latestRitualAt, nextRitualAt, ritualClock } from './ritual.ts';
import { createRoomActions } from './roomActions.ts';

// Clocks are local wall-clock times (the ritual is floating local time, APP-31). 6 Dec 2026 is a Sunday.
const local = (day: number, hour: number, minute = 0) => new Date(2026, 11, day, hour, minute).getTime();
const LAST_SUNDAY_19 = new Date(2026, 10, 29, 19).getTime();
const SUNDAY_19 = { weekday: 0, hour: 19, minute: 0, setAt: local(1, 12), setBy: 'alex' } as const;

function session(number: number, startedAt: number, closedAt: number | null): SessionRecord {
  return { number, seed: `s:${number}`, cardIds: ['c1'], maxLevel: 1, thenAndNow: null, startedAt, startedBy: 'alex', closedAt, closedBy: closedAt === null ? null : 'alex', participants: null };
}

describe('the weekly ritual time', () => {
  it('APP-31 the latest ritual moment is this week’s once its hour has come, else last week’s', () => {
    expect(latestRitualAt(SUNDAY_19, local(6, 19, 0))).toBe(local(6, 19));
    expect(latestRitualAt(SUNDAY_19, local(6, 18, 59))).toBe(LAST_SUNDAY_19);
    expect(latestRitualAt(SUNDAY_19, local(9, 8))).toBe(local(6, 19));
    expect(nextRitualAt(SUNDAY_19, local(9, 8))).toBe(local(13, 19));
    expect(ritualClock({ hour: 7, minute: 5 })).toBe('07:05');
  });

  it('APP-31 due from the ritual moment when last week’s session is closed, with the moment as the draw time', () => {
    const lastWeek = session(1, LAST_SUNDAY_19, local(2, 21));
    expect(decideRitualDraw({ ritual: SUNDAY_19, sessions: [lastWeek], now: local(6, 18, 59) })).toEqual({ due: false });
    expect(decideRitualDraw({ ritual: SUNDAY_19, sessions: [lastWeek], now: local(6, 19) })).toEqual({ due: true, at: local(6, 19) });
    expect(decideRitualDraw({ ritual: SUNDAY_19, sessions: [lastWeek], now: local(10, 7) })).toEqual({ due: true, at: local(6, 19) });
    expect(decideRitualDraw({ ritual: SUNDAY_19, sessions: [], now: local(6, 20) })).toEqual({ due: true, at: local(6, 19) });
  });

  it('APP-31 not due once this week’s cards are drawn, while a session is open, or without a ritual', () => {
    const drawnThisWeek = session(2, local(6, 19), null);
    expect(decideRitualDraw({ ritual: SUNDAY_19, sessions: [drawnThisWeek], now: local(8, 9) })).toEqual({ due: false });
    expect(decideRitualDraw({ ritual: SUNDAY_19, sessions: [session(2, local(6, 19), local(7, 22))], now: local(8, 9) })).toEqual({ due: false });
    expect(decideRitualDraw({ ritual: SUNDAY_19, sessions: [session(1, local(3, 12), null)], now: local(8, 9) })).toEqual({ due: false });
    // A session closed after the moment was this week's: closing it never draws another at once.
    expect(decideRitualDraw({ ritual: SUNDAY_19, sessions: [session(1, local(3, 12), local(6, 21))], now: local(6, 21, 1) })).toEqual({ due: false });
    expect(decideRitualDraw({ ritual: null, sessions: [], now: local(6, 20) })).toEqual({ due: false });
  });

  it('APP-31 a ritual set after this week’s moment waits for next week', () => {
    const setMonday = { ...SUNDAY_19, setAt: local(7, 10) };
    expect(decideRitualDraw({ ritual: setMonday, sessions: [], now: local(8, 10) })).toEqual({ due: false });
    expect(decideRitualDraw({ ritual: setMonday, sessions: [], now: local(13, 19) })).toEqual({ due: true, at: local(13, 19) });
  });

  it('APP-31 the ritual lives in the room document and reads back; odd values read as none', () => {
    const doc = new Y.Doc();
    setRitual(doc, { weekday: 0, hour: 19, minute: 0, memberId: 'alex', now: local(1, 12) });
    expect(readRitual(doc)).toEqual(SUNDAY_19);
    expect(() => setRitual(doc, { weekday: 7, hour: 19, minute: 0, memberId: 'alex', now: 0 })).toThrow(/weekday must be 0–6/);
    doc.getMap('room').set('ritual', { weekday: 'Sunday', hour: 19, minute: 0, setAt: 1 });
    expect(readRitual(doc)).toBeNull();
    setRitual(doc, null);
    expect(readRitual(doc)).toBeNull();
  });

  it('APP-31 APP-8 both partners opening the room at the ritual moment draw one session', async () => {
    const alexDoc = new Y.Doc();
    createRoom(alexDoc, { name: 'Sundays', deckId: 'weekly-ritual', mode: 'weekly', seed: 'ritual-seed', now: local(1, 12), member: { id: 'alex', name: 'Alex' } });
    addMember(alexDoc, { id: 'sam', name: 'Sam', now: local(1, 13) });
    setRitual(alexDoc, { weekday: 0, hour: 19, minute: 0, memberId: 'alex', now: local(1, 14) });
    startSession(alexDoc, { number: 1, seed: 'ritual-seed:1', cardIds: ['wr-001'], maxLevel: 1, thenAndNow: null, memberId: 'alex', now: local(1, 15) });
    closeSession(alexDoc, { number: 1, memberId: 'alex', now: local(1, 16) });
    const samDoc = new Y.Doc();
    Y.applyUpdate(samDoc, Y.encodeStateAsUpdate(alexDoc));

    // Each opens the room at a slightly different time, before hearing from the other.
    const draws = [
      { doc: alexDoc, member: 'alex', now: local(6, 19, 2) },
      { doc: samDoc, member: 'sam', now: local(6, 19, 5) },
    ].map(async ({ doc, member, now }) => {
      const decision = decideRitualDraw({ ritual: readRitual(doc), sessions: readSessions(doc), now });
      expect(decision).toEqual({ due: true, at: local(6, 19) });
      return decision.due ? createRoomActions(doc, member, () => now).startNextSession(decision.at) : false;
    });
    expect(await Promise.all(draws)).toEqual([true, true]);
    Y.applyUpdate(samDoc, Y.encodeStateAsUpdate(alexDoc));
    Y.applyUpdate(alexDoc, Y.encodeStateAsUpdate(samDoc));

    const alexSessions = readSessions(alexDoc);
    expect(alexSessions.map((entry) => entry.number)).toEqual([1, 2]);
    expect(readSessions(samDoc)).toEqual(alexSessions);
    const [, drawn] = alexSessions;
    expect(drawn?.startedAt).toBe(local(6, 19));
    expect(drawn?.cardIds).toHaveLength(5);
    expect(decideRitualDraw({ ritual: readRitual(alexDoc), sessions: alexSessions, now: local(6, 20) })).toEqual({ due: false });
  });
});
