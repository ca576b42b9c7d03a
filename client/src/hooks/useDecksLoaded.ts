import { useEffect } from 'react';
import { loadDecks, loadedShippedDecks, subscribeToDecks } from '../app/decks.ts';
import { useStoreInTransitions, type StoreListener } from './useStoreInTransitions.ts';

const subscribe = (listener: StoreListener) => subscribeToDecks(() => listener(false));
const decksLoaded = () => loadedShippedDecks() !== null;

/**
 * Starts loading the deck content (a separate download) and re-renders when it arrives, as a
 * transition: the cards' text fills a whole room screen, a render the browser may interrupt.
 */
export function useDecksLoaded(): boolean {
  useEffect(() => {
    void loadDecks().catch(() => undefined);
  }, []);
  return useStoreInTransitions(subscribe, decksLoaded);
}
