import { createHash, createPublicKey, verify } from 'node:crypto';
import { LABEL, SIZE } from '@seen/shared/protocol';

// node:crypto verifies Ed25519 in ~60 µs; tweetnacl would take ~6 ms (BRIEF "Costs").
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== SIZE.PUBLIC_KEY || signature.length !== SIZE.SIGNATURE) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** roomId = SHA-512(utf8(LABEL.ROOM_ID) ‖ 0x00 ‖ authPublicKey)[0..16]: the relay recomputes it. */
export function computeRoomIdBytes(authPublicKey: Uint8Array): Uint8Array {
  const hash = createHash('sha512').update(LABEL.ROOM_ID).update(new Uint8Array([0])).update(authPublicKey).digest();
  return new Uint8Array(hash.subarray(0, SIZE.ROOM_ID));
}
