import nacl from 'tweetnacl';
import { LABEL, SIZE, concatBytes, encodeBase64Url, utf8Encoder } from '../protocol/index.ts';
import type { RoomSecret } from './roomSecret.ts';
import { ed25519KeyPairFromSeed, sha512 } from './webCryptoEd25519.ts';

export interface RoomKeys {
  /** nacl.secretbox key for envelopes (epoch 0). */
  readonly encryptionKey: Uint8Array;
  /** Ed25519 key pair proving possession of the invite link to the relay. */
  readonly authKeyPair: nacl.SignKeyPair;
  /** 16 bytes, = H(authPublicKey): self-certifying, so nobody can squat a room id. */
  readonly roomIdBytes: Uint8Array;
  /** roomIdBytes as base64url: what the app and the relay's logs call the room. */
  readonly roomId: string;
}

const SEPARATOR = new Uint8Array([0]);

/** KDF(label) = SHA-512(utf8("seen/v1/" + label) ‖ 0x00 ‖ secret). Labels are fixed, secret is 32 B. */
function kdfInput(label: string, secret: RoomSecret): Uint8Array {
  return concatBytes([utf8Encoder.encode(LABEL.KDF_PREFIX + label), SEPARATOR, secret]);
}

function deriveBytes(label: string, secret: RoomSecret): Uint8Array {
  return nacl.hash(kdfInput(label, secret));
}

function roomIdInput(authPublicKey: Uint8Array): Uint8Array {
  return concatBytes([utf8Encoder.encode(LABEL.ROOM_ID), SEPARATOR, authPublicKey]);
}

/** roomId = SHA-512(utf8("seen/v1/room-id") ‖ 0x00 ‖ authPublicKey)[0..16]; the relay recomputes it. */
export function computeRoomId(authPublicKey: Uint8Array): Uint8Array {
  return nacl.hash(roomIdInput(authPublicKey)).slice(0, SIZE.ROOM_ID);
}

export function deriveRoomKeys(secret: RoomSecret): RoomKeys {
  if (secret.length !== SIZE.SECRET) throw new RangeError(`room secret must be ${SIZE.SECRET} bytes`);
  const encryptionKey = deriveBytes(LABEL.ENC_KEY, secret).slice(0, nacl.secretbox.keyLength);
  const authKeyPair = nacl.sign.keyPair.fromSeed(deriveBytes(LABEL.AUTH_SEED, secret).slice(0, nacl.sign.seedLength));
  const roomIdBytes = computeRoomId(authKeyPair.publicKey);
  return { encryptionKey, authKeyPair, roomIdBytes, roomId: encodeBase64Url(roomIdBytes) };
}

/**
 * deriveRoomKeys, byte for byte, through WebCrypto where the platform has Ed25519 (see
 * webCryptoEd25519.ts): ~1 ms instead of tweetnacl's key generation, which costs a phone hundreds
 * of milliseconds of main thread the first time. Falls back to tweetnacl, so it always succeeds.
 */
export async function deriveRoomKeysAsync(secret: RoomSecret): Promise<RoomKeys> {
  if (secret.length !== SIZE.SECRET) throw new RangeError(`room secret must be ${SIZE.SECRET} bytes`);
  const [encryption, authSeed] = await Promise.all([sha512(kdfInput(LABEL.ENC_KEY, secret)), sha512(kdfInput(LABEL.AUTH_SEED, secret))]);
  const authKeyPair = await ed25519KeyPairFromSeed(authSeed.slice(0, nacl.sign.seedLength));
  const roomIdBytes = (await sha512(roomIdInput(authKeyPair.publicKey))).slice(0, SIZE.ROOM_ID);
  return { encryptionKey: encryption.slice(0, nacl.secretbox.keyLength), authKeyPair, roomIdBytes, roomId: encodeBase64Url(roomIdBytes) };
}
