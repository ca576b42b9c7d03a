import { useCallback } from 'react';
import { acquireRoomSession, peekRoomSession, subscribeToOpenRooms } from '../app/openRoom.ts';
import { roomIdFor, type RoomSecret } from '../app/invite.ts';
import type { RoomSession } from '@seen/sync';
import { useStoreInTransitions, type StoreListener } from './useStoreInTransitions.ts';

/**
 * Holds a room's session while the component is mounted. Holding *is* the subscription: React
 * subscribes after commit and unsubscribes on unmount, so nothing is created during render, and
 * StrictMode's double subscribe gets the same session back (openRoom.ts defers the release). The
 * session's arrival renders as a transition (the room's first render, see useStoreInTransitions).
 */
export function useRoomSession(secret: RoomSecret | null, deviceKey: string | null): RoomSession | null {
  const roomId = secret ? roomIdFor(secret) : null;
  const subscribe = useCallback(
    (listener: StoreListener) => {
      if (!secret) return () => {};
      const onChange = () => listener(false);
      const unsubscribe = subscribeToOpenRooms(onChange);
      const handle = acquireRoomSession(secret, deviceKey);
      onChange();
      return () => {
        unsubscribe();
        handle.release();
      };
    },
    [secret, deviceKey],
  );
  const getSnapshot = useCallback(() => (roomId ? peekRoomSession(roomId) : null), [roomId]);
  return useStoreInTransitions(subscribe, getSnapshot);
}
