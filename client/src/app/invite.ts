// The app's one door to the room secret: generating it, putting it into an invite link, reading it
// back out of a link, and storing it. Nothing else in the UI handles secret bytes.
import {
  deriveRoomKeys,
  encodeRoomSecret,
  formatInviteLink,
  generateRoomSecret,
  parseInviteFragment,
  type InviteError,
  type RoomSecret,
} from '@seen/shared/crypto';
import { decodeBase64Url } from '@seen/shared/protocol';

export type { InviteError, RoomSecret };
export { generateRoomSecret, parseInviteFragment };

const roomIds = new Map<string, string>();

/** The public room id for a secret (derivation costs an Ed25519 key generation, so it is cached). */
export function roomIdFor(secret: RoomSecret): string {
  const encoded = encodeRoomSecret(secret);
  let roomId = roomIds.get(encoded);
  if (!roomId) {
    roomId = deriveRoomKeys(secret).roomId;
    roomIds.set(encoded, roomId);
  }
  return roomId;
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

/** The relay lives on the same host as the app (one port serves both). */
export function relayUrlFor(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
}
