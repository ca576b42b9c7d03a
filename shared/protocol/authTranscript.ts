import type { LABEL } from './constants.ts';
import { concatBytes, utf8Encoder } from './bytes.ts';

/**
 * The bytes a client signs during the handshake (PROTOCOL.md "Handshake"):
 *   utf8(context) ‖ 0x00 ‖ utf8(relayOrigin) ‖ 0x00 ‖ roomId ‖ challenge ‖ subject
 * Binding the relay origin defeats replay to another relay; the single-use challenge defeats replay
 * to this one; `subject` is the device key (room signature) or the session id (device signature).
 */
export function buildAuthTranscript(options: {
  context: typeof LABEL.SIGN_REGISTER | typeof LABEL.SIGN_AUTH;
  relayOrigin: string;
  roomId: Uint8Array;
  challenge: Uint8Array;
  subject: Uint8Array;
}): Uint8Array {
  const zero = new Uint8Array([0]);
  return concatBytes([
    utf8Encoder.encode(options.context),
    zero,
    utf8Encoder.encode(options.relayOrigin),
    zero,
    options.roomId,
    options.challenge,
    options.subject,
  ]);
}

/** The origin string both sides sign: scheme + host (+ port), lower-case, no path. */
export function normalizeRelayOrigin(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`.toLowerCase();
}
