import { useCallback, useSyncExternalStore } from 'react';
import { acquireRoomSession, peekRoomSession, subscribeToOpenRooms } from '../app/openRoom.ts';
import { roomIdFor, type RoomSecret } from '../app/invite.ts';
import type { RoomSession } from '@seen/sync';

/**
 * Holds a room's session while the component is mounted. Holding *is* the subscription: React
 * subscribes after commit and unsubscribes on unmount, so nothing is created during render, and
 * StrictMode's double subscribe gets the same session back (openRoom.ts defers the release).
 */
export function useRoomSession(secret: RoomSecret | null, deviceKey: string | null): RoomSession | null {
  const roomId = secret ? roomIdFor(secret) : null;
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!secret) return () => {};
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
  return useSyncExternalStore(subscribe, () => (roomId ? peekRoomSession(roomId) : null));
}
