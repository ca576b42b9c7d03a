// The service worker's side of the app, as a tiny store the update banner reads. The worker itself
// (workbox-window, in ./serviceWorker.ts) loads only after the first paint, so registering it never
// delays opening the app.

type Listener = () => void;

let applyUpdate: (() => void) | null = null;
const listeners = new Set<Listener>();

export function subscribeToAppUpdate(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True once a new version is installed and waits for the person to reload. */
export function isAppUpdateReady(): boolean {
  return applyUpdate !== null;
}

/** Called by the worker glue when a new version waits; `apply` activates it and reloads. */
export function announceAppUpdate(apply: () => void): void {
  applyUpdate = apply;
  for (const listener of [...listeners]) listener();
}

/** The Reload button: the only way a new version replaces the running one. */
export function reloadToUpdate(): void {
  applyUpdate?.();
}

/**
 * How long after the load event the worker waits. Its first install downloads the whole build
 * (≈ 650 KB) to keep it offline; on a slow phone network that must not compete with the room's
 * own downloads, decryption and first sync (measured: the room's Lighthouse TBT went from ≈ 0.2 s
 * to ≈ 1 s when it registered at the first idle moment).
 */
const REGISTER_DELAY_MS = 5_000;
/** After the delay, an idle moment is awaited at most this long. */
const IDLE_TIMEOUT_MS = 3_000;

/**
 * Registers the service worker a while after the page has loaded, at an idle moment. Only in a
 * production build (the dev server has no sw.js) and where the browser has service workers.
 */
export function startServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = (): void => {
    void import('./serviceWorker.ts').then((module) => module.registerServiceWorker(announceAppUpdate)).catch(() => undefined);
  };
  const whenIdle = (): void => {
    if ('requestIdleCallback' in window) window.requestIdleCallback(register, { timeout: IDLE_TIMEOUT_MS });
    else register();
  };
  const afterDelay = (): void => void setTimeout(whenIdle, REGISTER_DELAY_MS);
  if (document.readyState === 'complete') afterDelay();
  else window.addEventListener('load', afterDelay, { once: true });
}
