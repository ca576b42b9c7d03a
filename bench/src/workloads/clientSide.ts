import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { addMember, closeSession, createRoom, editDraft, ensureDraft, startSession, submitAnswer } from '@seen/shared/doc';
import { CLIENT_DIST, REPO_ROOT } from '../lib/paths.ts';
import type { OwnEdit } from '../lib/traces.ts';

export interface BundleResult {
  readonly built: boolean;
  readonly note: string;
  /** Scripts the entry page loads up front (entry + modulepreload), gzip level 9. */
  readonly initialJsGzipKb: number;
  readonly initialJsKb: number;
  readonly allJsGzipKb: number;
  readonly files: { name: string; bytes: number; gzipBytes: number; initial: boolean }[];
}

/** Builds the client (`pnpm --filter @seen/client build`) and measures its JavaScript. */
export function measureClientBundle(options: { build: boolean }): BundleResult {
  let note = '';
  if (options.build) {
    const result = spawnSync('pnpm', ['--filter', '@seen/client', 'build'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    if (result.status !== 0) {
      const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-3).join(' / ');
      return { built: false, note: `client build failed, skipped: ${tail}`, initialJsGzipKb: 0, initialJsKb: 0, allJsGzipKb: 0, files: [] };
    }
  } else {
    note = 'used the existing client/dist';
  }
  const assets = join(CLIENT_DIST, 'assets');
  if (!existsSync(assets)) return { built: false, note: 'client/dist/assets is missing, skipped', initialJsGzipKb: 0, initialJsKb: 0, allJsGzipKb: 0, files: [] };
  const html = existsSync(join(CLIENT_DIST, 'index.html')) ? readFileSync(join(CLIENT_DIST, 'index.html'), 'utf8') : '';
  const referenced = new Set<string>();
  for (const match of html.matchAll(/(?:src|href)="\/?(?:\.\/)?assets\/([^"]+\.js)"/g)) referenced.add(match[1]!);
  const files = readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => {
      const bytes = readFileSync(join(assets, name));
      return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length, initial: referenced.has(name) };
    });
  const kb = (n: number): number => Math.round((n / 1024) * 10) / 10;
  const initial = files.filter((f) => f.initial);
  return {
    built: true,
    note,
    initialJsGzipKb: kb(initial.reduce((s, f) => s + f.gzipBytes, 0)),
    initialJsKb: kb(initial.reduce((s, f) => s + f.bytes, 0)),
    allJsGzipKb: kb(files.reduce((s, f) => s + f.gzipBytes, 0)),
    files,
  };
}

export interface YearRoom {
  /** Every update both partners' devices sent, in order (what the relay log holds). */
  readonly updates: Uint8Array[];
  readonly finalDoc: Y.Doc;
  readonly sessions: number;
  readonly answers: number;
  readonly keystrokes: number;
}

/**
 * A year of weekly rituals, made through the app's own document functions (shared/doc): 52 sessions,
 * `cardsPerSession` cards, both partners typing each answer keystroke by keystroke (editDraft, as the
 * app does) from the real two-person trace, then submitting. Two devices, updates exchanged live.
 */
export function buildYearRoom(options: { edits: readonly OwnEdit[][]; sessions: number; cardsPerSession: number; keystrokesPerAnswer: number }): YearRoom {
  const alex = { id: 'm-alex', name: 'Alex' };
  const sam = { id: 'm-sam', name: 'Sam' };
  const docs = [new Y.Doc(), new Y.Doc()] as const;
  const updates: Uint8Array[] = [];
  const REMOTE = 'bench:remote';
  docs.forEach((doc, i) =>
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      updates.push(update);
      Y.applyUpdate(docs[1 - i]!, update, REMOTE);
    }),
  );
  let now = 1_750_000_000_000;
  createRoom(docs[0], { name: 'Sunday evenings', deckId: 'weekly-ritual', mode: 'weekly', seed: 'bench-year', now, member: alex });
  addMember(docs[1], { ...sam, now: (now += 60_000) });
  const cursors = [0, 0];
  let keystrokes = 0;
  let answers = 0;
  for (let s = 1; s <= options.sessions; s++) {
    now += 7 * 24 * 3600 * 1000;
    const cardIds = Array.from({ length: options.cardsPerSession }, (_, c) => `weekly-${(s * 7 + c * 13) % 97}`);
    startSession(docs[s % 2]!, { number: s, seed: `bench-year:${s}`, cardIds, maxLevel: 2, thenAndNow: null, memberId: s % 2 === 0 ? alex.id : sam.id, now });
    for (const cardId of cardIds) {
      for (const side of [0, 1] as const) {
        const doc = docs[side];
        const memberId = side === 0 ? alex.id : sam.id;
        const ref = { session: s, cardId, memberId };
        ensureDraft(doc, { ...ref, now: (now += 1000) });
        const stream = options.edits[side % options.edits.length]!;
        let text = '';
        let base = -1;
        for (let k = 0; k < options.keystrokesPerAnswer; k++) {
          const edit = stream[cursors[side]! % stream.length]!;
          cursors[side]!++;
          if (base < 0) base = edit.pos;
          const pos = Math.max(0, Math.min(text.length, edit.pos - base));
          const del = Math.min(edit.del, text.length - pos);
          text = text.slice(0, pos) + edit.text + text.slice(pos + del);
          editDraft(doc, { ...ref, text, now: (now += 200) });
          keystrokes++;
        }
        if (text.trim() === '') editDraft(doc, { ...ref, text: 'ok', now: (now += 200) });
        submitAnswer(doc, { ...ref, now: (now += 1000) });
        answers++;
      }
    }
    closeSession(docs[0], { number: s, memberId: alex.id, now: (now += 60_000) });
  }
  docs[1].destroy();
  return { updates, finalDoc: docs[0], sessions: options.sessions, answers, keystrokes };
}
