import * as Y from 'yjs';
import { localOrigin } from './origins.ts';
import { isRecord, readFiniteNumber, readIntInRange, readString, readStringArray } from './parse.ts';
import { RootKey, readLevel, rootMap, type Level } from './schema.ts';

/** A card from an earlier session that this session brings back ("then and now"). */
export interface ThenAndNow {
  readonly promptId: string;
  readonly fromSession: number | null;
}

export interface SessionRecord {
  readonly number: number;
  readonly seed: string;
  readonly cardIds: readonly string[];
  readonly maxLevel: Level;
  readonly thenAndNow: ThenAndNow | null;
  readonly startedAt: number;
  readonly startedBy: string | null;
  readonly closedAt: number | null;
  readonly closedBy: string | null;
}

export interface StartSessionOptions {
  readonly number: number;
  readonly seed: string;
  readonly cardIds: readonly string[];
  readonly maxLevel: Level;
  readonly thenAndNow: ThenAndNow | null;
  readonly memberId: string;
  readonly now: number;
}

const MAX_CARDS_PER_SESSION = 50;

/**
 * The seed both devices use to draw session `number`: the room's shared seed plus the number, so two
 * devices that start the same session concurrently draw the same cards (APP-9).
 */
export function sessionSeed(roomSeed: string, number: number): string {
  return `${roomSeed}:${number}`;
}

function parseThenAndNow(value: unknown): ThenAndNow | null {
  if (!isRecord(value)) return null;
  const promptId = readString(value.promptId, 200);
  if (!promptId) return null;
  return { promptId, fromSession: readIntInRange(value.fromSession, 1, Number.MAX_SAFE_INTEGER) };
}

function parseSession(key: string, value: unknown): SessionRecord | null {
  if (!(value instanceof Y.Map)) return null;
  const number = readIntInRange(value.get('number'), 1, Number.MAX_SAFE_INTEGER);
  const startedAt = readFiniteNumber(value.get('startedAt'));
  if (number === null || String(number) !== key || startedAt === null) return null;
  return {
    number,
    seed: readString(value.get('seed'), 400) ?? '',
    cardIds: readStringArray(value.get('cardIds'), MAX_CARDS_PER_SESSION),
    maxLevel: readLevel(value.get('maxLevel')) ?? 1,
    thenAndNow: parseThenAndNow(value.get('thenAndNow')),
    startedAt,
    startedBy: readString(value.get('startedBy'), 200),
    closedAt: readFiniteNumber(value.get('closedAt')),
    closedBy: readString(value.get('closedBy'), 200),
  };
}

/** All sessions, oldest first. */
export function readSessions(doc: Y.Doc): SessionRecord[] {
  const sessions: SessionRecord[] = [];
  rootMap(doc, RootKey.Sessions).forEach((value, key) => {
    const session = parseSession(key, value);
    if (session) sessions.push(session);
  });
  return sessions.sort((a, b) => a.number - b.number);
}

export function readSession(doc: Y.Doc, number: number): SessionRecord | null {
  return parseSession(String(number), rootMap(doc, RootKey.Sessions).get(String(number)));
}

/** The newest session if it is still open (APP-8: at most one open session at a time). */
export function readOpenSession(doc: Y.Doc): SessionRecord | null {
  const latest = readSessions(doc).at(-1);
  return latest && latest.closedAt === null ? latest : null;
}

export function nextSessionNumber(doc: Y.Doc): number {
  return (readSessions(doc).at(-1)?.number ?? 0) + 1;
}

/**
 * Starts a session unless one with that number already exists (then the existing one wins and is
 * returned unchanged), so a double click or two devices starting at once cannot draw twice (APP-8).
 */
export function startSession(doc: Y.Doc, options: StartSessionOptions): SessionRecord {
  const existing = readSession(doc, options.number);
  if (existing) return existing;
  doc.transact(() => {
    const session = new Y.Map<unknown>();
    session.set('number', options.number);
    session.set('seed', options.seed);
    session.set('cardIds', [...options.cardIds].slice(0, MAX_CARDS_PER_SESSION));
    session.set('maxLevel', options.maxLevel);
    session.set('thenAndNow', options.thenAndNow ? { ...options.thenAndNow } : null);
    session.set('startedAt', options.now);
    session.set('startedBy', options.memberId);
    session.set('closedAt', null);
    session.set('closedBy', null);
    rootMap(doc, RootKey.Sessions).set(String(options.number), session);
  }, localOrigin('start-session'));
  const started = readSession(doc, options.number);
  if (!started) throw new Error('startSession: the session just written could not be read back');
  return started;
}

export function closeSession(doc: Y.Doc, options: { number: number; memberId: string; now: number }): void {
  const session = rootMap(doc, RootKey.Sessions).get(String(options.number));
  if (!(session instanceof Y.Map) || readFiniteNumber(session.get('closedAt')) !== null) return;
  doc.transact(() => {
    session.set('closedAt', options.now);
    session.set('closedBy', options.memberId);
  }, localOrigin('close-session'));
}

export interface DrawHistoryEntry {
  readonly promptId: string;
  readonly drawnAt: number;
  readonly session: number;
  /** Drawn as that session's "then and now" revisit (outside the deck's no-repeat cycle). */
  readonly thenAndNow: boolean;
}

/** Every card drawn so far, for the deck's drawing rules ("don't repeat too soon", revisits). */
export function readDrawHistory(doc: Y.Doc): DrawHistoryEntry[] {
  return readSessions(doc).flatMap((session) =>
    session.cardIds.map((promptId) => ({
      promptId,
      drawnAt: session.startedAt,
      session: session.number,
      thenAndNow: session.thenAndNow?.promptId === promptId,
    })),
  );
}
