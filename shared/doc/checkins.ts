import type * as Y from 'yjs';
import { localOrigin } from './origins.ts';
import { isRecord, readFiniteNumber, readIntInRange } from './parse.ts';
import { RootKey, joinKey, rootMap } from './schema.ts';

export const CHECKIN_MIN = 1;
export const CHECKIN_MAX = 7;

export interface CheckinEntry {
  readonly memberId: string;
  readonly answered: boolean;
  /** The value, or null while the check-in is private (APP-11) — the viewer's own is always shown. */
  readonly value: number | null;
}

export interface SessionCheckins {
  readonly session: number;
  readonly mine: number | null;
  /** Everyone (at least two members) has answered, so all values are visible (APP-11). */
  readonly revealed: boolean;
  readonly entries: readonly CheckinEntry[];
}

function readValue(doc: Y.Doc, session: number, memberId: string): number | null {
  const value = rootMap(doc, RootKey.Checkins).get(joinKey(session, memberId));
  return isRecord(value) ? readIntInRange(value.value, CHECKIN_MIN, CHECKIN_MAX) : null;
}

/**
 * Records the member's closeness check-in for a session. It can be changed until everyone has
 * answered; after the reveal it is final, so nobody revises a number after seeing the other's (APP-11).
 */
export function setCheckin(
  doc: Y.Doc,
  options: { readonly session: number; readonly memberId: string; readonly value: number; readonly now: number; readonly memberIds: readonly string[] },
): boolean {
  if (readIntInRange(options.value, CHECKIN_MIN, CHECKIN_MAX) === null) return false;
  // Only the session's participants check in on it (SEALED-12): anyone else's number would count for nothing.
  if (!options.memberIds.includes(options.memberId)) return false;
  if (readCheckins(doc, { session: options.session, viewerId: options.memberId, memberIds: options.memberIds }).revealed) return false;
  doc.transact(
    () => rootMap(doc, RootKey.Checkins).set(joinKey(options.session, options.memberId), { value: options.value, at: options.now }),
    localOrigin('checkin'),
  );
  return true;
}

/**
 * The check-ins of a session's participants (`memberIds`, SEALED-12). A viewer who is not one of
 * them checked in on nothing and is shown no one's number: the session stays between its own.
 */
export function readCheckins(
  doc: Y.Doc,
  options: { readonly session: number; readonly viewerId: string; readonly memberIds: readonly string[] },
): SessionCheckins {
  const takesPart = options.memberIds.includes(options.viewerId);
  const values = options.memberIds.map((memberId) => ({ memberId, value: readValue(doc, options.session, memberId) }));
  const revealed = takesPart && values.length >= 2 && values.every((entry) => entry.value !== null);
  return {
    session: options.session,
    mine: takesPart ? readValue(doc, options.session, options.viewerId) : null,
    revealed,
    entries: values.map(({ memberId, value }) => ({
      memberId,
      answered: value !== null,
      value: revealed || memberId === options.viewerId ? value : null,
    })),
  };
}

/** When the check-in was last written, for "last activity" displays. */
export function readCheckinTime(doc: Y.Doc, session: number, memberId: string): number | null {
  const value = rootMap(doc, RootKey.Checkins).get(joinKey(session, memberId));
  return isRecord(value) ? readFiniteNumber(value.at) : null;
}
