// The app's one door to the room secret: generating it, putting it into an invite link, reading it
// back out of a link, and storing it. Nothing else in the UI handles secret bytes.
import {
  deriveRoomKeys,
  deriveRoomKeysAsync,
  encodeRoomSecret,
  formatDeviceLink,
  formatInviteLink,
  generateRoomSecret,
  parseInviteFragment,
  type InviteError,
  type RoomKeys,
  type RoomSecret,
} from '@seen/shared/crypto';
import { decodeBase64Url } from '@seen/shared/protocol';

export type { InviteError, RoomSecret };
export { generateRoomSecret, parseInviteFragment };

// Derived keys per secret, for this page's life. Deriving costs an Ed25519 key generation: ~1 ms
// through WebCrypto (prepareRoomKeys), but hundreds of ms of a phone's main thread through
// tweetnacl while its code is cold, so screens prepare the keys before they open a room.
const derivedKeys = new Map<string, RoomKeys>();
const preparing = new Map<string, Promise<RoomKeys>>();

/** Derives the room's keys off tweetnacl where the browser can (WebCrypto Ed25519) and keeps them. */
export function prepareRoomKeys(secret: RoomSecret): Promise<RoomKeys> {
  const encoded = encodeRoomSecret(secret);
  const known = derivedKeys.get(encoded);
  if (known) return Promise.resolve(known);
  let pending = preparing.get(encoded);
  if (!pending) {
    pending = deriveRoomKeysAsync(secret).then((keys) => {
      derivedKeys.set(encoded, keys);
      preparing.delete(encoded);
      return keys;
    });
    preparing.set(encoded, pending);
  }
  return pending;
}

/** True once prepareRoomKeys (or roomKeysFor) has the keys for this secret. */
export function hasRoomKeys(secret: RoomSecret): boolean {
  return derivedKeys.has(encodeRoomSecret(secret));
}

/** The room's keys: prepared ones, or derived now with tweetnacl (slow the first time) and kept. */
export function roomKeysFor(secret: RoomSecret): RoomKeys {
  const encoded = encodeRoomSecret(secret);
  let keys = derivedKeys.get(encoded);
  if (!keys) {
    keys = deriveRoomKeys(secret);
    derivedKeys.set(encoded, keys);
  }
  return keys;
}

/** The public room id for a secret. */
export function roomIdFor(secret: RoomSecret): string {
  return roomKeysFor(secret).roomId;
}

export function encodeSecret(secret: RoomSecret): string {
  return encodeRoomSecret(secret);
}

export function decodeSecret(encoded: string): RoomSecret | null {
  const bytes = decodeBase64Url(encoded);
  return bytes && bytes.length === 32 ? bytes : null;
}

export function inviteLinkFor(secret: RoomSecret, origin = window.location.origin): string {
  return formatInviteLink(origin, secret);
}

/** A link for one more device of this member, with a one-time admission ticket (SEALED-21). */
export function deviceLinkFor(secret: RoomSecret, ticket: Uint8Array, origin = window.location.origin): string {
  return formatDeviceLink(origin, secret, ticket);
}

/** The relay lives on the same host as the app (one port serves both). */
export function relayUrlFor(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
}
