// Test helpers for the document schema (imported by *.test.ts only).
import * as Y from 'yjs';
import { addMember } from './members.ts';
import { createRoom } from './room.ts';

export const ALEX = { id: 'm-alex', name: 'Alex' } as const;
export const SAM = { id: 'm-sam', name: 'Sam' } as const;
export const T0 = 1_750_000_000_000;

/** A room created by Alex and joined by Sam, in one doc. */
export function createCoupleDoc(): Y.Doc {
  const doc = new Y.Doc();
  createRoom(doc, { name: 'Sunday evenings', deckId: 'partners', mode: 'weekly', seed: 'seed-1', now: T0, member: ALEX });
  addMember(doc, { ...SAM, now: T0 + 1000 });
  return doc;
}

/** Copies every update from one doc to the other, both ways (a perfect network). */
export function syncDocs(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

/** Two replicas of the same couple room (Alex's device and Sam's device), fully synced. */
export function createCouplePair(): { alexDoc: Y.Doc; samDoc: Y.Doc } {
  const alexDoc = createCoupleDoc();
  const samDoc = new Y.Doc();
  syncDocs(alexDoc, samDoc);
  return { alexDoc, samDoc };
}

export const KIM = { id: 'm-kim', name: 'Kim' } as const;

/** A room for three friends: Alex created it, Sam and then Kim joined. */
export function createTrioDoc(): Y.Doc {
  const doc = new Y.Doc();
  createRoom(doc, { name: 'Deep lunch', deckId: 'deep-lunch', mode: 'live', seed: 'seed-3', now: T0, member: ALEX, groupSize: 3, partners: false });
  addMember(doc, { ...SAM, now: T0 + 1000 });
  addMember(doc, { ...KIM, now: T0 + 2000 });
  return doc;
}
