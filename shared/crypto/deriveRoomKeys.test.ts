import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { SIZE, decodeBase64Url } from '../protocol/index.ts';
import { computeRoomId, deriveRoomKeys } from './deriveRoomKeys.ts';

// An independent SHA-512 (WebCrypto, not tweetnacl) pins the derivation to PROTOCOL.md byte for byte:
// changing a label or the separator silently moves every existing room, so it must fail a test.
async function sha512(...parts: (string | Uint8Array)[]): Promise<Uint8Array> {
  const bytes = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-512', bytes));
}

const secretArb = fc.uint8Array({ minLength: SIZE.SECRET, maxLength: SIZE.SECRET });
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('room key derivation', () => {
  it('CRYPTO-1 is deterministic: the same secret gives the same keys, auth key pair and room id', () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        const first = deriveRoomKeys(secret);
        const second = deriveRoomKeys(secret.slice());
        expect(second.encryptionKey).toEqual(first.encryptionKey);
        expect(second.authKeyPair.publicKey).toEqual(first.authKeyPair.publicKey);
        expect(second.authKeyPair.secretKey).toEqual(first.authKeyPair.secretKey);
        expect(second.roomIdBytes).toEqual(first.roomIdBytes);
        expect(second.roomId).toBe(first.roomId);
      }),
      { seed: 4001, numRuns: 50 },
    );
  });

  it('CRYPTO-1 derives each key from its own label: SHA-512("seen/v1/<label>" ‖ 0x00 ‖ secret)', async () => {
    const secret = Uint8Array.from({ length: SIZE.SECRET }, (_, i) => i * 7 + 1);
    const keys = deriveRoomKeys(secret);
    const zero = Uint8Array.of(0);
    expect(hex(keys.encryptionKey)).toBe(hex((await sha512('seen/v1/enc', zero, secret)).slice(0, 32)));
    const authSeed = (await sha512('seen/v1/auth', zero, secret)).slice(0, 32);
    expect(hex(keys.authKeyPair.publicKey)).toBe(hex(nacl.sign.keyPair.fromSeed(authSeed).publicKey));
    // The encryption key is not a prefix or copy of anything the relay sees.
    expect(hex(keys.encryptionKey)).not.toBe(hex(authSeed));
    expect(hex(keys.authKeyPair.publicKey)).not.toContain(hex(keys.encryptionKey));
  });

  it('CRYPTO-1 roomId = SHA-512("seen/v1/room-id" ‖ 0x00 ‖ authPublicKey)[0..16], and its base64url text', async () => {
    const keys = deriveRoomKeys(new Uint8Array(SIZE.SECRET).fill(9));
    const expected = (await sha512('seen/v1/room-id', Uint8Array.of(0), keys.authKeyPair.publicKey)).slice(0, SIZE.ROOM_ID);
    expect(hex(keys.roomIdBytes)).toBe(hex(expected));
    expect(hex(computeRoomId(keys.authKeyPair.publicKey))).toBe(hex(expected));
    expect(keys.roomId).toHaveLength(22);
    expect(decodeBase64Url(keys.roomId)).toEqual(keys.roomIdBytes);
  });

  it('CRYPTO-1 different secrets give distinct keys and room ids (200 secrets differing in one counter)', () => {
    const seen = { enc: new Set<string>(), auth: new Set<string>(), room: new Set<string>() };
    for (let i = 0; i < 200; i++) {
      const secret = new Uint8Array(SIZE.SECRET);
      new DataView(secret.buffer).setUint32(SIZE.SECRET - 4, i);
      const keys = deriveRoomKeys(secret);
      seen.enc.add(hex(keys.encryptionKey));
      seen.auth.add(hex(keys.authKeyPair.publicKey));
      seen.room.add(keys.roomId);
    }
    expect([seen.enc.size, seen.auth.size, seen.room.size]).toEqual([200, 200, 200]);
  });

  it('CRYPTO-1 flipping one bit of the secret changes the encryption key, auth key and room id', () => {
    const secret = new Uint8Array(SIZE.SECRET).fill(0x5a);
    const base = deriveRoomKeys(secret);
    for (let bit = 0; bit < SIZE.SECRET * 8; bit += 31) {
      const flipped = secret.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const keys = deriveRoomKeys(flipped);
      expect(hex(keys.encryptionKey)).not.toBe(hex(base.encryptionKey));
      expect(hex(keys.authKeyPair.publicKey)).not.toBe(hex(base.authKeyPair.publicKey));
      expect(keys.roomId).not.toBe(base.roomId);
    }
  });

  it('CRYPTO-1 refuses a secret that is not exactly 32 bytes', () => {
    for (const length of [0, 16, 31, 33, 64]) expect(() => deriveRoomKeys(new Uint8Array(length))).toThrow(RangeError);
  });
});
