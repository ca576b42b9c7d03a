import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
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
// signs in ~3 ms; node:crypto does both in tens of µs. The relay only sees public keys, roomId =
// H(authPublicKey) and signatures, so rooms made here are indistinguishable from app-made ones.

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningKey {
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

export function signingKeyFromSeed(seed: Uint8Array): SigningKey {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: new Uint8Array(spki.subarray(spki.length - 32)) };
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
  const roomSignature = sign(
    null,
    buildAuthTranscript({ ...common, context: LABEL.SIGN_REGISTER, subject: identity.device.publicKey }),
    identity.room.auth.privateKey,
  );
  const deviceSignature = sign(
    null,
    buildAuthTranscript({ ...common, context: LABEL.SIGN_AUTH, subject: identity.sessionId }),
    identity.device.privateKey,
  );
  return encodeAuthFrame({
    roomId: identity.room.roomIdBytes,
    authPublicKey: identity.room.auth.publicKey,
    devicePublicKey: identity.device.publicKey,
    sessionId: identity.sessionId,
    fromRelaySeq,
    roomSignature: new Uint8Array(roomSignature),
    deviceSignature: new Uint8Array(deviceSignature),
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
