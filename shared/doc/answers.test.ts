import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { editDraft, ensureDraft, readAnswer, readCardAnswers, setPassed, submitAnswer } from './answers.ts';
import { ALEX, SAM, T0, createCoupleDoc, createCouplePair, syncDocs } from './testRoom.ts';

const card = { session: 1, cardId: 'p-01' };
const memberIds = [ALEX.id, SAM.id];

describe('answers', () => {
  it('[APP-4] keeps the partner answer veiled until mine is submitted: state only, never text', () => {
    const doc = createCoupleDoc();
    editDraft(doc, { ...card, memberId: SAM.id, text: 'I felt seen when you waited for me', now: T0 });
    const writing = readCardAnswers(doc, { ...card, viewerId: ALEX.id, memberIds });
    expect(writing.others).toEqual([{ memberId: SAM.id, state: 'writing', text: null, submittedAt: null, opening: false, mismatch: false, peeked: false, openableEarly: false }]);

    submitAnswer(doc, { ...card, memberId: SAM.id, now: T0 + 5 });
    editDraft(doc, { ...card, memberId: ALEX.id, text: 'my draft', now: T0 + 6 });
    const veiled = readCardAnswers(doc, { ...card, viewerId: ALEX.id, memberIds });
    expect(veiled.revealed).toBe(false);
    expect(veiled.others[0]).toMatchObject({ state: 'submitted', text: null });
    expect(JSON.stringify(veiled)).not.toContain('waited for me');
  });

  it('[APP-5] reveals both answers side by side once mine is submitted', () => {
    const doc = createCoupleDoc();
    editDraft(doc, { ...card, memberId: SAM.id, text: 'Sam answer', now: T0 });
    submitAnswer(doc, { ...card, memberId: SAM.id, now: T0 + 1 });
    editDraft(doc, { ...card, memberId: ALEX.id, text: 'Alex answer', now: T0 + 2 });
    submitAnswer(doc, { ...card, memberId: ALEX.id, now: T0 + 3 });

    const forAlex = readCardAnswers(doc, { ...card, viewerId: ALEX.id, memberIds });
    expect(forAlex.revealed).toBe(true);
    expect(forAlex.settled).toBe(true);
    expect(forAlex.mine.text).toBe('Alex answer');
    expect(forAlex.others[0]?.text).toBe('Sam answer');
    const forSam = readCardAnswers(doc, { ...card, viewerId: SAM.id, memberIds });
    expect(forSam.others[0]?.text).toBe('Alex answer');
  });

  it('[APP-5] my submission alone reveals nothing the partner has not submitted', () => {
    const doc = createCoupleDoc();
    editDraft(doc, { ...card, memberId: ALEX.id, text: 'Alex answer', now: T0 });
    submitAnswer(doc, { ...card, memberId: ALEX.id, now: T0 + 1 });
    editDraft(doc, { ...card, memberId: SAM.id, text: 'half a thought', now: T0 + 2 });
    const forAlex = readCardAnswers(doc, { ...card, viewerId: ALEX.id, memberIds });
    expect(forAlex.revealed).toBe(true);
    expect(forAlex.others[0]).toMatchObject({ state: 'writing', text: null });
  });

  it('[APP-5] submitted answers are final; empty drafts cannot be submitted', () => {
    const doc = createCoupleDoc();
    ensureDraft(doc, { ...card, memberId: ALEX.id, now: T0 });
    expect(submitAnswer(doc, { ...card, memberId: ALEX.id, now: T0 })).toBe(false);
    editDraft(doc, { ...card, memberId: ALEX.id, text: '   ', now: T0 });
    expect(submitAnswer(doc, { ...card, memberId: ALEX.id, now: T0 })).toBe(false);
    editDraft(doc, { ...card, memberId: ALEX.id, text: 'final words', now: T0 });
    expect(submitAnswer(doc, { ...card, memberId: ALEX.id, now: T0 + 1 })).toBe(true);
    editDraft(doc, { ...card, memberId: ALEX.id, text: 'changed my mind', now: T0 + 2 });
    setPassed(doc, { ...card, memberId: ALEX.id, passed: true, now: T0 + 3 });
    expect(readAnswer(doc, { ...card, memberId: ALEX.id })).toMatchObject({ text: 'final words', submittedAt: T0 + 1, passed: false });
  });

  it('[APP-7] passing needs no reason, reveals nothing either way, and can be undone', () => {
    const doc = createCoupleDoc();
    editDraft(doc, { ...card, memberId: SAM.id, text: 'Sam answer', now: T0 });
    submitAnswer(doc, { ...card, memberId: SAM.id, now: T0 + 1 });
    setPassed(doc, { ...card, memberId: ALEX.id, passed: true, now: T0 + 2 });

    const forAlex = readCardAnswers(doc, { ...card, viewerId: ALEX.id, memberIds });
    expect(forAlex.mine.passed).toBe(true);
    expect(forAlex.revealed).toBe(false);
    expect(forAlex.others[0]?.text).toBeNull();
    expect(forAlex.settled).toBe(true);
    const forSam = readCardAnswers(doc, { ...card, viewerId: SAM.id, memberIds });
    expect(forSam.others[0]).toMatchObject({ state: 'passed', text: null });

    setPassed(doc, { ...card, memberId: ALEX.id, passed: false, now: T0 + 3 });
    editDraft(doc, { ...card, memberId: ALEX.id, text: 'answering after all', now: T0 + 4 });
    submitAnswer(doc, { ...card, memberId: ALEX.id, now: T0 + 5 });
    expect(readCardAnswers(doc, { ...card, viewerId: ALEX.id, memberIds }).others[0]?.text).toBe('Sam answer');
  });

  it('[APP-3] a draft is a Y.Text: it survives a reload from the stored update', () => {
    const doc = createCoupleDoc();
    editDraft(doc, { ...card, memberId: ALEX.id, text: 'unfinished thought', now: T0 });
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(doc));
    expect(readAnswer(reloaded, { ...card, memberId: ALEX.id }).text).toBe('unfinished thought');
  });

  it('[APP-3][APP-16] concurrent typing on two of my devices merges instead of overwriting', () => {
    const { alexDoc: phone, samDoc: laptop } = createCouplePair();
    const ref = { ...card, memberId: ALEX.id };
    ensureDraft(phone, { ...ref, now: T0 });
    syncDocs(phone, laptop);
    editDraft(phone, { ...ref, text: 'I love our walks.', now: T0 });
    syncDocs(phone, laptop);
    editDraft(phone, { ...ref, text: 'I love our long walks.', now: T0 + 1 });
    editDraft(laptop, { ...ref, text: 'I love our walks. Especially in autumn.', now: T0 + 1 });
    syncDocs(phone, laptop);
    const merged = readAnswer(phone, ref).text;
    expect(merged).toBe(readAnswer(laptop, ref).text);
    expect(merged).toBe('I love our long walks. Especially in autumn.');
  });

  it('[APP-21] readers ignore odd values written by another app version', () => {
    const doc = createCoupleDoc();
    const answers = doc.getMap('answers');
    answers.set('1/p-01/m-sam', 'not a map');
    const odd = new Y.Map<unknown>();
    answers.set('1/p-01/m-alex', odd);
    odd.set('draft', 42);
    odd.set('submittedAt', 'yesterday');
    odd.set('passed', 'yes');
    expect(() => readCardAnswers(doc, { ...card, viewerId: ALEX.id, memberIds })).not.toThrow();
    expect(readCardAnswers(doc, { ...card, viewerId: ALEX.id, memberIds })).toMatchObject({
      mine: { text: '', submittedAt: null, passed: false },
      others: [{ state: 'none', text: null }],
    });
  });

  it('[APP-3] typing keeps the document small: keystrokes do not each leave an overwritten timestamp behind', () => {
    const doc = createCoupleDoc();
    const sentence = 'The walk by the river, when we stopped talking and it was fine.';
    const baseline = Y.encodeStateAsUpdate(doc).length;
    for (let i = 1; i <= sentence.length; i++) editDraft(doc, { ...card, memberId: ALEX.id, text: sentence.slice(0, i), now: T0 + i * 150 });
    const grown = Y.encodeStateAsUpdate(doc).length - baseline;
    // One timestamp per minute of typing, not per keystroke: growth stays near the text's own size.
    expect(grown).toBeLessThan(sentence.length * 4);
    expect(readAnswer(doc, { ...card, memberId: ALEX.id }).updatedAt).toBe(T0 + 150);
  });
});
