import { useSyncExternalStore } from 'react';
import { isAppUpdateReady, reloadToUpdate, subscribeToAppUpdate } from '../app/appUpdate.ts';
import { UPDATE_READY } from '../app/words.ts';
import { Button } from './Button.tsx';
import '../styles/updateBanner.css';

/**
 * "A new version of Seen is ready — Reload", above the page in the normal flow so it covers nothing
 * being written. It never reloads by itself: only the button does.
 */
export function UpdateBanner() {
  const ready = useSyncExternalStore(subscribeToAppUpdate, isAppUpdateReady, () => false);
  if (!ready) return null;
  return (
    <aside className="update-banner" aria-label={UPDATE_READY.label}>
      <p className="update-banner__text" role="status">
        {UPDATE_READY.text}
      </p>
      <Button variant="primary" small onClick={reloadToUpdate}>
        {UPDATE_READY.action}
      </Button>
    </aside>
  );
}
