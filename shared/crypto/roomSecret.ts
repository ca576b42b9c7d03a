import nacl from 'tweetnacl';
import { SIZE, decodeBase64Url, encodeBase64Url, fail, ok, type Result } from '../protocol/index.ts';

/** The invite link carries the secret as `#k=<base64url>`; the `k=` leaves room for later fields. */
export const INVITE_FRAGMENT_KEY = 'k';
export const INVITE_PATH = '/join';
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
