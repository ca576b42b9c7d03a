import { ESCROW_KIND, ESCROW_SIZE, FRAME, LABEL, MAX_PUSH_ENDPOINT_BYTES, PROTOCOL_VERSION, PUSH_KEY_SIZE, SIZE } from './constants.ts';
import { readU64, utf8Decoder, utf8Encoder, viewOf, writeU64 } from './bytes.ts';
import { fail, ok, type Result } from './result.ts';

// Relay frames (PROTOCOL.md §3 "Frames"). One WebSocket binary message = one frame; byte 0 is its type.
// Each frame has one layout (its fields in wire order with their sizes); its writer and its reader
// sit side by side below and take every offset and length from that layout, so they cannot disagree.

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
  /**
   * A one-time ticket a device already in the room issued (SEALED-21): lets this new device in
   * although the room is sealed. Null when absent (the frame then ends after deviceSignature).
   */
  readonly admissionTicket: Uint8Array | null;
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
/** A device asks the relay to wake it through Web Push when another member nudges the room. */
export interface PushSubscribeFrame {
  readonly kind: typeof FRAME.PUSH_SUBSCRIBE;
  /** The subscription's `p256dh` key: an uncompressed P-256 point (65 bytes). */
  readonly p256dh: Uint8Array;
  /** The subscription's `auth` secret (16 bytes). */
  readonly auth: Uint8Array;
  readonly endpoint: string;
}
export interface PushUnsubscribeFrame {
  readonly kind: typeof FRAME.PUSH_UNSUBSCRIBE;
}
export interface NudgeFrame {
  readonly kind: typeof FRAME.NUDGE;
}
export interface EscrowBoxField {
  readonly recipient: Uint8Array;
  readonly box: Uint8Array;
}
/** A member's answer key boxed to the others' devices (or a decline), signed by the depositing device. */
export interface EscrowDepositFrame {
  readonly kind: typeof FRAME.ESCROW_DEPOSIT;
  readonly slotTag: Uint8Array;
  /** ESCROW_KIND.ANSWER or DECLINE. */
  readonly depositKind: number;
  readonly lifetimeDays: number;
  readonly record: Uint8Array;
  readonly boxes: readonly EscrowBoxField[];
  /** Ed25519 by the device over escrowDepositTranscript(roomId, body). */
  readonly signature: Uint8Array;
  /** The bytes the signature covers (everything between the type byte and the signature). */
  readonly signedBody: Uint8Array;
}
export interface EscrowReadFrame {
  readonly kind: typeof FRAME.ESCROW_READ;
  readonly slotTag: Uint8Array;
}
/** A device of the room asks the relay to forget another one for good (a lost phone, SEALED-19). */
export interface RevokeDeviceFrame {
  readonly kind: typeof FRAME.REVOKE_DEVICE;
  readonly devicePublicKey: Uint8Array;
}
/** A device of the room vouches for one new device to come (SEALED-21): the relay keeps the ticket's hash. */
export interface AdmitTicketFrame {
  readonly kind: typeof FRAME.ADMIT_TICKET;
  readonly ticketHash: Uint8Array;
}
export type ClientFrame =
  | AdmitTicketFrame
  | RevokeDeviceFrame
  | EscrowDepositFrame
  | EscrowReadFrame
  | AuthFrame
  | PutFrame
  | EphemeralFrame
  | SealFrame
  | DeleteRoomFrame
  | PushSubscribeFrame
  | PushUnsubscribeFrame
  | NudgeFrame;

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
export interface PushStatusFrame {
  readonly kind: typeof FRAME.PUSH_STATUS;
  /** The frame type answered: PUSH_SUBSCRIBE, PUSH_UNSUBSCRIBE or NUDGE. */
  readonly answers: number;
  /** A PUSH_STATUS code. */
  readonly status: number;
}
export interface EscrowReleaseField {
  readonly depositor: Uint8Array;
  readonly record: Uint8Array;
  readonly box: Uint8Array;
}
export interface EscrowReleasesFrame {
  readonly kind: typeof FRAME.ESCROW_RELEASES;
  readonly slotTag: Uint8Array;
  /** An ESCROW_STATUS code. */
  readonly status: number;
  readonly releases: readonly EscrowReleaseField[];
}
export interface EscrowNoticeFrame {
  readonly kind: typeof FRAME.ESCROW_NOTICE;
  readonly slotTag: Uint8Array;
}
export type RelayFrame =
  | EscrowReleasesFrame
  | EscrowNoticeFrame
  | PushStatusFrame
  | HelloFrame
  | ReadyFrame
  | EnvFrame
  | BacklogEndFrame
  | AckFrame
  | ErrorFrame
  | EphFrame
  | HeartbeatFrame
  | RoomStateFrame;

const MAX_ORIGIN_BYTES = 512;
const U8 = 1;
const U16 = 2;
const U32 = 4;
const U64 = 8;

export const FRAME_ERROR = {
  EMPTY: 'frame-empty',
  UNKNOWN_TYPE: 'frame-unknown-type',
  BAD_LENGTH: 'frame-bad-length',
  BAD_NUMBER: 'frame-bad-number',
  BAD_TEXT: 'frame-bad-text',
} as const;
export type FrameError = (typeof FRAME_ERROR)[keyof typeof FRAME_ERROR];

type Parsed<T> = Result<T, FrameError>;

// ---- layouts --------------------------------------------------------------------------------

/** A frame's fixed fields: `at` is each field's byte offset, `length` where the fixed part ends. */
interface Layout<Field extends string> {
  readonly at: Readonly<Record<Field, number>>;
  readonly length: number;
}

/** Lays out fields in the order given (byte 0 is always the type byte), each of the given size. */
function defineLayout<Field extends string>(sizes: Readonly<Record<'type' | Field, number>>): Layout<'type' | Field> {
  const at = {} as Record<'type' | Field, number>;
  let length = 0;
  for (const [field, size] of Object.entries(sizes) as ['type' | Field, number][]) {
    at[field] = length;
    length += size;
  }
  return { at, length };
}

/** A zeroed frame of the layout's length plus `tailLength`, its type byte already written. */
function allocateFrame(type: number, layout: Layout<string>, tailLength = 0): { out: Uint8Array; view: DataView } {
  const out = new Uint8Array(layout.length + tailLength);
  out[0] = type;
  return { out, view: viewOf(out) };
}

function exactLength<T>(bytes: Uint8Array, length: number, build: () => T): Parsed<T> {
  return bytes.length === length ? ok(build()) : fail(FRAME_ERROR.BAD_LENGTH);
}

/**
 * A frame whose fixed part ends with a u16 length at `lengthAt` and whose tail is that many bytes of
 * UTF-8 (HELLO's origin, PUSH_SUBSCRIBE's endpoint): the tail's text, or why the frame is malformed.
 */
function readTextTail(bytes: Uint8Array, view: DataView, layout: Layout<string>, lengthAt: number, maxBytes: number): Parsed<string> {
  if (bytes.length < layout.length) return fail(FRAME_ERROR.BAD_LENGTH);
  const length = view.getUint16(lengthAt);
  if (length > maxBytes || bytes.length !== layout.length + length) return fail(FRAME_ERROR.BAD_LENGTH);
  try {
    return ok(utf8Decoder.decode(bytes.subarray(layout.length)));
  } catch {
    return fail(FRAME_ERROR.BAD_TEXT);
  }
}

// ---- AUTH (client) --------------------------------------------------------------------------

const AUTH_LAYOUT = defineLayout({
  type: U8,
  version: U8,
  roomId: SIZE.ROOM_ID,
  authPublicKey: SIZE.PUBLIC_KEY,
  devicePublicKey: SIZE.PUBLIC_KEY,
  sessionId: SIZE.SESSION_ID,
  fromRelaySeq: U64,
  roomSignature: SIZE.SIGNATURE,
  deviceSignature: SIZE.SIGNATURE,
});
export const AUTH_FRAME_LENGTH = AUTH_LAYOUT.length;

export function encodeAuthFrame(frame: Omit<AuthFrame, 'kind' | 'version' | 'admissionTicket'> & { readonly admissionTicket?: Uint8Array | null }): Uint8Array {
  const { at } = AUTH_LAYOUT;
  const { out, view } = allocateFrame(FRAME.AUTH, AUTH_LAYOUT);
  out[at.version] = PROTOCOL_VERSION;
  out.set(frame.roomId, at.roomId);
  out.set(frame.authPublicKey, at.authPublicKey);
  out.set(frame.devicePublicKey, at.devicePublicKey);
  out.set(frame.sessionId, at.sessionId);
  writeU64(view, at.fromRelaySeq, frame.fromRelaySeq);
  out.set(frame.roomSignature, at.roomSignature);
  out.set(frame.deviceSignature, at.deviceSignature);
  const ticket = frame.admissionTicket ?? null;
  if (ticket === null) return out;
  if (ticket.length !== SIZE.ADMISSION_TICKET) throw new RangeError(`an admission ticket is ${SIZE.ADMISSION_TICKET} bytes`);
  return new FrameWriter().bytes(out).bytes(ticket).finish();
}

function readAuthFrame(bytes: Uint8Array, view: DataView): Parsed<AuthFrame> {
  const { at } = AUTH_LAYOUT;
  const withTicket = bytes.length === AUTH_LAYOUT.length + SIZE.ADMISSION_TICKET;
  if (bytes.length !== AUTH_LAYOUT.length && !withTicket) return fail(FRAME_ERROR.BAD_LENGTH);
  const fromRelaySeq = readU64(view, at.fromRelaySeq);
  if (fromRelaySeq < 0) return fail(FRAME_ERROR.BAD_NUMBER);
  return ok({
    kind: FRAME.AUTH,
    version: bytes[at.version]!,
    roomId: bytes.slice(at.roomId, at.roomId + SIZE.ROOM_ID),
    authPublicKey: bytes.slice(at.authPublicKey, at.authPublicKey + SIZE.PUBLIC_KEY),
    devicePublicKey: bytes.slice(at.devicePublicKey, at.devicePublicKey + SIZE.PUBLIC_KEY),
    sessionId: bytes.slice(at.sessionId, at.sessionId + SIZE.SESSION_ID),
    fromRelaySeq,
    roomSignature: bytes.slice(at.roomSignature, at.roomSignature + SIZE.SIGNATURE),
    deviceSignature: bytes.slice(at.deviceSignature, at.deviceSignature + SIZE.SIGNATURE),
    admissionTicket: withTicket ? bytes.slice(AUTH_LAYOUT.length) : null,
  });
}

// ---- PUT, EPHEMERAL (client) and EPH (relay): a type byte, then the envelope -------------------

const ENVELOPE_LAYOUT = defineLayout({ type: U8 });

function encodeEnvelopeFrame(type: number, envelope: Uint8Array): Uint8Array {
  const { out } = allocateFrame(type, ENVELOPE_LAYOUT, envelope.length);
  out.set(envelope, ENVELOPE_LAYOUT.length);
  return out;
}

/** The envelope is a view into the frame, not a copy: envelopes are forwarded as they are. */
function readEnvelope(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(ENVELOPE_LAYOUT.length);
}

export const encodePutFrame = (envelope: Uint8Array): Uint8Array => encodeEnvelopeFrame(FRAME.PUT, envelope);
export const encodeEphemeralFrame = (envelope: Uint8Array): Uint8Array => encodeEnvelopeFrame(FRAME.EPHEMERAL, envelope);
export const encodeEphFrame = (envelope: Uint8Array): Uint8Array => encodeEnvelopeFrame(FRAME.EPH, envelope);

// ---- SEAL, DELETE_ROOM (client): the type byte alone -------------------------------------------

const BARE_LAYOUT = defineLayout({ type: U8 });

export const encodeSealFrame = (): Uint8Array => allocateFrame(FRAME.SEAL, BARE_LAYOUT).out;
export const encodeDeleteRoomFrame = (): Uint8Array => allocateFrame(FRAME.DELETE_ROOM, BARE_LAYOUT).out;

// ---- PUSH_SUBSCRIBE (client), PUSH_UNSUBSCRIBE and NUDGE (client: the type byte alone) ----------

const PUSH_SUBSCRIBE_LAYOUT = defineLayout({ type: U8, p256dh: PUSH_KEY_SIZE.P256DH, auth: PUSH_KEY_SIZE.AUTH, endpointLength: U16 });

export function encodePushSubscribeFrame(frame: Omit<PushSubscribeFrame, 'kind'>): Uint8Array {
  const { at } = PUSH_SUBSCRIBE_LAYOUT;
  const endpoint = utf8Encoder.encode(frame.endpoint);
  const { out, view } = allocateFrame(FRAME.PUSH_SUBSCRIBE, PUSH_SUBSCRIBE_LAYOUT, endpoint.length);
  out.set(frame.p256dh, at.p256dh);
  out.set(frame.auth, at.auth);
  view.setUint16(at.endpointLength, endpoint.length);
  out.set(endpoint, PUSH_SUBSCRIBE_LAYOUT.length);
  return out;
}

function readPushSubscribeFrame(bytes: Uint8Array, view: DataView): Parsed<PushSubscribeFrame> {
  const { at } = PUSH_SUBSCRIBE_LAYOUT;
  const text = readTextTail(bytes, view, PUSH_SUBSCRIBE_LAYOUT, at.endpointLength, MAX_PUSH_ENDPOINT_BYTES);
  if (!text.ok) return text;
  const endpoint = text.value;
  return ok({
    kind: FRAME.PUSH_SUBSCRIBE,
    p256dh: bytes.slice(at.p256dh, at.p256dh + PUSH_KEY_SIZE.P256DH),
    auth: bytes.slice(at.auth, at.auth + PUSH_KEY_SIZE.AUTH),
    endpoint,
  });
}

export const encodePushUnsubscribeFrame = (): Uint8Array => allocateFrame(FRAME.PUSH_UNSUBSCRIBE, BARE_LAYOUT).out;
export const encodeNudgeFrame = (): Uint8Array => allocateFrame(FRAME.NUDGE, BARE_LAYOUT).out;

// ---- PUSH_STATUS (relay) --------------------------------------------------------------------

const PUSH_STATUS_LAYOUT = defineLayout({ type: U8, answers: U8, status: U8 });

export function encodePushStatusFrame(frame: Omit<PushStatusFrame, 'kind'>): Uint8Array {
  const { at } = PUSH_STATUS_LAYOUT;
  const { out } = allocateFrame(FRAME.PUSH_STATUS, PUSH_STATUS_LAYOUT);
  out[at.answers] = frame.answers;
  out[at.status] = frame.status;
  return out;
}

function readPushStatusFrame(bytes: Uint8Array): Parsed<PushStatusFrame> {
  const { at } = PUSH_STATUS_LAYOUT;
  return exactLength(bytes, PUSH_STATUS_LAYOUT.length, () => ({ kind: FRAME.PUSH_STATUS, answers: bytes[at.answers]!, status: bytes[at.status]! }));
}

// ---- ESCROW_DEPOSIT, ESCROW_READ (client); ESCROW_RELEASES, ESCROW_NOTICE (relay) ----------------
// Variable-length lists: a small cursor reads them, and any field running past the end is a bad length.

class FrameWriter {
  private readonly parts: Uint8Array[] = [];
  bytes(value: Uint8Array): this {
    this.parts.push(value);
    return this;
  }
  u8(value: number): this {
    return this.bytes(Uint8Array.of(value));
  }
  u16(value: number): this {
    return this.bytes(Uint8Array.of(value >> 8, value & 0xff));
  }
  /** u16 length ‖ bytes */
  sized(value: Uint8Array): this {
    return this.u16(value.length).bytes(value);
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

class FrameReader {
  private at = 1;
  ok = true;
  constructor(private readonly frame: Uint8Array) {}
  get left(): number {
    return this.frame.length - this.at;
  }
  bytes(length: number): Uint8Array {
    if (!this.ok || length > this.left) {
      this.ok = false;
      return new Uint8Array(0);
    }
    const value = this.frame.slice(this.at, this.at + length);
    this.at += length;
    return value;
  }
  u8(): number {
    return this.bytes(1)[0] ?? 0;
  }
  u16(): number {
    const pair = this.bytes(2);
    return ((pair[0] ?? 0) << 8) | (pair[1] ?? 0);
  }
  /** u16 length ‖ bytes, at most `max` bytes. */
  sized(max: number): Uint8Array {
    const length = this.u16();
    if (length > max) this.ok = false;
    return this.bytes(length);
  }
  /** Where the cursor is: for the span a signature covers. */
  get position(): number {
    return this.at;
  }
}

function writeDepositBody(frame: Omit<EscrowDepositFrame, 'kind' | 'signature' | 'signedBody'>): Uint8Array {
  const writer = new FrameWriter().bytes(frame.slotTag).u8(frame.depositKind).u16(frame.lifetimeDays).sized(frame.record).u8(frame.boxes.length);
  for (const box of frame.boxes) writer.bytes(box.recipient).sized(box.box);
  return writer.finish();
}

/** The body of an ESCROW_DEPOSIT (what its signature covers), for the depositing device to sign. */
export const encodeEscrowDepositBody = writeDepositBody;

/** What the depositing device signs: label ‖ 0 ‖ roomId ‖ body. A deposit copied to another room, slot or device does not verify. */
export function escrowDepositTranscript(roomId: Uint8Array, body: Uint8Array): Uint8Array {
  return new FrameWriter().bytes(utf8Encoder.encode(LABEL.SIGN_ESCROW_DEPOSIT)).u8(0).bytes(roomId).bytes(body).finish();
}

export function encodeEscrowDepositFrame(body: Uint8Array, signature: Uint8Array): Uint8Array {
  return new FrameWriter().u8(FRAME.ESCROW_DEPOSIT).bytes(body).bytes(signature).finish();
}

function readEscrowDepositFrame(bytes: Uint8Array): Parsed<EscrowDepositFrame> {
  if (bytes.length < 1 + SIZE.SIGNATURE) return fail(FRAME_ERROR.BAD_LENGTH);
  const reader = new FrameReader(bytes.subarray(0, bytes.length - SIZE.SIGNATURE));
  const slotTag = reader.bytes(ESCROW_SIZE.SLOT_TAG);
  const depositKind = reader.u8();
  const lifetimeDays = reader.u16();
  const record = reader.sized(ESCROW_SIZE.MAX_RECORD);
  const count = reader.u8();
  if (count > ESCROW_SIZE.MAX_BOXES) return fail(FRAME_ERROR.BAD_LENGTH);
  const boxes: EscrowBoxField[] = [];
  for (let index = 0; index < count && reader.ok; index++) boxes.push({ recipient: reader.bytes(SIZE.PUBLIC_KEY), box: reader.sized(ESCROW_SIZE.MAX_BOX) });
  if (!reader.ok || reader.left !== 0) return fail(FRAME_ERROR.BAD_LENGTH);
  if ((depositKind !== ESCROW_KIND.ANSWER && depositKind !== ESCROW_KIND.DECLINE) || lifetimeDays < 1 || lifetimeDays > ESCROW_SIZE.MAX_LIFETIME_DAYS) return fail(FRAME_ERROR.BAD_NUMBER);
  return ok({
    kind: FRAME.ESCROW_DEPOSIT,
    slotTag,
    depositKind,
    lifetimeDays,
    record,
    boxes,
    signature: bytes.slice(bytes.length - SIZE.SIGNATURE),
    signedBody: bytes.slice(1, bytes.length - SIZE.SIGNATURE),
  });
}

export const encodeAdmitTicketFrame = (ticketHash: Uint8Array): Uint8Array => new FrameWriter().u8(FRAME.ADMIT_TICKET).bytes(ticketHash).finish();
export const encodeRevokeDeviceFrame = (devicePublicKey: Uint8Array): Uint8Array =>
  new FrameWriter().u8(FRAME.REVOKE_DEVICE).bytes(devicePublicKey).finish();
export const encodeEscrowReadFrame = (slotTag: Uint8Array): Uint8Array => new FrameWriter().u8(FRAME.ESCROW_READ).bytes(slotTag).finish();
export const encodeEscrowNoticeFrame = (slotTag: Uint8Array): Uint8Array => new FrameWriter().u8(FRAME.ESCROW_NOTICE).bytes(slotTag).finish();

function readSlotFrame<Kind extends typeof FRAME.ESCROW_READ | typeof FRAME.ESCROW_NOTICE>(kind: Kind, bytes: Uint8Array): Parsed<{ kind: Kind; slotTag: Uint8Array }> {
  return exactLength(bytes, 1 + ESCROW_SIZE.SLOT_TAG, () => ({ kind, slotTag: bytes.slice(1) }));
}

export function encodeEscrowReleasesFrame(frame: Omit<EscrowReleasesFrame, 'kind'>): Uint8Array {
  const writer = new FrameWriter().u8(FRAME.ESCROW_RELEASES).bytes(frame.slotTag).u8(frame.status).u8(frame.releases.length);
  for (const release of frame.releases) writer.bytes(release.depositor).sized(release.record).sized(release.box);
  return writer.finish();
}

function readEscrowReleasesFrame(bytes: Uint8Array): Parsed<EscrowReleasesFrame> {
  const reader = new FrameReader(bytes);
  const slotTag = reader.bytes(ESCROW_SIZE.SLOT_TAG);
  const status = reader.u8();
  const count = reader.u8();
  const releases: EscrowReleaseField[] = [];
  for (let index = 0; index < count && reader.ok; index++) {
    releases.push({ depositor: reader.bytes(SIZE.PUBLIC_KEY), record: reader.sized(ESCROW_SIZE.MAX_RECORD), box: reader.sized(ESCROW_SIZE.MAX_BOX) });
  }
  if (!reader.ok || reader.left !== 0) return fail(FRAME_ERROR.BAD_LENGTH);
  return ok({ kind: FRAME.ESCROW_RELEASES, slotTag, status, releases });
}

// ---- HELLO (relay) --------------------------------------------------------------------------

const HELLO_LAYOUT = defineLayout({
  type: U8,
  version: U8,
  challenge: SIZE.CHALLENGE,
  serverTime: U64,
  originLength: U16,
});

export function encodeHelloFrame(frame: Omit<HelloFrame, 'kind' | 'version'>): Uint8Array {
  const { at } = HELLO_LAYOUT;
  const origin = utf8Encoder.encode(frame.relayOrigin);
  const { out, view } = allocateFrame(FRAME.HELLO, HELLO_LAYOUT, origin.length);
  out[at.version] = PROTOCOL_VERSION;
  out.set(frame.challenge, at.challenge);
  writeU64(view, at.serverTime, frame.serverTime);
  view.setUint16(at.originLength, origin.length);
  out.set(origin, HELLO_LAYOUT.length);
  return out;
}

function readHelloFrame(bytes: Uint8Array, view: DataView): Parsed<HelloFrame> {
  const { at } = HELLO_LAYOUT;
  const text = readTextTail(bytes, view, HELLO_LAYOUT, at.originLength, MAX_ORIGIN_BYTES);
  if (!text.ok) return text;
  const relayOrigin = text.value;
  const serverTime = readU64(view, at.serverTime);
  if (serverTime < 0) return fail(FRAME_ERROR.BAD_NUMBER);
  const challenge = bytes.slice(at.challenge, at.challenge + SIZE.CHALLENGE);
  return ok({ kind: FRAME.HELLO, version: bytes[at.version]!, challenge, serverTime, relayOrigin });
}

// ---- READY, ROOM_STATE (relay) ----------------------------------------------------------------

const ROOM_STATE_LAYOUT = defineLayout({ type: U8, sealed: U8, deviceCount: U8 });

function encodeRoomStatus(type: number, frame: { readonly sealed: boolean; readonly deviceCount: number }): Uint8Array {
  const { at } = ROOM_STATE_LAYOUT;
  const { out } = allocateFrame(type, ROOM_STATE_LAYOUT);
  out[at.sealed] = frame.sealed ? 1 : 0;
  out[at.deviceCount] = frame.deviceCount;
  return out;
}

function readRoomStatus<Kind extends typeof FRAME.READY | typeof FRAME.ROOM_STATE>(
  kind: Kind,
  bytes: Uint8Array,
): Parsed<{ kind: Kind; sealed: boolean; deviceCount: number }> {
  const { at } = ROOM_STATE_LAYOUT;
  return exactLength(bytes, ROOM_STATE_LAYOUT.length, () => ({ kind, sealed: bytes[at.sealed] === 1, deviceCount: bytes[at.deviceCount]! }));
}

export const encodeReadyFrame = (frame: Omit<ReadyFrame, 'kind'>): Uint8Array => encodeRoomStatus(FRAME.READY, frame);
export const encodeRoomStateFrame = (frame: Omit<RoomStateFrame, 'kind'>): Uint8Array => encodeRoomStatus(FRAME.ROOM_STATE, frame);

// ---- ENV (relay) ----------------------------------------------------------------------------

const ENV_LAYOUT = defineLayout({ type: U8, relaySeq: U64 });

/** ENV frames are built once per stored envelope and sent to many sockets. */
export function encodeEnvFrame(relaySeq: number, envelope: Uint8Array): Uint8Array {
  const { out, view } = allocateFrame(FRAME.ENV, ENV_LAYOUT, envelope.length);
  writeU64(view, ENV_LAYOUT.at.relaySeq, relaySeq);
  out.set(envelope, ENV_LAYOUT.length);
  return out;
}

function readEnvFrame(bytes: Uint8Array, view: DataView): Parsed<EnvFrame> {
  if (bytes.length < ENV_LAYOUT.length) return fail(FRAME_ERROR.BAD_LENGTH);
  const relaySeq = readU64(view, ENV_LAYOUT.at.relaySeq);
  if (relaySeq < 0) return fail(FRAME_ERROR.BAD_NUMBER);
  return ok({ kind: FRAME.ENV, relaySeq, envelope: bytes.subarray(ENV_LAYOUT.length) });
}

// ---- BACKLOG_END (relay) --------------------------------------------------------------------

const BACKLOG_END_LAYOUT = defineLayout({ type: U8, upToRelaySeq: U64, sinceSnapshot: U32 });
const MAX_U32 = 0xffffffff;

export function encodeBacklogEndFrame(frame: Omit<BacklogEndFrame, 'kind'>): Uint8Array {
  const { at } = BACKLOG_END_LAYOUT;
  const { out, view } = allocateFrame(FRAME.BACKLOG_END, BACKLOG_END_LAYOUT);
  writeU64(view, at.upToRelaySeq, frame.upToRelaySeq);
  // Saturate: a wrapped count would read as "no compaction needed" exactly when it is needed most.
  view.setUint32(at.sinceSnapshot, Math.min(frame.sinceSnapshot, MAX_U32));
  return out;
}

function readBacklogEndFrame(bytes: Uint8Array, view: DataView): Parsed<BacklogEndFrame> {
  const { at } = BACKLOG_END_LAYOUT;
  if (bytes.length !== BACKLOG_END_LAYOUT.length) return fail(FRAME_ERROR.BAD_LENGTH);
  const upToRelaySeq = readU64(view, at.upToRelaySeq);
  if (upToRelaySeq < 0) return fail(FRAME_ERROR.BAD_NUMBER);
  return ok({ kind: FRAME.BACKLOG_END, upToRelaySeq, sinceSnapshot: view.getUint32(at.sinceSnapshot) });
}

// ---- ACK (relay) ----------------------------------------------------------------------------

const ACK_LAYOUT = defineLayout({ type: U8, sessionId: SIZE.SESSION_ID, seq: U32, relaySeq: U64 });

export function encodeAckFrame(frame: Omit<AckFrame, 'kind'>): Uint8Array {
  const { at } = ACK_LAYOUT;
  const { out, view } = allocateFrame(FRAME.ACK, ACK_LAYOUT);
  out.set(frame.sessionId, at.sessionId);
  view.setUint32(at.seq, frame.seq);
  writeU64(view, at.relaySeq, frame.relaySeq);
  return out;
}

function readAckFrame(bytes: Uint8Array, view: DataView): Parsed<AckFrame> {
  const { at } = ACK_LAYOUT;
  if (bytes.length !== ACK_LAYOUT.length) return fail(FRAME_ERROR.BAD_LENGTH);
  const relaySeq = readU64(view, at.relaySeq);
  if (relaySeq < 0) return fail(FRAME_ERROR.BAD_NUMBER);
  return ok({ kind: FRAME.ACK, sessionId: bytes.slice(at.sessionId, at.sessionId + SIZE.SESSION_ID), seq: view.getUint32(at.seq), relaySeq });
}

// ---- ERROR (relay) --------------------------------------------------------------------------

const ERROR_LAYOUT = defineLayout({ type: U8, code: U8, sessionId: SIZE.SESSION_ID, seq: U32 });

export function encodeErrorFrame(frame: Omit<ErrorFrame, 'kind'>): Uint8Array {
  const { at } = ERROR_LAYOUT;
  const { out, view } = allocateFrame(FRAME.ERROR, ERROR_LAYOUT);
  out[at.code] = frame.code;
  out.set(frame.sessionId, at.sessionId);
  view.setUint32(at.seq, frame.seq);
  return out;
}

function readErrorFrame(bytes: Uint8Array, view: DataView): Parsed<ErrorFrame> {
  const { at } = ERROR_LAYOUT;
  return exactLength(bytes, ERROR_LAYOUT.length, () => ({
    kind: FRAME.ERROR,
    code: bytes[at.code]!,
    sessionId: bytes.slice(at.sessionId, at.sessionId + SIZE.SESSION_ID),
    seq: view.getUint32(at.seq),
  }));
}

// ---- HEARTBEAT (relay) ----------------------------------------------------------------------

const HEARTBEAT_LAYOUT = defineLayout({ type: U8, serverTime: U64 });

export function encodeHeartbeatFrame(serverTime: number): Uint8Array {
  const { out, view } = allocateFrame(FRAME.HEARTBEAT, HEARTBEAT_LAYOUT);
  writeU64(view, HEARTBEAT_LAYOUT.at.serverTime, serverTime);
  return out;
}

function readHeartbeatFrame(bytes: Uint8Array, view: DataView): Parsed<HeartbeatFrame> {
  if (bytes.length !== HEARTBEAT_LAYOUT.length) return fail(FRAME_ERROR.BAD_LENGTH);
  const serverTime = readU64(view, HEARTBEAT_LAYOUT.at.serverTime);
  return serverTime < 0 ? fail(FRAME_ERROR.BAD_NUMBER) : ok({ kind: FRAME.HEARTBEAT, serverTime });
}

// ---- dispatch -------------------------------------------------------------------------------

/** Parses a frame sent by a client. Never throws; the relay closes with PROTOCOL_VIOLATION on error. */
export function parseClientFrame(bytes: Uint8Array): Parsed<ClientFrame> {
  if (bytes.length === 0) return fail(FRAME_ERROR.EMPTY);
  switch (bytes[0]) {
    case FRAME.AUTH:
      return readAuthFrame(bytes, viewOf(bytes));
    case FRAME.PUT:
      return ok({ kind: FRAME.PUT, envelope: readEnvelope(bytes) });
    case FRAME.EPHEMERAL:
      return ok({ kind: FRAME.EPHEMERAL, envelope: readEnvelope(bytes) });
    case FRAME.SEAL:
      return exactLength(bytes, BARE_LAYOUT.length, () => ({ kind: FRAME.SEAL }));
    case FRAME.DELETE_ROOM:
      return exactLength(bytes, BARE_LAYOUT.length, () => ({ kind: FRAME.DELETE_ROOM }));
    case FRAME.PUSH_SUBSCRIBE:
      return readPushSubscribeFrame(bytes, viewOf(bytes));
    case FRAME.PUSH_UNSUBSCRIBE:
      return exactLength(bytes, BARE_LAYOUT.length, () => ({ kind: FRAME.PUSH_UNSUBSCRIBE }));
    case FRAME.NUDGE:
      return exactLength(bytes, BARE_LAYOUT.length, () => ({ kind: FRAME.NUDGE }));
    case FRAME.ESCROW_DEPOSIT:
      return readEscrowDepositFrame(bytes);
    case FRAME.ESCROW_READ:
      return readSlotFrame(FRAME.ESCROW_READ, bytes);
    case FRAME.ADMIT_TICKET:
      return exactLength(bytes, 1 + SIZE.TICKET_HASH, () => ({ kind: FRAME.ADMIT_TICKET, ticketHash: bytes.slice(1) }));
    case FRAME.REVOKE_DEVICE:
      return exactLength(bytes, 1 + SIZE.PUBLIC_KEY, () => ({ kind: FRAME.REVOKE_DEVICE, devicePublicKey: bytes.slice(1) }));
    default:
      return fail(FRAME_ERROR.UNKNOWN_TYPE);
  }
}

/** Parses a frame sent by the relay. Never throws; the client treats errors as a broken relay. */
export function parseRelayFrame(bytes: Uint8Array): Parsed<RelayFrame> {
  if (bytes.length === 0) return fail(FRAME_ERROR.EMPTY);
  const view = viewOf(bytes);
  switch (bytes[0]) {
    case FRAME.HELLO:
      return readHelloFrame(bytes, view);
    case FRAME.READY:
      return readRoomStatus(FRAME.READY, bytes);
    case FRAME.ROOM_STATE:
      return readRoomStatus(FRAME.ROOM_STATE, bytes);
    case FRAME.ENV:
      return readEnvFrame(bytes, view);
    case FRAME.BACKLOG_END:
      return readBacklogEndFrame(bytes, view);
    case FRAME.ACK:
      return readAckFrame(bytes, view);
    case FRAME.ERROR:
      return readErrorFrame(bytes, view);
    case FRAME.EPH:
      return ok({ kind: FRAME.EPH, envelope: readEnvelope(bytes) });
    case FRAME.HEARTBEAT:
      return readHeartbeatFrame(bytes, view);
    case FRAME.PUSH_STATUS:
      return readPushStatusFrame(bytes);
    case FRAME.ESCROW_RELEASES:
      return readEscrowReleasesFrame(bytes);
    case FRAME.ESCROW_NOTICE:
      return readSlotFrame(FRAME.ESCROW_NOTICE, bytes);
    default:
      return fail(FRAME_ERROR.UNKNOWN_TYPE);
  }
}
