// "Your rooms": what this device remembers about the rooms it has joined. Lives in IndexedDB next to
// (not inside) each room's encrypted document store. Holds the room secret, so it never leaves the
// device and is deleted when the room is left (APP-19).
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';

export interface SavedRoom {
  readonly roomId: string;
  /** The room secret, base64url. */
  readonly secret: string;
  readonly name: string;
  readonly memberId: string;
  readonly memberName: string;
  readonly partnerName: string | null;
  readonly lastActivityAt: number;
  readonly joinedAt: number;
  /** This device's Ed25519 secret key for the room (base64url); see openRoom.newDeviceKey. */
  readonly deviceKey: string | null;
}

const DB_NAME = 'seen-rooms';
const STORE_NAME = 'rooms';

let store: UseStore | null = null;
const listeners = new Set<() => void>();

function roomsStore(): UseStore {
  store ??= createStore(DB_NAME, STORE_NAME);
  return store;
}

function notify(): void {
  for (const listener of listeners) listener();
}

function parseSavedRoom(value: unknown): SavedRoom | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : null);
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const roomId = str(v.roomId);
  const secret = str(v.secret);
  const memberId = str(v.memberId);
  if (!roomId || !secret || !memberId) return null;
  return {
    roomId,
    secret,
    memberId,
    name: str(v.name) ?? '',
    memberName: str(v.memberName) ?? '',
    partnerName: str(v.partnerName),
    lastActivityAt: num(v.lastActivityAt) ?? 0,
    joinedAt: num(v.joinedAt) ?? 0,
    deviceKey: str(v.deviceKey),
  };
}

export function subscribeToRooms(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Rooms on this device, most recently active first. */
export async function listRooms(): Promise<SavedRoom[]> {
  const all = await entries(roomsStore());
  return all
    .map(([, value]) => parseSavedRoom(value))
    .filter((room): room is SavedRoom => room !== null)
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt);
}

export async function getRoom(roomId: string): Promise<SavedRoom | null> {
  return parseSavedRoom(await get(roomId, roomsStore()));
}

export async function saveRoom(room: SavedRoom): Promise<void> {
  await set(room.roomId, room, roomsStore());
  notify();
}

/** Updates a remembered room; does nothing if the device has since forgotten it. */
export async function updateRoom(roomId: string, patch: Partial<Omit<SavedRoom, 'roomId' | 'secret'>>): Promise<void> {
  const current = await getRoom(roomId);
  if (!current) return;
  const next = { ...current, ...patch };
  if (JSON.stringify(next) === JSON.stringify(current)) return;
  await set(roomId, next, roomsStore());
  notify();
}

export async function forgetRoom(roomId: string): Promise<void> {
  await del(roomId, roomsStore());
  notify();
}
