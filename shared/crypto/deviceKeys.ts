import nacl from 'tweetnacl';
import { LABEL, buildAuthTranscript } from '../protocol/index.ts';
import { ed25519SignDetached } from './webCryptoEd25519.ts';

export type DeviceKeyPair = nacl.SignKeyPair;

/** A per-device Ed25519 key: registered with the relay so a sealed room can refuse other devices. */
export function generateDeviceKeyPair(): DeviceKeyPair {
  return nacl.sign.keyPair();
}

export function restoreDeviceKeyPair(secretKey: Uint8Array): DeviceKeyPair {
  return nacl.sign.keyPair.fromSecretKey(secretKey);
}

/** What the two handshake signatures (PROTOCOL.md "Handshake") cover and who signs them. */
export interface HandshakeSigningInput {
  readonly relayOrigin: string;
  readonly roomId: Uint8Array;
  readonly challenge: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly authSecretKey: Uint8Array;
  readonly device: DeviceKeyPair;
}

export interface HandshakeSignatures {
  readonly roomSignature: Uint8Array;
  readonly deviceSignature: Uint8Array;
}

/** Makes the handshake signatures, now or later (signHandshake and signHandshakeAsync are both one). */
export type HandshakeSigner = (input: HandshakeSigningInput) => HandshakeSignatures | Promise<HandshakeSignatures>;

function handshakeTranscripts(options: HandshakeSigningInput): { room: Uint8Array; device: Uint8Array } {
  const common = { relayOrigin: options.relayOrigin, roomId: options.roomId, challenge: options.challenge };
  return {
    room: buildAuthTranscript({ ...common, context: LABEL.SIGN_REGISTER, subject: options.device.publicKey }),
    device: buildAuthTranscript({ ...common, context: LABEL.SIGN_AUTH, subject: options.sessionId }),
  };
}

/**
 * The two handshake signatures with tweetnacl. It signs in ~3 ms once warm, so this runs once per
 * connection, never per envelope.
 */
export function signHandshake(options: HandshakeSigningInput): HandshakeSignatures {
  const transcripts = handshakeTranscripts(options);
  return {
    roomSignature: nacl.sign.detached(transcripts.room, options.authSecretKey),
    deviceSignature: nacl.sign.detached(transcripts.device, options.device.secretKey),
  };
}

/**
 * signHandshake through WebCrypto where the platform has Ed25519: the same signatures (Ed25519 is
 * deterministic) without tweetnacl's cold start on the main thread while a room opens.
 */
export async function signHandshakeAsync(options: HandshakeSigningInput): Promise<HandshakeSignatures> {
  const transcripts = handshakeTranscripts(options);
  const [roomSignature, deviceSignature] = await Promise.all([
    ed25519SignDetached(transcripts.room, options.authSecretKey),
    ed25519SignDetached(transcripts.device, options.device.secretKey),
  ]);
  return { roomSignature, deviceSignature };
}

export function randomBytes(length: number): Uint8Array {
  return nacl.randomBytes(length);
}
