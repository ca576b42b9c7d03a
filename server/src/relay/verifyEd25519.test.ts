import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SIZE } from '@seen/shared/protocol';
import { computeRoomIdBytes, verifyEd25519 } from './verifyEd25519.ts';

// The relay's verifier is fed attacker-chosen keys and signatures from AUTH frames: it must answer
// true only for a valid signature and false (never throw) for everything else.
function nodeKeyPair(): { publicKey: Uint8Array; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { publicKey: new Uint8Array(raw), privateKey };
}

const message = new TextEncoder().encode('seen/v1/relay-auth\0wss://relay.example\0transcript');
const flip = (bytes: Uint8Array, index: number): Uint8Array => {
  const copy = bytes.slice();
  copy[index]! ^= 0x01;
  return copy;
};

describe('verifyEd25519 (relay side, libsodium; signatures made by node:crypto)', () => {
  it('CRYPTO-7 accepts a valid signature and refuses a changed message, signature or key', () => {
    const signer = nodeKeyPair();
    const other = nodeKeyPair();
    const signature = new Uint8Array(sign(null, message, signer.privateKey));
    expect(verifyEd25519(signer.publicKey, message, signature)).toBe(true);
    expect(verifyEd25519(signer.publicKey, flip(message, message.length - 1), signature)).toBe(false);
    expect(verifyEd25519(signer.publicKey, message.subarray(1), signature)).toBe(false);
    expect(verifyEd25519(other.publicKey, message, signature)).toBe(false);
    for (const index of [0, 31, 32, 63]) expect(verifyEd25519(signer.publicKey, message, flip(signature, index))).toBe(false);
  });

  it('CRYPTO-7 refuses keys and signatures of the wrong length without throwing', () => {
    const signer = nodeKeyPair();
    const signature = new Uint8Array(sign(null, message, signer.privateKey));
    for (const length of [0, 31, 33, 44]) expect(verifyEd25519(new Uint8Array(length), message, signature)).toBe(false);
    for (const length of [0, 63, 65]) expect(verifyEd25519(signer.publicKey, message, new Uint8Array(length))).toBe(false);
  });

  it('CRYPTO-7 refuses an all-zero signature under degenerate public keys (all zero, all 0xff, the identity point) without throwing', () => {
    const identity = new Uint8Array(SIZE.PUBLIC_KEY);
    identity[0] = 1;
    for (const key of [new Uint8Array(SIZE.PUBLIC_KEY), new Uint8Array(SIZE.PUBLIC_KEY).fill(0xff), identity]) {
      expect(verifyEd25519(key, message, new Uint8Array(SIZE.SIGNATURE))).toBe(false);
    }
  });

  it('CRYPTO-7 never throws on random keys, messages and signatures', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 30, maxLength: 34 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 62, maxLength: 66 }),
        (publicKey, randomMessage, signature) => {
          expect(verifyEd25519(publicKey, randomMessage, signature)).toBe(false);
        },
      ),
      { seed: 7001, numRuns: 2_000 },
    );
  });

  it('CRYPTO-1 computeRoomIdBytes is 16 bytes, deterministic, and differs for different auth keys', () => {
    const a = nodeKeyPair().publicKey;
    const b = nodeKeyPair().publicKey;
    expect(computeRoomIdBytes(a)).toHaveLength(SIZE.ROOM_ID);
    expect(computeRoomIdBytes(a)).toEqual(computeRoomIdBytes(a.slice()));
    expect(Buffer.from(computeRoomIdBytes(a)).equals(Buffer.from(computeRoomIdBytes(b)))).toBe(false);
  });
});
