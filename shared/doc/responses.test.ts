import { describe, expect, it } from 'vitest';
import { editDraft, submitAnswer } from './answers.ts';
import { addCustomPrompt, readCustomPrompts, removeCustomPrompt } from './customPrompts.ts';
import { buildPresence, parsePresence } from './presence.ts';
import { readRoomRecord } from './record.ts';
import { readReactions, readReplies, setReaction, setReply } from './responses.ts';
import { setCheckin } from './checkins.ts';
import { startSession } from './sessions.ts';
import { ALEX, SAM, T0, createCoupleDoc, createCouplePair, syncDocs } from './testRoom.ts';

const card = { session: 1, cardId: 'p-01' };

describe('responses, own cards, presence, record', () => {
  it('[APP-6] one "what I heard" reply and one reaction per member per card; clearing removes them', () => {
    const { alexDoc, samDoc } = createCouplePair();
    setReply(alexDoc, { ...card, memberId: ALEX.id, text: ' I heard that the quiet mornings matter to you. ', now: T0 });
    setReaction(samDoc, { ...card, memberId: SAM.id, reaction: 'thank-you', now: T0 + 1 });
    setReaction(samDoc, { ...card, memberId: SAM.id, reaction: 'hug', now: T0 + 2 });
    syncDocs(alexDoc, samDoc);
    expect(readReplies(samDoc, card)).toEqual([{ memberId: ALEX.id, text: 'I heard that the quiet mornings matter to you.', at: T0 }]);
    expect(readReactions(alexDoc, card)).toEqual([{ memberId: SAM.id, reaction: 'hug', at: T0 + 2 }]);
    setReaction(samDoc, { ...card, memberId: SAM.id, reaction: null, now: T0 + 3 });
    setReply(alexDoc, { ...card, memberId: ALEX.id, text: '', now: T0 + 3 });
    expect(readReactions(samDoc, card)).toEqual([]);
    expect(readReplies(alexDoc, card)).toEqual([]);
    expect(readReplies(alexDoc, { session: 1, cardId: 'other' })).toEqual([]);
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
