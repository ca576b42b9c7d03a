// Registers the Workbox service worker that keeps the built app on this device (client/vite.config.ts
// generates it), so Seen opens with no network. Loaded lazily by ./appUpdate.ts.
import { Workbox } from 'workbox-window';

const WORKER_URL = '/sw.js';
/** A tab left open for days still hears of a new version: ask the relay for sw.js this often. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export async function registerServiceWorker(onUpdateWaiting: (apply: () => void) => void): Promise<void> {
  const workbox = new Workbox(WORKER_URL, { scope: '/' });
  let reloading = false;
  const apply = (): void => {
    // Reload only once the new worker controls this page, so the reload gets the new files.
    workbox.addEventListener('controlling', () => {
      if (reloading) return;
      reloading = true;
      window.location.reload();
    });
    workbox.messageSkipWaiting();
  };
  // A new version installed while this page runs, or one left waiting by an earlier visit: offer it.
  workbox.addEventListener('waiting', () => onUpdateWaiting(apply));
  const registration = await workbox.register();
  if (registration === undefined) return;
  setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void registration.update().catch(() => undefined);
  });
}
