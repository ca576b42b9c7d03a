// The one place that creates room sessions. Screens acquire a session for a room and release it;
// the session stays open while any screen holds it, so moving from "join" to the room, or between
// tabs of a room, does not reconnect. Release is deferred a moment so React StrictMode's
// mount-unmount-mount in development reuses the session instead of tearing it down.
import type { RoomSession } from '../sync/RoomSession.ts';
import { createLocalSession } from './localSession.ts';
import { roomIdFor, type RoomSecret } from './invite.ts';

export interface RoomHandle {
  readonly session: RoomSession;
  release(): void;
}

interface OpenRoom {
  session: RoomSession;
  holders: number;
  closeTimer: ReturnType<typeof setTimeout> | null;
}

const RELEASE_DELAY_MS = 1_000;
const openRooms = new Map<string, OpenRoom>();

function createSession(secret: RoomSecret): RoomSession {
  // Replaced by createRoomSession({ secret, relayUrl: relayUrlFor(), persistence: 'indexeddb' }).
  return createLocalSession(roomIdFor(secret));
}

export function acquireRoomSession(secret: RoomSecret): RoomHandle {
  const roomId = roomIdFor(secret);
  let open = openRooms.get(roomId);
  if (!open) {
    open = { session: createSession(secret), holders: 0, closeTimer: null };
    openRooms.set(roomId, open);
  }
  const entry = open;
  if (entry.closeTimer) clearTimeout(entry.closeTimer);
  entry.closeTimer = null;
  entry.holders += 1;
  let released = false;
  return {
    session: entry.session,
    release() {
      if (released) return;
      released = true;
      entry.holders -= 1;
      if (entry.holders > 0) return;
      entry.closeTimer = setTimeout(() => {
        if (entry.holders > 0 || openRooms.get(roomId) !== entry) return;
        openRooms.delete(roomId);
        entry.session.destroy();
      }, RELEASE_DELAY_MS);
    },
  };
}

/** Closes a room's session now (before forgetting or after deleting it). */
export function closeRoomSession(roomId: string): void {
  const open = openRooms.get(roomId);
  if (!open) return;
  if (open.closeTimer) clearTimeout(open.closeTimer);
  openRooms.delete(roomId);
  open.session.destroy();
}

/**
 * Erases the room's document from this device. The database name must match the one the session
 * persists to; it is the lead's sync layer that decides it.
 */
export async function clearLocalRoomData(roomId: string): Promise<void> {
  closeRoomSession(roomId);
  if (typeof indexedDB === 'undefined') return;
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(localDocumentDbName(roomId));
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}

export function localDocumentDbName(roomId: string): string {
  return `seen-room-${roomId}`;
}
