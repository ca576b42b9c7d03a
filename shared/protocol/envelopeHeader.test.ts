import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENVELOPE_TYPE, PROTOCOL_VERSION, SIZE, type EnvelopeType } from './constants.ts';
import { MAX_SAFE_U64 } from './bytes.ts';
import {
  BASE_HEADER_LENGTH,
  ENVELOPE_ERROR,
  SNAPSHOT_HEADER_LENGTH,
  encodeEnvelopeHeader,
  headerLengthOf,
  parseEnvelopeHeader,
  type EnvelopeHeader,
} from './envelopeHeader.ts';

/** The smallest body a header may be followed by: a nonce and an empty secretbox (its tag). */
const MIN_BODY = SIZE.NONCE + SIZE.BOX_OVERHEAD;
const bytesOf = (length: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: length, maxLength: length });
const envelopeType = fc.constantFrom<EnvelopeType>(ENVELOPE_TYPE.UPDATE, ENVELOPE_TYPE.SNAPSHOT, ENVELOPE_TYPE.PRESENCE);

const withBody = (header: Uint8Array, body = MIN_BODY): Uint8Array => {
  const out = new Uint8Array(header.length + body);
  out.set(header);
  return out;
};

const sampleHeader = (type: EnvelopeType): Omit<EnvelopeHeader, 'version'> => ({
  type,
  roomId: new Uint8Array(SIZE.ROOM_ID).fill(1),
  sessionId: new Uint8Array(SIZE.SESSION_ID).fill(2),
  seq: 7,
  epoch: 0,
  coversRelaySeq: type === ENVELOPE_TYPE.SNAPSHOT ? 42 : 0,
});

const errorOf = (bytes: Uint8Array): string | null => {
  const parsed = parseEnvelopeHeader(bytes);
  return parsed.ok ? null : parsed.error;
};

describe('envelope header', () => {
  it('PROTO-1 round-trips every field of every envelope type (coverage only for snapshots)', () => {
    fc.assert(
      fc.property(
        envelopeType,
        bytesOf(SIZE.ROOM_ID),
        bytesOf(SIZE.SESSION_ID),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: MAX_SAFE_U64 }),
        (type, roomId, sessionId, seq, epoch, covers) => {
          const coversRelaySeq = type === ENVELOPE_TYPE.SNAPSHOT ? covers : 0;
          const header = encodeEnvelopeHeader({ type, roomId, sessionId, seq, epoch, coversRelaySeq });
          expect(header.length).toBe(headerLengthOf(type));
          expect(parseEnvelopeHeader(withBody(header))).toEqual({
            ok: true,
            value: { version: PROTOCOL_VERSION, type, roomId, sessionId, seq, epoch, coversRelaySeq },
          });
        },
      ),
      { seed: 2001, numRuns: 1_000 },
    );
  });

  it('PROTO-1 header lengths are 39 bytes, and 47 for snapshots (PROTOCOL.md "Envelope")', () => {
    expect(BASE_HEADER_LENGTH).toBe(39);
    expect(SNAPSHOT_HEADER_LENGTH).toBe(47);
  });

  it('PROTO-2 rejects an envelope one byte shorter than header + nonce + tag with envelope-too-short', () => {
    for (const type of [ENVELOPE_TYPE.UPDATE, ENVELOPE_TYPE.PRESENCE, ENVELOPE_TYPE.SNAPSHOT]) {
      const header = encodeEnvelopeHeader(sampleHeader(type));
      expect(errorOf(withBody(header))).toBeNull();
      expect(errorOf(withBody(header, MIN_BODY - 1))).toBe(ENVELOPE_ERROR.TOO_SHORT);
    }
    // A snapshot that would be long enough as an update is still too short for its coverage field.
    const snapshot = withBody(encodeEnvelopeHeader(sampleHeader(ENVELOPE_TYPE.SNAPSHOT)));
    expect(errorOf(snapshot.slice(0, BASE_HEADER_LENGTH + MIN_BODY))).toBe(ENVELOPE_ERROR.TOO_SHORT);
    expect(errorOf(new Uint8Array())).toBe(ENVELOPE_ERROR.TOO_SHORT);
  });

  it('PROTO-2 rejects an unknown version with envelope-bad-version and an unknown type with envelope-bad-type', () => {
    const bytes = withBody(encodeEnvelopeHeader(sampleHeader(ENVELOPE_TYPE.UPDATE)));
    for (const version of [0, PROTOCOL_VERSION + 1, 255]) {
      const copy = bytes.slice();
      copy[0] = version;
      expect(errorOf(copy)).toBe(ENVELOPE_ERROR.BAD_VERSION);
    }
    for (const type of [0, 4, 255]) {
      const copy = bytes.slice();
      copy[1] = type;
      expect(errorOf(copy)).toBe(ENVELOPE_ERROR.BAD_TYPE);
    }
  });

  it('PROTO-2 rejects snapshot coverage that does not fit a safe integer with envelope-bad-coverage', () => {
    const bytes = withBody(encodeEnvelopeHeader(sampleHeader(ENVELOPE_TYPE.SNAPSHOT)));
    const view = new DataView(bytes.buffer);
    view.setUint32(BASE_HEADER_LENGTH, 2 ** 21);
    view.setUint32(BASE_HEADER_LENGTH + 4, 0);
    expect(errorOf(bytes)).toBe(ENVELOPE_ERROR.BAD_COVERAGE);
  });

  it('PROTO-2 parseEnvelopeHeader never throws on random bytes', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ minLength: 0, maxLength: 120 }))
        .map(([type, rest]) => Uint8Array.of(PROTOCOL_VERSION, type, ...rest)),
    );
    fc.assert(
      fc.property(bytes, (input) => {
        const parsed = parseEnvelopeHeader(input);
        if (parsed.ok) expect(input.length).toBeGreaterThanOrEqual(headerLengthOf(parsed.value.type) + MIN_BODY);
      }),
      { seed: 2002, numRuns: 5_000 },
    );
  });
});
