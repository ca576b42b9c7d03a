import type * as Y from 'yjs';
import type { Member } from './members.ts';
import { localOrigin } from './origins.ts';
import { RootKey, joinKey, rootMap } from './schema.ts';

/**
 * Who goes first on a card: members take turns card by card, and the starting member rotates each
 * session, so nobody always has to open up first (APP-12).
 */
export function firstAnswerer(members: readonly Member[], session: number, cardIndex: number): Member | null {
  if (members.length === 0) return null;
  return members[(session - 1 + cardIndex) % members.length] ?? null;
}

/** "Ready for the next card" in live mode (APP-14). */
export function markReady(
  doc: Y.Doc,
  options: { readonly session: number; readonly cardIndex: number; readonly memberId: string; readonly ready: boolean; readonly now: number },
): void {
  const ready = rootMap(doc, RootKey.Ready);
  const key = joinKey(options.session, options.cardIndex, options.memberId);
  doc.transact(() => {
    if (options.ready) ready.set(key, options.now);
    else ready.delete(key);
  }, localOrigin('ready'));
}

export function readReadyMembers(doc: Y.Doc, session: number, cardIndex: number, memberIds: readonly string[]): string[] {
  const ready = rootMap(doc, RootKey.Ready);
  return memberIds.filter((id) => typeof ready.get(joinKey(session, cardIndex, id)) === 'number');
}

/**
 * The card everyone is on in live mode: the first card not every member has marked ready. Derived,
 * not stored, so two devices can never disagree about it or race to advance it (APP-14).
 * Returns cardCount when every card is done.
 */
export function readLiveCardIndex(doc: Y.Doc, options: { readonly session: number; readonly cardCount: number; readonly memberIds: readonly string[] }): number {
  for (let index = 0; index < options.cardCount; index++) {
    if (readReadyMembers(doc, options.session, index, options.memberIds).length < options.memberIds.length) return index;
  }
  return options.cardCount;
}
