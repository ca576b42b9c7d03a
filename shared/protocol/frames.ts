import { FRAME, PROTOCOL_VERSION, SIZE } from './constants.ts';
import { readU64, utf8Decoder, utf8Encoder, viewOf, writeU64 } from './bytes.ts';
import { fail, ok, type Result } from './result.ts';

// Relay frames (PROTOCOL.md "Frames"). One WebSocket binary message = one frame; byte 0 is its type.

export interface AuthFrame {
  readonly kind: typeof FRAME.AUTH;
  readonly version: number;
  readonly roomId: Uint8Array;
  readonly authPublicKey: Uint8Array;
  readonly devicePublicKey: Uint8Array;
  readonly sessionId: Uint8Array;
  /** Stream every stored envelope after this relaySeq (0 = from the beginning). */
  readonly fromRelaySeq: number;
  readonly roomSignature: Uint8Array;
  readonly deviceSignature: Uint8Array;
}
export interface PutFrame {
  readonly kind: typeof FRAME.PUT;
  readonly envelope: Uint8Array;
}
export interface EphemeralFrame {
  readonly kind: typeof FRAME.EPHEMERAL;
  readonly envelope: Uint8Array;
}
export interface SealFrame {
  readonly kind: typeof FRAME.SEAL;
}
export interface DeleteRoomFrame {
  readonly kind: typeof FRAME.DELETE_ROOM;
}
export type ClientFrame = AuthFrame | PutFrame | EphemeralFrame | SealFrame | DeleteRoomFrame;

export interface HelloFrame {
  readonly kind: typeof FRAME.HELLO;
  readonly version: number;
  readonly challenge: Uint8Array;
  readonly serverTime: number;
  readonly relayOrigin: string;
}
export interface ReadyFrame {
  readonly kind: typeof FRAME.READY;
  readonly sealed: boolean;
  readonly deviceCount: number;
}
export interface EnvFrame {
  readonly kind: typeof FRAME.ENV;
  readonly relaySeq: number;
  readonly envelope: Uint8Array;
}
export interface BacklogEndFrame {
  readonly kind: typeof FRAME.BACKLOG_END;
  readonly upToRelaySeq: number;
  /** Stored envelopes after the newest snapshot's coverage: the compaction hint. */
  readonly sinceSnapshot: number;
}
export interface AckFrame {
  readonly kind: typeof FRAME.ACK;
  readonly sessionId: Uint8Array;
  readonly seq: number;
  readonly relaySeq: number;
}
export interface ErrorFrame {
  readonly kind: typeof FRAME.ERROR;
  readonly code: number;
  readonly sessionId: Uint8Array;
  readonly seq: number;
}
export interface EphFrame {
  readonly kind: typeof FRAME.EPH;
  readonly envelope: Uint8Array;
}
export interface HeartbeatFrame {
  readonly kind: typeof FRAME.HEARTBEAT;
  readonly serverTime: number;
}
export interface RoomStateFrame {
  readonly kind: typeof FRAME.ROOM_STATE;
  readonly sealed: boolean;
  readonly deviceCount: number;
}
export type RelayFrame =
  | HelloFrame
  | ReadyFrame
  | EnvFrame
  | BacklogEndFrame
  | AckFrame
  | ErrorFrame
  | EphFrame
  | HeartbeatFrame
  | RoomStateFrame;

export const AUTH_FRAME_LENGTH =
  1 + 1 + SIZE.ROOM_ID + SIZE.PUBLIC_KEY * 2 + SIZE.SESSION_ID + 8 + SIZE.SIGNATURE * 2;
const MAX_ORIGIN_BYTES = 512;

export const FRAME_ERROR = {
  EMPTY: 'frame-empty',
  UNKNOWN_TYPE: 'frame-unknown-type',
  BAD_LENGTH: 'frame-bad-length',
  BAD_NUMBER: 'frame-bad-number',
  BAD_TEXT: 'frame-bad-text',
} as const;
export type FrameError = (typeof FRAME_ERROR)[keyof typeof FRAME_ERROR];

// ---- encoders -------------------------------------------------------------------------------

export function encodeAuthFrame(frame: Omit<AuthFrame, 'kind' | 'version'>): Uint8Array {
  const out = new Uint8Array(AUTH_FRAME_LENGTH);
  const view = viewOf(out);
  let offset = 0;
  out[offset++] = FRAME.AUTH;
  out[offset++] = PROTOCOL_VERSION;
  for (const part of [frame.roomId, frame.authPublicKey, frame.devicePublicKey, frame.sessionId]) {
    out.set(part, offset);
    offset += part.length;
  }
  writeU64(view, offset, frame.fromRelaySeq);
  offset += 8;
  out.set(frame.roomSignature, offset);
  out.set(frame.deviceSignature, offset + SIZE.SIGNATURE);
  return out;
}

function prefixed(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + body.length);
  out[0] = type;
  out.set(body, 1);
  return out;
}

export const encodePutFrame = (envelope: Uint8Array): Uint8Array => prefixed(FRAME.PUT, envelope);
export const encodeEphemeralFrame = (envelope: Uint8Array): Uint8Array => prefixed(FRAME.EPHEMERAL, envelope);
export const encodeSealFrame = (): Uint8Array => new Uint8Array([FRAME.SEAL]);
export const encodeDeleteRoomFrame = (): Uint8Array => new Uint8Array([FRAME.DELETE_ROOM]);
export const encodeEphFrame = (envelope: Uint8Array): Uint8Array => prefixed(FRAME.EPH, envelope);

export function encodeHelloFrame(frame: Omit<HelloFrame, 'kind' | 'version'>): Uint8Array {
  const origin = utf8Encoder.encode(frame.relayOrigin);
  const out = new Uint8Array(1 + 1 + SIZE.CHALLENGE + 8 + 2 + origin.length);
  const view = viewOf(out);
  out[0] = FRAME.HELLO;
  out[1] = PROTOCOL_VERSION;
  out.set(frame.challenge, 2);
  writeU64(view, 2 + SIZE.CHALLENGE, frame.serverTime);
  view.setUint16(2 + SIZE.CHALLENGE + 8, origin.length);
  out.set(origin, 2 + SIZE.CHALLENGE + 10);
  return out;
}

export function encodeReadyFrame(frame: Omit<ReadyFrame, 'kind'>): Uint8Array {
  return new Uint8Array([FRAME.READY, frame.sealed ? 1 : 0, frame.deviceCount]);
}

export function encodeRoomStateFrame(frame: Omit<RoomStateFrame, 'kind'>): Uint8Array {
  return new Uint8Array([FRAME.ROOM_STATE, frame.sealed ? 1 : 0, frame.deviceCount]);
}

/** ENV frames are built once per stored envelope and sent to many sockets. */
export function encodeEnvFrame(relaySeq: number, envelope: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + 8 + envelope.length);
  out[0] = FRAME.ENV;
  writeU64(viewOf(out), 1, relaySeq);
  out.set(envelope, 9);
  return out;
}

export function encodeBacklogEndFrame(frame: Omit<BacklogEndFrame, 'kind'>): Uint8Array {
  const out = new Uint8Array(1 + 8 + 4);
  const view = viewOf(out);
  out[0] = FRAME.BACKLOG_END;
  writeU64(view, 1, frame.upToRelaySeq);
  view.setUint32(9, Math.min(frame.sinceSnapshot, 0xffffffff));
  return out;
}

export function encodeAckFrame(frame: Omit<AckFrame, 'kind'>): Uint8Array {
  const out = new Uint8Array(1 + SIZE.SESSION_ID + 4 + 8);
  const view = viewOf(out);
  out[0] = FRAME.ACK;
  out.set(frame.sessionId, 1);
  view.setUint32(1 + SIZE.SESSION_ID, frame.seq);
  writeU64(view, 1 + SIZE.SESSION_ID + 4, frame.relaySeq);
  return out;
}

export function encodeErrorFrame(frame: Omit<ErrorFrame, 'kind'>): Uint8Array {
  const out = new Uint8Array(1 + 1 + SIZE.SESSION_ID + 4);
  out[0] = FRAME.ERROR;
  out[1] = frame.code;
  out.set(frame.sessionId, 2);
  viewOf(out).setUint32(2 + SIZE.SESSION_ID, frame.seq);
  return out;
}

export function encodeHeartbeatFrame(serverTime: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = FRAME.HEARTBEAT;
  writeU64(viewOf(out), 1, serverTime);
  return out;
}

// ---- parsers --------------------------------------------------------------------------------

type Parsed<T> = Result<T, FrameError>;

function exactLength<T>(bytes: Uint8Array, length: number, build: () => T): Parsed<T> {
  return bytes.length === length ? ok(build()) : fail(FRAME_ERROR.BAD_LENGTH);
}

/** Parses a frame sent by a client. Never throws; the relay closes with PROTOCOL_VIOLATION on error. */
export function parseClientFrame(bytes: Uint8Array): Parsed<ClientFrame> {
  if (bytes.length === 0) return fail(FRAME_ERROR.EMPTY);
  const view = viewOf(bytes);
  switch (bytes[0]) {
    case FRAME.AUTH: {
      if (bytes.length !== AUTH_FRAME_LENGTH) return fail(FRAME_ERROR.BAD_LENGTH);
      let offset = 2;
      const take = (length: number): Uint8Array => {
        const part = bytes.slice(offset, offset + length);
        offset += length;
        return part;
      };
      const roomId = take(SIZE.ROOM_ID);
      const authPublicKey = take(SIZE.PUBLIC_KEY);
      const devicePublicKey = take(SIZE.PUBLIC_KEY);
      const sessionId = take(SIZE.SESSION_ID);
      const fromRelaySeq = readU64(view, offset);
      offset += 8;
      if (fromRelaySeq < 0) return fail(FRAME_ERROR.BAD_NUMBER);
      return ok({
        kind: FRAME.AUTH,
        version: bytes[1]!,
        roomId,
        authPublicKey,
        devicePublicKey,
        sessionId,
        fromRelaySeq,
        roomSignature: take(SIZE.SIGNATURE),
        deviceSignature: take(SIZE.SIGNATURE),
      });
    }
    case FRAME.PUT:
      return ok({ kind: FRAME.PUT, envelope: bytes.subarray(1) });
    case FRAME.EPHEMERAL:
      return ok({ kind: FRAME.EPHEMERAL, envelope: bytes.subarray(1) });
    case FRAME.SEAL:
      return exactLength(bytes, 1, () => ({ kind: FRAME.SEAL }));
    case FRAME.DELETE_ROOM:
      return exactLength(bytes, 1, () => ({ kind: FRAME.DELETE_ROOM }));
    default:
      return fail(FRAME_ERROR.UNKNOWN_TYPE);
  }
}

/** Parses a frame sent by the relay. Never throws; the client treats errors as a broken relay. */
export function parseRelayFrame(bytes: Uint8Array): Parsed<RelayFrame> {
  if (bytes.length === 0) return fail(FRAME_ERROR.EMPTY);
  const view = viewOf(bytes);
  switch (bytes[0]) {
    case FRAME.HELLO: {
      const fixed = 2 + SIZE.CHALLENGE + 8 + 2;
      if (bytes.length < fixed) return fail(FRAME_ERROR.BAD_LENGTH);
      const originLength = view.getUint16(fixed - 2);
      if (originLength > MAX_ORIGIN_BYTES || bytes.length !== fixed + originLength) return fail(FRAME_ERROR.BAD_LENGTH);
      const serverTime = readU64(view, 2 + SIZE.CHALLENGE);
      if (serverTime < 0) return fail(FRAME_ERROR.BAD_NUMBER);
      let relayOrigin: string;
      try {
        relayOrigin = utf8Decoder.decode(bytes.subarray(fixed));
      } catch {
        return fail(FRAME_ERROR.BAD_TEXT);
      }
      return ok({ kind: FRAME.HELLO, version: bytes[1]!, challenge: bytes.slice(2, 2 + SIZE.CHALLENGE), serverTime, relayOrigin });
    }
    case FRAME.READY:
      return exactLength(bytes, 3, () => ({ kind: FRAME.READY, sealed: bytes[1] === 1, deviceCount: bytes[2]! }));
    case FRAME.ROOM_STATE:
      return exactLength(bytes, 3, () => ({ kind: FRAME.ROOM_STATE, sealed: bytes[1] === 1, deviceCount: bytes[2]! }));
    case FRAME.ENV: {
      if (bytes.length < 9) return fail(FRAME_ERROR.BAD_LENGTH);
      const relaySeq = readU64(view, 1);
      if (relaySeq < 0) return fail(FRAME_ERROR.BAD_NUMBER);
      return ok({ kind: FRAME.ENV, relaySeq, envelope: bytes.subarray(9) });
    }
    case FRAME.BACKLOG_END: {
      if (bytes.length !== 13) return fail(FRAME_ERROR.BAD_LENGTH);
      const upToRelaySeq = readU64(view, 1);
      if (upToRelaySeq < 0) return fail(FRAME_ERROR.BAD_NUMBER);
      return ok({ kind: FRAME.BACKLOG_END, upToRelaySeq, sinceSnapshot: view.getUint32(9) });
    }
    case FRAME.ACK: {
      if (bytes.length !== 1 + SIZE.SESSION_ID + 12) return fail(FRAME_ERROR.BAD_LENGTH);
      const relaySeq = readU64(view, 1 + SIZE.SESSION_ID + 4);
      if (relaySeq < 0) return fail(FRAME_ERROR.BAD_NUMBER);
      return ok({
        kind: FRAME.ACK,
        sessionId: bytes.slice(1, 1 + SIZE.SESSION_ID),
        seq: view.getUint32(1 + SIZE.SESSION_ID),
        relaySeq,
      });
    }
    case FRAME.ERROR:
      return exactLength(bytes, 2 + SIZE.SESSION_ID + 4, () => ({
        kind: FRAME.ERROR,
        code: bytes[1]!,
        sessionId: bytes.slice(2, 2 + SIZE.SESSION_ID),
        seq: view.getUint32(2 + SIZE.SESSION_ID),
      }));
    case FRAME.EPH:
      return ok({ kind: FRAME.EPH, envelope: bytes.subarray(1) });
    case FRAME.HEARTBEAT: {
      if (bytes.length !== 9) return fail(FRAME_ERROR.BAD_LENGTH);
      const serverTime = readU64(view, 1);
      return serverTime < 0 ? fail(FRAME_ERROR.BAD_NUMBER) : ok({ kind: FRAME.HEARTBEAT, serverTime });
    }
    default:
      return fail(FRAME_ERROR.UNKNOWN_TYPE);
  }
}
