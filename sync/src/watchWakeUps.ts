/**
 * Moments when a connection waiting out its backoff should try again at once: the device has a
 * network again, or the person has come back to the tab. After a long outage the provider's
 * backoff has grown to its maximum (10 s in the app); without these, someone who unlocks their
 * phone would look at "Offline" for up to that long (SPEC SYNC-26).
 */

/** The part of `EventTarget` this needs, so a test can drive it with a plain `new EventTarget()`. */
export interface WakeUpTarget {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface WakeUpSources {
  /** Fires `online` when the device regains a network (`window` in a browser). */
  readonly network?: WakeUpTarget | null;
  /** Fires `visibilitychange`; `visibilityState` says whether the tab is shown (`document`). */
  readonly page?: (WakeUpTarget & { readonly visibilityState: string }) | null;
}

export type WakeUpCause = 'online' | 'visible';

/** The browser's own sources when there are any (none in Node, so a server-side session never wakes). */
export function browserWakeUpSources(): WakeUpSources {
  const scope = globalThis as { window?: WakeUpTarget; document?: WakeUpTarget & { visibilityState: string } };
  return { network: scope.window ?? null, page: scope.document ?? null };
}

/** Calls `onWake` at each wake-up; returns a function that stops listening. */
export function watchWakeUps(sources: WakeUpSources, onWake: (cause: WakeUpCause) => void): () => void {
  const { network, page } = sources;
  const onOnline = (): void => onWake('online');
  // Hiding the tab is not a wake-up: only its coming back is.
  const onVisibility = (): void => {
    if (page?.visibilityState === 'visible') onWake('visible');
  };
  network?.addEventListener('online', onOnline);
  page?.addEventListener('visibilitychange', onVisibility);
  return () => {
    network?.removeEventListener('online', onOnline);
    page?.removeEventListener('visibilitychange', onVisibility);
  };
}
