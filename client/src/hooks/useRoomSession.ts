import { useEffect, useState } from 'react';
import { acquireRoomSession } from '../app/openRoom.ts';
import type { RoomSecret } from '../app/invite.ts';
import type { RoomSession } from '../sync/RoomSession.ts';

/**
 * Holds a room session while the component is mounted. The effect owns the session (created and
 * released there, never during render), so StrictMode's double effects are safe: openRoom.ts
 * defers the release and the second mount gets the same session back.
 */
export function useRoomSession(secret: RoomSecret | null): RoomSession | null {
  const [session, setSession] = useState<RoomSession | null>(null);
  useEffect(() => {
    if (!secret) {
      setSession(null);
      return;
    }
    const handle = acquireRoomSession(secret);
    setSession(handle.session);
    return () => handle.release();
  }, [secret]);
  return session;
}
