import { useEffect, useState } from 'react';
import { hasRoomKeys, prepareRoomKeys, type RoomSecret } from '../app/invite.ts';

/**
 * True once the room's keys are derived (through WebCrypto where the browser can, see
 * prepareRoomKeys): a room screen opens its session only then, so nothing derives them with
 * tweetnacl on the main thread while the page loads.
 */
export function useRoomKeysReady(secret: RoomSecret | null): boolean {
  const [ready, setReady] = useState<RoomSecret | null>(() => (secret && hasRoomKeys(secret) ? secret : null));
  useEffect(() => {
    if (!secret) return;
    let cancelled = false;
    void prepareRoomKeys(secret).then(() => {
      if (!cancelled) setReady(secret);
    });
    return () => {
      cancelled = true;
    };
  }, [secret]);
  return secret !== null && (ready === secret || hasRoomKeys(secret));
}
