import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { TRACES_DIR, TRACE_FILES, requireTraces } from './paths.ts';

// Real human editing traces (josephg/editing-traces, CC BY 4.0; credit Joseph Gentle and
// contributors; automerge-paper prepared by Martin Kleppmann) turned into real Yjs keystroke updates.

type Patch = [number, number, string];
interface ConcurrentTrace {
  readonly numAgents: number;
  readonly txns: readonly { readonly agent: number; readonly patches: readonly Patch[] }[];
}
interface SequentialTrace {
  readonly txns: readonly { readonly patches: readonly Patch[] }[];
}

function readTrace<T>(file: string): T {
  requireTraces();
  return JSON.parse(gunzipSync(readFileSync(resolve(TRACES_DIR, file))).toString('utf8')) as T;
}

/** One edit to a person's own text: delete `del` chars at `pos`, then insert `text` there. */
export interface OwnEdit {
  readonly pos: number;
  readonly del: number;
  readonly text: string;
}

/**
 * Splits a two-person (or more) concurrent trace into each person's edits to their *own* text.
 * Seen's partners each write their own answer, so each person's keystrokes go to a text only they
 * edit: positions in the shared document map to positions among that person's own characters (the
 * trace is linearised in file order; positions past the end are clamped). Rhythm and content are
 * the real typing; the partner's characters are skipped over.
 */
export function ownEditsByAgent(traceName: 'friendsforever' | 'clownschool'): OwnEdit[][] {
  const trace = readTrace<ConcurrentTrace>(TRACE_FILES[traceName]);
  const owners: number[] = [];
  const edits: OwnEdit[][] = Array.from({ length: trace.numAgents }, () => []);
  const ownBefore = (agent: number, pos: number): number => {
    let count = 0;
    for (let i = 0; i < pos; i++) if (owners[i] === agent) count++;
    return count;
  };
  for (const txn of trace.txns) {
    for (const [rawPos, rawDel, text] of txn.patches) {
      const pos = Math.min(rawPos, owners.length);
      const del = Math.min(rawDel, owners.length - pos);
      const ownPos = ownBefore(txn.agent, pos);
      let ownDel = 0;
      for (let i = pos; i < pos + del; i++) if (owners[i] === txn.agent) ownDel++;
      owners.splice(pos, del, ...Array.from({ length: text.length }, () => txn.agent));
      if (ownDel > 0 || text.length > 0) edits[txn.agent]!.push({ pos: ownPos, del: ownDel, text });
    }
  }
  return edits;
}

/** Applies edits to a fresh Y.Text and returns one real Yjs update per keystroke. */
export function keystrokeUpdates(edits: readonly OwnEdit[], options: { clientId: number; textName?: string; limit?: number }): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = options.clientId;
  const text = doc.getText(options.textName ?? 'answer');
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const limit = options.limit ?? edits.length;
  for (let i = 0; i < edits.length && updates.length < limit; i++) {
    const edit = edits[i]!;
    const length = text.length;
    const pos = Math.min(edit.pos, length);
    const del = Math.min(edit.del, length - pos);
    doc.transact(() => {
      if (del > 0) text.delete(pos, del);
      if (edit.text.length > 0) text.insert(pos, edit.text);
    });
  }
  doc.destroy();
  return updates;
}

export interface TypingPair {
  readonly trace: string;
  /** Keystroke updates of partner A and partner B (clientIDs TYPING_CLIENT_IDS). */
  readonly updates: readonly [Uint8Array[], Uint8Array[]];
}

// Real clients pick random 32-bit clientIDs; their varint size shows in every update (≈ +8 B).
export const TYPING_CLIENT_IDS = [1_836_311_903, 2_971_215_073] as const;

/** Both two-person traces as pairs of keystroke streams (the two most active agents of each). */
export function loadTypingPairs(limitPerPerson: number): TypingPair[] {
  const pairs: TypingPair[] = [];
  for (const name of ['friendsforever', 'clownschool'] as const) {
    const byAgent = ownEditsByAgent(name)
      .map((edits, agent) => ({ agent, edits }))
      .sort((a, b) => b.edits.length - a.edits.length);
    const [first, second] = byAgent;
    pairs.push({
      trace: name,
      updates: [
        keystrokeUpdates(first!.edits, { clientId: TYPING_CLIENT_IDS[0], limit: limitPerPerson }),
        keystrokeUpdates(second!.edits, { clientId: TYPING_CLIENT_IDS[1], limit: limitPerPerson }),
      ],
    });
  }
  return pairs;
}

/** The first `count` edits of automerge-paper as keystroke updates, plus the doc they build. */
export function loadLongHistory(count: number): { updates: Uint8Array[]; finalDoc: Y.Doc } {
  const trace = readTrace<SequentialTrace>(TRACE_FILES.automergePaper);
  const doc = new Y.Doc();
  doc.clientID = 2_654_435_761;
  const text = doc.getText('paper');
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < trace.txns.length && updates.length < count; i++) {
    doc.transact(() => {
      for (const [pos, del, insert] of trace.txns[i]!.patches) {
        if (del > 0) text.delete(pos, del);
        if (insert.length > 0) text.insert(pos, insert);
      }
    });
  }
  return { updates, finalDoc: doc };
}

/** The agent edit streams, for building long-lived rooms out of many answers. */
export function loadAnswerEdits(): OwnEdit[][] {
  const byAgent = ownEditsByAgent('friendsforever');
  return byAgent.filter((edits) => edits.length > 0);
}
