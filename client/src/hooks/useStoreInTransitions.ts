import { startTransition, useEffect, useState } from 'react';

/** Called by a store after a change; `urgent` when the person's own input made it (see below). */
export type StoreListener = (urgent: boolean) => void;

/**
 * Like useSyncExternalStore, except that a change the store does not call urgent re-renders as a
 * transition. useSyncExternalStore renders every change synchronously, in one piece: on a phone a
 * room's first sync (the stored copy, the backlog, the status going from "Connecting" to "Saved",
 * the partner's presence) was a row of long tasks re-rendering the whole room. A transition renders
 * in short slices the browser can interrupt, and a later change supersedes an unfinished one.
 * Urgent changes (this device's own edits, e.g. a keystroke in a controlled textarea) still render
 * at once, so the field never shows an older text than the one typed.
 *
 * `subscribe` and `getSnapshot` must keep their identity while the store is the same (a new
 * `getSnapshot` means another store: its value is read at once); `getSnapshot` returns the same
 * value (Object.is) until something changed.
 */
export function useStoreInTransitions<T>(subscribe: (listener: StoreListener) => () => void, getSnapshot: () => T): T {
  const [state, setState] = useState(() => ({ getSnapshot, value: getSnapshot() }));
  const value = state.getSnapshot === getSnapshot ? state.value : getSnapshot();
  useEffect(() => {
    const update = () =>
      setState((previous) => {
        const next = getSnapshot();
        return previous.getSnapshot === getSnapshot && Object.is(previous.value, next) ? previous : { getSnapshot, value: next };
      });
    const unsubscribe = subscribe((urgent) => (urgent ? update() : startTransition(update)));
    // A change between this render and the subscription (or another store since the last one).
    startTransition(update);
    return unsubscribe;
  }, [subscribe, getSnapshot]);
  return value;
}
