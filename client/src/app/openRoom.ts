// The one place that creates room sessions. Screens hold a session for a room while they are
// mounted; the session stays open while anyone holds it, so moving from "join" into the room, or
// between a room's tabs, does not reconnect. Release is deferred a moment so React StrictMode's
// mount-unmount-mount in development reuses the session instead of tearing it down.
import { ed25519KeyPairFromSeed, randomBytes, restoreDeviceKeyPair, generateDeviceKeyPair, signHandshakeAsync, type DeviceKeyPair } from '@seen/shared/crypto';
import { decodeBase64Url, encodeBase64Url } from '@seen/shared/protocol';
import { createRoomSession, localDatabaseName, type RoomSession } from '@seen/sync';
import { coalesceWindowFor } from './coalesceWindow.ts';
import { relayUrlFor, roomIdFor, roomKeysFor, type RoomSecret } from './invite.ts';

interface OpenRoom {
  readonly session: RoomSession;
  holders: number;
  closeTimer: ReturnType<typeof setTimeout> | null;
}

const RELEASE_DELAY_MS = 1_000;
const openRooms = new Map<string, OpenRoom>();
/** One-time admission tickets from device links (SEALED-21), by room id, until a session takes one. */
const admissionTickets = new Map<string, Uint8Array>();

/** A device link was opened: the next session for this room presents its ticket to the relay. */
export function rememberAdmissionTicket(roomId: string, ticket: Uint8Array): void {
  admissionTickets.set(roomId, ticket);
}
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of [...listeners]) listener();
}

/**
 * This device's key for one room, kept with the room on this device. It must stay the same across
 * visits: once a room is sealed, the relay only lets in devices it has seen before.
 */
export function newDeviceKey(): string {
  return encodeBase64Url(generateDeviceKeyPair().secretKey);
}

/** newDeviceKey through WebCrypto where the browser has Ed25519 (no tweetnacl cold start). */
export async function newDeviceKeyAsync(): Promise<string> {
  const seed = randomBytes(32);
  return encodeBase64Url((await ed25519KeyPairFromSeed(seed)).secretKey);
}

function restoreDevice(encoded: string | null): DeviceKeyPair | undefined {
  const bytes = encoded ? decodeBase64Url(encoded) : null;
  return bytes && bytes.length === 64 ? restoreDeviceKeyPair(bytes) : undefined;
}

/** Holds the room's session until release() (the first holder's device key is the one used). */
export function acquireRoomSession(secret: RoomSecret, deviceKey: string | null): { readonly session: RoomSession; release(): void } {
  const roomId = roomIdFor(secret);
  let open = openRooms.get(roomId);
  if (!open) {
    // Keys prepared through WebCrypto when the screen did (prepareRoomKeys); the handshake is signed
    // through WebCrypto too where the browser has Ed25519 (the same bytes as tweetnacl).
    const session = createRoomSession({
      secret,
      relayUrl: relayUrlFor(),
      persistence: 'indexeddb',
      device: restoreDevice(deviceKey),
      coalesceWindow: coalesceWindowFor,
      keys: roomKeysFor(secret),
      signHandshake: signHandshakeAsync,
      admissionTicket: admissionTickets.get(roomId),
    });
    admissionTickets.delete(roomId);
    open = { session, holders: 0, closeTimer: null };
    openRooms.set(roomId, open);
    notify();
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
        notify();
      }, RELEASE_DELAY_MS);
    },
  };
}

export function peekRoomSession(roomId: string): RoomSession | null {
  return openRooms.get(roomId)?.session ?? null;
}

export function subscribeToOpenRooms(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Closes a room's session now (before forgetting it on this device). */
export function closeRoomSession(roomId: string): void {
  const open = openRooms.get(roomId);
  if (!open) return;
  if (open.closeTimer) clearTimeout(open.closeTimer);
  openRooms.delete(roomId);
  open.session.destroy();
  notify();
}

/** Erases the room's document from this device's IndexedDB (APP-19). */
export async function clearLocalRoomData(roomId: string): Promise<void> {
  closeRoomSession(roomId);
  if (typeof indexedDB === 'undefined') return;
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(localDatabaseName(roomId));
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    // Another tab still has it open: it is deleted as soon as that tab lets go.
    request.onblocked = () => resolve();
  });
}
