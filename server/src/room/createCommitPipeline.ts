import type { RelayLimits } from '@seen/shared/protocol';
import type { Logger } from '../log.ts';
import type { Connection } from '../relay/Connection.ts';
import type { RelayStorage, SequencedCommit, SequencedOutcome, SequencedWrite } from '../storage/RelayStorage.ts';
import { GroupCommit } from './GroupCommit.ts';
import { toAppendEntry, type PendingWrite } from './Room.ts';

/** Takes writes to the database in group commits and answers their senders. */
export interface CommitPipeline {
  append(pending: PendingWrite): void;
  flush(): Promise<void>;
  readonly pendingCount: number;
}

/** What the database made of a batch, one outcome per write (null: not sent, refused here). */
interface SequencedBatch {
  readonly outcomes: readonly (SequencedOutcome | null)[];
  readonly freedBytesByRoom: Map<string, number>;
}

/** Each socket's answers for a batch leave in one write (corked), instead of one syscall each. */
function answerCorked(batch: readonly PendingWrite[], answer: (pending: PendingWrite, index: number) => void): void {
  const corked = new Set<Connection>();
  batch.forEach((pending, index) => {
    const { connection } = pending;
    if (!corked.has(connection) && connection.isOpen) {
      connection.cork();
      corked.add(connection);
    }
    answer(pending, index);
  });
  for (const connection of corked) connection.uncork();
}

function releaseFreedBytes(batch: readonly PendingWrite[], freedBytesByRoom: Map<string, number>): void {
  if (freedBytesByRoom.size === 0) return;
  const freed = new Map(freedBytesByRoom);
  for (const { room } of batch) {
    const bytes = freed.get(room.roomId);
    if (bytes === undefined) continue;
    room.release(bytes);
    freed.delete(room.roomId);
  }
}

/**
 * Process sequencing (one relay, embedded engine): rows already carry their relaySeq and were
 * forwarded; the commit makes them durable and the senders get their ACKs.
 */
function createAppendPipeline(storage: RelayStorage, logger: Logger): CommitPipeline {
  return new GroupCommit<PendingWrite, Map<string, number>>(
    (batch, now) => storage.appendBatch(batch.map(toAppendEntry), now),
    (batch, outcome) => {
      if (!outcome.ok) logger.log('error', 'commit failed', { rows: batch.length, error: String(outcome.error) });
      else releaseFreedBytes(batch, outcome.result);
      answerCorked(batch, (pending) => pending.room.settle(pending, outcome.ok));
    },
  );
}

/**
 * Database sequencing (several relays, shared engine): the commit numbers the rows under each
 * room's row lock; then each room delivers its rows in order here and announces them to the other
 * relays. Writes a room must refuse since they were queued (LOG-11) never reach the database.
 */
function createSequencedPipeline(storage: RelayStorage, limits: RelayLimits, logger: Logger): CommitPipeline {
  const commit = async (batch: readonly PendingWrite[], now: number): Promise<SequencedBatch> => {
    const sent: PendingWrite[] = [];
    const writes: SequencedWrite[] = [];
    for (const pending of batch) {
      if (pending.room.blockedByQuota(pending)) continue;
      sent.push(pending);
      writes.push({
        roomId: pending.room.roomId,
        sessionId: pending.connection.sessionId,
        seq: pending.header.seq,
        envelope: pending.envelope,
        coversRelaySeq: pending.coversRelaySeq,
        receivedAt: pending.receivedAt,
      });
    }
    const result: SequencedCommit = writes.length === 0 ? { outcomes: [], freedBytesByRoom: new Map() } : await storage.commitSequenced(writes, limits.roomQuotaBytes, now);
    const byPending = new Map<PendingWrite, SequencedOutcome>();
    sent.forEach((pending, index) => byPending.set(pending, result.outcomes[index]!));
    return { outcomes: batch.map((pending) => byPending.get(pending) ?? { kind: 'quota' }), freedBytesByRoom: result.freedBytesByRoom };
  };
  return new GroupCommit<PendingWrite, SequencedBatch>(commit, (batch, outcome) => {
    if (!outcome.ok) logger.log('error', 'commit failed', { rows: batch.length, error: String(outcome.error) });
    const storedByRoom = new Map<PendingWrite['room'], PendingWrite[]>();
    answerCorked(batch, (pending, index) => {
      const result = outcome.ok ? outcome.result.outcomes[index]! : null;
      pending.room.settleSequenced(pending, result);
      if (result?.kind !== 'stored') return;
      const stored = storedByRoom.get(pending.room);
      if (stored === undefined) storedByRoom.set(pending.room, [pending]);
      else stored.push(pending);
    });
    for (const [room, stored] of storedByRoom) room.announce(stored);
  });
}

/** The group commit that suits the storage's way of numbering (RelayStorage.sharedSequencing). */
export function createCommitPipeline(storage: RelayStorage, limits: RelayLimits, logger: Logger): CommitPipeline {
  return storage.sharedSequencing ? createSequencedPipeline(storage, limits, logger) : createAppendPipeline(storage, logger);
}
