import { describe, expect, it } from 'vitest';
import { LABEL, SIZE } from './constants.ts';
import { buildAuthTranscript, normalizeRelayOrigin } from './authTranscript.ts';

const fill = (length: number, value: number): Uint8Array => new Uint8Array(length).fill(value);

describe('handshake transcript', () => {
  it('CRYPTO-7 lays out context ‖ 0 ‖ origin ‖ 0 ‖ roomId ‖ challenge ‖ subject, byte for byte', () => {
    const transcript = buildAuthTranscript({
      context: LABEL.SIGN_AUTH,
      relayOrigin: 'wss://r.example',
      roomId: fill(SIZE.ROOM_ID, 1),
      challenge: fill(SIZE.CHALLENGE, 2),
      subject: fill(SIZE.SESSION_ID, 3),
    });
    const expected = Buffer.concat([
      Buffer.from('seen/v1/relay-auth\0wss://r.example\0', 'utf8'),
      fill(SIZE.ROOM_ID, 1),
      fill(SIZE.CHALLENGE, 2),
      fill(SIZE.SESSION_ID, 3),
    ]);
    expect(Buffer.from(transcript).equals(expected)).toBe(true);
  });

  it('CRYPTO-7 the register and device transcripts differ even for the same fields (no cross-use)', () => {
    const common = { relayOrigin: 'wss://r.example', roomId: fill(SIZE.ROOM_ID, 1), challenge: fill(SIZE.CHALLENGE, 2), subject: fill(32, 3) };
    const register = buildAuthTranscript({ ...common, context: LABEL.SIGN_REGISTER });
    const device = buildAuthTranscript({ ...common, context: LABEL.SIGN_AUTH });
    expect(Buffer.from(register).equals(Buffer.from(device))).toBe(false);
  });

  it.each([
    ['wss://relay.example', 'wss://relay.example'],
    ['WSS://Relay.Example/v1', 'wss://relay.example'],
    ['wss://relay.example:443/v1?x=1#y', 'wss://relay.example'],
    ['ws://127.0.0.1:8080/v1', 'ws://127.0.0.1:8080'],
    ['ws://localhost:80', 'ws://localhost'],
  ])('CRYPTO-7 normalizes the signed relay origin %s to %s (scheme + host, default port dropped, no path)', (url, origin) => {
    expect(normalizeRelayOrigin(url)).toBe(origin);
  });
});
