// Every number that crosses the wire has a name here (PROTOCOL.md is the prose of this file).

/** Major protocol version; also the WebSocket path segment (`/v1`). */
export const PROTOCOL_VERSION = 1;
export const RELAY_PATH = `/v${PROTOCOL_VERSION}`;

/** First byte of every relay frame. Client→relay are 0x01–0x7f, relay→client 0x81–0xff. */
export const FRAME = {
  AUTH: 0x01,
  PUT: 0x02,
  EPHEMERAL: 0x03,
  SEAL: 0x04,
  DELETE_ROOM: 0x05,
  PUSH_SUBSCRIBE: 0x06,
  PUSH_UNSUBSCRIBE: 0x07,
  NUDGE: 0x08,
  ESCROW_DEPOSIT: 0x09,
  ESCROW_READ: 0x0a,
  REVOKE_DEVICE: 0x0b,
  ADMIT_TICKET: 0x0c,
  HELLO: 0x81,
  READY: 0x82,
  ENV: 0x83,
  BACKLOG_END: 0x84,
  ACK: 0x85,
  ERROR: 0x86,
  EPH: 0x87,
  HEARTBEAT: 0x88,
  ROOM_STATE: 0x89,
  PUSH_STATUS: 0x8a,
  ESCROW_RELEASES: 0x8b,
  ESCROW_NOTICE: 0x8c,
} as const;
export type FrameType = (typeof FRAME)[keyof typeof FRAME];

/** Second byte of an envelope. */
export const ENVELOPE_TYPE = {
  UPDATE: 1,
  SNAPSHOT: 2,
  PRESENCE: 3,
} as const;
export type EnvelopeType = (typeof ENVELOPE_TYPE)[keyof typeof ENVELOPE_TYPE];

/** WebSocket close codes. 4400–4499 are permanent: y-websocket 3.1 stops reconnecting on them. */
export const CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_VIOLATION: 4400,
  AUTH_FAILED: 4401,
  ROOM_SEALED: 4403,
  ROOM_FULL: 4409,
  ROOM_DELETED: 4410,
  /** This device was removed from the room by another device (SEALED-19); refused from then on. */
  DEVICE_REMOVED: 4411,
  FRAME_TOO_LARGE: 4413,
  VERSION_UNSUPPORTED: 4426,
  OVERLOADED: 4503,
  AUTH_TIMEOUT: 4508,
  TOO_MANY_SOCKETS: 4509,
  RATE_LIMITED: 4529,
  /** Too many connections open, or waiting to authenticate, from this address (ABUSE-1, ABUSE-2). */
  TOO_MANY_CONNECTIONS: 4530,
} as const;
export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/** Whether a close code means "do not try again" (the y-websocket 3.1 rule). */
export function isPermanentClose(code: number): boolean {
  return code >= 4400 && code < 4500;
}

/** Codes carried by an ERROR frame about one envelope; the connection stays open. */
export const RELAY_ERROR = {
  /** The write did not commit; keep it in the outbox and resend after reconnecting. */
  STORE_FAILED: 1,
  /** Same (session, seq) already stored with different bytes; the envelope is dropped. */
  DUPLICATE_CONFLICT: 2,
  /** The room has no storage left; the envelope was not stored or forwarded. */
  QUOTA_EXCEEDED: 3,
  /** A snapshot declared coverage beyond what the relay has assigned. */
  SNAPSHOT_REJECTED: 4,
  /** The envelope header is malformed or names another room. */
  BAD_ENVELOPE: 5,
} as const;
export type RelayErrorCode = (typeof RELAY_ERROR)[keyof typeof RELAY_ERROR];

/** What a PUSH_STATUS frame says about the PUSH_SUBSCRIBE, PUSH_UNSUBSCRIBE or NUDGE it answers. */
export const PUSH_STATUS = {
  /** Done: the subscription is kept (or forgotten), or the nudge is on its way. */
  OK: 0,
  /** The endpoint is not one this relay posts to (not https, not on its list of push services, or not a public address). */
  ENDPOINT_NOT_ALLOWED: 1,
  /** The endpoint is not a URL, or the keys are not a P-256 public key and a 16-byte secret. */
  BAD_SUBSCRIPTION: 2,
  /** Too many nudges from this device or room lately; this one was dropped. */
  RATE_LIMITED: 3,
  /** The relay could not keep or read subscriptions just now (its storage failed); try again later. */
  UNAVAILABLE: 4,
} as const;
export type PushStatusCode = (typeof PUSH_STATUS)[keyof typeof PUSH_STATUS];

/** Answer-key escrow (PROTOCOL.md §3b): what a deposit is, and what the relay says about it. */
export const ESCROW_KIND = { ANSWER: 1, DECLINE: 2 } as const;
export const ESCROW_STATUS = {
  /** The deposit is stored (or, for ESCROW_READ, this is what the device may open now). */
  STORED: 0,
  /** The same deposit was already stored: the releases are repeated. */
  DUPLICATE: 1,
  /** This device already deposited something else in the slot; nothing changed. */
  CONFLICT: 2,
  /** Not signed by this connection's device for this room and slot, a box for a device not in the room, or over a limit. */
  REFUSED: 3,
  /** The relay's storage failed; try again later. */
  UNAVAILABLE: 4,
} as const;
export const ESCROW_SIZE = {
  SLOT_TAG: 16,
  /** A signed commitment or decline is ~200 bytes; this leaves room for a later layout. */
  MAX_RECORD: 4096,
  /** An answer key boxed to one device (nacl.box: 32 + 24 + 16 bytes). */
  MAX_BOX: 256,
  MAX_BOXES: 16,
  MAX_LIFETIME_DAYS: 366,
} as const;

/** Sizes of a Web Push subscription's keys (RFC 8291): an uncompressed P-256 point and the auth secret. */
export const PUSH_KEY_SIZE = { P256DH: 65, AUTH: 16 } as const;
/** Longest push endpoint URL a relay keeps (the browsers' services use ~200–500 bytes). */
export const MAX_PUSH_ENDPOINT_BYTES = 2048;

/** Domain-separation labels. Changing one invalidates every key, room id or signature made with it. */
export const LABEL = {
  KDF_PREFIX: 'seen/v1/',
  ENC_KEY: 'enc',
  AUTH_SEED: 'auth',
  ROOM_ID: 'seen/v1/room-id',
  SIGN_REGISTER: 'seen/v1/register',
  SIGN_AUTH: 'seen/v1/relay-auth',
  SIGN_ESCROW_DEPOSIT: 'seen/v1/escrow-deposit',
  ADMISSION_TICKET: 'seen/v1/admission-ticket',
} as const;

export const SIZE = {
  ROOM_ID: 16,
  SESSION_ID: 16,
  PUBLIC_KEY: 32,
  SIGNATURE: 64,
  CHALLENGE: 32,
  NONCE: 24,
  SECRET: 32,
  BOX_OVERHEAD: 16,
  /** A one-time admission ticket (SEALED-21), carried by a new device's AUTH. */
  ADMISSION_TICKET: 16,
  /** What the relay keeps of a ticket: the first 32 bytes of its SHA-512. */
  TICKET_HASH: 32,
} as const;

/** Default relay limits (PROTOCOL.md "Limits"); the relay may be configured tighter or looser. */
export const DEFAULT_LIMITS = {
  maxFrameBytes: 2 * 1024 * 1024,
  maxSocketsPerRoom: 8,
  maxDevicesPerRoom: 6,
  authDeadlineMs: 10_000,
  challengeTtlMs: 30_000,
  roomQuotaBytes: 20 * 1024 * 1024,
  /** Stored envelopes per second per connection (token bucket refill) and burst. */
  putsPerSecond: 100,
  putBurst: 300,
  /** Presence frames per second per connection; the excess is dropped, not refused. */
  ephemeralsPerSecond: 20,
  ephemeralBurst: 40,
  /** Failed handshakes per IP per minute before that IP is refused for a while. */
  authFailuresPerMinute: 10,
  heartbeatMs: 10_000,
  /** Superseded log entries are erased this long after a snapshot covering them was stored. */
  supersededGraceMs: 30 * 24 * 3600 * 1000,
  /**
   * A socket whose unsent bytes (send buffer, or frames queued while its backlog streams) exceed
   * this is a slow reader and is closed with OVERLOADED; received frames waiting to be handled
   * beyond this pause reading from the socket (TCP pushes back on the sender).
   */
  maxBufferedBytes: 8 * 1024 * 1024,
  /** Open sockets per client address (all rooms). Over: close TOO_MANY_CONNECTIONS. */
  maxConnectionsPerIp: 64,
  /** Sockets per client address that have not authenticated yet. Over: close TOO_MANY_CONNECTIONS. */
  maxUnauthenticatedPerIp: 16,
  /** Sockets relay-wide that have not authenticated yet. Over: close OVERLOADED (shedding load). */
  maxUnauthenticated: 4096,
  /** A peer that does not answer our close frame within this is disconnected (ws default: 30 s). */
  closeTimeoutMs: 5_000,
  /** Nudges (Web Push to the room's other devices) per device: a burst, then one per interval. Over: PUSH_STATUS RATE_LIMITED. */
  deviceNudgeBurst: 4,
  deviceNudgeEveryMs: 5 * 60_000,
  /** Nudges per room, whoever sends them. */
  roomNudgeBurst: 8,
  roomNudgeEveryMs: 2 * 60_000,
} as const;
export type RelayLimits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };
