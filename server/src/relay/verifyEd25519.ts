import { createHash } from 'node:crypto';
import sodium from 'sodium-native';
import { LABEL, SIZE } from '@seen/shared/protocol';

/**
 * libsodium verifies an Ed25519 signature in ~50 µs here, node:crypto (OpenSSL) in ~105 µs with a
 * cached key object and ~180 µs without, tweetnacl in ~6 ms; a reconnect storm is mostly
 * verification (BENCHMARKS.md "R1"). Only this function may import sodium-native (lint rule):
 * the relay verifies signatures and never decrypts.
 */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== SIZE.PUBLIC_KEY || signature.length !== SIZE.SIGNATURE) return false;
  try {
    return sodium.crypto_sign_verify_detached(toBuffer(signature), toBuffer(message), toBuffer(publicKey));
  } catch {
    return false;
  }
}

const toBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** roomId = SHA-512(utf8(LABEL.ROOM_ID) ‖ 0x00 ‖ authPublicKey)[0..16]: the relay recomputes it. */
export function computeRoomIdBytes(authPublicKey: Uint8Array): Uint8Array {
  const hash = createHash('sha512').update(LABEL.ROOM_ID).update(new Uint8Array([0])).update(authPublicKey).digest();
  return new Uint8Array(hash.subarray(0, SIZE.ROOM_ID));
}
