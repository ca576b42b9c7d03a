import { useCallback, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';

const versions = new WeakMap<Y.Doc, number>();

/**
 * A number that changes after every transaction that changed the document. Components derive their
 * values from the doc with useMemo keyed on this number, so an unrelated re-render never recomputes
 * and a doc change always does. Awareness changes do not count (see usePeers).
 */
export function useDocVersion(doc: Y.Doc | null): number {
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!doc) return () => {};
      const handler = () => {
        versions.set(doc, (versions.get(doc) ?? 0) + 1);
        onChange();
      };
      doc.on('update', handler);
      return () => doc.off('update', handler);
    },
    [doc],
  );
  return useSyncExternalStore(subscribe, () => (doc ? (versions.get(doc) ?? 0) : -1));
}
