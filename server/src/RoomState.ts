import type { EnvelopeHeader } from '@seen/shared/protocol';
import type { Connection } from './Connection.ts';
import type { CommitTicket } from './GroupCommit.ts';

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
  /**
   * Per session (hex): the lowest seq refused for the room's quota and not stored since. Every
   * later seq of that session is refused too until it is, so no session's changes are ever stored
   * after a hole (SPEC LOG-11). Memory only: after a restart the client resends in seq order.
   */
  readonly quotaRefusedFrom: Map<string, number>;
  /** Forwarded but not yet committed, by `${session}:${seq}`: a resend waits for the same commit. */
  readonly pending: Map<string, PendingWrite>;
  /** Serializes registration, sealing and deletion for the room. */
  lock: Promise<void>;
  deleted: boolean;
}

/** An envelope forwarded but not yet committed: what is needed to ACK it, or to answer a resend. */
export interface PendingWrite extends CommitTicket {
  readonly room: RoomState;
  readonly connection: Connection;
  readonly header: EnvelopeHeader;
  /** Resends of the same (session, seq) that arrived before the commit: told true once it is durable. */
  readonly waiters: ((committed: boolean) => void)[];
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
