import { useCallback, useEffect, useRef } from 'react';
import type { Presence } from '@seen/shared/doc';
import type { RoomSession } from '@seen/sync';
import type { SharedMoment } from '../app/roomActions.ts';
import { readNudgeState } from '../push/nudgeChoice.ts';
import { shouldNudge } from '../push/nudgeRules.ts';

/**
 * The room's "tell the others" callback for useRoomActions (SPEC APP-32): after an answer is shared,
 * the cards are drawn or a member asks to go deeper, the relay is asked to wake the others' devices —
 * only when one of them is away. Fire and forget: a nudge that fails costs nothing.
 */
export function useNudgeOthers(session: RoomSession, otherIds: readonly string[], peers: readonly Presence[]): (moment: SharedMoment) => void {
  const latest = useRef({ otherIds, peers });
  useEffect(() => {
    latest.current = { otherIds, peers };
  }, [otherIds, peers]);
  return useCallback(() => {
    const { otherIds: others, peers: present } = latest.current;
    if (!shouldNudge(others, present.map((peer) => peer.memberId))) return;
    void session.nudge().catch(() => undefined);
  }, [session]);
}

/**
 * Once the room has synced, a device with nudges on registers its push subscription again (the
 * browser may have replaced it), and one turned off while offline tells the relay (SPEC APP-34).
 * The code that does it loads only when there is something to do.
 */
export function useRefreshNudges(session: RoomSession, synced: boolean): void {
  const done = useRef<RoomSession | null>(null);
  useEffect(() => {
    if (!synced || done.current === session) return;
    done.current = session;
    void readNudgeState(session.roomId)
      .then((state) => {
        if (state?.choice === 'on' || (state?.choice === 'off' && state.unregisterPending)) {
          return import('../push/nudgeDevice.ts').then((device) => device.refreshNudges(session));
        }
        return undefined;
      })
      .catch(() => undefined);
  }, [session, synced]);
}
