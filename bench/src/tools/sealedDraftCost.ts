// What sealing costs a device while typing (SEALED-6, SEALED-8): the same answers typed keystroke
// by keystroke from the real two-person editing trace, once in clear (the layout before sealed
// answers) and once through an AnswerVault (encrypted draft saves, sealed share), on one member's
// device. Prints CPU per keystroke (sharing included) and the room document's size after.
// Usage (from bench/): tsx src/tools/sealedDraftCost.ts [sessions]
import * as Y from 'yjs';
import { generateDeviceKeyPair, memberIdForDevice } from '@seen/shared/crypto';
import { createRoom, editDraft, startSession, submitAnswer } from '@seen/shared/doc';
import { AnswerVault } from '@seen/shared/seal';
import { loadAnswerEdits, type OwnEdit } from '../lib/traces.ts';

const SESSIONS = Number(process.argv[2] ?? 20);
const CARDS_PER_SESSION = 3;
const KEYSTROKES_PER_ANSWER = 200;
const ROUNDS = 3;

type Mode = 'clear' | 'sealed';

/** The answers' texts after each keystroke, replayed from the trace as buildYearRoom does. */
function typedTexts(stream: readonly OwnEdit[], answers: number): string[][] {
  let cursor = 0;
  return Array.from({ length: answers }, () => {
    let text = '';
    let base = -1;
    const steps: string[] = [];
    for (let k = 0; k < KEYSTROKES_PER_ANSWER; k++) {
      const edit = stream[cursor++ % stream.length]!;
      if (base < 0) base = edit.pos;
      const pos = Math.max(0, Math.min(text.length, edit.pos - base));
      const del = Math.min(edit.del, text.length - pos);
      text = text.slice(0, pos) + edit.text + text.slice(pos + del);
      steps.push(text.trim() === '' ? 'ok' : text);
    }
    return steps;
  });
}

function run(mode: Mode, answers: readonly string[][]): { usPerKeystroke: number; docKb: number } {
  const device = generateDeviceKeyPair();
  const memberId = memberIdForDevice(device.publicKey);
  const doc = new Y.Doc();
  createRoom(doc, { name: 'Bench', deckId: 'weekly-ritual', mode: 'weekly', seed: 'bench', now: 1, member: { id: memberId, name: 'Alex' } });
  const vault = new AnswerVault(doc, { roomId: 'bench-room', memberId, device });
  vault.enroll(1);
  let keystrokes = 0;
  let index = 0;
  const started = performance.now();
  for (let session = 1; session <= SESSIONS; session++) {
    const cardIds = Array.from({ length: CARDS_PER_SESSION }, (_, card) => `card-${card}`);
    startSession(doc, { number: session, seed: `bench:${session}`, cardIds, maxLevel: 1, thenAndNow: null, memberId, now: session });
    for (const cardId of cardIds) {
      const ref = { session, cardId, memberId };
      for (const text of answers[index++]!) {
        if (mode === 'clear') editDraft(doc, { ...ref, text, now: session });
        else vault.editDraft(ref, text, session);
        keystrokes++;
      }
      if (mode === 'clear') submitAnswer(doc, { ...ref, now: session });
      else vault.submit(ref, session);
    }
  }
  const elapsed = performance.now() - started;
  return { usPerKeystroke: (elapsed * 1000) / keystrokes, docKb: Y.encodeStateAsUpdate(doc).length / 1024 };
}

const answers = typedTexts(loadAnswerEdits()[0]!, SESSIONS * CARDS_PER_SESSION);
for (let round = 1; round <= ROUNDS; round++) {
  for (const mode of ['clear', 'sealed'] as const) {
    const result = run(mode, answers);
    console.log(`round ${round} ${mode.padEnd(6)} ${result.usPerKeystroke.toFixed(1).padStart(6)} µs per keystroke (share included), room document ${result.docKb.toFixed(1)} KB after ${answers.length} answers`);
  }
}
