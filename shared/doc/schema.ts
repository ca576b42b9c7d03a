import type * as Y from 'yjs';

/**
 * The room document's layout. Every root type is a Y.Map so that unknown keys written by a newer
 * app version survive a round trip through an older one.
 *
 *   room          name, deckId, mode, createdAt, createdBy, seed, schemaVersion, groupSize, partners,
 *                 ritual? { weekday, hour, minute, setAt, setBy }   (the weekly time, APP-31)
 *   members       memberId → { name, joinedAt }
 *   sessions      "<n>" → Y.Map { number, seed, cardIds, maxLevel, thenAndNow, startedAt, startedBy, closedAt, closedBy }
 *   answers       "<n>/<cardId>/<memberId>" → Y.Map { sealedDraft: Y.Array<bytes>, sealed?, drafted, submittedAt,
 *                 passed, updatedAt, escrowedBy?: Y.Map deviceKeyHex → true }   (sealed answers, SEALED-6..12; before them: draft: Y.Text in clear)
 *   devices       deviceKeyHex → { memberId, boxKey, addedAt, signature }   (SEALED-6)
 *   memberKeys    "<memberId>/<deviceKeyHex>" → { from, box }   the member secret, boxed to that member's devices
 *   keyBoxes      "<n>/<cardId>/<authorId>/<revision>/<recipientHex>/<senderHex>" → box of an answer key
 *   earlyLooks    "<n>/<cardId>/<viewerId>/<authorId>" → at   "see it anyway", visible to the author (SEALED-18)
 *   removals      deviceKeyHex → { by, signature }   a device its member took off the list (SEALED-15)
 *   memberPrefs   memberId → the member's own settings, sealed under a key from the member secret (SEALED-14)
 *   replies       "<n>/<cardId>/<authorId>/<answerId>" → { text, at }   (old: "<n>/<cardId>/<authorId>")
 *   reactions     "<n>/<cardId>/<authorId>/<answerId>" → { reaction, at }
 *   ready         "<n>/<cardIndex>/<memberId>" → at         (live mode: "next card" flags)
 *   depthConsent  memberId → 1 | 2 | 3                       (deepest level this member opted into)
 *   checkins      "<n>/<memberId>" → { value: 1..7, at }
 *   customPrompts promptId → deck-format prompt + { addedBy, addedAt }
 *
 * @see SPEC.md for the behaviour rules these maps carry.
 */
export const SCHEMA_VERSION = 1;

export const RootKey = {
  Room: 'room',
  Members: 'members',
  Sessions: 'sessions',
  Answers: 'answers',
  Replies: 'replies',
  Reactions: 'reactions',
  Ready: 'ready',
  DepthConsent: 'depthConsent',
  Checkins: 'checkins',
  CustomPrompts: 'customPrompts',
  Devices: 'devices',
  MemberKeys: 'memberKeys',
  KeyBoxes: 'keyBoxes',
  MemberPrefs: 'memberPrefs',
  Removals: 'removals',
  EarlyLooks: 'earlyLooks',
} as const;

export type RoomMode = 'live' | 'weekly';
export const ROOM_MODES: readonly RoomMode[] = ['live', 'weekly'];

export type Level = 1 | 2 | 3;
export const MIN_LEVEL: Level = 1;
export const MAX_LEVEL: Level = 3;

export const MAX_NAME_LENGTH = 60;
export const MAX_ROOM_NAME_LENGTH = 80;
export const MAX_ANSWER_LENGTH = 20_000;
export const MAX_REPLY_LENGTH = 1_000;

export function rootMap(doc: Y.Doc, key: (typeof RootKey)[keyof typeof RootKey]): Y.Map<unknown> {
  return doc.getMap<unknown>(key);
}

// Keys join their parts with '/', each part URI-encoded, so ids containing '/' cannot collide.
export function joinKey(...parts: readonly (string | number)[]): string {
  return parts.map((part) => encodeURIComponent(String(part))).join('/');
}

export function splitKey(key: string): string[] {
  return key.split('/').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      // A malformed key from another app version: keep the raw part so readers can skip it.
      return part;
    }
  });
}

export function readLevel(value: unknown): Level | null {
  return value === 1 || value === 2 || value === 3 ? value : null;
}

export function readMode(value: unknown): RoomMode | null {
  return value === 'live' || value === 'weekly' ? value : null;
}
