import fc from 'fast-check';
import nacl from 'tweetnacl';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIZE } from '../protocol/index.ts';
import { deriveRoomKeys, deriveRoomKeysAsync } from './deriveRoomKeys.ts';
import { generateDeviceKeyPair, signHandshake, signHandshakeAsync } from './deviceKeys.ts';

// Node 20's WebCrypto has Ed25519, so these run the WebCrypto path against tweetnacl. A module
// loaded with crypto.subtle removed runs the fallback.

const secretArb = fc.uint8Array({ minLength: SIZE.SECRET, maxLength: SIZE.SECRET });

describe('WebCrypto Ed25519 path', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('CRYPTO-8: deriveRoomKeysAsync gives exactly deriveRoomKeys’s keys, key pair and room id', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, async (secret) => {
        const fast = await deriveRoomKeysAsync(secret);
        const reference = deriveRoomKeys(secret);
        expect(fast.encryptionKey).toEqual(reference.encryptionKey);
        expect(fast.authKeyPair.publicKey).toEqual(reference.authKeyPair.publicKey);
        expect(fast.authKeyPair.secretKey).toEqual(reference.authKeyPair.secretKey);
        expect(fast.roomIdBytes).toEqual(reference.roomIdBytes);
        expect(fast.roomId).toBe(reference.roomId);
      }),
      { seed: 8001, numRuns: 20 },
    );
  });

  it('CRYPTO-8: signHandshakeAsync makes tweetnacl’s signatures byte for byte, and they verify', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), async (secret, challenge, sessionId) => {
        const keys = deriveRoomKeys(secret);
        const device = generateDeviceKeyPair();
        const input = { relayOrigin: 'wss://seen.example', roomId: keys.roomIdBytes, challenge, sessionId, authSecretKey: keys.authKeyPair.secretKey, device };
        const fast = await signHandshakeAsync(input);
        const reference = signHandshake(input);
        expect(fast.roomSignature).toEqual(reference.roomSignature);
        expect(fast.deviceSignature).toEqual(reference.deviceSignature);
        expect(fast.roomSignature).toHaveLength(nacl.sign.signatureLength);
      }),
      { seed: 8002, numRuns: 15 },
    );
  });

  it('CRYPTO-8: without crypto.subtle (an insecure context) the same keys and signatures come from tweetnacl', async () => {
    vi.stubGlobal('crypto', {});
    vi.resetModules();
    const derive = await import('./deriveRoomKeys.ts');
    const deviceKeys = await import('./deviceKeys.ts');
    const secret = new Uint8Array(SIZE.SECRET).fill(7);
    const keys = await derive.deriveRoomKeysAsync(secret);
    expect(keys.roomId).toBe(deriveRoomKeys(secret).roomId);
    const device = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(9));
    const input = { relayOrigin: 'wss://seen.example', roomId: keys.roomIdBytes, challenge: new Uint8Array(32), sessionId: new Uint8Array(16), authSecretKey: keys.authKeyPair.secretKey, device };
    expect(await deviceKeys.signHandshakeAsync(input)).toEqual(signHandshake(input));
  });

  it('CRYPTO-8: ed25519VerifyDetached agrees with tweetnacl: a good signature verifies, a changed byte of message, signature or key does not', async () => {
    const { ed25519VerifyDetached } = await import('./webCryptoEd25519.ts');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.nat(), async (message, flip) => {
        const device = generateDeviceKeyPair();
        const signature = nacl.sign.detached(message, device.secretKey);
        expect(await ed25519VerifyDetached(message, signature, device.publicKey)).toBe(true);
        const badSignature = signature.slice();
        badSignature[flip % badSignature.length]! ^= 1;
        expect(await ed25519VerifyDetached(message, badSignature, device.publicKey)).toBe(nacl.sign.detached.verify(message, badSignature, device.publicKey));
        expect(await ed25519VerifyDetached(message, signature, generateDeviceKeyPair().publicKey)).toBe(false);
        if (message.length > 0) {
          const badMessage = message.slice();
          badMessage[flip % badMessage.length]! ^= 1;
          expect(await ed25519VerifyDetached(badMessage, signature, device.publicKey)).toBe(false);
        }
      }),
      { seed: 8003, numRuns: 15 },
    );
  });
});
