import nacl from 'tweetnacl';
import {
  ENVELOPE_TYPE,
  SIZE,
  concatBytes,
  encodeEnvelopeHeader,
  equalBytes,
  fail,
  headerLengthOf,
  ok,
  parseEnvelopeHeader,
  readU64,
  viewOf,
  writeU64,
  type EnvelopeHeader,
  type EnvelopeType,
  type Result,
} from '../protocol/index.ts';
import { paddedLength } from './padding.ts';

/**
 * Envelope = outer header ‖ nonce(24) ‖ secretbox(inner, nonce, key)            (PROTOCOL.md "Envelope")
 * inner    = outer header copy ‖ sentAt u64 ‖ devicePk 32 ‖ payloadLength u32 ‖ payload ‖ zero padding
 * tweetnacl's secretbox has no associated data, so the header copy inside the box is what binds the
 * clear header: a relay that rewrites seq, session, type or room is caught by the equality check.
 */
export interface EnvelopeContent {
  readonly type: EnvelopeType;
  readonly roomId: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly seq: number;
  readonly epoch: number;
  readonly coversRelaySeq?: number;
  readonly sentAt: number;
  readonly devicePublicKey: Uint8Array;
  readonly payload: Uint8Array;
}

export interface OpenedEnvelope {
  readonly header: EnvelopeHeader;
  readonly sentAt: number;
  readonly devicePublicKey: Uint8Array;
  readonly payload: Uint8Array;
}

const INNER_FIXED = 8 + SIZE.PUBLIC_KEY + 4;

export function sealEnvelope(content: EnvelopeContent, encryptionKey: Uint8Array): Uint8Array {
  const outer = encodeEnvelopeHeader({
    type: content.type,
    roomId: content.roomId,
    sessionId: content.sessionId,
    seq: content.seq,
    epoch: content.epoch,
    coversRelaySeq: content.type === ENVELOPE_TYPE.SNAPSHOT ? (content.coversRelaySeq ?? 0) : 0,
  });
  const unpadded = outer.length + INNER_FIXED + content.payload.length;
  const inner = new Uint8Array(paddedLength(unpadded));
  const view = viewOf(inner);
  inner.set(outer, 0);
  writeU64(view, outer.length, content.sentAt);
  inner.set(content.devicePublicKey, outer.length + 8);
  view.setUint32(outer.length + 8 + SIZE.PUBLIC_KEY, content.payload.length);
  inner.set(content.payload, outer.length + INNER_FIXED);
  const nonce = nacl.randomBytes(SIZE.NONCE);
  return concatBytes([outer, nonce, nacl.secretbox(inner, nonce, encryptionKey)]);
}

export const OPEN_ERROR = {
  BAD_HEADER: 'bad-header',
  WRONG_ROOM: 'wrong-room',
  WRONG_EPOCH: 'wrong-epoch',
  DECRYPT_FAILED: 'decrypt-failed',
  HEADER_MISMATCH: 'header-mismatch',
  BAD_INNER: 'bad-inner',
} as const;
export type OpenErrorCode = (typeof OPEN_ERROR)[keyof typeof OPEN_ERROR];

export interface OpenOptions {
  readonly encryptionKey: Uint8Array;
  readonly roomId: Uint8Array;
  readonly epoch: number;
}

/** Authenticates and parses one envelope. Never throws: every failure has a named code. */
export function openEnvelope(bytes: Uint8Array, options: OpenOptions): Result<OpenedEnvelope, OpenErrorCode> {
  const parsed = parseEnvelopeHeader(bytes);
  if (!parsed.ok) return fail(OPEN_ERROR.BAD_HEADER);
  const header = parsed.value;
  if (!equalBytes(header.roomId, options.roomId)) return fail(OPEN_ERROR.WRONG_ROOM);
  if (header.epoch !== options.epoch) return fail(OPEN_ERROR.WRONG_EPOCH);
  const headerLength = headerLengthOf(header.type);
  const nonce = bytes.subarray(headerLength, headerLength + SIZE.NONCE);
  const inner = nacl.secretbox.open(bytes.subarray(headerLength + SIZE.NONCE), nonce, options.encryptionKey);
  if (inner === null) return fail(OPEN_ERROR.DECRYPT_FAILED);
  if (inner.length < headerLength + INNER_FIXED) return fail(OPEN_ERROR.BAD_INNER);
  if (!equalBytes(inner.subarray(0, headerLength), bytes.subarray(0, headerLength))) {
    return fail(OPEN_ERROR.HEADER_MISMATCH);
  }
  const view = viewOf(inner);
  const sentAt = readU64(view, headerLength);
  const payloadLength = view.getUint32(headerLength + 8 + SIZE.PUBLIC_KEY);
  const payloadStart = headerLength + INNER_FIXED;
  if (sentAt < 0 || payloadStart + payloadLength > inner.length) return fail(OPEN_ERROR.BAD_INNER);
  return ok({
    header,
    sentAt,
    devicePublicKey: inner.slice(headerLength + 8, headerLength + 8 + SIZE.PUBLIC_KEY),
    payload: inner.slice(payloadStart, payloadStart + payloadLength),
  });
}
