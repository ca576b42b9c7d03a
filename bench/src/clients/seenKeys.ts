import { createHash } from 'node:crypto';
import sodium from 'sodium-native';
import {
  ENVELOPE_TYPE,
  LABEL,
  SIZE,
  buildAuthTranscript,
  encodeAuthFrame,
  encodeEphemeralFrame,
  encodePutFrame,
  type EnvelopeType,
} from '@seen/shared/protocol';
import { sealEnvelope, type RoomKeys } from '@seen/shared/crypto';
import type { Random } from '../lib/random.ts';

// Key material for thousands of bench rooms. tweetnacl derives an Ed25519 key pair in ~3 ms and
// signs in ~3 ms; libsodium signs in ~17 µs (node:crypto ~36 µs). A reconnect storm is signed here,
// two signatures per handshake, so this keeps the generator off its own limit. The relay only sees
// public keys, roomId = H(authPublicKey) and signatures: rooms made here look like app-made ones.

export interface SigningKey {
  readonly publicKey: Uint8Array;
  /** libsodium's 64-byte secret key (seed ‖ public key). */
  readonly secretKey: Buffer;
}

export function signingKeyFromSeed(seed: Uint8Array): SigningKey {
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
  const secretKey = Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, Buffer.from(seed));
  return { publicKey: new Uint8Array(publicKey), secretKey };
}

function sign(message: Uint8Array, key: SigningKey): Uint8Array {
  const signature = Buffer.alloc(sodium.crypto_sign_BYTES);
  sodium.crypto_sign_detached(signature, Buffer.from(message.buffer, message.byteOffset, message.byteLength), key.secretKey);
  return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
}

export interface BenchRoomKeys {
  readonly roomIdBytes: Uint8Array;
  readonly encryptionKey: Uint8Array;
  readonly auth: SigningKey;
}

export function roomIdOf(authPublicKey: Uint8Array): Uint8Array {
  const hash = createHash('sha512').update(LABEL.ROOM_ID).update(new Uint8Array([0])).update(authPublicKey).digest();
  return new Uint8Array(hash.subarray(0, SIZE.ROOM_ID));
}

export function makeBenchRoomKeys(random: Random): BenchRoomKeys {
  const auth = signingKeyFromSeed(random.bytes(32));
  return { auth, roomIdBytes: roomIdOf(auth.publicKey), encryptionKey: random.bytes(32) };
}

/** Keys of a room made the app's way (from a room secret), for the real-client joins. */
export function benchKeysFromRoomKeys(keys: RoomKeys): BenchRoomKeys {
  return {
    roomIdBytes: keys.roomIdBytes,
    encryptionKey: keys.encryptionKey,
    auth: signingKeyFromSeed(keys.authKeyPair.secretKey.subarray(0, 32)),
  };
}

export interface BenchIdentity {
  readonly room: BenchRoomKeys;
  readonly device: SigningKey;
  readonly sessionId: Uint8Array;
}

/** The AUTH frame for one connection: two Ed25519 signatures over the per-connection challenge. */
export function buildAuthFrame(identity: BenchIdentity, relayOrigin: string, challenge: Uint8Array, fromRelaySeq = 0): Uint8Array {
  const common = { relayOrigin, roomId: identity.room.roomIdBytes, challenge };
  const roomSignature = sign(buildAuthTranscript({ ...common, context: LABEL.SIGN_REGISTER, subject: identity.device.publicKey }), identity.room.auth);
  const deviceSignature = sign(buildAuthTranscript({ ...common, context: LABEL.SIGN_AUTH, subject: identity.sessionId }), identity.device);
  return encodeAuthFrame({
    roomId: identity.room.roomIdBytes,
    authPublicKey: identity.room.auth.publicKey,
    devicePublicKey: identity.device.publicKey,
    sessionId: identity.sessionId,
    fromRelaySeq,
    roomSignature,
    deviceSignature,
  });
}

export function sealFor(
  identity: BenchIdentity,
  type: EnvelopeType,
  seq: number,
  payload: Uint8Array,
  coversRelaySeq = 0,
): Uint8Array {
  return sealEnvelope(
    {
      type,
      roomId: identity.room.roomIdBytes,
      sessionId: identity.sessionId,
      seq,
      epoch: 0,
      coversRelaySeq,
      sentAt: Date.now(),
      devicePublicKey: identity.device.publicKey,
      payload,
    },
    identity.room.encryptionKey,
  );
}

export const sealPut = (identity: BenchIdentity, seq: number, payload: Uint8Array): Uint8Array =>
  encodePutFrame(sealFor(identity, ENVELOPE_TYPE.UPDATE, seq, payload));

export const sealPresence = (identity: BenchIdentity, seq: number, payload: Uint8Array): Uint8Array =>
  encodeEphemeralFrame(sealFor(identity, ENVELOPE_TYPE.PRESENCE, seq, payload));

/** Offset of the u32 seq inside an ENV frame: type(1) relaySeq(8) | ver(1) type(1) room(16) session(16). */
export const ENV_SEQ_OFFSET = 1 + 8 + 2 + SIZE.ROOM_ID + SIZE.SESSION_ID;
export const ENV_SESSION_OFFSET = 1 + 8 + 2 + SIZE.ROOM_ID;
