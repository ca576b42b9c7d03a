import { useEffect, useRef } from 'react';
import { decideRitualDraw } from '../app/ritual.ts';
import type { RoomActions } from '../app/roomActions.ts';
import type { RoomView } from '../app/roomView.ts';

/**
 * From the ritual time each week, an open room draws that week's cards (APP-31). The draw's time is
 * the ritual moment, so a partner doing the same at once draws the same session (APP-8, APP-9).
 */
export function useRitualDraw(view: RoomView, actions: RoomActions, now: number, ready: boolean): void {
  const drawing = useRef(false);
  const decision = ready && view.deckState === 'ready' ? decideRitualDraw({ ritual: view.ritual, sessions: view.sessions, now }) : { due: false as const };
  const dueAt = decision.due ? decision.at : null;
  useEffect(() => {
    if (dueAt === null || drawing.current) return;
    drawing.current = true;
    // A failed draw (the deck would not load) leaves the "Draw the cards" button to try again.
    void actions
      .startNextSession(dueAt)
      .catch(() => false)
      .finally(() => {
        drawing.current = false;
      });
  }, [actions, dueAt]);
}
