import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { editDraft, ensureDraft, readCardAnswers, submitAnswer } from './answers.ts';
import { setCheckin } from './checkins.ts';
import { setDepthConsent } from './depth.ts';
import { readMembers } from './members.ts';
import { readRoomRecord } from './record.ts';
import { setReaction, setReply } from './responses.ts';
import { RootKey } from './schema.ts';
import { startSession } from './sessions.ts';
import { ALEX, SAM, T0, createCouplePair, syncDocs } from './testRoom.ts';

// A small seeded generator so a failing run can be replayed from its seed.
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CARDS = ['p-01', 'p-02', 'p-03'];
const WORDS = ['quiet', 'brave', 'home', 'tired', 'glad', 'rain', 'you'];

describe('convergence', () => {
  for (const seed of [1, 2, 3, 42, 1337]) {
    it(`[APP-16] two devices editing apart converge to the same room (seed ${seed})`, () => {
      const random = mulberry32(seed);
      const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const { alexDoc, samDoc } = createCouplePair();
      startSession(alexDoc, { number: 1, seed: 's:1', cardIds: CARDS, maxLevel: 1, thenAndNow: null, memberId: ALEX.id, now: T0 });
      syncDocs(alexDoc, samDoc);
      const devices: [Y.Doc, string][] = [[alexDoc, ALEX.id], [samDoc, SAM.id]];
      const members = readMembers(alexDoc);
      const toOther = (memberId: string) => ({ answerId: memberId === ALEX.id ? SAM.id : ALEX.id, members });
      for (let step = 0; step < 200; step++) {
        const [doc, memberId] = pick(devices);
        const ref = { session: 1, cardId: pick(CARDS), memberId, now: T0 + step };
        const roll = random();
        if (roll < 0.55) {
          const current = readCardAnswers(doc, { ...ref, viewerId: memberId, memberIds: [ALEX.id, SAM.id] }).mine.text;
          const at = Math.floor(random() * (current.length + 1));
          editDraft(doc, { ...ref, text: `${current.slice(0, at)} ${pick(WORDS)}${current.slice(at)}` });
        } else if (roll < 0.65) {
          ensureDraft(doc, ref);
          submitAnswer(doc, ref);
        } else if (roll < 0.72) {
          setReply(doc, { ...ref, ...toOther(memberId), text: pick(WORDS) });
        } else if (roll < 0.8) {
          setReaction(doc, { ...ref, ...toOther(memberId), reaction: pick(['hug', 'me-too', null] as const) });
        } else if (roll < 0.86) {
          setDepthConsent(doc, { memberId, level: pick([1, 2, 3] as const) });
        } else if (roll < 0.9) {
          setCheckin(doc, { session: 1, memberId, value: 1 + Math.floor(random() * 7), now: T0 + step, memberIds: [ALEX.id, SAM.id] });
        } else {
          syncDocs(alexDoc, samDoc);
        }
      }
      syncDocs(alexDoc, samDoc);
      expect(Y.encodeStateVector(alexDoc)).toEqual(Y.encodeStateVector(samDoc));
      const roots = (doc: Y.Doc) => Object.fromEntries(Object.values(RootKey).map((key) => [key, doc.getMap(key).toJSON()]));
      expect(roots(alexDoc)).toEqual(roots(samDoc));
      const viewed = (doc: Y.Doc) => JSON.stringify(readRoomRecord(doc, ALEX.id));
      expect(viewed(alexDoc)).toBe(viewed(samDoc));
    });
  }
});
