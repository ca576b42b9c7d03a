import {
  ENVELOPE_TYPE,
  RELAY_ERROR,
  SIZE,
  encodeAckFrame,
  encodeBacklogEndFrame,
  encodeEnvFrame,
  encodeEphFrame,
  encodeErrorFrame,
  encodeReadyFrame,
  encodeRoomStateFrame,
  equalBytes,
  parseEnvelopeHeader,
  toHex,
  type EnvelopeHeader,
  type RelayLimits,
} from '@seen/shared/protocol';
import { roomTag, type Logger } from '../log.ts';
import type { Connection } from '../relay/Connection.ts';
import { REFUSAL, refuse, type Refusal } from '../relay/refusals.ts';
import { TokenBucket } from '../relay/tokenBucket.ts';
import type { AppendEntry, RelayStorage, RoomRecord } from '../storage/RelayStorage.ts';
import type { GroupCommit } from './GroupCommit.ts';

/** Rows per catch-up page: the relay waits for each page to drain before reading the next. */
const BACKLOG_PAGE_ROWS = 256;
/** Within a page, wait for the socket to drain whenever this much is unsent (bounds a catch-up's buffer). */
const BACKLOG_DRAIN_BYTES = 1024 * 1024;

/**
 * relaySeq assignment restarts this far above the stored maximum whenever a room is loaded.
 * Envelopes are forwarded before they commit; after a crash, a partner may already hold relaySeq
 * numbers that were never stored. Skipping ahead guarantees those numbers are never reused for a
 * different envelope, so a cursor can never skip a stored one. 2^16 exceeds any uncommitted burst.
 */
export const RELOAD_SEQ_GAP = 2 ** 16;

const pendingKey = (sessionHex: string, seq: number): string => `${sessionHex}:${seq}`;

/** An envelope forwarded but not yet committed: what is needed to ACK it, or to answer a resend. */
export interface PendingWrite {
  readonly entry: AppendEntry;
  readonly room: Room;
  readonly connection: Connection;
  readonly header: EnvelopeHeader;
  /** Resends of the same (session, seq) that arrived before the commit: told true once it is durable. */
  readonly waiters: ((committed: boolean) => void)[];
}

/** What a room needs from the relay that hosts it. */
export interface RoomHost {
  readonly storage: RelayStorage;
  readonly limits: RelayLimits;
  readonly logger: Logger;
  readonly commits: GroupCommit<PendingWrite, Map<string, number>>;
  /** The room's last socket left. */
  roomEmptied(room: Room): void;
}

/**
 * One room with at least one socket on this relay: it numbers, forwards, stores and acknowledges
 * the room's envelopes (PROTOCOL.md §6), streams its backlog, and seals or deletes it. The relay
 * in front of it only admits sockets and hands it their frames.
 */
export class Room {
  readonly sockets = new Set<Connection>();
  sealed: boolean;
  /** Hex of registered device public keys. */
  readonly devices: Set<string>;
  deleted = false;
  private nextRelaySeq: number;
  private bytesUsed: number;
  /** Highest seq assigned per session (hex), so the hot path needs no lookup for new envelopes. */
  private readonly sessionSeqs = new Map<string, number>();
  /**
   * Per session (hex): the lowest seq refused for the room's quota and not stored since. Every
   * later seq of that session is refused too until it is, so no session's changes are ever stored
   * after a hole (SPEC LOG-11). Memory only: after a restart the client resends in seq order.
   */
  private readonly quotaRefusedFrom = new Map<string, number>();
  /** Forwarded but not yet committed, by `${session}:${seq}`: a resend waits for the same commit. */
  private readonly pending = new Map<string, PendingWrite>();
  /** Serializes registration, sealing and deletion for the room. */
  private lock: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: RoomHost,
    readonly roomId: string,
    readonly roomIdBytes: Uint8Array,
    record: RoomRecord,
    devices: readonly Uint8Array[],
  ) {
    this.sealed = record.sealed;
    this.devices = new Set(devices.map(toHex));
    this.nextRelaySeq = record.maxRelaySeq + 1 + RELOAD_SEQ_GAP;
    this.bytesUsed = record.bytesUsed;
  }

  /** Nothing left to commit or answer: the relay may drop the room from memory. */
  get idle(): boolean {
    return this.sockets.size === 0 && this.pending.size === 0;
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.lock.then(task);
    this.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  // ---- membership ---------------------------------------------------------------------------

  /**
   * Registers a device that is not yet known (the caller verified it holds the room key). Returns
   * the refusal that keeps it out, or null once it is registered (or already was).
   */
  registerDevice(devicePublicKey: Uint8Array, now: number): Promise<Refusal | null> {
    const { storage, limits, logger } = this.host;
    const deviceHex = toHex(devicePublicKey);
    return this.exclusive(async () => {
      if (this.deleted) return REFUSAL.roomDeleted;
      if (this.devices.has(deviceHex)) return null;
      if (this.sealed) return REFUSAL.roomSealed;
      if (this.devices.size >= limits.maxDevicesPerRoom) return REFUSAL.roomFull;
      await storage.addDevice(this.roomId, devicePublicKey, now);
      this.devices.add(deviceHex);
      logger.log('info', 'device registered', { room: roomTag(this.roomId), devices: this.devices.size });
      this.broadcast(encodeRoomStateFrame({ sealed: this.sealed, deviceCount: this.devices.size }));
      return null;
    });
  }

  /**
   * Takes an authenticated socket in: READY, then the backlog from `fromRelaySeq`, then live
   * frames. Returns a refusal instead when the room has no room for another socket.
   */
  async admit(connection: Connection, fromRelaySeq: number): Promise<Refusal | null> {
    if (this.sockets.size >= this.host.limits.maxSocketsPerRoom) return REFUSAL.roomBusy;
    if (!this.sessionSeqs.has(connection.sessionHex)) {
      this.sessionSeqs.set(connection.sessionHex, await this.host.storage.maxSeqOfSession(this.roomId, connection.sessionId));
      if (!connection.isOpen) return null;
    }
    connection.phase = 'catching-up';
    connection.liveQueue = [];
    connection.liveQueueBytes = 0;
    this.sockets.add(connection);
    const upTo = this.nextRelaySeq - 1;
    // READY, a short backlog and BACKLOG_END leave in one write; a long backlog uncorks per page.
    connection.cork();
    try {
      connection.send(encodeReadyFrame({ sealed: this.sealed, deviceCount: this.devices.size }));
      await this.streamBacklog(connection, fromRelaySeq, upTo);
    } finally {
      connection.uncork();
    }
    return null;
  }

  /** The socket closed: forget it; the room may be evicted once nothing of it is pending. */
  remove(connection: Connection): void {
    if (!this.sockets.delete(connection)) return;
    if (this.sockets.size === 0) this.host.roomEmptied(this);
  }

  /**
   * Loading rule (PROTOCOL.md "Catch-up"): if the newest snapshot covers more than the client has,
   * send it first and continue after its coverage; then every entry up to `upTo`, in pages, each
   * page drained before the next (backpressure). Live frames meanwhile wait in liveQueue. Called
   * with the socket corked; it stays corked except while waiting for a drain.
   */
  private async streamBacklog(connection: Connection, fromRelaySeq: number, upTo: number): Promise<void> {
    const { storage, limits, commits } = this.host;
    const drainAbove = Math.min(BACKLOG_DRAIN_BYTES, limits.maxBufferedBytes);
    await commits.flush();
    let cursor = fromRelaySeq;
    let skip = -1;
    const snapshot = await storage.newestSnapshot(this.roomId);
    if (snapshot !== null && snapshot.coversRelaySeq !== null && snapshot.coversRelaySeq > fromRelaySeq && snapshot.relaySeq <= upTo) {
      connection.send(encodeEnvFrame(snapshot.relaySeq, snapshot.envelope));
      cursor = snapshot.coversRelaySeq;
      skip = snapshot.relaySeq;
    }
    for (;;) {
      if (!connection.isOpen) return;
      const rows = await storage.readLog(this.roomId, cursor, upTo, BACKLOG_PAGE_ROWS);
      for (const row of rows) {
        if (!connection.isOpen) return;
        if (row.relaySeq === skip) continue;
        const frame = encodeEnvFrame(row.relaySeq, row.envelope);
        // A reader that does not read stalls here instead of filling the relay's memory (ABUSE-4).
        if (connection.ws.bufferedAmount >= drainAbove) await sendUncorked(connection, frame);
        else connection.send(frame);
      }
      if (rows.length < BACKLOG_PAGE_ROWS) break;
      // A full page: let it reach the kernel, then let other rooms' traffic through before the
      // next one (a 100k-entry join must not stall the loop, nor buffer the whole log).
      await sendUncorked(connection, null);
      await new Promise<void>((resolve) => setImmediate(resolve));
      cursor = rows[rows.length - 1]!.relaySeq;
    }
    if (!connection.isOpen) return;
    const sinceSnapshot = await storage.countAfter(this.roomId, snapshot?.coversRelaySeq ?? 0);
    if (!connection.isOpen) return;
    connection.send(encodeBacklogEndFrame({ upToRelaySeq: upTo, sinceSnapshot }));
    for (const frame of connection.liveQueue) connection.send(frame);
    connection.liveQueue = [];
    connection.liveQueueBytes = 0;
    connection.phase = 'live';
  }

  // ---- envelopes ----------------------------------------------------------------------------

  private checkHeader(connection: Connection, envelope: Uint8Array): EnvelopeHeader | null {
    const parsed = parseEnvelopeHeader(envelope);
    if (!parsed.ok) return null;
    const header = parsed.value;
    if (!equalBytes(header.roomId, this.roomIdBytes) || !equalBytes(header.sessionId, connection.sessionId)) return null;
    return header;
  }

  handlePut(connection: Connection, envelope: Uint8Array): Promise<void> | void {
    if (this.deleted) return; // the erase is in progress; the socket is about to close with ROOM_DELETED
    const now = Date.now();
    const { limits } = this.host;
    if (!(connection.putBucket ??= new TokenBucket(limits.putsPerSecond, limits.putBurst, now)).take(now)) return refuse(connection, REFUSAL.tooManyWrites);
    const header = this.checkHeader(connection, envelope);
    if (header === null || header.type === ENVELOPE_TYPE.PRESENCE) {
      return sendError(connection, RELAY_ERROR.BAD_ENVELOPE, header);
    }
    const lastSeq = this.sessionSeqs.get(connection.sessionHex) ?? -1;
    if (header.seq <= lastSeq) return this.handleResend(connection, header, envelope);
    this.sessionSeqs.set(connection.sessionHex, header.seq);
    this.store(connection, header, envelope);
  }

  private store(connection: Connection, header: EnvelopeHeader, envelope: Uint8Array): void {
    const isSnapshot = header.type === ENVELOPE_TYPE.SNAPSHOT;
    if (isSnapshot && header.coversRelaySeq >= this.nextRelaySeq) {
      return sendError(connection, RELAY_ERROR.SNAPSHOT_REJECTED, header);
    }
    const refusedFrom = this.quotaRefusedFrom.get(connection.sessionHex);
    // Storing a later seq of a session whose earlier seq waits would leave a hole in its changes
    // at every partner (LOG-11): it waits too, whatever its kind or size.
    if (refusedFrom !== undefined && header.seq > refusedFrom) {
      return sendError(connection, RELAY_ERROR.QUOTA_EXCEEDED, header);
    }
    // Snapshots are exempt from the quota: storing one is how a room frees space.
    if (!isSnapshot && this.bytesUsed + envelope.length > this.host.limits.roomQuotaBytes) {
      this.quotaRefusedFrom.set(connection.sessionHex, Math.min(refusedFrom ?? header.seq, header.seq));
      return sendError(connection, RELAY_ERROR.QUOTA_EXCEEDED, header);
    }
    if (refusedFrom === header.seq) this.quotaRefusedFrom.delete(connection.sessionHex);
    const relaySeq = this.nextRelaySeq++;
    this.bytesUsed += envelope.length;
    const envFrame = encodeEnvFrame(relaySeq, envelope);
    for (const peer of this.sockets) {
      if (peer === connection) continue;
      peer.forwardedSinceBeat = true;
      if (peer.phase === 'catching-up') this.queueLive(peer, envFrame);
      else this.sendLive(peer, envFrame);
    }
    const pending: PendingWrite = {
      entry: {
        roomId: this.roomId,
        relaySeq,
        sessionId: connection.sessionId,
        seq: header.seq,
        envelope,
        coversRelaySeq: isSnapshot ? header.coversRelaySeq : null,
        receivedAt: Date.now(),
      },
      room: this,
      connection,
      header,
      waiters: [],
    };
    this.pending.set(pendingKey(connection.sessionHex, header.seq), pending);
    this.host.commits.append(pending);
  }

  /** The commit of a pending write succeeded or failed: the ACK (or error) goes to its sender. */
  settle(pending: PendingWrite, ok: boolean): void {
    const { connection, header, entry } = pending;
    this.pending.delete(pendingKey(connection.sessionHex, entry.seq));
    if (ok) {
      connection.send(encodeAckFrame({ sessionId: header.sessionId, seq: header.seq, relaySeq: entry.relaySeq }));
    } else {
      this.bytesUsed -= entry.envelope.length;
      sendError(connection, RELAY_ERROR.STORE_FAILED, header);
    }
    for (const waiter of pending.waiters) waiter(ok);
    if (this.idle) this.host.roomEmptied(this);
  }

  /** A committed snapshot superseded this many bytes: they no longer count against the quota. */
  release(bytes: number): void {
    this.bytesUsed = Math.max(0, this.bytesUsed - bytes);
  }

  /** A (session, seq) we have seen: re-ACK the same bytes, refuse different ones (PROTOCOL "Idempotency"). */
  private async handleResend(connection: Connection, header: EnvelopeHeader, envelope: Uint8Array): Promise<void> {
    const pending = this.pending.get(pendingKey(connection.sessionHex, header.seq));
    if (pending !== undefined) {
      if (!equalBytes(pending.entry.envelope, envelope)) return sendError(connection, RELAY_ERROR.DUPLICATE_CONFLICT, header);
      const committed = await new Promise<boolean>((resolve) => pending.waiters.push(resolve));
      if (committed) connection.send(encodeAckFrame({ sessionId: header.sessionId, seq: header.seq, relaySeq: pending.entry.relaySeq }));
      else sendError(connection, RELAY_ERROR.STORE_FAILED, header);
      return;
    }
    const stored = await this.host.storage.findBySessionSeq(this.roomId, connection.sessionId, header.seq);
    if (!connection.isOpen) return;
    if (stored === null) return this.store(connection, header, envelope); // an earlier attempt failed
    if (!equalBytes(stored.envelope, envelope)) return sendError(connection, RELAY_ERROR.DUPLICATE_CONFLICT, header);
    connection.send(encodeAckFrame({ sessionId: header.sessionId, seq: header.seq, relaySeq: stored.relaySeq }));
  }

  handleEphemeral(connection: Connection, envelope: Uint8Array): void {
    // Presence is best effort: over the rate it is dropped, never stored, never refused.
    const now = Date.now();
    const { limits } = this.host;
    if (!(connection.ephemeralBucket ??= new TokenBucket(limits.ephemeralsPerSecond, limits.ephemeralBurst, now)).take(now)) return;
    const header = this.checkHeader(connection, envelope);
    if (header === null || header.type !== ENVELOPE_TYPE.PRESENCE) return sendError(connection, RELAY_ERROR.BAD_ENVELOPE, header);
    const frame = encodeEphFrame(envelope);
    for (const peer of this.sockets) if (peer !== connection && peer.phase === 'live') this.sendLive(peer, frame);
  }

  /**
   * A reader that never drains is closed (transiently) instead of growing the relay's memory
   * (ABUSE-3). The close frame waits behind the unsent bytes; ws destroys the socket if the peer
   * has not answered within closeTimeoutMs, which frees them.
   */
  private sendLive(peer: Connection, frame: Uint8Array): void {
    if (peer.ws.bufferedAmount > this.host.limits.maxBufferedBytes) return refuse(peer, REFUSAL.slowReader);
    peer.send(frame);
  }

  /** Live frames for a socket still streaming its backlog wait here, under the same bound. */
  private queueLive(peer: Connection, frame: Uint8Array): void {
    if (peer.liveQueueBytes + frame.length > this.host.limits.maxBufferedBytes) {
      refuse(peer, REFUSAL.slowReader);
      peer.liveQueue = [];
      peer.liveQueueBytes = 0;
      return;
    }
    peer.liveQueue.push(frame);
    peer.liveQueueBytes += frame.length;
  }

  private broadcast(frame: Uint8Array): void {
    for (const peer of this.sockets) if (peer.phase === 'live' || peer.phase === 'catching-up') peer.send(frame);
  }

  // ---- administration -----------------------------------------------------------------------

  seal(): Promise<void> {
    return this.exclusive(async () => {
      if (this.deleted || this.sealed) return;
      await this.host.storage.setSealed(this.roomId, true);
      this.sealed = true;
      this.host.logger.log('info', 'room sealed', { room: roomTag(this.roomId) });
      this.broadcast(encodeRoomStateFrame({ sealed: true, deviceCount: this.devices.size }));
    });
  }

  delete(): Promise<void> {
    return this.exclusive(async () => {
      if (this.deleted) return;
      this.deleted = true;
      // Commit what is in flight first, so nothing lands after the erase.
      await this.host.commits.flush();
      await this.host.storage.deleteRoom(this.roomId, Date.now());
      this.host.logger.log('info', 'room deleted', { room: roomTag(this.roomId) });
      for (const peer of [...this.sockets]) refuse(peer, REFUSAL.roomDeleted);
    });
  }
}

function sendError(connection: Connection, code: number, header: EnvelopeHeader | null): void {
  connection.send(encodeErrorFrame({ code, sessionId: header?.sessionId ?? new Uint8Array(SIZE.SESSION_ID), seq: header?.seq ?? 0 }));
}

/** Uncorks, sends `frame` (if any) and waits until the socket has handed everything to the kernel; re-corks. */
async function sendUncorked(connection: Connection, frame: Uint8Array | null): Promise<void> {
  connection.uncork();
  try {
    await (frame === null ? connection.drained() : connection.sendAndDrain(frame));
  } finally {
    connection.cork();
  }
}

/**
 * A batch is durable (or failed): answer every sender. Each socket's ACKs for the batch leave in
 * one write (corked), instead of one syscall per update.
 */
export function settleAppendBatch(batch: readonly PendingWrite[], freedBytesByRoom: Map<string, number> | null): void {
  if (freedBytesByRoom !== null && freedBytesByRoom.size > 0) {
    for (const { room } of batch) {
      const freed = freedBytesByRoom.get(room.roomId);
      if (freed === undefined) continue;
      room.release(freed);
      freedBytesByRoom.delete(room.roomId);
    }
  }
  const corked = new Set<Connection>();
  for (const pending of batch) {
    const { connection } = pending;
    if (!corked.has(connection) && connection.isOpen) {
      connection.cork();
      corked.add(connection);
    }
    pending.room.settle(pending, freedBytesByRoom !== null);
  }
  for (const connection of corked) connection.uncork();
}
