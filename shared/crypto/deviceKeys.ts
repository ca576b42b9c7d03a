import nacl from 'tweetnacl';
import { LABEL, buildAuthTranscript } from '../protocol/index.ts';

export type DeviceKeyPair = nacl.SignKeyPair;

/** A per-device Ed25519 key: registered with the relay so a sealed room can refuse other devices. */
export function generateDeviceKeyPair(): DeviceKeyPair {
  return nacl.sign.keyPair();
}

export function restoreDeviceKeyPair(secretKey: Uint8Array): DeviceKeyPair {
  return nacl.sign.keyPair.fromSecretKey(secretKey);
}

/**
 * The two handshake signatures (PROTOCOL.md "Handshake"). tweetnacl signs in ~3 ms, so this runs
 * once per connection, never per envelope.
 */
export function signHandshake(options: {
  relayOrigin: string;
  roomId: Uint8Array;
  challenge: Uint8Array;
  sessionId: Uint8Array;
  authSecretKey: Uint8Array;
  device: DeviceKeyPair;
}): { roomSignature: Uint8Array; deviceSignature: Uint8Array } {
  const common = { relayOrigin: options.relayOrigin, roomId: options.roomId, challenge: options.challenge };
  const roomSignature = nacl.sign.detached(
    buildAuthTranscript({ ...common, context: LABEL.SIGN_REGISTER, subject: options.device.publicKey }),
    options.authSecretKey,
  );
  const deviceSignature = nacl.sign.detached(
    buildAuthTranscript({ ...common, context: LABEL.SIGN_AUTH, subject: options.sessionId }),
    options.device.secretKey,
  );
  return { roomSignature, deviceSignature };
}

export function randomBytes(length: number): Uint8Array {
  return nacl.randomBytes(length);
}
