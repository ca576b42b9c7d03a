import type * as Y from 'yjs';
import type { CardRef } from './answers.ts';
import { localOrigin } from './origins.ts';
import { isRecord, readFiniteNumber, readString } from './parse.ts';
import { MAX_REPLY_LENGTH, RootKey, joinKey, rootMap, splitKey } from './schema.ts';

/** The small, warm set of reactions (APP-6). Stored by id; the UI owns the words. */
export const REACTIONS = ['thank-you', 'me-too', 'i-see-you', 'tell-me-more', 'hug'] as const;
export type Reaction = (typeof REACTIONS)[number];

export function isReaction(value: unknown): value is Reaction {
  return typeof value === 'string' && (REACTIONS as readonly string[]).includes(value);
}

export interface Reply {
  /** Who wrote it. */
  readonly memberId: string;
  /** Whose answer it is about (APP-23). */
  readonly answerId: string;
  readonly text: string;
  readonly at: number;
}

export interface ReactionEntry {
  /** Who reacted. */
  readonly memberId: string;
  /** Whose answer the reaction is to (APP-23). */
  readonly answerId: string;
  readonly reaction: Reaction;
  readonly at: number;
}

/** Who is in the room and since when: what an entry from before APP-23 needs to find its answer. */
export interface ResponseMember {
  readonly id: string;
  readonly joinedAt: number;
}

/** A response by `memberId` (the author) to `answerId`'s answer on one card. */
export type ResponseRef = CardRef & {
  readonly memberId: string;
  readonly answerId: string;
  /** Present members, so that a response stored the old way can be replaced (APP-23). */
  readonly members: readonly ResponseMember[];
};

/**
 * Before APP-23 a response was stored once per member per card (`<n>/<cardId>/<memberId>`) and meant
 * "the other answer" — unambiguous only while the room had two members. Such an entry belongs to the
 * one other member who had joined by the time it was written; with two or more others it is
 * ambiguous and is not shown (rooms of three only existed after the per-answer layout).
 */
export function legacyResponseTarget(authorId: string, at: number, members: readonly ResponseMember[]): string | null {
  const others = members.filter((member) => member.id !== authorId && member.joinedAt <= at);
  return others.length === 1 ? (others[0]?.id ?? null) : null;
}

// A new write supersedes the author's old-style entry when that entry meant the same answer, so the
// two never show at once and clearing one does not bring the other back.
function dropLegacy(map: Y.Map<unknown>, ref: ResponseRef): void {
  const legacyKey = joinKey(ref.session, ref.cardId, ref.memberId);
  const legacy = map.get(legacyKey);
  const at = isRecord(legacy) ? readFiniteNumber(legacy.at) : null;
  if (at !== null && legacyResponseTarget(ref.memberId, at, ref.members) === ref.answerId) map.delete(legacyKey);
}

function responseKey(ref: ResponseRef): string {
  return joinKey(ref.session, ref.cardId, ref.memberId, ref.answerId);
}

/** A "what I heard" reply to one answer. An empty text removes it. One per author per answer (APP-6, APP-23). */
export function setReply(doc: Y.Doc, ref: ResponseRef & { readonly text: string; readonly now: number }): void {
  if (ref.memberId === ref.answerId) return;
  const text = ref.text.trim().slice(0, MAX_REPLY_LENGTH);
  const replies = rootMap(doc, RootKey.Replies);
  doc.transact(() => {
    dropLegacy(replies, ref);
    if (text) replies.set(responseKey(ref), { text, at: ref.now });
    else replies.delete(responseKey(ref));
  }, localOrigin('reply'));
}

/** Sets or clears (null) the author's reaction to one answer (APP-6, APP-23). */
export function setReaction(doc: Y.Doc, ref: ResponseRef & { readonly reaction: Reaction | null; readonly now: number }): void {
  if (ref.memberId === ref.answerId) return;
  const reactions = rootMap(doc, RootKey.Reactions);
  doc.transact(() => {
    dropLegacy(reactions, ref);
    if (ref.reaction) reactions.set(responseKey(ref), { reaction: ref.reaction, at: ref.now });
    else reactions.delete(responseKey(ref));
  }, localOrigin('reaction'));
}

interface Parsed<T> {
  readonly memberId: string;
  readonly answerId: string;
  readonly at: number;
  readonly value: T;
}

function forCard<T>(
  map: Y.Map<unknown>,
  ref: CardRef,
  members: readonly ResponseMember[],
  parse: (value: Record<string, unknown>) => T | null,
): Parsed<T>[] {
  const current = new Map<string, Parsed<T>>();
  const legacy: Parsed<T>[] = [];
  map.forEach((value, key) => {
    const [session, cardId, memberId, answerId, ...rest] = splitKey(key);
    if (session !== String(ref.session) || cardId !== ref.cardId || !memberId || rest.length > 0 || !isRecord(value)) return;
    const at = readFiniteNumber(value.at);
    const parsed = parse(value);
    if (at === null || parsed === null) return;
    if (answerId === undefined) {
      const target = legacyResponseTarget(memberId, at, members);
      if (target) legacy.push({ memberId, answerId: target, at, value: parsed });
    } else if (answerId && answerId !== memberId) {
      current.set(`${memberId}\n${answerId}`, { memberId, answerId, at, value: parsed });
    }
  });
  // An entry in the per-answer layout wins over an old one for the same author and answer (a
  // device still on the old version may have written one after this device wrote the new one).
  for (const entry of legacy) {
    const id = `${entry.memberId}\n${entry.answerId}`;
    if (!current.has(id)) current.set(id, entry);
  }
  return [...current.values()].sort((a, b) => a.at - b.at || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** Every "what I heard" on a card, each with its author and the answer it is about (APP-23). */
export function readReplies(doc: Y.Doc, ref: CardRef, members: readonly ResponseMember[]): Reply[] {
  return forCard(rootMap(doc, RootKey.Replies), ref, members, (value) => readString(value.text, MAX_REPLY_LENGTH) || null).map(
    ({ memberId, answerId, at, value }) => ({ memberId, answerId, text: value, at }),
  );
}

/** Every reaction on a card, each with its author and the answer it is to (APP-23). */
export function readReactions(doc: Y.Doc, ref: CardRef, members: readonly ResponseMember[]): ReactionEntry[] {
  return forCard(rootMap(doc, RootKey.Reactions), ref, members, (value) => (isReaction(value.reaction) ? value.reaction : null)).map(
    ({ memberId, answerId, at, value }) => ({ memberId, answerId, reaction: value, at }),
  );
}
