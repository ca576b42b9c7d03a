import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, createRoom, editDraft, readMembers, readRoomRecord, setReply, startSession, submitAnswer } from '@seen/shared/doc';
import { buildJsonExport, buildMarkdownExport, fileNameFor } from './exportRoom.ts';

const T0 = Date.UTC(2025, 10, 20);

function answered(): Y.Doc {
  const doc = new Y.Doc();
  createRoom(doc, { name: 'Keepsakes', deckId: 'weekly-ritual', mode: 'weekly', seed: 's', now: T0, member: { id: 'alex', name: 'Alex' } });
  addMember(doc, { id: 'sam', name: 'Sam', now: T0 });
  startSession(doc, { number: 1, seed: 's:1', cardIds: ['c1', 'c2'], maxLevel: 1, thenAndNow: null, memberId: 'alex', now: T0 });
  for (const [memberId, text] of [['alex', 'ALEX ONE'], ['sam', 'SAM ONE']] as const) {
    editDraft(doc, { session: 1, cardId: 'c1', memberId, text, now: T0 });
    submitAnswer(doc, { session: 1, cardId: 'c1', memberId, now: T0 });
  }
  editDraft(doc, { session: 1, cardId: 'c2', memberId: 'sam', text: 'SAM VEILED', now: T0 });
  submitAnswer(doc, { session: 1, cardId: 'c2', memberId: 'sam', now: T0 });
  setReply(doc, { session: 1, cardId: 'c1', memberId: 'sam', answerId: 'alex', members: readMembers(doc), text: 'I heard you', now: T0 });
  return doc;
}

describe('export', () => {
  it('[APP-17] Markdown and JSON hold revealed answers and replies, never veiled ones', () => {
    const doc = answered();
    const context = { record: readRoomRecord(doc, 'alex'), deck: null, viewerId: 'alex', now: T0 };
    const markdown = buildMarkdownExport(context);
    expect(markdown).toContain('# Keepsakes');
    expect(markdown).toContain('> ALEX ONE');
    expect(markdown).toContain('> SAM ONE');
    expect(markdown).toContain('*What Sam heard in Alex (you)’s answer:* I heard you');
    expect(markdown).toContain('**Sam** answered (still veiled for you).');
    expect(markdown).not.toContain('SAM VEILED');
    const json = JSON.parse(buildJsonExport(context)) as { format: string; sessions: { cards: { answers: { text: string | null }[] }[] }[] };
    expect(json.format).toBe('seen-room-export');
    expect(json.sessions[0]?.cards.map((card) => card.answers.map((answer) => answer.text))).toEqual([
      ['ALEX ONE', 'SAM ONE'],
      [null, null],
    ]);
    expect(fileNameFor('Sunday evenings!', T0, 'md')).toBe('seen-sunday-evenings-2025-11-20.md');
  });
});
