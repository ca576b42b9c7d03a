import type { Connection } from './Connection.ts';

/** What the relay holds in memory for a room with at least one socket (evicted when empty). */
export interface RoomState {
  readonly roomId: string;
  readonly roomIdBytes: Uint8Array;
  sealed: boolean;
  /** Hex of registered device public keys. */
  readonly devices: Set<string>;
  readonly sockets: Set<Connection>;
  nextRelaySeq: number;
  bytesUsed: number;
  /** Highest seq assigned per session (hex), so the hot path needs no lookup for new envelopes. */
  readonly sessionSeqs: Map<string, number>;
  /** Forwarded but not yet committed, by `${session}:${seq}`: a resend waits for the same commit. */
  readonly pending: Map<string, PendingWrite>;
  /** Serializes registration, sealing and deletion for the room. */
  lock: Promise<void>;
  deleted: boolean;
}

export interface PendingWrite {
  readonly relaySeq: number;
  readonly envelope: Uint8Array;
  readonly committed: Promise<void>;
}

/**
 * relaySeq assignment restarts this far above the stored maximum whenever a room is loaded.
 * Envelopes are forwarded before they commit; after a crash, a partner may already hold relaySeq
 * numbers that were never stored. Skipping ahead guarantees those numbers are never reused for a
 * different envelope, so a cursor can never skip a stored one. 2^16 exceeds any uncommitted burst.
 */
export const RELOAD_SEQ_GAP = 2 ** 16;

export function runExclusive<T>(room: RoomState, task: () => Promise<T>): Promise<T> {
  const result = room.lock.then(task);
  room.lock = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}
