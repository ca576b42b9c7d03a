import * as Y from 'yjs';
import { localOrigin } from './origins.ts';
import { readBoolean, readFiniteNumber } from './parse.ts';
import { MAX_ANSWER_LENGTH, RootKey, joinKey, rootMap } from './schema.ts';

export interface CardRef {
  readonly session: number;
  readonly cardId: string;
}

export interface AnswerRef extends CardRef {
  readonly memberId: string;
}

export interface AnswerRecord {
  readonly text: string;
  readonly submittedAt: number | null;
  readonly passed: boolean;
  readonly updatedAt: number | null;
}

/** What a viewer may know about someone else's answer (APP-4, APP-5). */
export type AnswerState = 'none' | 'writing' | 'submitted' | 'passed';

export interface OtherAnswer {
  readonly memberId: string;
  readonly state: AnswerState;
  /** Only set when the answer is revealed to the viewer; null while veiled (APP-4). */
  readonly text: string | null;
  readonly submittedAt: number | null;
  /** Revealed to the viewer, but its key has not reached this device yet (SEALED-10). */
  readonly opening: boolean;
  /** The key this device was given does not open what was committed: evidence, never the answer (SEALED-11). */
  readonly mismatch: boolean;
  /**
   * Their device took the keys to the others' answers from the relay's escrow (a deposit of its own
   * was seen) without sharing an answer in the room (SEALED-17): shown to the others, as evidence.
   */
  readonly peeked: boolean;
  /**
   * Veiled (the viewer has not shared), but its author let everyone open it early and this device
   * holds its key: the viewer may choose to see it anyway, and the author will see that (SEALED-18).
   */
  readonly openableEarly: boolean;
}

/** Another member's answer as one device can read it: its state, and its text once this device holds the key. */
export interface OtherAnswerReading {
  readonly state: AnswerState;
  readonly submittedAt: number | null;
  /** Null while this device cannot open it. */
  readonly text: string | null;
  readonly mismatch: boolean;
  readonly peeked?: boolean;
  /** This device holds a key to it although its member has not shared: the author released it early. */
  readonly releasedEarly?: boolean;
}

/**
 * Where answer texts come from. Rooms from before sealed answers keep their drafts in clear
 * (`clearAnswerReader`); a device with its keys reads sealed ones through an AnswerVault.
 */
export interface AnswerReader {
  readOwn(ref: AnswerRef): AnswerRecord;
  readOther(ref: AnswerRef): OtherAnswerReading;
}

export interface CardAnswers {
  readonly mine: AnswerRecord;
  readonly others: readonly OtherAnswer[];
  /** The viewer has submitted; other members' submitted answers are shown (APP-5). */
  readonly revealed: boolean;
  /** Every member has submitted or passed. */
  readonly settled: boolean;
  /** Members who opened the viewer's answer before sharing their own ("see it anyway", SEALED-18). */
  readonly seenEarlyBy: readonly string[];
}

/** How fresh `updatedAt` is kept while typing (it says "edited recently", not "this keystroke"). */
export const UPDATED_AT_RESOLUTION_MS = 60_000;

const EMPTY_ANSWER: AnswerRecord = { text: '', submittedAt: null, passed: false, updatedAt: null };

export function answerKey(ref: AnswerRef): string {
  return joinKey(ref.session, ref.cardId, ref.memberId);
}

export function answerMap(doc: Y.Doc, ref: AnswerRef): Y.Map<unknown> | null {
  const value = rootMap(doc, RootKey.Answers).get(answerKey(ref));
  return value instanceof Y.Map ? value : null;
}

function parseAnswer(map: Y.Map<unknown> | null): AnswerRecord {
  if (!map) return EMPTY_ANSWER;
  const draft = map.get('draft');
  const submittedAt = readFiniteNumber(map.get('submittedAt'));
  return {
    text: draft instanceof Y.Text ? draft.toString().slice(0, MAX_ANSWER_LENGTH) : '',
    submittedAt,
    // Submitting wins over a concurrent pass from another of the member's devices.
    passed: submittedAt === null && readBoolean(map.get('passed')),
    updatedAt: readFiniteNumber(map.get('updatedAt')),
  };
}

export function readAnswer(doc: Y.Doc, ref: AnswerRef): AnswerRecord {
  return parseAnswer(answerMap(doc, ref));
}

/**
 * Returns the member's draft Y.Text, creating the answer entry if needed. Create it as soon as a
 * card is shown rather than on the first keystroke: two of one member's devices creating the same
 * entry concurrently keep only one of them, and an empty entry loses nothing (APP-3).
 */
export function ensureDraft(doc: Y.Doc, ref: AnswerRef & { readonly now: number }): Y.Text {
  const existing = answerMap(doc, ref);
  const existingDraft = existing?.get('draft');
  if (existingDraft instanceof Y.Text) return existingDraft;
  const draft = new Y.Text();
  doc.transact(() => {
    if (existing) {
      existing.set('draft', draft);
    } else {
      const map = new Y.Map<unknown>();
      map.set('draft', draft);
      map.set('submittedAt', null);
      map.set('passed', false);
      map.set('updatedAt', ref.now);
      rootMap(doc, RootKey.Answers).set(answerKey(ref), map);
    }
  }, localOrigin('draft'));
  return draft;
}

/**
 * Replaces the draft's text with `next` by editing only the changed middle (common prefix and suffix
 * kept), so concurrent typing on two of the member's devices merges instead of duplicating (APP-3).
 * Submitted answers are final and ignore edits.
 */
export function editDraft(doc: Y.Doc, ref: AnswerRef & { readonly text: string; readonly now: number }): void {
  const next = ref.text.slice(0, MAX_ANSWER_LENGTH);
  const draft = ensureDraft(doc, ref);
  const map = answerMap(doc, ref);
  if (!map || readFiniteNumber(map.get('submittedAt')) !== null) return;
  if (draft.toString() === next) return;
  doc.transact(() => {
    applyTextChange(draft, next);
    // Every overwrite of a map value stays in the document as a deleted item: stamping each
    // keystroke made a year's snapshot ~8× larger than its text (BENCHMARKS.md). Minute resolution.
    const previous = readFiniteNumber(map.get('updatedAt'));
    if (previous === null || ref.now - previous >= UPDATED_AT_RESOLUTION_MS) map.set('updatedAt', ref.now);
  }, localOrigin('draft'));
}

/** Replaces a Y.Text's content with `next` by editing only the changed middle (common prefix and suffix kept). */
export function applyTextChange(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  let start = 0;
  const maxStart = Math.min(current.length, next.length);
  while (start < maxStart && current.charCodeAt(start) === next.charCodeAt(start)) start++;
  let endCurrent = current.length;
  let endNext = next.length;
  while (endCurrent > start && endNext > start && current.charCodeAt(endCurrent - 1) === next.charCodeAt(endNext - 1)) {
    endCurrent--;
    endNext--;
  }
  if (endCurrent > start) text.delete(start, endCurrent - start);
  if (endNext > start) text.insert(start, next.slice(start, endNext));
}

/** "See it anyway" (SEALED-18): the viewer opens an answer its author released early; the author sees it was. */
export function lookEarly(doc: Y.Doc, ref: CardRef & { readonly viewerId: string; readonly authorId: string; readonly now: number }): void {
  const looks = rootMap(doc, RootKey.EarlyLooks);
  const key = joinKey(ref.session, ref.cardId, ref.viewerId, ref.authorId);
  if (!looks.has(key)) doc.transact(() => looks.set(key, ref.now), localOrigin('early-look'));
}

/** Submits a non-empty draft. Returns false (and changes nothing) when there is nothing to submit. */
export function submitAnswer(doc: Y.Doc, ref: AnswerRef & { readonly now: number }): boolean {
  const map = answerMap(doc, ref);
  const draft = map?.get('draft');
  if (!map || !(draft instanceof Y.Text) || draft.toString().trim() === '') return false;
  if (readFiniteNumber(map.get('submittedAt')) !== null) return true;
  doc.transact(() => {
    map.set('submittedAt', ref.now);
    map.set('passed', false);
    map.set('updatedAt', ref.now);
  }, localOrigin('submit'));
  return true;
}

/** Passing needs no reason, keeps the draft, and can be undone until the member submits (APP-7). */
export function setPassed(doc: Y.Doc, ref: AnswerRef & { readonly passed: boolean; readonly now: number }): void {
  ensureDraft(doc, ref);
  const map = answerMap(doc, ref);
  if (!map || readFiniteNumber(map.get('submittedAt')) !== null) return;
  doc.transact(() => {
    map.set('passed', ref.passed);
    map.set('updatedAt', ref.now);
  }, localOrigin('pass'));
}

export function answerState(fields: { readonly submittedAt: number | null; readonly passed: boolean; readonly writing: boolean }): AnswerState {
  if (fields.submittedAt !== null) return 'submitted';
  if (fields.passed) return 'passed';
  return fields.writing ? 'writing' : 'none';
}

/** Answers written in clear, as every room did before sealed answers (and as old tests and seeds do). */
export function clearAnswerReader(doc: Y.Doc): AnswerReader {
  return {
    readOwn: (ref) => readAnswer(doc, ref),
    readOther(ref) {
      const answer = readAnswer(doc, ref);
      const state = answerState({ ...answer, writing: answer.text.trim() !== '' });
      return { state, submittedAt: answer.submittedAt, text: state === 'submitted' ? answer.text : null, mismatch: false };
    },
  };
}

/**
 * One card's answers as the viewer may see them: the viewer's own draft, and every other member's
 * answer veiled (state only) until the viewer has submitted their own (APP-4, APP-5). `memberIds`
 * are the session's participants (SEALED-12): a viewer who is not one of them has no answer here,
 * never sees theirs, and does not hold the card up.
 */
export function readCardAnswers(
  doc: Y.Doc,
  options: CardRef & { readonly viewerId: string; readonly memberIds: readonly string[]; readonly reader?: AnswerReader },
): CardAnswers {
  const reader = options.reader ?? clearAnswerReader(doc);
  const ref = { session: options.session, cardId: options.cardId };
  const takesPart = options.memberIds.includes(options.viewerId);
  const mine = takesPart ? reader.readOwn({ ...ref, memberId: options.viewerId }) : EMPTY_ANSWER;
  const revealed = mine.submittedAt !== null;
  let settled = !takesPart || mine.submittedAt !== null || mine.passed;
  const looks = rootMap(doc, RootKey.EarlyLooks);
  const lookedEarly = (viewerId: string, authorId: string): boolean => looks.has(joinKey(options.session, options.cardId, viewerId, authorId));
  const others = options.memberIds
    .filter((id) => id !== options.viewerId)
    .map((memberId): OtherAnswer => {
      const answer = reader.readOther({ ...ref, memberId });
      const state = answer.state;
      if (state !== 'submitted' && state !== 'passed') settled = false;
      const released = answer.releasedEarly === true && !answer.mismatch && answer.text !== null;
      const shown = state === 'submitted' && (revealed || (released && lookedEarly(options.viewerId, memberId)));
      return {
        memberId,
        state,
        text: shown && !answer.mismatch ? answer.text : null,
        submittedAt: answer.submittedAt,
        opening: shown && !answer.mismatch && answer.text === null,
        mismatch: shown && answer.mismatch,
        peeked: answer.peeked === true,
        openableEarly: !shown && state === 'submitted' && takesPart && released,
      };
    });
  const seenEarlyBy = revealed ? options.memberIds.filter((id) => id !== options.viewerId && lookedEarly(id, options.viewerId)) : [];
  return { mine, others, revealed, settled, seenEarlyBy };
}
