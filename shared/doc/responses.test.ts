import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, readMembers } from './members.ts';
import { editDraft, submitAnswer } from './answers.ts';
import { addCustomPrompt, readCustomPrompts, removeCustomPrompt } from './customPrompts.ts';
import { buildPresence, parsePresence } from './presence.ts';
import { readRoomRecord } from './record.ts';
import { readReactions, readReplies, setReaction, setReply } from './responses.ts';
import { setCheckin } from './checkins.ts';
import { startSession } from './sessions.ts';
import { ALEX, KIM, SAM, T0, createCoupleDoc, createCouplePair, createTrioDoc, syncDocs } from './testRoom.ts';

const card = { session: 1, cardId: 'p-01' };

describe('responses, own cards, presence, record', () => {
  it('[APP-6] one "what I heard" reply and one reaction per member per answer; clearing removes them', () => {
    const { alexDoc, samDoc } = createCouplePair();
    const members = readMembers(alexDoc);
    setReply(alexDoc, { ...card, memberId: ALEX.id, answerId: SAM.id, members, text: ' I heard that the quiet mornings matter to you. ', now: T0 });
    setReaction(samDoc, { ...card, memberId: SAM.id, answerId: ALEX.id, members, reaction: 'thank-you', now: T0 + 1 });
    setReaction(samDoc, { ...card, memberId: SAM.id, answerId: ALEX.id, members, reaction: 'hug', now: T0 + 2 });
    syncDocs(alexDoc, samDoc);
    expect(readReplies(samDoc, card, members)).toEqual([{ memberId: ALEX.id, answerId: SAM.id, text: 'I heard that the quiet mornings matter to you.', at: T0 }]);
    expect(readReactions(alexDoc, card, members)).toEqual([{ memberId: SAM.id, answerId: ALEX.id, reaction: 'hug', at: T0 + 2 }]);
    setReaction(samDoc, { ...card, memberId: SAM.id, answerId: ALEX.id, members, reaction: null, now: T0 + 3 });
    setReply(alexDoc, { ...card, memberId: ALEX.id, answerId: SAM.id, members, text: '', now: T0 + 3 });
    expect(readReactions(samDoc, card, members)).toEqual([]);
    expect(readReplies(alexDoc, card, members)).toEqual([]);
    expect(readReplies(alexDoc, { session: 1, cardId: 'other' }, members)).toEqual([]);
    // Nobody reacts to their own answer.
    setReaction(samDoc, { ...card, memberId: SAM.id, answerId: SAM.id, members, reaction: 'hug', now: T0 + 4 });
    expect(readReactions(samDoc, card, members)).toEqual([]);
  });

  it('[APP-23] with three on a card, a reaction and a reply belong to the one answer they were given to', () => {
    const alexDoc = createTrioDoc();
    const kimDoc = new Y.Doc();
    syncDocs(alexDoc, kimDoc);
    const members = readMembers(alexDoc);
    // Kim says "Me too" to Sam's answer and "what I heard" to Alex's; Alex thanks Kim.
    setReaction(kimDoc, { ...card, memberId: KIM.id, answerId: SAM.id, members, reaction: 'me-too', now: T0 + 1 });
    setReply(kimDoc, { ...card, memberId: KIM.id, answerId: ALEX.id, members, text: 'You felt alone at the start.', now: T0 + 2 });
    setReaction(alexDoc, { ...card, memberId: ALEX.id, answerId: KIM.id, members, reaction: 'thank-you', now: T0 + 3 });
    syncDocs(alexDoc, kimDoc);
    for (const doc of [alexDoc, kimDoc]) {
      expect(readReactions(doc, card, members)).toEqual([
        { memberId: KIM.id, answerId: SAM.id, reaction: 'me-too', at: T0 + 1 },
        { memberId: ALEX.id, answerId: KIM.id, reaction: 'thank-you', at: T0 + 3 },
      ]);
      expect(readReplies(doc, card, members)).toEqual([{ memberId: KIM.id, answerId: ALEX.id, text: 'You felt alone at the start.', at: T0 + 2 }]);
    }
    // A second reaction by Kim, to Alex's answer, does not replace the one to Sam's.
    setReaction(kimDoc, { ...card, memberId: KIM.id, answerId: ALEX.id, members, reaction: 'hug', now: T0 + 4 });
    expect(readReactions(kimDoc, card, members).filter((entry) => entry.memberId === KIM.id).map((entry) => [entry.answerId, entry.reaction])).toEqual([
      [SAM.id, 'me-too'],
      [ALEX.id, 'hug'],
    ]);
  });

  it('[APP-23] a response stored the old way (one per member per card) reads as a response to the one other answer', () => {
    // Written by an app from before APP-23, in a room of two: key "<n>/<cardId>/<memberId>".
    const doc = createCoupleDoc();
    doc.getMap('reactions').set('1/p-01/m-sam', { reaction: 'me-too', at: T0 + 5000 });
    doc.getMap('replies').set('1/p-01/m-alex', { text: 'You missed the sea.', at: T0 + 6000 });
    let members = readMembers(doc);
    expect(readReactions(doc, card, members)).toEqual([{ memberId: SAM.id, answerId: ALEX.id, reaction: 'me-too', at: T0 + 5000 }]);
    expect(readReplies(doc, card, members)).toEqual([{ memberId: ALEX.id, answerId: SAM.id, text: 'You missed the sea.', at: T0 + 6000 }]);
    // A third friend joining later does not make the old entries ambiguous: they were written when
    // there was one other answer.
    addMember(doc, { ...KIM, now: T0 + 9000 });
    members = readMembers(doc);
    expect(readReactions(doc, card, members)).toEqual([{ memberId: SAM.id, answerId: ALEX.id, reaction: 'me-too', at: T0 + 5000 }]);
    // Changing it in the new layout replaces the old entry, and clearing it does not bring it back.
    setReaction(doc, { ...card, memberId: SAM.id, answerId: ALEX.id, members, reaction: 'hug', now: T0 + 10_000 });
    expect(readReactions(doc, card, members)).toEqual([{ memberId: SAM.id, answerId: ALEX.id, reaction: 'hug', at: T0 + 10_000 }]);
    setReaction(doc, { ...card, memberId: SAM.id, answerId: ALEX.id, members, reaction: null, now: T0 + 11_000 });
    expect(readReactions(doc, card, members)).toEqual([]);
    // An old entry written while two others were present has no single answer and is not shown.
    doc.getMap('reactions').set('1/p-01/m-kim', { reaction: 'hug', at: T0 + 12_000 });
    expect(readReactions(doc, card, members)).toEqual([]);
    // Odd keys from other versions are skipped, never thrown on.
    doc.getMap('reactions').set('1/p-01/m-kim/m-sam/extra', { reaction: 'hug', at: T0 });
    doc.getMap('reactions').set('1/p-01/m-kim/m-kim', { reaction: 'hug', at: T0 });
    doc.getMap('reactions').set('1/p-01/m-kim/m-alex', { reaction: 'shrug', at: T0 });
    expect(readReactions(doc, card, members)).toEqual([]);
  });

  it('[APP-13] own cards are stored in the deck format, validated on read, and survive sync', () => {
    const { alexDoc, samDoc } = createCouplePair();
    const added = addCustomPrompt(alexDoc, { id: 'Abc1', text: '  What would you like  more of from me? ', level: 2, kind: 'question', memberId: ALEX.id, now: T0 });
    expect(added).toEqual({ ok: true, prompt: { id: 'own-abc1', level: 2, kind: 'question', themes: ['us'], text: 'What would you like more of from me?' } });
    const tooShort = addCustomPrompt(alexDoc, { id: 'x1', text: 'Hi?', level: 1, kind: 'question', memberId: ALEX.id, now: T0 });
    expect(tooShort.ok).toBe(false);
    if (!tooShort.ok) expect(tooShort.message).toMatch(/text/);
    alexDoc.getMap('customPrompts').set('own-bad', { prompt: { id: 'own-bad', level: 9, kind: 'question', themes: ['us'], text: 'A bad level here' } });
    alexDoc.getMap('customPrompts').set('own-extra', { prompt: { id: 'own-extra', level: 1, kind: 'question', themes: ['us'], text: 'Has a stray field', secret: 1 } });
    syncDocs(alexDoc, samDoc);
    expect(readCustomPrompts(samDoc)).toEqual([
      { prompt: { id: 'own-abc1', level: 2, kind: 'question', themes: ['us'], text: 'What would you like more of from me?' }, addedBy: ALEX.id, addedAt: T0 },
    ]);
    removeCustomPrompt(samDoc, 'own-abc1');
    expect(readCustomPrompts(samDoc)).toEqual([]);
  });

  it('[APP-15] presence carries who and where, never answer text', () => {
    const built = buildPresence({ memberId: ALEX.id, name: 'Alex', activeCardId: '1/p-01', typing: true, text: 'secret' } as never);
    expect(Object.keys(built).sort()).toEqual(['activeCardId', 'memberId', 'name', 'typing']);
    expect(parsePresence(built)).toEqual({ memberId: ALEX.id, name: 'Alex', activeCardId: '1/p-01', typing: true });
    expect(parsePresence({ name: 'no id' })).toBeNull();
    expect(parsePresence('junk')).toBeNull();
  });

  it('[APP-17] the room record (history and export) keeps veiled answers and check-ins veiled', () => {
    const doc = createCoupleDoc();
    startSession(doc, { number: 1, seed: 's:1', cardIds: ['p-01', 'p-02'], maxLevel: 1, thenAndNow: null, memberId: ALEX.id, now: T0 });
    editDraft(doc, { ...card, memberId: SAM.id, text: 'SAM-SECRET', now: T0 });
    submitAnswer(doc, { ...card, memberId: SAM.id, now: T0 });
    editDraft(doc, { session: 1, cardId: 'p-02', memberId: SAM.id, text: 'SAM-SECOND', now: T0 });
    submitAnswer(doc, { session: 1, cardId: 'p-02', memberId: SAM.id, now: T0 });
    editDraft(doc, { ...card, memberId: ALEX.id, text: 'alex answer', now: T0 });
    submitAnswer(doc, { ...card, memberId: ALEX.id, now: T0 });
    setCheckin(doc, { session: 1, memberId: SAM.id, value: 6, now: T0, memberIds: [ALEX.id, SAM.id] });

    const record = readRoomRecord(doc, ALEX.id);
    const json = JSON.stringify(record);
    expect(json).toContain('SAM-SECRET');
    expect(json).not.toContain('SAM-SECOND');
    expect(record.sessions[0]?.cards[1]?.answers).toEqual([
      { memberId: ALEX.id, state: 'none', text: null, submittedAt: null },
      { memberId: SAM.id, state: 'submitted', text: null, submittedAt: T0 },
    ]);
    expect(record.sessions[0]?.checkins.entries[1]).toEqual({ memberId: SAM.id, answered: true, value: null });
  });
});
