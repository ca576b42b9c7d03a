import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUS_CODEC_VERSION, BusCodecError, decodeBusMessage, encodeBusMessage } from './busCodec.ts';
import type { BusMessage } from './RoomBus.ts';

const RELAY = 'relay-0123';
const roomIds = fc.string({ minLength: 1, maxLength: 64 }).filter((roomId) => new TextEncoder().encode(roomId).length <= 0xffff);
const seqs = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

const messages: fc.Arbitrary<BusMessage> = fc.oneof(
  fc.record({ kind: fc.constant('envelopes' as const), roomId: roomIds, fromRelaySeq: seqs, envelopes: fc.array(bytes(300), { maxLength: 6 }) }),
  fc
    .record({ kind: fc.constant('range' as const), roomId: roomIds, fromRelaySeq: seqs, length: fc.integer({ min: 0, max: 1_000_000 }) })
    .map(({ length, ...rest }) => ({ ...rest, toRelaySeq: Math.min(Number.MAX_SAFE_INTEGER, rest.fromRelaySeq + length) })),
  fc.record({ kind: fc.constant('presence' as const), roomId: roomIds, envelope: bytes(300) }),
  fc.record({ kind: fc.constant('sealed' as const), roomId: roomIds, deviceCount: fc.integer({ min: 0, max: 0xffff_ffff }) }),
  fc.record({ kind: fc.constant('deleted' as const), roomId: roomIds }),
  fc.record({ kind: fc.constant('device' as const), roomId: roomIds, devicePublicKey: bytes(64) }),
  fc.record({ kind: fc.constant('revoked' as const), roomId: roomIds, devicePublicKey: bytes(64) }),
);

/** Decoding either succeeds or throws BusCodecError: nothing else may escape into a relay. */
function decodeOrCodecError(input: Uint8Array): ReturnType<typeof decodeBusMessage> | BusCodecError {
  try {
    return decodeBusMessage(input);
  } catch (error) {
    if (error instanceof BusCodecError) return error;
    throw error;
  }
}

describe('bus codec', () => {
  it('BUS-3 every message round-trips with the relay id of its publisher', () => {
    fc.assert(
      fc.property(messages, (message) => {
        const encoded = encodeBusMessage(RELAY, message);
        expect(encoded[0]).toBe(BUS_CODEC_VERSION);
        expect(decodeBusMessage(encoded)).toEqual({ relayId: RELAY, message });
      }),
    );
  });

  it('BUS-4 random bytes, truncations and trailing bytes are refused with a BusCodecError, never another exception', () => {
    fc.assert(fc.property(bytes(200), (input) => void decodeOrCodecError(input)));
    fc.assert(
      fc.property(messages, fc.nat(), (message, cut) => {
        const encoded = encodeBusMessage(RELAY, message);
        const truncated = encoded.subarray(0, cut % encoded.length);
        expect(decodeOrCodecError(truncated)).toBeInstanceOf(BusCodecError);
        expect(decodeOrCodecError(new Uint8Array([...encoded, 0]))).toBeInstanceOf(BusCodecError);
      }),
    );
    fc.assert(
      fc.property(messages, fc.nat(), fc.integer({ min: 1, max: 255 }), (message, at, flip) => {
        const corrupted = encodeBusMessage(RELAY, message).slice();
        corrupted[at % corrupted.length]! ^= flip;
        void decodeOrCodecError(corrupted);
      }),
    );
  });

  it('BUS-4 a huge envelope count in a short message is refused before anything is allocated for it', () => {
    const encoded = encodeBusMessage(RELAY, { kind: 'envelopes', roomId: 'r', fromRelaySeq: 1, envelopes: [] });
    new DataView(encoded.buffer).setUint32(encoded.length - 4, 0xffff_ffff);
    expect(() => decodeBusMessage(encoded)).toThrow(/claims 4294967295 envelopes/);
  });

  it('BUS-4 sequence numbers beyond a safe integer, ranges that end before they start, and invalid UTF-8 are refused', () => {
    const range = encodeBusMessage(RELAY, { kind: 'range', roomId: 'r', fromRelaySeq: 5, toRelaySeq: 9 });
    const tooBig = range.slice();
    new DataView(tooBig.buffer).setBigUint64(tooBig.length - 8, 2n ** 60n);
    expect(() => decodeBusMessage(tooBig)).toThrow(BusCodecError);
    const backwards = range.slice();
    new DataView(backwards.buffer).setBigUint64(backwards.length - 8, 4n);
    expect(() => decodeBusMessage(backwards)).toThrow(/ends before it starts/);
    const badRoom = encodeBusMessage(RELAY, { kind: 'deleted', roomId: 'r' });
    badRoom[badRoom.length - 1] = 0xff;
    expect(() => decodeBusMessage(badRoom)).toThrow(/UTF-8/);
  });

  it('BUS-3 a message the codec cannot carry is refused at the publisher with a sentence', () => {
    expect(() => encodeBusMessage(RELAY, { kind: 'range', roomId: 'r', fromRelaySeq: -1, toRelaySeq: 2 })).toThrow(/fromRelaySeq must be a non-negative safe integer/);
    expect(() => encodeBusMessage('', { kind: 'deleted', roomId: 'r' })).toThrow(/relay id/);
    expect(() => encodeBusMessage(RELAY, { kind: 'deleted', roomId: '' })).toThrow(/room id/);
  });
});
