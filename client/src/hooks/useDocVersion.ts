import { useCallback } from 'react';
import type * as Y from 'yjs';
import { useStoreInTransitions, type StoreListener } from './useStoreInTransitions.ts';

interface DocVersion {
  version: number;
  readonly listeners: Set<StoreListener>;
}

const versions = new WeakMap<Y.Doc, DocVersion>();

/**
 * One counter and one Yjs listener per document, for as long as the document lives: every
 * component that reads the version sees the same number, however many are subscribed.
 */
function trackDoc(doc: Y.Doc): DocVersion {
  let tracked = versions.get(doc);
  if (tracked) return tracked;
  const created: DocVersion = { version: 0, listeners: new Set() };
  versions.set(doc, created);
  doc.on('update', (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    created.version++;
    // This device's own edits render at once (a controlled textarea must show what was typed);
    // what arrives from the stored copy or the relay renders as a transition.
    for (const listener of [...created.listeners]) listener(transaction.local);
  });
  tracked = created;
  return tracked;
}

/**
 * A number that changes after every transaction that changed the document. Components derive their
 * values from the doc with useMemo keyed on this number, so an unrelated re-render never recomputes
 * and a doc change always does. Awareness changes do not count (see usePeers).
 */
export function useDocVersion(doc: Y.Doc | null): number {
  const subscribe = useCallback(
    (listener: StoreListener) => {
      if (!doc) return () => {};
      const { listeners } = trackDoc(doc);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    [doc],
  );
  const getSnapshot = useCallback(() => (doc ? trackDoc(doc).version : -1), [doc]);
  return useStoreInTransitions(subscribe, getSnapshot);
}
