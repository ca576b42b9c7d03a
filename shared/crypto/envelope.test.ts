import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { BASE_HEADER_LENGTH, ENVELOPE_TYPE, SIZE, SNAPSHOT_HEADER_LENGTH, encodeEnvelopeHeader, type EnvelopeType } from '../protocol/index.ts';
import { deriveRoomKeys } from './deriveRoomKeys.ts';
import { OPEN_ERROR, openEnvelope, sealEnvelope, type EnvelopeContent, type OpenErrorCode } from './envelope.ts';
import { PADDING_BUCKETS } from './padding.ts';

// Inner plaintext = header copy ‖ sentAt u64 ‖ devicePk 32 ‖ payloadLength u32 ‖ payload ‖ padding.
const INNER_FIXED = 8 + SIZE.PUBLIC_KEY + 4;
const room = deriveRoomKeys(new Uint8Array(SIZE.SECRET).fill(1));
const otherRoom = deriveRoomKeys(new Uint8Array(SIZE.SECRET).fill(2));
const openOptions = { encryptionKey: room.encryptionKey, roomId: room.roomIdBytes, epoch: 0 };

function content(overrides: Partial<EnvelopeContent> = {}): EnvelopeContent {
  return {
    type: ENVELOPE_TYPE.UPDATE,
    roomId: room.roomIdBytes,
    sessionId: new Uint8Array(SIZE.SESSION_ID).fill(0xab),
    seq: 5,
    epoch: 0,
    sentAt: 1_700_000_000_000,
    devicePublicKey: new Uint8Array(SIZE.PUBLIC_KEY).fill(0xcd),
    payload: new TextEncoder().encode('what I heard you say'),
    ...overrides,
  };
}

const headerLength = (type: EnvelopeType): number => (type === ENVELOPE_TYPE.SNAPSHOT ? SNAPSHOT_HEADER_LENGTH : BASE_HEADER_LENGTH);

function codeOf(bytes: Uint8Array, options = openOptions): OpenErrorCode | null {
  const opened = openEnvelope(bytes, options);
  return opened.ok ? null : opened.error;
}

function flipped(bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= mask;
  return copy;
}

/** Seals `inner` under the room key with a correct clear header: an authentic box with chosen contents. */
function sealRawInner(header: Uint8Array, inner: Uint8Array): Uint8Array {
  const nonce = nacl.randomBytes(SIZE.NONCE);
  return Uint8Array.from([...header, ...nonce, ...nacl.secretbox(inner, nonce, room.encryptionKey)]);
}

describe('envelope seal/open', () => {
  it('CRYPTO-2 round-trips every field, for every envelope type', () => {
    for (const type of [ENVELOPE_TYPE.UPDATE, ENVELOPE_TYPE.SNAPSHOT, ENVELOPE_TYPE.PRESENCE]) {
      const sealed = content({ type, coversRelaySeq: type === ENVELOPE_TYPE.SNAPSHOT ? 1234 : undefined, seq: 0xffffffff, sentAt: 2 ** 53 - 1 });
      const opened = openEnvelope(sealEnvelope(sealed, room.encryptionKey), openOptions);
      expect(opened.ok).toBe(true);
      if (!opened.ok) return;
      expect(opened.value.payload).toEqual(sealed.payload);
      expect(opened.value.sentAt).toBe(sealed.sentAt);
      expect(opened.value.devicePublicKey).toEqual(sealed.devicePublicKey);
      expect(opened.value.header).toMatchObject({ type, seq: 0xffffffff, epoch: 0, coversRelaySeq: type === ENVELOPE_TYPE.SNAPSHOT ? 1234 : 0 });
      expect(opened.value.header.sessionId).toEqual(sealed.sessionId);
      expect(opened.value.header.roomId).toEqual(room.roomIdBytes);
    }
  });

  it('CRYPTO-2 pads to the bucket at its edges (empty, 1 byte, exactly on a bucket, bucket + 1) and removes the padding', () => {
    for (const type of [ENVELOPE_TYPE.UPDATE, ENVELOPE_TYPE.SNAPSHOT]) {
      const overhead = headerLength(type) + INNER_FIXED;
      const cases: [payloadLength: number, innerLength: number][] = [
        [0, 128],
        [1, 128],
      ];
      // Snapshots share the padding code; their two smallest buckets prove the longer header is counted.
      const buckets = type === ENVELOPE_TYPE.SNAPSHOT ? PADDING_BUCKETS.slice(0, 2) : PADDING_BUCKETS;
      buckets.forEach((bucket, index) => {
        cases.push([bucket - overhead, bucket]);
        cases.push([bucket - overhead + 1, PADDING_BUCKETS[index + 1] ?? 2 * bucket]);
      });
      for (const [payloadLength, innerLength] of cases) {
        const payload = Uint8Array.from({ length: payloadLength }, (_, i) => (i * 31 + 7) & 0xff);
        const bytes = sealEnvelope(content({ type, payload, coversRelaySeq: 9 }), room.encryptionKey);
        // What the relay sees: header, nonce, and a box whose size is only the bucket.
        expect(bytes.length, `type ${type}, payload ${payloadLength}`).toBe(headerLength(type) + SIZE.NONCE + innerLength + SIZE.BOX_OVERHEAD);
        const opened = openEnvelope(bytes, openOptions);
        expect(opened.ok && opened.value.payload).toEqual(payload);
      }
    }
  });

  it('CRYPTO-2 payloads of different lengths in the same bucket give envelopes of the same size', () => {
    const sizes = new Set([0, 1, 20, 45].map((length) => sealEnvelope(content({ payload: new Uint8Array(length) }), room.encryptionKey).length));
    expect(sizes.size).toBe(1);
  });

  it('CRYPTO-3 tampering with each region is rejected with the code that names it', () => {
    const bytes = sealEnvelope(content(), room.encryptionKey);
    const seqAt = 2 + SIZE.ROOM_ID + SIZE.SESSION_ID;
    const regions: [what: string, index: number, code: OpenErrorCode][] = [
      ['version', 0, OPEN_ERROR.BAD_HEADER],
      ['room id (first byte)', 2, OPEN_ERROR.WRONG_ROOM],
      ['room id (last byte)', 2 + SIZE.ROOM_ID - 1, OPEN_ERROR.WRONG_ROOM],
      ['session id', 2 + SIZE.ROOM_ID, OPEN_ERROR.HEADER_MISMATCH],
      ['seq (high byte)', seqAt, OPEN_ERROR.HEADER_MISMATCH],
      ['seq (low byte)', seqAt + 3, OPEN_ERROR.HEADER_MISMATCH],
      ['epoch', BASE_HEADER_LENGTH - 1, OPEN_ERROR.WRONG_EPOCH],
      ['nonce (first byte)', BASE_HEADER_LENGTH, OPEN_ERROR.DECRYPT_FAILED],
      ['nonce (last byte)', BASE_HEADER_LENGTH + SIZE.NONCE - 1, OPEN_ERROR.DECRYPT_FAILED],
      ['box tag', BASE_HEADER_LENGTH + SIZE.NONCE, OPEN_ERROR.DECRYPT_FAILED],
      ['box body (last byte)', bytes.length - 1, OPEN_ERROR.DECRYPT_FAILED],
    ];
    for (const [what, index, code] of regions) expect(codeOf(flipped(bytes, index)), what).toBe(code);
  });

  it('CRYPTO-3 a rewritten type is rejected: update→presence by the header copy, update→snapshot by the box or header, unknown as bad header', () => {
    const bytes = sealEnvelope(content(), room.encryptionKey);
    const retyped = (type: number): Uint8Array => {
      const copy = bytes.slice();
      copy[1] = type;
      return copy;
    };
    expect(codeOf(retyped(ENVELOPE_TYPE.PRESENCE))).toBe(OPEN_ERROR.HEADER_MISMATCH);
    // A snapshot header is 8 bytes longer: the first nonce bytes are read as coverage (usually not a
    // safe integer: bad-header) and the box from the wrong place (decrypt-failed). The nonce is random.
    expect([OPEN_ERROR.BAD_HEADER, OPEN_ERROR.DECRYPT_FAILED]).toContain(codeOf(retyped(ENVELOPE_TYPE.SNAPSHOT)));
    expect(codeOf(retyped(4))).toBe(OPEN_ERROR.BAD_HEADER);
  });

  it("CRYPTO-3 a rewritten snapshot coverage is caught by the header copy (a relay cannot widen a snapshot's claim)", () => {
    const bytes = sealEnvelope(content({ type: ENVELOPE_TYPE.SNAPSHOT, coversRelaySeq: 100 }), room.encryptionKey);
    expect(codeOf(flipped(bytes, SNAPSHOT_HEADER_LENGTH - 1))).toBe(OPEN_ERROR.HEADER_MISMATCH);
  });

  it('CRYPTO-3 flipping any single byte of an envelope is rejected, never opened', () => {
    const bytes = sealEnvelope(content({ type: ENVELOPE_TYPE.SNAPSHOT, coversRelaySeq: 3 }), room.encryptionKey);
    for (let index = 0; index < bytes.length; index++) {
      for (const mask of [0x01, 0x80]) expect(codeOf(flipped(bytes, index, mask)), `byte ${index} ^ ${mask}`).not.toBeNull();
    }
  });

  it('CRYPTO-3 a truncated or extended envelope is rejected', () => {
    const bytes = sealEnvelope(content(), room.encryptionKey);
    expect(codeOf(bytes.slice(0, -1))).toBe(OPEN_ERROR.DECRYPT_FAILED);
    expect(codeOf(Uint8Array.from([...bytes, 0]))).toBe(OPEN_ERROR.DECRYPT_FAILED);
    expect(codeOf(bytes.slice(0, BASE_HEADER_LENGTH + SIZE.NONCE + SIZE.BOX_OVERHEAD - 1))).toBe(OPEN_ERROR.BAD_HEADER);
  });

  it('CRYPTO-3 an authentic box whose inner structure lies is bad-inner, not a throw', () => {
    const header = encodeEnvelopeHeader({ type: ENVELOPE_TYPE.UPDATE, roomId: room.roomIdBytes, sessionId: new Uint8Array(SIZE.SESSION_ID), seq: 1, epoch: 0, coversRelaySeq: 0 });
    // Too short to hold the fixed inner fields.
    expect(codeOf(sealRawInner(header, header))).toBe(OPEN_ERROR.BAD_INNER);
    // A payload length beyond the plaintext.
    const inner = new Uint8Array(256);
    inner.set(header);
    new DataView(inner.buffer).setUint32(header.length + 8 + SIZE.PUBLIC_KEY, 256);
    expect(codeOf(sealRawInner(header, inner))).toBe(OPEN_ERROR.BAD_INNER);
    // A sentAt that does not fit a safe integer.
    const lateInner = new Uint8Array(256);
    lateInner.set(header);
    new DataView(lateInner.buffer).setUint32(header.length, 0xffffffff);
    expect(codeOf(sealRawInner(header, lateInner))).toBe(OPEN_ERROR.BAD_INNER);
    // The same inner with a sane length opens: the checks above are the only reason for refusal.
    new DataView(inner.buffer).setUint32(header.length + 8 + SIZE.PUBLIC_KEY, 256 - header.length - INNER_FIXED);
    expect(codeOf(sealRawInner(header, inner))).toBeNull();
  });

  it('CRYPTO-4 an envelope sealed for another epoch is wrong-epoch', () => {
    const bytes = sealEnvelope(content({ epoch: 1 }), room.encryptionKey);
    expect(codeOf(bytes)).toBe(OPEN_ERROR.WRONG_EPOCH);
    expect(codeOf(bytes, { ...openOptions, epoch: 1 })).toBeNull();
  });

  it('CRYPTO-4 an envelope spliced in from another room is rejected however its header is dressed', () => {
    const foreign = sealEnvelope(content({ roomId: otherRoom.roomIdBytes }), otherRoom.encryptionKey);
    // As is: names the other room.
    expect(codeOf(foreign)).toBe(OPEN_ERROR.WRONG_ROOM);
    // Relabelled with this room's id: the box is under another key.
    const relabelled = foreign.slice();
    relabelled.set(room.roomIdBytes, 2);
    expect(codeOf(relabelled)).toBe(OPEN_ERROR.DECRYPT_FAILED);
    // Even if the keys matched, the sealed header copy still names the original room.
    expect(codeOf(relabelled, { ...openOptions, encryptionKey: otherRoom.encryptionKey })).toBe(OPEN_ERROR.HEADER_MISMATCH);
  });

  it('CRYPTO-4 the wrong key is decrypt-failed', () => {
    const bytes = sealEnvelope(content(), room.encryptionKey);
    expect(codeOf(bytes, { ...openOptions, encryptionKey: otherRoom.encryptionKey })).toBe(OPEN_ERROR.DECRYPT_FAILED);
    expect(codeOf(bytes, { ...openOptions, encryptionKey: new Uint8Array(32) })).toBe(OPEN_ERROR.DECRYPT_FAILED);
  });

  it('CRYPTO-5 100,000 sealed envelopes carry 100,000 distinct nonces', () => {
    const nonces = new Set<string>();
    const envelope = content({ payload: new Uint8Array(0) });
    for (let i = 0; i < 100_000; i++) {
      const bytes = sealEnvelope(envelope, room.encryptionKey);
      nonces.add(Buffer.from(bytes.buffer, bytes.byteOffset + BASE_HEADER_LENGTH, SIZE.NONCE).toString('hex'));
    }
    expect(nonces.size).toBe(100_000);
  });

  it('PROTO-2 openEnvelope never throws on random bytes or on mutated real envelopes', () => {
    const real = [ENVELOPE_TYPE.UPDATE, ENVELOPE_TYPE.SNAPSHOT, ENVELOPE_TYPE.PRESENCE].map((type) =>
      sealEnvelope(content({ type, coversRelaySeq: 7 }), room.encryptionKey),
    );
    const mutated = fc
      .tuple(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat())
      .map(([bytes, edits, cut]) => {
        const copy = bytes.slice(0, bytes.length - (cut % 3 === 0 ? cut % bytes.length : 0));
        for (const [index, mask] of edits) if (copy.length > 0) copy[index % copy.length]! ^= mask;
        return copy;
      });
    const withRoomHeader = fc.uint8Array({ minLength: 0, maxLength: 400 }).map((tail) => Uint8Array.from([1, 1, ...room.roomIdBytes, ...tail]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated, withRoomHeader), (bytes) => {
        const opened = openEnvelope(bytes, openOptions);
        expect(opened.ok).toBe(false);
      }),
      { seed: 6001, numRuns: 5_000 },
    );
  });
});
