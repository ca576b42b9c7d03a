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
  /**
   * Who the session is for, in turn order: the members when it was drawn (SEALED-12). Null for a
   * session stored before that rule; readers then take every member, as they did.
   */
  readonly participants: readonly string[] | null;
}

export interface StartSessionOptions {
  readonly number: number;
  readonly seed: string;
  readonly cardIds: readonly string[];
  readonly maxLevel: Level;
  readonly thenAndNow: ThenAndNow | null;
  readonly memberId: string;
  readonly now: number;
  /**
   * The members at the moment of the draw, in turn order (SEALED-12). Omitted only by seeds and tests
   * about other things: the session then reads as one for every member, like sessions before the rule.
   */
  readonly participants?: readonly string[];
}

const MAX_CARDS_PER_SESSION = 50;
/** Far above any room's size (APP-24 allows six): a longer list is not one this app wrote. */
const MAX_PARTICIPANTS = 64;
const MAX_MEMBER_ID_LENGTH = 200;
/** A session drawn by fewer is for whoever joins (see sessionParticipantIds). */
const MIN_FIXED_PARTICIPANTS = 2;

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

/**
 * The stored participants, or null when there are none to go by: absent (a session from before
 * SEALED-12), not a list, or a list without a single member id in it. Duplicates are dropped so one
 * member is never counted twice.
 */
function parseParticipants(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length > MAX_PARTICIPANTS) return null;
  const ids = readStringArray(value, MAX_PARTICIPANTS).filter((id) => id !== '' && id.length <= MAX_MEMBER_ID_LENGTH);
  const unique = [...new Set(ids)];
  return unique.length > 0 ? unique : null;
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
    participants: parseParticipants(value.get('participants')),
  };
}

/**
 * Who a session is for, in turn order (SEALED-12): its participants, as far as they are members of
 * the room. Every member — as before the rule — when the session has no participants stored, or
 * when it was drawn by someone alone: a session for one has nobody to share with, so whoever joins
 * takes part in it (the app tells the first member to start, and the others catch up).
 */
export function sessionParticipantIds(session: Pick<SessionRecord, 'participants'>, memberIds: readonly string[]): string[] {
  return hasFixedParticipants(session, memberIds) ? knownParticipants(session, memberIds) : [...memberIds];
}

/** Whether the session's participants are its own list, not simply every member (see sessionParticipantIds). */
export function hasFixedParticipants(session: Pick<SessionRecord, 'participants'>, memberIds: readonly string[]): boolean {
  return knownParticipants(session, memberIds).length >= MIN_FIXED_PARTICIPANTS;
}

/** Ids that are no member's could never answer, so they are never waited for. */
function knownParticipants(session: Pick<SessionRecord, 'participants'>, memberIds: readonly string[]): string[] {
  return (session.participants ?? []).filter((id) => memberIds.includes(id));
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
    if (options.participants) session.set('participants', [...new Set(options.participants)].slice(0, MAX_PARTICIPANTS));
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
