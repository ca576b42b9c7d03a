import type { SequencedOutcome, SequencedWrite } from './RelayStorage.ts';

/** A room as the commit found it (under its lock, for a shared engine). */
export interface RoomCounters {
  /** False for a tombstone or a room that does not exist. */
  readonly live: boolean;
  /** The relaySeq the room's next new write gets (its head + 1). */
  readonly nextRelaySeq: number;
  /** Bytes of the room's unsuperseded envelopes (what counts against the quota). */
  readonly usedBytes: number;
}

/** What a write's (session, seq) already holds in storage. */
export interface StoredIdentity {
  readonly relaySeq: number;
  /** Whether the stored envelope has exactly the write's bytes. */
  readonly sameBytes: boolean;
}

/** One new row to insert. */
export interface PlannedRow {
  readonly write: SequencedWrite;
  readonly relaySeq: number;
}

/** What one room's part of the commit does. */
export interface PlannedRoom {
  /** New rows, in relaySeq order (consecutive from the room's old nextRelaySeq). */
  readonly rows: PlannedRow[];
  nextRelaySeq: number;
  /** Bytes the new rows add to the room's used bytes (before snapshots supersede anything). */
  addedBytes: number;
}

export interface SequencedPlan {
  readonly outcomes: SequencedOutcome[];
  /** Only rooms that get new rows. */
  readonly rooms: Map<string, PlannedRoom>;
}

const DELETED: SequencedOutcome = { kind: 'deleted' };
const CONFLICT: SequencedOutcome = { kind: 'conflict' };
const QUOTA: SequencedOutcome = { kind: 'quota' };
const SNAPSHOT_REJECTED: SequencedOutcome = { kind: 'snapshot-rejected' };

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/**
 * Decides what `commitSequenced` does with a batch, for engines that run the decision in this
 * process (memory, SQLite; PostgreSQL runs the same rules inside the database). In the order given,
 * per write:
 * 1. the room is gone → deleted;
 * 2. its (session, seq) is stored → duplicate (same bytes, the stored relaySeq) or conflict;
 * 3. an earlier write of the batch had the same (session, seq) → that write's fate: duplicate of
 *    its relaySeq when it was stored with the same bytes, conflict for other bytes, its refusal
 *    otherwise;
 * 4. an earlier write of the same session in the room was refused for the quota → quota (SPEC
 *    LOG-11: no session's stored changes skip a seq), whatever its kind;
 * 5. a snapshot covering its own relaySeq or beyond → snapshot-rejected;
 * 6. an update that does not fit the quota → quota (snapshots are exempt: they are what frees room);
 * 7. otherwise stored under the room's next relaySeq.
 * Bytes freed by snapshots count only after the commit, as supersession runs after the inserts.
 */
export function planSequencedCommit(
  writes: readonly SequencedWrite[],
  quotaBytes: number,
  roomOf: (roomId: string) => RoomCounters,
  findStored: (write: SequencedWrite) => StoredIdentity | null,
): SequencedPlan {
  const outcomes: SequencedOutcome[] = [];
  const rooms = new Map<string, PlannedRoom>();
  const counters = new Map<string, RoomCounters>();
  /** `${room}\n${session}:${seq}` → the earlier write in this batch and its outcome. */
  const inBatch = new Map<string, { write: SequencedWrite; outcome: SequencedOutcome }>();
  const quotaBlocked = new Set<string>();

  for (const write of writes) {
    let room = counters.get(write.roomId);
    if (room === undefined) {
      room = roomOf(write.roomId);
      counters.set(write.roomId, room);
    }
    const outcome = decide(write, room);
    outcomes.push(outcome);
  }
  return { outcomes, rooms };

  function decide(write: SequencedWrite, room: RoomCounters): SequencedOutcome {
    if (!room.live) return DELETED;
    const stored = findStored(write);
    if (stored !== null) return stored.sameBytes ? { kind: 'duplicate', relaySeq: stored.relaySeq } : CONFLICT;
    const session = hexOf(write.sessionId);
    const identity = `${write.roomId}\n${session}:${write.seq}`;
    const earlier = inBatch.get(identity);
    if (earlier !== undefined) {
      if (earlier.outcome.kind !== 'stored') return earlier.outcome;
      return sameBytes(earlier.write.envelope, write.envelope) ? { kind: 'duplicate', relaySeq: earlier.outcome.relaySeq } : CONFLICT;
    }
    const outcome = decideNew(write, room, `${write.roomId}\n${session}`);
    inBatch.set(identity, { write, outcome });
    return outcome;
  }

  function decideNew(write: SequencedWrite, room: RoomCounters, sessionInRoom: string): SequencedOutcome {
    if (quotaBlocked.has(sessionInRoom)) return QUOTA;
    let planned = rooms.get(write.roomId);
    const nextRelaySeq = planned?.nextRelaySeq ?? room.nextRelaySeq;
    const isSnapshot = write.coversRelaySeq !== null;
    if (isSnapshot && write.coversRelaySeq >= nextRelaySeq) return SNAPSHOT_REJECTED;
    const addedBytes = planned?.addedBytes ?? 0;
    if (!isSnapshot && room.usedBytes + addedBytes + write.envelope.length > quotaBytes) {
      quotaBlocked.add(sessionInRoom);
      return QUOTA;
    }
    if (planned === undefined) {
      planned = { rows: [], nextRelaySeq, addedBytes: 0 };
      rooms.set(write.roomId, planned);
    }
    planned.rows.push({ write, relaySeq: nextRelaySeq });
    planned.nextRelaySeq = nextRelaySeq + 1;
    planned.addedBytes += write.envelope.length;
    return { kind: 'stored', relaySeq: nextRelaySeq };
  }
}
