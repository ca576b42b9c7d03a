import nacl from 'tweetnacl';
import { SIZE, decodeBase64Url, encodeBase64Url, fail, ok, type Result } from '../protocol/index.ts';

/** The invite link carries the secret as `#k=<base64url>`; the `k=` leaves room for later fields. */
export const INVITE_FRAGMENT_KEY = 'k';
export const INVITE_PATH = '/join';
/** A device link (SEALED-21) also carries a one-time admission ticket as `&t=<base64url>`. */
export const TICKET_FRAGMENT_KEY = 't';
/** 16 bytes in unpadded base64url. */
const ENCODED_TICKET_LENGTH = 22;
/** 32 bytes in unpadded base64url. */
export const ENCODED_SECRET_LENGTH = 43;

export type RoomSecret = Uint8Array;

export const INVITE_ERROR = {
  MISSING: 'missing',
  MALFORMED: 'malformed',
  WRONG_LENGTH: 'wrong-length',
} as const;
export type InviteErrorCode = (typeof INVITE_ERROR)[keyof typeof INVITE_ERROR];
export interface InviteError {
  readonly code: InviteErrorCode;
  readonly message: string;
}

export function generateRoomSecret(): RoomSecret {
  return nacl.randomBytes(SIZE.SECRET);
}

export function encodeRoomSecret(secret: RoomSecret): string {
  return encodeBase64Url(secret);
}

/** The secret only ever travels in the fragment: browsers never send it to a server. */
export function formatInviteLink(appOrigin: string, secret: RoomSecret): string {
  return `${appOrigin.replace(/\/+$/, '')}${INVITE_PATH}#${INVITE_FRAGMENT_KEY}=${encodeRoomSecret(secret)}`;
}

/**
 * A link for one more device of the member (SEALED-21): the invite link plus a one-time admission
 * ticket, so the device gets in even if the room is sealed. Both only ever in the fragment.
 */
export function formatDeviceLink(appOrigin: string, secret: RoomSecret, ticket: Uint8Array): string {
  return `${formatInviteLink(appOrigin, secret)}&${TICKET_FRAGMENT_KEY}=${encodeBase64Url(ticket)}`;
}

/** The admission ticket of a device link, null for a plain invite link; an altered one is refused. */
export function parseInviteTicket(hash: string): Result<Uint8Array | null, InviteError> {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const values = params.getAll(TICKET_FRAGMENT_KEY);
  if (values.length === 0) return ok(null);
  const ticket = values.length === 1 && values[0]!.length === ENCODED_TICKET_LENGTH ? decodeBase64Url(values[0]!) : null;
  if (ticket === null || ticket.length !== SIZE.ADMISSION_TICKET) {
    return fail({
      code: INVITE_ERROR.MALFORMED,
      message: 'This device link looks cut off or altered. On your other device, make a new one in Room & data and open it here.',
    });
  }
  return ok(ticket);
}

/** Parses `location.hash` (with or without the leading `#`). */
export function parseInviteFragment(hash: string): Result<RoomSecret, InviteError> {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const params = new URLSearchParams(fragment);
  const keys = params.getAll(INVITE_FRAGMENT_KEY);
  const encoded = keys[0] ?? null;
  if (encoded === null || encoded === '') {
    return fail({
      code: INVITE_ERROR.MISSING,
      message: 'This link has no room key in it. Ask your partner to send the whole invite link again.',
    });
  }
  // Two keys in one link is not a link Seen made: refuse rather than guess which room was meant.
  if (keys.length > 1) {
    return fail({
      code: INVITE_ERROR.MALFORMED,
      message: 'This invite link has characters that do not belong in it. Ask your partner to copy it again.',
    });
  }
  if (encoded.length !== ENCODED_SECRET_LENGTH) {
    return fail({
      code: INVITE_ERROR.WRONG_LENGTH,
      message: 'This invite link looks cut off or altered. Ask your partner to copy the whole link again.',
    });
  }
  const secret = decodeBase64Url(encoded);
  if (secret === null || secret.length !== SIZE.SECRET) {
    return fail({
      code: INVITE_ERROR.MALFORMED,
      message: 'This invite link has characters that do not belong in it. Ask your partner to copy it again.',
    });
  }
  return ok(secret);
}
