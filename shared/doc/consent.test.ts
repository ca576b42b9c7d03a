import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readCheckins, setCheckin } from './checkins.ts';
import { readDepth, setDepthConsent } from './depth.ts';
import { addMember } from './members.ts';
import { createRoom } from './room.ts';
import { ALEX, SAM, T0, createCoupleDoc, createCouplePair, syncDocs } from './testRoom.ts';

const memberIds = [ALEX.id, SAM.id];

describe('depth consent', () => {
  it('[APP-10] the room goes deeper only when both members opt in', () => {
    const doc = createCoupleDoc();
    expect(readDepth(doc)).toMatchObject({ roomLevel: 1, proposedLevel: null });
    setDepthConsent(doc, { memberId: ALEX.id, level: 2 });
    expect(readDepth(doc)).toMatchObject({ roomLevel: 1, proposedLevel: 2, consent: { [ALEX.id]: 2, [SAM.id]: 1 } });
    setDepthConsent(doc, { memberId: SAM.id, level: 3 });
    expect(readDepth(doc)).toMatchObject({ roomLevel: 2, proposedLevel: 3 });
    setDepthConsent(doc, { memberId: ALEX.id, level: 3 });
    expect(readDepth(doc)).toMatchObject({ roomLevel: 3, proposedLevel: null });
  });

  it('[APP-10] either member can step back down at once', () => {
    const doc = createCoupleDoc();
    setDepthConsent(doc, { memberId: ALEX.id, level: 3 });
    setDepthConsent(doc, { memberId: SAM.id, level: 3 });
    setDepthConsent(doc, { memberId: SAM.id, level: 1 });
    expect(readDepth(doc).roomLevel).toBe(1);
  });

  it('[APP-10] one member alone cannot take the room deeper', () => {
    const doc = new Y.Doc();
    createRoom(doc, { name: 'Solo', deckId: 'd', mode: 'weekly', seed: 's', now: T0, member: ALEX });
    setDepthConsent(doc, { memberId: ALEX.id, level: 3 });
    expect(readDepth(doc)).toMatchObject({ roomLevel: 1, proposedLevel: 3 });
  });

  it('[APP-10] a third friend joining at level 1 holds the room where they are comfortable', () => {
    const doc = createCoupleDoc();
    setDepthConsent(doc, { memberId: ALEX.id, level: 2 });
    setDepthConsent(doc, { memberId: SAM.id, level: 2 });
    addMember(doc, { id: 'm-kim', name: 'Kim', now: T0 + 5000 });
    expect(readDepth(doc).roomLevel).toBe(1);
  });

  it('[APP-10][APP-16] consent given on two devices at once converges', () => {
    const { alexDoc, samDoc } = createCouplePair();
    setDepthConsent(alexDoc, { memberId: ALEX.id, level: 2 });
    setDepthConsent(samDoc, { memberId: SAM.id, level: 2 });
    syncDocs(alexDoc, samDoc);
    expect(readDepth(alexDoc).roomLevel).toBe(2);
    expect(readDepth(samDoc)).toEqual(readDepth(alexDoc));
  });
});

describe('closeness check-in', () => {
  it('[APP-11] a check-in stays private until both have answered', () => {
    const doc = createCoupleDoc();
    expect(setCheckin(doc, { session: 1, memberId: ALEX.id, value: 5, now: T0, memberIds })).toBe(true);
    expect(readCheckins(doc, { session: 1, viewerId: SAM.id, memberIds })).toEqual({
      session: 1, mine: null, revealed: false,
      entries: [{ memberId: ALEX.id, answered: true, value: null }, { memberId: SAM.id, answered: false, value: null }],
    });
    expect(readCheckins(doc, { session: 1, viewerId: ALEX.id, memberIds }).mine).toBe(5);

    setCheckin(doc, { session: 1, memberId: SAM.id, value: 6, now: T0, memberIds });
    const both = readCheckins(doc, { session: 1, viewerId: SAM.id, memberIds });
    expect(both.revealed).toBe(true);
    expect(both.entries.map((e) => e.value)).toEqual([5, 6]);
  });

  it('[APP-11] values outside 1–7 are refused; answers are final after the reveal', () => {
    const doc = createCoupleDoc();
    expect(setCheckin(doc, { session: 1, memberId: ALEX.id, value: 0, now: T0, memberIds })).toBe(false);
    expect(setCheckin(doc, { session: 1, memberId: ALEX.id, value: 8, now: T0, memberIds })).toBe(false);
    expect(setCheckin(doc, { session: 1, memberId: ALEX.id, value: 4.5, now: T0, memberIds })).toBe(false);
    setCheckin(doc, { session: 1, memberId: ALEX.id, value: 3, now: T0, memberIds });
    setCheckin(doc, { session: 1, memberId: ALEX.id, value: 4, now: T0, memberIds });
    setCheckin(doc, { session: 1, memberId: SAM.id, value: 6, now: T0, memberIds });
    expect(setCheckin(doc, { session: 1, memberId: ALEX.id, value: 7, now: T0, memberIds })).toBe(false);
    expect(readCheckins(doc, { session: 1, viewerId: SAM.id, memberIds }).entries.map((e) => e.value)).toEqual([4, 6]);
  });

  it('[APP-11][APP-16] check-ins written apart are revealed on both devices after sync', () => {
    const { alexDoc, samDoc } = createCouplePair();
    setCheckin(alexDoc, { session: 2, memberId: ALEX.id, value: 2, now: T0, memberIds });
    setCheckin(samDoc, { session: 2, memberId: SAM.id, value: 7, now: T0, memberIds });
    expect(readCheckins(samDoc, { session: 2, viewerId: SAM.id, memberIds }).revealed).toBe(false);
    syncDocs(alexDoc, samDoc);
    expect(readCheckins(samDoc, { session: 2, viewerId: SAM.id, memberIds }).entries.map((e) => e.value)).toEqual([2, 7]);
  });
});
