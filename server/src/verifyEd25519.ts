import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { LABEL, SIZE } from '@seen/shared/protocol';

// node:crypto verifies Ed25519 in ~60 µs; tweetnacl would take ~6 ms (BRIEF "Costs").
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Building a KeyObject is ~40% of a verification, and the same room and device keys come back on
 * every reconnect (a reconnect storm is mostly verification). A bounded, recently-used cache.
 */
const KEY_CACHE_SIZE = 4096;
const keyCache = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const cacheKey = Buffer.from(publicKey).toString('base64');
  const cached = keyCache.get(cacheKey);
  if (cached !== undefined) {
    keyCache.delete(cacheKey);
    keyCache.set(cacheKey, cached);
    return cached;
  }
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  keyCache.set(cacheKey, key);
  if (keyCache.size > KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!);
  return key;
}

export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== SIZE.PUBLIC_KEY || signature.length !== SIZE.SIGNATURE) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** roomId = SHA-512(utf8(LABEL.ROOM_ID) ‖ 0x00 ‖ authPublicKey)[0..16]: the relay recomputes it. */
export function computeRoomIdBytes(authPublicKey: Uint8Array): Uint8Array {
  const hash = createHash('sha512').update(LABEL.ROOM_ID).update(new Uint8Array([0])).update(authPublicKey).digest();
  return new Uint8Array(hash.subarray(0, SIZE.ROOM_ID));
}
