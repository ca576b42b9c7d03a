import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ESCROW_KIND, ESCROW_SIZE, FRAME, MAX_PUSH_ENDPOINT_BYTES, PROTOCOL_VERSION, PUSH_KEY_SIZE, PUSH_STATUS, SIZE } from './constants.ts';
import { MAX_SAFE_U64, utf8Encoder } from './bytes.ts';
import {
  AUTH_FRAME_LENGTH,
  FRAME_ERROR,
  encodeAckFrame,
  encodeAuthFrame,
  encodeBacklogEndFrame,
  encodeDeleteRoomFrame,
  encodeEnvFrame,
  encodeEphFrame,
  encodeEphemeralFrame,
  encodeErrorFrame,
  encodeHeartbeatFrame,
  encodeEscrowDepositBody,
  encodeEscrowDepositFrame,
  encodeEscrowNoticeFrame,
  encodeEscrowReadFrame,
  encodeRevokeDeviceFrame,
  encodeAdmitTicketFrame,
  encodeEscrowReleasesFrame,
  encodeHelloFrame,
  encodeNudgeFrame,
  encodePushStatusFrame,
  encodePushSubscribeFrame,
  encodePushUnsubscribeFrame,
  encodePutFrame,
  encodeReadyFrame,
  encodeRoomStateFrame,
  encodeSealFrame,
  parseClientFrame,
  parseRelayFrame,
  type FrameError,
  type RelayFrame,
} from './frames.ts';
import type { Result } from './result.ts';

const bytesOf = (length: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: length, maxLength: length });
const u64 = fc.oneof(fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 32, MAX_SAFE_U64), fc.integer({ min: 0, max: MAX_SAFE_U64 }));
const u32 = fc.oneof(fc.constantFrom(0, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
const envelopeBytes = fc.uint8Array({ maxLength: 300 });
/** Origins the relay could present: any text whose UTF-8 fits the 512-byte field. */
const origin = fc.oneof(
  fc.constantFrom('ws://127.0.0.1:8080', 'wss://relay.example', ''),
  fc.string({ unit: 'grapheme', maxLength: 60 }).filter((text) => utf8Encoder.encode(text).length <= 512),
);
const RUNS = { numRuns: 500 };

/** Overwrites the big-endian u64 at `offset` with 2^53, the first value a JS number cannot hold exactly. */
function withUnsafeU64(frame: Uint8Array, offset: number): Uint8Array {
  const copy = frame.slice();
  const view = new DataView(copy.buffer);
  view.setUint32(offset, 2 ** 21);
  view.setUint32(offset + 4, 0);
  return copy;
}

const grow = (frame: Uint8Array): Uint8Array => Uint8Array.from([...frame, 0]);
const shrink = (frame: Uint8Array): Uint8Array => frame.slice(0, -1);
const errorOf = <T>(result: Result<T, FrameError>): FrameError | null => (result.ok ? null : result.error);

describe('client frames', () => {
  it('PROTO-1 AUTH round-trips every field, including the largest safe relaySeq', () => {
    fc.assert(
      fc.property(
        fc.record({
          roomId: bytesOf(SIZE.ROOM_ID),
          authPublicKey: bytesOf(SIZE.PUBLIC_KEY),
          devicePublicKey: bytesOf(SIZE.PUBLIC_KEY),
          sessionId: bytesOf(SIZE.SESSION_ID),
          fromRelaySeq: u64,
          roomSignature: bytesOf(SIZE.SIGNATURE),
          deviceSignature: bytesOf(SIZE.SIGNATURE),
        }),
        (fields) => {
          const bytes = encodeAuthFrame(fields);
          expect(bytes.length).toBe(AUTH_FRAME_LENGTH);
          expect(parseClientFrame(bytes)).toEqual({ ok: true, value: { kind: FRAME.AUTH, version: PROTOCOL_VERSION, ...fields, admissionTicket: null } });
        },
      ),
      { seed: 1001, ...RUNS },
    );
  });

  it('PROTO-1 PUT and EPHEMERAL carry any envelope bytes unchanged (empty included)', () => {
    fc.assert(
      fc.property(envelopeBytes, (envelope) => {
        expect(parseClientFrame(encodePutFrame(envelope))).toEqual({ ok: true, value: { kind: FRAME.PUT, envelope } });
        expect(parseClientFrame(encodeEphemeralFrame(envelope))).toEqual({ ok: true, value: { kind: FRAME.EPHEMERAL, envelope } });
      }),
      { seed: 1002, ...RUNS },
    );
  });

  it('PROTO-1 SEAL and DELETE_ROOM round-trip', () => {
    expect(parseClientFrame(encodeSealFrame())).toEqual({ ok: true, value: { kind: FRAME.SEAL } });
    expect(parseClientFrame(encodeDeleteRoomFrame())).toEqual({ ok: true, value: { kind: FRAME.DELETE_ROOM } });
  });

  it('PROTO-1 PUSH_SUBSCRIBE round-trips keys and endpoint; PUSH_UNSUBSCRIBE and NUDGE are the type byte alone', () => {
    const subscription = {
      p256dh: Uint8Array.from({ length: PUSH_KEY_SIZE.P256DH }, (_, index) => index),
      auth: Uint8Array.from({ length: PUSH_KEY_SIZE.AUTH }, (_, index) => 200 + index),
      endpoint: 'https://fcm.googleapis.com/fcm/send/abc:é',
    };
    expect(parseClientFrame(encodePushSubscribeFrame(subscription))).toEqual({ ok: true, value: { kind: FRAME.PUSH_SUBSCRIBE, ...subscription } });
    expect(parseClientFrame(encodePushUnsubscribeFrame())).toEqual({ ok: true, value: { kind: FRAME.PUSH_UNSUBSCRIBE } });
    expect(parseClientFrame(encodeNudgeFrame())).toEqual({ ok: true, value: { kind: FRAME.NUDGE } });
  });

  it('PROTO-2 rejects a PUSH_SUBSCRIBE whose endpoint length disagrees, is over the limit, or is not UTF-8', () => {
    const keys = { p256dh: new Uint8Array(PUSH_KEY_SIZE.P256DH), auth: new Uint8Array(PUSH_KEY_SIZE.AUTH) };
    const frame = encodePushSubscribeFrame({ ...keys, endpoint: 'https://push.example/x' });
    expect(errorOf(parseClientFrame(grow(frame)))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(shrink(frame)))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(frame.slice(0, 10)))).toBe(FRAME_ERROR.BAD_LENGTH);
    const tooLong = encodePushSubscribeFrame({ ...keys, endpoint: 'x'.repeat(MAX_PUSH_ENDPOINT_BYTES + 1) });
    expect(errorOf(parseClientFrame(tooLong))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(encodePushSubscribeFrame({ ...keys, endpoint: 'x'.repeat(MAX_PUSH_ENDPOINT_BYTES) })))).toBeNull();
    const notUtf8 = frame.slice();
    notUtf8[notUtf8.length - 1] = 0xff;
    expect(errorOf(parseClientFrame(notUtf8))).toBe(FRAME_ERROR.BAD_TEXT);
    for (const bare of [encodePushUnsubscribeFrame(), encodeNudgeFrame()]) expect(errorOf(parseClientFrame(grow(bare)))).toBe(FRAME_ERROR.BAD_LENGTH);
  });

  it('PROTO-1 ESCROW_DEPOSIT round-trips slot, kind, lifetime, record, boxes and signature, and names the signed bytes; ESCROW_READ round-trips its slot', () => {
    const deposit = {
      slotTag: new Uint8Array(ESCROW_SIZE.SLOT_TAG).fill(9),
      depositKind: ESCROW_KIND.ANSWER,
      lifetimeDays: 60,
      record: Uint8Array.of(1, 2, 3),
      boxes: [
        { recipient: new Uint8Array(32).fill(1), box: new Uint8Array(72).fill(2) },
        { recipient: new Uint8Array(32).fill(3), box: new Uint8Array(0) },
      ],
    };
    const body = encodeEscrowDepositBody(deposit);
    const signature = new Uint8Array(SIZE.SIGNATURE).fill(7);
    expect(parseClientFrame(encodeEscrowDepositFrame(body, signature))).toEqual({ ok: true, value: { kind: FRAME.ESCROW_DEPOSIT, ...deposit, signature, signedBody: body } });
    const decline = encodeEscrowDepositBody({ ...deposit, depositKind: ESCROW_KIND.DECLINE, boxes: [] });
    expect(parseClientFrame(encodeEscrowDepositFrame(decline, signature)).ok).toBe(true);
    expect(parseClientFrame(encodeEscrowReadFrame(deposit.slotTag))).toEqual({ ok: true, value: { kind: FRAME.ESCROW_READ, slotTag: deposit.slotTag } });
  });

  it('PROTO-2 rejects an ESCROW_DEPOSIT whose lists run past the end or stop short, that is over a limit, or names an unknown kind or lifetime', () => {
    const base = { slotTag: new Uint8Array(16), depositKind: ESCROW_KIND.ANSWER as number, lifetimeDays: 60, record: Uint8Array.of(1), boxes: [{ recipient: new Uint8Array(32), box: Uint8Array.of(5) }] };
    const signature = new Uint8Array(SIZE.SIGNATURE);
    const frame = (fields: typeof base): Uint8Array => encodeEscrowDepositFrame(encodeEscrowDepositBody(fields), signature);
    expect(errorOf(parseClientFrame(frame(base)))).toBeNull();
    expect(errorOf(parseClientFrame(grow(frame(base))))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(shrink(frame(base))))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(Uint8Array.of(FRAME.ESCROW_DEPOSIT, 1, 2)))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(frame({ ...base, record: new Uint8Array(ESCROW_SIZE.MAX_RECORD + 1) })))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(frame({ ...base, boxes: Array.from({ length: ESCROW_SIZE.MAX_BOXES + 1 }, () => base.boxes[0]!) })))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(frame({ ...base, boxes: [{ recipient: new Uint8Array(32), box: new Uint8Array(ESCROW_SIZE.MAX_BOX + 1) }] })))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(frame({ ...base, depositKind: 3 })))).toBe(FRAME_ERROR.BAD_NUMBER);
    expect(errorOf(parseClientFrame(frame({ ...base, lifetimeDays: 0 })))).toBe(FRAME_ERROR.BAD_NUMBER);
    expect(errorOf(parseClientFrame(frame({ ...base, lifetimeDays: ESCROW_SIZE.MAX_LIFETIME_DAYS + 1 })))).toBe(FRAME_ERROR.BAD_NUMBER);
    expect(errorOf(parseClientFrame(grow(encodeEscrowReadFrame(new Uint8Array(16)))))).toBe(FRAME_ERROR.BAD_LENGTH);
  });

  it('PROTO-1 AUTH reports the version it carries, so the relay can refuse an unsupported one', () => {
    const bytes = encodeAuthFrame({
      roomId: new Uint8Array(SIZE.ROOM_ID),
      authPublicKey: new Uint8Array(SIZE.PUBLIC_KEY),
      devicePublicKey: new Uint8Array(SIZE.PUBLIC_KEY),
      sessionId: new Uint8Array(SIZE.SESSION_ID),
      fromRelaySeq: 0,
      roomSignature: new Uint8Array(SIZE.SIGNATURE),
      deviceSignature: new Uint8Array(SIZE.SIGNATURE),
    });
    bytes[1] = PROTOCOL_VERSION + 1;
    const parsed = parseClientFrame(bytes);
    expect(parsed.ok && parsed.value.kind === FRAME.AUTH && parsed.value.version).toBe(PROTOCOL_VERSION + 1);
  });

  it('PROTO-1 ADMIT_TICKET round-trips the ticket hash; AUTH round-trips with and without an admission ticket; PROTO-2 other lengths are frame-bad-length', () => {
    const ticketHash = Uint8Array.from(filled(SIZE.TICKET_HASH, 0x7d));
    const admit = encodeAdmitTicketFrame(ticketHash);
    expect(parseClientFrame(admit)).toEqual({ ok: true, value: { kind: FRAME.ADMIT_TICKET, ticketHash } });
    expect(errorOf(parseClientFrame(grow(admit)))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(shrink(admit)))).toBe(FRAME_ERROR.BAD_LENGTH);
    const fields = {
      roomId: Uint8Array.from(filled(SIZE.ROOM_ID, 1)),
      authPublicKey: Uint8Array.from(filled(SIZE.PUBLIC_KEY, 2)),
      devicePublicKey: Uint8Array.from(filled(SIZE.PUBLIC_KEY, 3)),
      sessionId: Uint8Array.from(filled(SIZE.SESSION_ID, 4)),
      fromRelaySeq: 7,
      roomSignature: Uint8Array.from(filled(SIZE.SIGNATURE, 5)),
      deviceSignature: Uint8Array.from(filled(SIZE.SIGNATURE, 6)),
    };
    const admissionTicket = Uint8Array.from(filled(SIZE.ADMISSION_TICKET, 9));
    const plain = encodeAuthFrame(fields);
    const ticketed = encodeAuthFrame({ ...fields, admissionTicket });
    expect(plain.length).toBe(AUTH_FRAME_LENGTH);
    expect([...ticketed]).toEqual([...plain, ...admissionTicket]);
    expect(parseClientFrame(plain)).toMatchObject({ ok: true, value: { admissionTicket: null, fromRelaySeq: 7 } });
    expect(parseClientFrame(ticketed)).toMatchObject({ ok: true, value: { admissionTicket, fromRelaySeq: 7 } });
    expect(errorOf(parseClientFrame(shrink(ticketed)))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(grow(ticketed)))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(() => encodeAuthFrame({ ...fields, admissionTicket: new Uint8Array(15) })).toThrow(RangeError);
  });

  it('PROTO-1 REVOKE_DEVICE round-trips the device key; PROTO-2 one byte short or long is frame-bad-length', () => {
    const devicePublicKey = Uint8Array.from(filled(SIZE.PUBLIC_KEY, 0x3c));
    const frame = encodeRevokeDeviceFrame(devicePublicKey);
    expect([...frame]).toEqual([FRAME.REVOKE_DEVICE, ...filled(SIZE.PUBLIC_KEY, 0x3c)]);
    expect(parseClientFrame(frame)).toEqual({ ok: true, value: { kind: FRAME.REVOKE_DEVICE, devicePublicKey } });
    expect(errorOf(parseClientFrame(grow(frame)))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(shrink(frame)))).toBe(FRAME_ERROR.BAD_LENGTH);
  });

  it('PROTO-2 rejects AUTH, SEAL and DELETE_ROOM of the wrong length with frame-bad-length', () => {
    const auth = new Uint8Array(AUTH_FRAME_LENGTH);
    auth[0] = FRAME.AUTH;
    for (const frame of [auth, encodeSealFrame(), encodeDeleteRoomFrame()]) {
      expect(errorOf(parseClientFrame(frame))).toBeNull();
      expect(errorOf(parseClientFrame(grow(frame)))).toBe(FRAME_ERROR.BAD_LENGTH);
    }
    expect(errorOf(parseClientFrame(shrink(auth)))).toBe(FRAME_ERROR.BAD_LENGTH);
    expect(errorOf(parseClientFrame(Uint8Array.of(FRAME.AUTH)))).toBe(FRAME_ERROR.BAD_LENGTH);
  });

  it('PROTO-2 rejects an AUTH whose fromRelaySeq does not fit a safe integer with frame-bad-number', () => {
    const auth = new Uint8Array(AUTH_FRAME_LENGTH);
    auth[0] = FRAME.AUTH;
    const seqOffset = 2 + SIZE.ROOM_ID + SIZE.PUBLIC_KEY * 2 + SIZE.SESSION_ID;
    expect(errorOf(parseClientFrame(withUnsafeU64(auth, seqOffset)))).toBe(FRAME_ERROR.BAD_NUMBER);
  });

  it('PROTO-2 rejects an empty frame and every type byte that is not a client frame', () => {
    expect(errorOf(parseClientFrame(new Uint8Array()))).toBe(FRAME_ERROR.EMPTY);
    const clientTypes = new Set<number>([
      FRAME.AUTH,
      FRAME.PUT,
      FRAME.EPHEMERAL,
      FRAME.SEAL,
      FRAME.DELETE_ROOM,
      FRAME.PUSH_SUBSCRIBE,
      FRAME.PUSH_UNSUBSCRIBE,
      FRAME.NUDGE,
      FRAME.ESCROW_DEPOSIT,
      FRAME.ESCROW_READ,
      FRAME.REVOKE_DEVICE,
      FRAME.ADMIT_TICKET,
    ]);
    for (let type = 0; type < 256; type++) {
      if (clientTypes.has(type)) continue;
      // Relay frames sent back at the relay (a reflection) are unknown types too.
      expect(errorOf(parseClientFrame(Uint8Array.of(type, 0, 0, 0)))).toBe(FRAME_ERROR.UNKNOWN_TYPE);
    }
  });

  it('PROTO-2 parseClientFrame never throws on random bytes', () => {
    const typeByte = fc.constantFrom(...Object.values(FRAME), 0, 0x7f, 0x80, 0xff);
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.tuple(typeByte, fc.uint8Array({ maxLength: 400 })).map(([type, rest]) => Uint8Array.of(type, ...rest)),
      fc.tuple(fc.uint8Array({ minLength: AUTH_FRAME_LENGTH - 1, maxLength: AUTH_FRAME_LENGTH - 1 })).map(([rest]) => Uint8Array.of(FRAME.AUTH, ...rest)),
    );
    fc.assert(
      fc.property(frame, (bytes) => {
        const parsed = parseClientFrame(bytes);
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { seed: 1003, numRuns: 5_000 },
    );
  });
});

describe('relay frames', () => {
  it('PROTO-1 HELLO round-trips challenge, server time and relay origin', () => {
    fc.assert(
      fc.property(bytesOf(SIZE.CHALLENGE), u64, origin, (challenge, serverTime, relayOrigin) => {
        expect(parseRelayFrame(encodeHelloFrame({ challenge, serverTime, relayOrigin }))).toEqual({
          ok: true,
          value: { kind: FRAME.HELLO, version: PROTOCOL_VERSION, challenge, serverTime, relayOrigin },
        });
      }),
      { seed: 1004, ...RUNS },
    );
  });

  it('PROTO-1 READY and ROOM_STATE round-trip sealed and deviceCount', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 255 }), (sealed, deviceCount) => {
        expect(parseRelayFrame(encodeReadyFrame({ sealed, deviceCount }))).toEqual({ ok: true, value: { kind: FRAME.READY, sealed, deviceCount } });
        expect(parseRelayFrame(encodeRoomStateFrame({ sealed, deviceCount }))).toEqual({
          ok: true,
          value: { kind: FRAME.ROOM_STATE, sealed, deviceCount },
        });
      }),
      { seed: 1005, numRuns: 200 },
    );
  });

  it('PROTO-1 ENV and EPH carry the envelope bytes unchanged; ENV keeps its relaySeq', () => {
    fc.assert(
      fc.property(u64, envelopeBytes, (relaySeq, envelope) => {
        expect(parseRelayFrame(encodeEnvFrame(relaySeq, envelope))).toEqual({ ok: true, value: { kind: FRAME.ENV, relaySeq, envelope } });
        expect(parseRelayFrame(encodeEphFrame(envelope))).toEqual({ ok: true, value: { kind: FRAME.EPH, envelope } });
      }),
      { seed: 1006, ...RUNS },
    );
  });

  it('PROTO-1 BACKLOG_END round-trips, and a sinceSnapshot count beyond u32 saturates instead of wrapping', () => {
    fc.assert(
      fc.property(u64, u32, (upToRelaySeq, sinceSnapshot) => {
        expect(parseRelayFrame(encodeBacklogEndFrame({ upToRelaySeq, sinceSnapshot }))).toEqual({
          ok: true,
          value: { kind: FRAME.BACKLOG_END, upToRelaySeq, sinceSnapshot },
        });
      }),
      { seed: 1007, ...RUNS },
    );
    // A wrapped count would read as "no compaction needed" exactly when it is needed most.
    const huge = parseRelayFrame(encodeBacklogEndFrame({ upToRelaySeq: 5, sinceSnapshot: 2 ** 32 + 3 }));
    expect(huge.ok && huge.value.kind === FRAME.BACKLOG_END && huge.value.sinceSnapshot).toBe(0xffffffff);
  });

  it('PROTO-1 ACK and ERROR round-trip session, seq, relaySeq and code', () => {
    fc.assert(
      fc.property(bytesOf(SIZE.SESSION_ID), u32, u64, fc.integer({ min: 0, max: 255 }), (sessionId, seq, relaySeq, code) => {
        expect(parseRelayFrame(encodeAckFrame({ sessionId, seq, relaySeq }))).toEqual({ ok: true, value: { kind: FRAME.ACK, sessionId, seq, relaySeq } });
        expect(parseRelayFrame(encodeErrorFrame({ code, sessionId, seq }))).toEqual({ ok: true, value: { kind: FRAME.ERROR, code, sessionId, seq } });
      }),
      { seed: 1008, ...RUNS },
    );
  });

  it('PROTO-1 HEARTBEAT round-trips the server time', () => {
    fc.assert(
      fc.property(u64, (serverTime) => {
        expect(parseRelayFrame(encodeHeartbeatFrame(serverTime))).toEqual({ ok: true, value: { kind: FRAME.HEARTBEAT, serverTime } });
      }),
      { seed: 1009, numRuns: 200 },
    );
  });

  it('PROTO-2 rejects every fixed-length relay frame one byte short or long with frame-bad-length', () => {
    const sessionId = new Uint8Array(SIZE.SESSION_ID);
    const fixed = [
      encodeReadyFrame({ sealed: false, deviceCount: 1 }),
      encodeRoomStateFrame({ sealed: true, deviceCount: 2 }),
      encodeBacklogEndFrame({ upToRelaySeq: 1, sinceSnapshot: 1 }),
      encodeAckFrame({ sessionId, seq: 1, relaySeq: 1 }),
      encodeErrorFrame({ code: 1, sessionId, seq: 1 }),
      encodeHeartbeatFrame(1),
      encodePushStatusFrame({ answers: FRAME.PUSH_SUBSCRIBE, status: PUSH_STATUS.OK }),
      encodeHelloFrame({ challenge: new Uint8Array(SIZE.CHALLENGE), serverTime: 1, relayOrigin: 'wss://relay.example' }),
    ];
    for (const frame of fixed) {
      expect(errorOf(parseRelayFrame(frame))).toBeNull();
      expect(errorOf(parseRelayFrame(shrink(frame)))).toBe(FRAME_ERROR.BAD_LENGTH);
      expect(errorOf(parseRelayFrame(grow(frame)))).toBe(FRAME_ERROR.BAD_LENGTH);
      expect(errorOf(parseRelayFrame(Uint8Array.of(frame[0]!)))).toBe(FRAME_ERROR.BAD_LENGTH);
    }
    // ENV needs at least its relaySeq.
    expect(errorOf(parseRelayFrame(encodeEnvFrame(1, new Uint8Array())))).toBeNull();
    expect(errorOf(parseRelayFrame(shrink(encodeEnvFrame(1, new Uint8Array()))))).toBe(FRAME_ERROR.BAD_LENGTH);
  });

  it('PROTO-2 rejects a HELLO whose origin is longer than 512 bytes, or is not UTF-8', () => {
    const challenge = new Uint8Array(SIZE.CHALLENGE);
    expect(errorOf(parseRelayFrame(encodeHelloFrame({ challenge, serverTime: 1, relayOrigin: 'a'.repeat(512) })))).toBeNull();
    expect(errorOf(parseRelayFrame(encodeHelloFrame({ challenge, serverTime: 1, relayOrigin: 'a'.repeat(513) })))).toBe(FRAME_ERROR.BAD_LENGTH);
    const hello = encodeHelloFrame({ challenge, serverTime: 1, relayOrigin: 'ab' });
    hello[hello.length - 1] = 0xff;
    expect(errorOf(parseRelayFrame(hello))).toBe(FRAME_ERROR.BAD_TEXT);
  });

  it('PROTO-2 rejects relay numbers that do not fit a safe integer with frame-bad-number', () => {
    const sessionId = new Uint8Array(SIZE.SESSION_ID);
    expect(errorOf(parseRelayFrame(withUnsafeU64(encodeEnvFrame(1, Uint8Array.of(9)), 1)))).toBe(FRAME_ERROR.BAD_NUMBER);
    expect(errorOf(parseRelayFrame(withUnsafeU64(encodeBacklogEndFrame({ upToRelaySeq: 1, sinceSnapshot: 0 }), 1)))).toBe(FRAME_ERROR.BAD_NUMBER);
    expect(errorOf(parseRelayFrame(withUnsafeU64(encodeAckFrame({ sessionId, seq: 1, relaySeq: 1 }), 1 + SIZE.SESSION_ID + 4)))).toBe(
      FRAME_ERROR.BAD_NUMBER,
    );
    expect(errorOf(parseRelayFrame(withUnsafeU64(encodeHeartbeatFrame(1), 1)))).toBe(FRAME_ERROR.BAD_NUMBER);
    const hello = encodeHelloFrame({ challenge: new Uint8Array(SIZE.CHALLENGE), serverTime: 1, relayOrigin: 'x' });
    expect(errorOf(parseRelayFrame(withUnsafeU64(hello, 2 + SIZE.CHALLENGE)))).toBe(FRAME_ERROR.BAD_NUMBER);
  });

  it('PROTO-2 rejects an empty frame and every type byte that is not a relay frame', () => {
    expect(errorOf(parseRelayFrame(new Uint8Array()))).toBe(FRAME_ERROR.EMPTY);
    const relayTypes = new Set<number>([
      FRAME.HELLO,
      FRAME.READY,
      FRAME.ENV,
      FRAME.BACKLOG_END,
      FRAME.ACK,
      FRAME.ERROR,
      FRAME.EPH,
      FRAME.HEARTBEAT,
      FRAME.ROOM_STATE,
      FRAME.PUSH_STATUS,
      FRAME.ESCROW_RELEASES,
      FRAME.ESCROW_NOTICE,
    ]);
    for (let type = 0; type < 256; type++) {
      if (relayTypes.has(type)) continue;
      // A client frame echoed back by a hostile relay is an unknown type, never misread.
      expect(errorOf(parseRelayFrame(Uint8Array.of(type, 0, 0, 0)))).toBe(FRAME_ERROR.UNKNOWN_TYPE);
    }
  });

  it('PROTO-2 parseRelayFrame never throws on random bytes', () => {
    const typeByte = fc.constantFrom(...Object.values(FRAME), 0, 0x7f, 0x80, 0xff);
    const helloLike = fc
      .tuple(fc.uint8Array({ minLength: 1 + SIZE.CHALLENGE + 8, maxLength: 1 + SIZE.CHALLENGE + 8 }), fc.uint8Array({ maxLength: 600 }), fc.integer({ min: -1, max: 1 }))
      .map(([head, tail, skew]) => {
        // The declared origin length is mostly right, so the UTF-8 and number checks are reached.
        const length = Math.max(0, tail.length + skew);
        return Uint8Array.of(FRAME.HELLO, ...head, length >> 8, length & 0xff, ...tail);
      });
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.tuple(typeByte, fc.uint8Array({ maxLength: 64 })).map(([type, rest]) => Uint8Array.of(type, ...rest)),
      helloLike,
    );
    fc.assert(
      fc.property(frame, (bytes) => {
        const parsed = parseRelayFrame(bytes);
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { seed: 1010, numRuns: 5_000 },
    );
  });
});

/** Big-endian bytes of `value` in `size` bytes, written out independently of the codec. */
function bigEndian(value: number, size: number): number[] {
  const bytes: number[] = [];
  let rest = BigInt(value);
  for (let index = 0; index < size; index++) {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return bytes;
}
const filled = (length: number, value: number): number[] => new Array<number>(length).fill(value);

describe('wire layout', () => {
  // Hand-built from PROTOCOL.md §3 field by field, so a codec change that moves a byte fails here
  // even when its own writer and reader still agree with each other.
  it('PROTO-1 every frame is byte for byte the layout PROTOCOL.md §3 draws', () => {
    const sessionId = Uint8Array.from(filled(SIZE.SESSION_ID, 0x51));
    const seq = 0x01020304;
    const relaySeq = 2 ** 40 + 0x0a0b0c;
    const envelope = Uint8Array.of(9, 8, 7);
    const cases: [Uint8Array, number[]][] = [
      [
        encodeAuthFrame({
          roomId: Uint8Array.from(filled(SIZE.ROOM_ID, 0x11)),
          authPublicKey: Uint8Array.from(filled(SIZE.PUBLIC_KEY, 0x22)),
          devicePublicKey: Uint8Array.from(filled(SIZE.PUBLIC_KEY, 0x33)),
          sessionId,
          fromRelaySeq: relaySeq,
          roomSignature: Uint8Array.from(filled(SIZE.SIGNATURE, 0x44)),
          deviceSignature: Uint8Array.from(filled(SIZE.SIGNATURE, 0x55)),
        }),
        [
          0x01, PROTOCOL_VERSION, ...filled(16, 0x11), ...filled(32, 0x22), ...filled(32, 0x33), ...filled(16, 0x51),
          ...bigEndian(relaySeq, 8), ...filled(64, 0x44), ...filled(64, 0x55),
        ],
      ],
      [encodePutFrame(envelope), [0x02, 9, 8, 7]],
      [encodeEphemeralFrame(envelope), [0x03, 9, 8, 7]],
      [encodeSealFrame(), [0x04]],
      [encodeDeleteRoomFrame(), [0x05]],
      [
        encodeHelloFrame({ challenge: Uint8Array.from(filled(SIZE.CHALLENGE, 0x66)), serverTime: relaySeq, relayOrigin: 'ws://é' }),
        [0x81, PROTOCOL_VERSION, ...filled(32, 0x66), ...bigEndian(relaySeq, 8), 0, 7, ...utf8Encoder.encode('ws://é')],
      ],
      [encodeReadyFrame({ sealed: true, deviceCount: 3 }), [0x82, 1, 3]],
      [encodeEnvFrame(relaySeq, envelope), [0x83, ...bigEndian(relaySeq, 8), 9, 8, 7]],
      [encodeBacklogEndFrame({ upToRelaySeq: relaySeq, sinceSnapshot: seq }), [0x84, ...bigEndian(relaySeq, 8), ...bigEndian(seq, 4)]],
      [encodeAckFrame({ sessionId, seq, relaySeq }), [0x85, ...filled(16, 0x51), ...bigEndian(seq, 4), ...bigEndian(relaySeq, 8)]],
      [encodeErrorFrame({ code: 5, sessionId, seq }), [0x86, 5, ...filled(16, 0x51), ...bigEndian(seq, 4)]],
      [encodeEphFrame(envelope), [0x87, 9, 8, 7]],
      [encodeHeartbeatFrame(relaySeq), [0x88, ...bigEndian(relaySeq, 8)]],
      [encodeRoomStateFrame({ sealed: false, deviceCount: 2 }), [0x89, 0, 2]],
      [
        encodePushSubscribeFrame({ p256dh: Uint8Array.from(filled(65, 0x04)), auth: Uint8Array.from(filled(16, 0x77)), endpoint: 'https://p/é' }),
        [0x06, ...filled(65, 0x04), ...filled(16, 0x77), 0, 12, ...utf8Encoder.encode('https://p/é')],
      ],
      [encodePushUnsubscribeFrame(), [0x07]],
      [encodeNudgeFrame(), [0x08]],
      [encodePushStatusFrame({ answers: FRAME.NUDGE, status: PUSH_STATUS.RATE_LIMITED }), [0x8a, 0x08, 3]],
      [
        encodeEscrowDepositFrame(
          encodeEscrowDepositBody({ slotTag: Uint8Array.from(filled(16, 0x5a)), depositKind: 1, lifetimeDays: 60, record: Uint8Array.of(0xee), boxes: [{ recipient: Uint8Array.from(filled(32, 0x33)), box: Uint8Array.of(0xbb, 0xcc) }] }),
          Uint8Array.from(filled(64, 0x44)),
        ),
        [0x09, ...filled(16, 0x5a), 1, 0, 60, 0, 1, 0xee, 1, ...filled(32, 0x33), 0, 2, 0xbb, 0xcc, ...filled(64, 0x44)],
      ],
      [encodeEscrowReadFrame(Uint8Array.from(filled(16, 0x5a))), [0x0a, ...filled(16, 0x5a)]],
      [
        encodeEscrowReleasesFrame({ slotTag: Uint8Array.from(filled(16, 0x5a)), status: 0, releases: [{ depositor: Uint8Array.from(filled(32, 0x11)), record: Uint8Array.of(0xee), box: Uint8Array.of(0xbb) }] }),
        [0x8b, ...filled(16, 0x5a), 0, 1, ...filled(32, 0x11), 0, 1, 0xee, 0, 1, 0xbb],
      ],
      [encodeEscrowNoticeFrame(Uint8Array.from(filled(16, 0x5a))), [0x8c, ...filled(16, 0x5a)]],
    ];
    for (const [encoded, expected] of cases) expect([...encoded]).toEqual(expected);
    expect(AUTH_FRAME_LENGTH).toBe(234);
  });

  it('PROTO-1 parsing any valid frame and writing it again gives back the same bytes', () => {
    const relayFrame = fc.oneof(
      fc.tuple(bytesOf(SIZE.CHALLENGE), u64, origin).map(([challenge, serverTime, relayOrigin]) => encodeHelloFrame({ challenge, serverTime, relayOrigin })),
      fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 255 })).map(([sealed, deviceCount]) => encodeReadyFrame({ sealed, deviceCount })),
      fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 255 })).map(([sealed, deviceCount]) => encodeRoomStateFrame({ sealed, deviceCount })),
      fc.tuple(u64, envelopeBytes).map(([relaySeq, envelope]) => encodeEnvFrame(relaySeq, envelope)),
      fc.tuple(u64, u32).map(([upToRelaySeq, sinceSnapshot]) => encodeBacklogEndFrame({ upToRelaySeq, sinceSnapshot })),
      fc.tuple(bytesOf(SIZE.SESSION_ID), u32, u64).map(([sessionId, seq, relaySeq]) => encodeAckFrame({ sessionId, seq, relaySeq })),
      fc.tuple(fc.integer({ min: 0, max: 255 }), bytesOf(SIZE.SESSION_ID), u32).map(([code, sessionId, seq]) => encodeErrorFrame({ code, sessionId, seq })),
      envelopeBytes.map(encodeEphFrame),
      u64.map(encodeHeartbeatFrame),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([answers, status]) => encodePushStatusFrame({ answers, status })),
      fc
        .tuple(bytesOf(16), fc.integer({ min: 0, max: 255 }), fc.array(fc.tuple(bytesOf(32), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 256 })), { maxLength: 4 }))
        .map(([slotTag, status, list]) => encodeEscrowReleasesFrame({ slotTag, status, releases: list.map(([depositor, record, box]) => ({ depositor, record, box })) })),
      bytesOf(16).map(encodeEscrowNoticeFrame),
    );
    const rewrite = (frame: RelayFrame): Uint8Array => {
      switch (frame.kind) {
        case FRAME.HELLO:
          return encodeHelloFrame(frame);
        case FRAME.READY:
          return encodeReadyFrame(frame);
        case FRAME.ROOM_STATE:
          return encodeRoomStateFrame(frame);
        case FRAME.ENV:
          return encodeEnvFrame(frame.relaySeq, frame.envelope);
        case FRAME.BACKLOG_END:
          return encodeBacklogEndFrame(frame);
        case FRAME.ACK:
          return encodeAckFrame(frame);
        case FRAME.ERROR:
          return encodeErrorFrame(frame);
        case FRAME.EPH:
          return encodeEphFrame(frame.envelope);
        case FRAME.HEARTBEAT:
          return encodeHeartbeatFrame(frame.serverTime);
        case FRAME.PUSH_STATUS:
          return encodePushStatusFrame(frame);
        case FRAME.ESCROW_RELEASES:
          return encodeEscrowReleasesFrame(frame);
        case FRAME.ESCROW_NOTICE:
          return encodeEscrowNoticeFrame(frame.slotTag);
      }
    };
    fc.assert(
      fc.property(relayFrame, (bytes) => {
        const parsed = parseRelayFrame(bytes);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(rewrite(parsed.value)).toEqual(bytes);
      }),
      { seed: 1011, ...RUNS },
    );
  });
});
