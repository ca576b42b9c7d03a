import { CLOSE } from '@seen/shared/protocol';

/** A close code with the reason the relay gives for it (PROTOCOL.md "Close codes"). */
export interface Refusal {
  readonly code: number;
  readonly reason: string;
}

/**
 * Every way the relay closes a socket, in one table: the code decides what the client does next
 * (4400–4499 permanent, 4500–4599 retry with backoff), the reason is for people reading logs.
 */
export const REFUSAL = {
  shuttingDown: { code: CLOSE.GOING_AWAY, reason: 'relay shutting down' },
  restarting: { code: CLOSE.GOING_AWAY, reason: 'relay restarting' },
  busy: { code: CLOSE.OVERLOADED, reason: 'relay busy' },
  slowReader: { code: CLOSE.OVERLOADED, reason: 'slow reader' },
  storageUnavailable: { code: CLOSE.OVERLOADED, reason: 'storage unavailable' },
  tooManyConnections: { code: CLOSE.TOO_MANY_CONNECTIONS, reason: 'too many connections from this address' },
  binaryOnly: { code: CLOSE.PROTOCOL_VIOLATION, reason: 'binary frames only' },
  authTwice: { code: CLOSE.PROTOCOL_VIOLATION, reason: 'auth twice' },
  notAuthenticated: { code: CLOSE.PROTOCOL_VIOLATION, reason: 'not authenticated' },
  frameTooLarge: { code: CLOSE.FRAME_TOO_LARGE, reason: 'frame too large' },
  authDeadline: { code: CLOSE.AUTH_TIMEOUT, reason: 'auth deadline' },
  versionUnsupported: { code: CLOSE.VERSION_UNSUPPORTED, reason: 'unsupported version' },
  failedHandshakes: { code: CLOSE.RATE_LIMITED, reason: 'too many failed handshakes' },
  tooManyWrites: { code: CLOSE.RATE_LIMITED, reason: 'too many writes' },
  roomDeleted: { code: CLOSE.ROOM_DELETED, reason: 'room deleted' },
  roomSealed: { code: CLOSE.ROOM_SEALED, reason: 'room sealed' },
  roomFull: { code: CLOSE.ROOM_FULL, reason: 'room has its maximum of devices' },
  roomBusy: { code: CLOSE.TOO_MANY_SOCKETS, reason: 'room busy' },
  deviceRemoved: { code: CLOSE.DEVICE_REMOVED, reason: 'device removed' },
} as const satisfies Record<string, Refusal>;

/** Something that can be closed with a code and a reason: a Connection, or a socket refused at the door. */
export interface Closable {
  close(code: number, reason: string): void;
}

/** The one way the relay closes a socket. */
export function refuse(target: Closable, refusal: Refusal): void {
  target.close(refusal.code, refusal.reason);
}

/** Refusals whose reason is only known at the call (the code is fixed by the kind of failure). */
export const protocolViolation = (detail: string): Refusal => ({ code: CLOSE.PROTOCOL_VIOLATION, reason: detail });
export const authFailed = (detail: string): Refusal => ({ code: CLOSE.AUTH_FAILED, reason: detail });
