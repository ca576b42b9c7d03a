import { formatInviteLink, generateRoomSecret as generateSecret, parseInviteFragment } from '@seen/shared/crypto';
import type { InviteParse, RoomSecret } from './publicTypes.ts';

/** 32 random bytes from the platform's CSPRNG: a new room. */
export function generateRoomSecret(): RoomSecret {
  return generateSecret();
}

/**
 * An invite link to a room: `<appOrigin>/join#k=<secret>`. The secret travels only in the
 * fragment, which browsers never send to a server. A new room's secret is made when none is given.
 */
export function createInviteLink(appOrigin: string, secret: RoomSecret = generateRoomSecret()): { readonly link: string; readonly secret: RoomSecret } {
  return { link: formatInviteLink(appOrigin, secret), secret };
}

/** Reads the room secret back out of a whole invite link (or just its `#fragment`). */
export function parseInviteLink(link: string): InviteParse {
  const hashAt = link.indexOf('#');
  return parseInviteFragment(hashAt === -1 ? '' : link.slice(hashAt));
}
