import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LABEL, SIZE, buildAuthTranscript } from '@seen/shared/protocol';
import { computeRoomId, deriveRoomKeys, generateDeviceKeyPair, randomBytes, signHandshake } from '@seen/shared/crypto';
import { computeRoomIdBytes, verifyEd25519 } from '../src/relay/verifyEd25519.ts';

// Cross-implementation checks: the client signs and hashes with tweetnacl, the relay verifies and
// recomputes with node:crypto. Lives in server/test because server/src may not import a decrypting
// module (eslint layer rule); the relay itself never does.

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

interface Handshake {
  readonly relayOrigin: string;
  readonly roomId: Uint8Array;
  readonly challenge: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly authPublicKey: Uint8Array;
  readonly devicePublicKey: Uint8Array;
}

/** Exactly what Relay.authenticate checks, for one set of fields. */
function relayAccepts(fields: Handshake, signatures: { roomSignature: Uint8Array; deviceSignature: Uint8Array }): { room: boolean; device: boolean } {
  const common = { relayOrigin: fields.relayOrigin, roomId: fields.roomId, challenge: fields.challenge };
  return {
    room: verifyEd25519(fields.authPublicKey, buildAuthTranscript({ ...common, context: LABEL.SIGN_REGISTER, subject: fields.devicePublicKey }), signatures.roomSignature),
    device: verifyEd25519(fields.devicePublicKey, buildAuthTranscript({ ...common, context: LABEL.SIGN_AUTH, subject: fields.sessionId }), signatures.deviceSignature),
  };
}

const keys = deriveRoomKeys(new Uint8Array(SIZE.SECRET).fill(3));
const device = generateDeviceKeyPair();
const signed: Handshake = {
  relayOrigin: 'wss://relay.example',
  roomId: keys.roomIdBytes,
  challenge: new Uint8Array(SIZE.CHALLENGE).fill(0x42),
  sessionId: new Uint8Array(SIZE.SESSION_ID).fill(0x17),
  authPublicKey: keys.authKeyPair.publicKey,
  devicePublicKey: device.publicKey,
};
const signatures = signHandshake({
  relayOrigin: signed.relayOrigin,
  roomId: signed.roomId,
  challenge: signed.challenge,
  sessionId: signed.sessionId,
  authSecretKey: keys.authKeyPair.secretKey,
  device,
});

describe('handshake signatures: tweetnacl signs, node:crypto verifies', () => {
  it('CRYPTO-7 both signatures verify for exactly the transcript they were made for', () => {
    expect(relayAccepts(signed, signatures)).toEqual({ room: true, device: true });
  });

  it.each<[string, Partial<Handshake>, { room: boolean; device: boolean }]>([
    ['another relay origin', { relayOrigin: 'wss://evil.example' }, { room: false, device: false }],
    ['an origin differing only in a trailing slash', { relayOrigin: 'wss://relay.example/' }, { room: false, device: false }],
    ['another room', { roomId: deriveRoomKeys(new Uint8Array(SIZE.SECRET).fill(4)).roomIdBytes }, { room: false, device: false }],
    ['another challenge (a replay)', { challenge: new Uint8Array(SIZE.CHALLENGE).fill(0x43) }, { room: false, device: false }],
    ['another session', { sessionId: new Uint8Array(SIZE.SESSION_ID).fill(0x18) }, { room: true, device: false }],
    ['another device key', { devicePublicKey: generateDeviceKeyPair().publicKey }, { room: false, device: false }],
    ['another room auth key', { authPublicKey: deriveRoomKeys(new Uint8Array(SIZE.SECRET).fill(5)).authKeyPair.publicKey }, { room: false, device: true }],
  ])('CRYPTO-7 the relay refuses a handshake presented with %s', (_what, change, expected) => {
    expect(relayAccepts({ ...signed, ...change }, signatures)).toEqual(expected);
  });

  it('CRYPTO-7 a room signature is not accepted as a device signature, nor the reverse (contexts differ)', () => {
    const swapped = { roomSignature: signatures.deviceSignature, deviceSignature: signatures.roomSignature };
    expect(relayAccepts(signed, swapped)).toEqual({ room: false, device: false });
    // Even when the subjects are made to coincide, the context label keeps the two apart.
    const sameSubject = { ...signed, sessionId: signed.devicePublicKey.slice(0, SIZE.SESSION_ID) };
    expect(verifyEd25519(signed.devicePublicKey, buildAuthTranscript({ ...sameSubject, context: LABEL.SIGN_REGISTER, subject: sameSubject.sessionId }), signatures.deviceSignature)).toBe(false);
  });

  it('CRYPTO-7 for random handshakes, changing any one field invalidates a signature', () => {
    const field = fc.constantFrom('relayOrigin', 'roomId', 'challenge', 'sessionId', 'devicePublicKey');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.webUrl({ withQueryParameters: false, withFragments: false }), field, (secret, url, changed) => {
        const roomKeys = deriveRoomKeys(secret);
        const deviceKeys = generateDeviceKeyPair();
        const fields: Handshake = {
          relayOrigin: url,
          roomId: roomKeys.roomIdBytes,
          challenge: randomBytes(SIZE.CHALLENGE),
          sessionId: randomBytes(SIZE.SESSION_ID),
          authPublicKey: roomKeys.authKeyPair.publicKey,
          devicePublicKey: deviceKeys.publicKey,
        };
        const made = signHandshake({ ...fields, authSecretKey: roomKeys.authKeyPair.secretKey, device: deviceKeys });
        expect(relayAccepts(fields, made)).toEqual({ room: true, device: true });
        const altered = { ...fields, [changed]: changed === 'relayOrigin' ? `${url}x` : randomBytes(fields[changed].length) };
        const verdict = relayAccepts(altered, made);
        expect(verdict.room && verdict.device).toBe(false);
      }),
      { seed: 7002, numRuns: 60 },
    );
  });

  it("CRYPTO-1 the relay's node:crypto room id equals the client's tweetnacl room id (roomId == H(authPk))", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secret) => {
        const roomKeys = deriveRoomKeys(secret);
        expect(hex(computeRoomIdBytes(roomKeys.authKeyPair.publicKey))).toBe(hex(roomKeys.roomIdBytes));
      }),
      { seed: 7003, numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (anyKey) => {
        expect(hex(computeRoomIdBytes(anyKey))).toBe(hex(computeRoomId(anyKey)));
      }),
      { seed: 7004, numRuns: 500 },
    );
  });
});
