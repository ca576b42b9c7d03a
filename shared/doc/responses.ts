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
  readonly memberId: string;
  readonly text: string;
  readonly at: number;
}

export interface ReactionEntry {
  readonly memberId: string;
  readonly reaction: Reaction;
  readonly at: number;
}

type ResponseRef = CardRef & { readonly memberId: string };

/** A "what I heard" reply. An empty text removes it. One reply per member per card (APP-6). */
export function setReply(doc: Y.Doc, ref: ResponseRef & { readonly text: string; readonly now: number }): void {
  const text = ref.text.trim().slice(0, MAX_REPLY_LENGTH);
  const replies = rootMap(doc, RootKey.Replies);
  const key = joinKey(ref.session, ref.cardId, ref.memberId);
  doc.transact(() => {
    if (text) replies.set(key, { text, at: ref.now });
    else replies.delete(key);
  }, localOrigin('reply'));
}

/** Sets or clears (null) the member's reaction to a card (APP-6). */
export function setReaction(doc: Y.Doc, ref: ResponseRef & { readonly reaction: Reaction | null; readonly now: number }): void {
  const reactions = rootMap(doc, RootKey.Reactions);
  const key = joinKey(ref.session, ref.cardId, ref.memberId);
  doc.transact(() => {
    if (ref.reaction) reactions.set(key, { reaction: ref.reaction, at: ref.now });
    else reactions.delete(key);
  }, localOrigin('reaction'));
}

function forCard<T>(map: Y.Map<unknown>, ref: CardRef, parse: (memberId: string, value: Record<string, unknown>) => T | null): T[] {
  const results: T[] = [];
  map.forEach((value, key) => {
    const [session, cardId, memberId] = splitKey(key);
    if (session !== String(ref.session) || cardId !== ref.cardId || !memberId || !isRecord(value)) return;
    const parsed = parse(memberId, value);
    if (parsed) results.push(parsed);
  });
  return results;
}

export function readReplies(doc: Y.Doc, ref: CardRef): Reply[] {
  return forCard(rootMap(doc, RootKey.Replies), ref, (memberId, value) => {
    const text = readString(value.text, MAX_REPLY_LENGTH);
    const at = readFiniteNumber(value.at);
    return text && at !== null ? { memberId, text, at } : null;
  }).sort((a, b) => a.at - b.at);
}

export function readReactions(doc: Y.Doc, ref: CardRef): ReactionEntry[] {
  return forCard(rootMap(doc, RootKey.Reactions), ref, (memberId, value) => {
    const at = readFiniteNumber(value.at);
    return isReaction(value.reaction) && at !== null ? { memberId, reaction: value.reaction, at } : null;
  }).sort((a, b) => a.at - b.at);
}
