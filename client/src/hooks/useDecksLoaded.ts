import { useEffect, useSyncExternalStore } from 'react';
import { loadDecks, loadedShippedDecks, subscribeToDecks } from '../app/decks.ts';

/** Starts loading the deck content (a separate download) and re-renders when it arrives. */
export function useDecksLoaded(): boolean {
  useEffect(() => {
    void loadDecks().catch(() => undefined);
  }, []);
  return useSyncExternalStore(subscribeToDecks, () => loadedShippedDecks() !== null);
}
