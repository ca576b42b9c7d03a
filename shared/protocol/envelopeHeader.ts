import { ENVELOPE_TYPE, PROTOCOL_VERSION, SIZE, type EnvelopeType } from './constants.ts';
import { readU64, viewOf, writeU64 } from './bytes.ts';
import { fail, ok, type Result } from './result.ts';

/**
 * The clear outer header of an envelope: all the relay may read (PROTOCOL.md "Envelope").
 *   ver u8 | type u8 | roomId 16 | sessionId 16 | seq u32 | epoch u8 | [snapshot: coversRelaySeq u64]
 */
export interface EnvelopeHeader {
  readonly version: number;
  readonly type: EnvelopeType;
  readonly roomId: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly seq: number;
  readonly epoch: number;
  /** Snapshots only: every log entry with relaySeq ≤ this is contained in the snapshot. */
  readonly coversRelaySeq: number;
}

export const BASE_HEADER_LENGTH = 1 + 1 + SIZE.ROOM_ID + SIZE.SESSION_ID + 4 + 1;
export const SNAPSHOT_HEADER_LENGTH = BASE_HEADER_LENGTH + 8;

export function headerLengthOf(type: EnvelopeType): number {
  return type === ENVELOPE_TYPE.SNAPSHOT ? SNAPSHOT_HEADER_LENGTH : BASE_HEADER_LENGTH;
}

export function encodeEnvelopeHeader(header: Omit<EnvelopeHeader, 'version'>): Uint8Array {
  const out = new Uint8Array(headerLengthOf(header.type));
  const view = viewOf(out);
  out[0] = PROTOCOL_VERSION;
  out[1] = header.type;
  out.set(header.roomId, 2);
  out.set(header.sessionId, 2 + SIZE.ROOM_ID);
  view.setUint32(2 + SIZE.ROOM_ID + SIZE.SESSION_ID, header.seq);
  out[BASE_HEADER_LENGTH - 1] = header.epoch;
  if (header.type === ENVELOPE_TYPE.SNAPSHOT) writeU64(view, BASE_HEADER_LENGTH, header.coversRelaySeq);
  return out;
}

export const ENVELOPE_ERROR = {
  TOO_SHORT: 'envelope-too-short',
  BAD_VERSION: 'envelope-bad-version',
  BAD_TYPE: 'envelope-bad-type',
  BAD_COVERAGE: 'envelope-bad-coverage',
} as const;
export type EnvelopeHeaderError = (typeof ENVELOPE_ERROR)[keyof typeof ENVELOPE_ERROR];

const ENVELOPE_TYPES: ReadonlySet<number> = new Set(Object.values(ENVELOPE_TYPE));

/** Minimum bytes after the header: a nonce and an empty secretbox. */
const MIN_BODY = SIZE.NONCE + SIZE.BOX_OVERHEAD;

export function parseEnvelopeHeader(bytes: Uint8Array): Result<EnvelopeHeader, EnvelopeHeaderError> {
  if (bytes.length < BASE_HEADER_LENGTH + MIN_BODY) return fail(ENVELOPE_ERROR.TOO_SHORT);
  if (bytes[0] !== PROTOCOL_VERSION) return fail(ENVELOPE_ERROR.BAD_VERSION);
  const type = bytes[1]!;
  if (!ENVELOPE_TYPES.has(type)) return fail(ENVELOPE_ERROR.BAD_TYPE);
  const view = viewOf(bytes);
  let coversRelaySeq = 0;
  if (type === ENVELOPE_TYPE.SNAPSHOT) {
    if (bytes.length < SNAPSHOT_HEADER_LENGTH + MIN_BODY) return fail(ENVELOPE_ERROR.TOO_SHORT);
    coversRelaySeq = readU64(view, BASE_HEADER_LENGTH);
    if (coversRelaySeq < 0) return fail(ENVELOPE_ERROR.BAD_COVERAGE);
  }
  return ok({
    version: bytes[0]!,
    type: type as EnvelopeType,
    roomId: bytes.subarray(2, 2 + SIZE.ROOM_ID),
    sessionId: bytes.subarray(2 + SIZE.ROOM_ID, 2 + SIZE.ROOM_ID + SIZE.SESSION_ID),
    seq: view.getUint32(2 + SIZE.ROOM_ID + SIZE.SESSION_ID),
    epoch: bytes[BASE_HEADER_LENGTH - 1]!,
    coversRelaySeq,
  });
}
