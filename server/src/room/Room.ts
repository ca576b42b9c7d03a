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
import type { BusMessage } from '../bus/RoomBus.ts';
import type { AppendEntry, RelayStorage, RoomHead, RoomRecord, SequencedOutcome } from '../storage/RelayStorage.ts';
import { OrderedDelivery } from './OrderedDelivery.ts';

/** Rows per catch-up page: the relay waits for each page to drain before reading the next. */
const BACKLOG_PAGE_ROWS = 256;
/** Within a page, wait for the socket to drain whenever this much is unsent (bounds a catch-up's buffer). */
const BACKLOG_DRAIN_BYTES = 1024 * 1024;

/** A bus message carries envelopes up to this many bytes; a larger run is announced as a range. */
const BUS_INLINE_BYTES = 64 * 1024;

/**
 * relaySeq assignment restarts this far above the stored maximum whenever a room is loaded.
 * Envelopes are forwarded before they commit; after a crash, a partner may already hold relaySeq
 * numbers that were never stored. Skipping ahead guarantees those numbers are never reused for a
 * different envelope, so a cursor can never skip a stored one. 2^16 exceeds any uncommitted burst.
 */
export const RELOAD_SEQ_GAP = 2 ** 16;

const pendingKey = (sessionHex: string, seq: number): string => `${sessionHex}:${seq}`;

/** An envelope on its way to the database: what is needed to ACK it, or to answer a resend. */
export interface PendingWrite {
  readonly room: Room;
  readonly connection: Connection;
  readonly header: EnvelopeHeader;
  readonly envelope: Uint8Array;
  readonly coversRelaySeq: number | null;
  readonly receivedAt: number;
  /** Assigned before the commit (process sequencing) or by it (database sequencing); 0 until then. */
  relaySeq: number;
  /** Resends of the same (session, seq) that arrived before the commit: given its relaySeq, or null if it failed. */
  readonly waiters: ((relaySeq: number | null) => void)[];
}

/** The row a pending write becomes (process sequencing). */
export const toAppendEntry = (pending: PendingWrite): AppendEntry => ({
  roomId: pending.room.roomId,
  relaySeq: pending.relaySeq,
  sessionId: pending.connection.sessionId,
  seq: pending.header.seq,
  envelope: pending.envelope,
  coversRelaySeq: pending.coversRelaySeq,
  receivedAt: pending.receivedAt,
});

/** The admission ticket a handshake presented (SEALED-21): its hash, and the time to judge its lifetime by. */
export interface AdmissionTicketUse {
  readonly hash: Uint8Array;
  readonly at: number;
}

/** What a room needs from the relay that hosts it. */
export interface RoomHost {
  readonly storage: RelayStorage;
  readonly limits: RelayLimits;
  readonly logger: Logger;
  /** Takes a write to the database (in a group commit); settle() hears back. */
  commit(pending: PendingWrite): void;
  /** Resolves once every write handed to commit() so far is settled. */
  flushCommits(): Promise<void>;
  /** Tells the other relays (no-op for a single relay). */
  publish(message: BusMessage): void;
  /** The room's last socket left. */
  roomEmptied(room: Room): void;
}

/**
 * One room with at least one socket on this relay: it numbers, forwards, stores and acknowledges
 * the room's envelopes (PROTOCOL.md §6), streams its backlog, and seals or deletes it. The relay
 * in front of it only admits sockets and hands it their frames.
 *
 * Two ways to number (RelayStorage): with an embedded engine this process assigns relaySeq,
 * forwards at once and ACKs after the group commit. With a shared engine the database assigns it
 * in the commit; then the envelope goes to this relay's sockets (ENV to partners, ACK to the
 * sender) in relaySeq order through `delivery`, and to the other relays over the bus.
 */
export class Room {
  readonly sockets = new Set<Connection>();
  sealed: boolean;
  /** Hex of registered device public keys, revoked ones excepted. */
  readonly devices: Set<string>;
  /** Hex of revoked device public keys (SEALED-19): refused for good, never registered again. */
  readonly revoked: Set<string>;
  deleted = false;
  private nextRelaySeq: number;
  private bytesUsed: number;
  /** Database sequencing only: this relay's sockets get the room's envelopes in order through it. */
  private readonly delivery: OrderedDelivery<PendingWrite> | null;
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
    revokedDevices: readonly Uint8Array[],
  ) {
    this.sealed = record.sealed;
    this.devices = new Set(devices.map(toHex));
    this.revoked = new Set(revokedDevices.map(toHex));
    this.bytesUsed = record.bytesUsed;
    if (host.storage.sharedSequencing) {
      // The database numbers: no restart gap, since nothing is forwarded before it is committed.
      this.nextRelaySeq = record.maxRelaySeq + 1;
      this.delivery = new OrderedDelivery<PendingWrite>(
        (after, upTo, limit) => host.storage.readLog(roomId, after, upTo, limit),
        (relaySeq, envelope, own) => this.deliverCommitted(relaySeq, envelope, own),
        record.maxRelaySeq,
        (error) => host.logger.log('error', 'log read failed', { room: roomTag(roomId), error: String(error) }),
      );
    } else {
      this.nextRelaySeq = record.maxRelaySeq + 1 + RELOAD_SEQ_GAP;
      this.delivery = null;
    }
  }

  /** Nothing left to commit or answer: the relay may drop the room from memory. */
  get idle(): boolean {
    return this.sockets.size === 0 && this.pending.size === 0;
  }

  /** The room leaves this relay's memory. */
  unload(): void {
    this.delivery?.close();
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
   * the refusal that keeps it out, or null once it is registered (or already was). In a sealed
   * room only `ticket` lets it in (SEALED-21): the hash of the admission ticket its AUTH carried,
   * consumed here, and `at` the time its lifetime is judged by.
   */
  registerDevice(devicePublicKey: Uint8Array, now: number, ticket: AdmissionTicketUse | null = null): Promise<Refusal | null> {
    const { storage, limits, logger } = this.host;
    const deviceHex = toHex(devicePublicKey);
    return this.exclusive(async () => {
      if (this.deleted) return REFUSAL.roomDeleted;
      if (this.devices.has(deviceHex)) return null;
      if (this.revoked.has(deviceHex)) return REFUSAL.deviceRemoved;
      // Another relay may have sealed the room, registered or revoked devices since it was loaded
      // here (and the bus may have lost the news): decide on what the database says.
      if (storage.sharedSequencing && !(await this.refresh())) return REFUSAL.roomDeleted;
      if (this.devices.has(deviceHex)) return null;
      if (this.revoked.has(deviceHex)) return REFUSAL.deviceRemoved;
      if (this.sealed && ticket === null) return REFUSAL.roomSealed;
      // Checked before the ticket is used: a full room leaves the member's ticket for later.
      if (this.devices.size >= limits.maxDevicesPerRoom) return REFUSAL.roomFull;
      // Only the seal needs a ticket: in an open room it is ignored and stays usable.
      if (this.sealed && ticket !== null && !(await storage.consumeAdmissionTicket(this.roomId, ticket.hash, ticket.at))) return REFUSAL.roomSealed;
      await storage.addDevice(this.roomId, devicePublicKey, now);
      this.devices.add(deviceHex);
      logger.log('info', 'device registered', { room: roomTag(this.roomId), devices: this.devices.size });
      this.broadcast(encodeRoomStateFrame({ sealed: this.sealed, deviceCount: this.devices.size }));
      this.host.publish({ kind: 'device', roomId: this.roomId, devicePublicKey });
      return null;
    });
  }

  /**
   * ADMIT_TICKET (SEALED-21): keeps the hash of a ticket `by` issued until `expiresAt`. Nothing for
   * a room being deleted or a revoked device; the database also refuses an issuer revoked on
   * another relay. No reply either way.
   */
  issueAdmissionTicket(by: Connection, ticketHash: Uint8Array, now: number, expiresAt: number): Promise<void> {
    return this.exclusive(async () => {
      if (this.deleted || this.revoked.has(by.deviceHex)) return;
      if (await this.host.storage.addAdmissionTicket(this.roomId, ticketHash, by.devicePublicKey, now, expiresAt)) {
        this.host.logger.log('info', 'admission ticket issued', { room: roomTag(this.roomId) });
      }
    });
  }

  /**
   * Whether REVOKE_DEVICE from `by` for `devicePublicKey` may change anything: not for itself, not
   * for a device already revoked, not from a revoked device, and (one relay knows every device of
   * its rooms) not for a key never registered. On a cluster the device may have registered on
   * another relay unheard of here: the database decides.
   */
  mayRevoke(by: Connection, devicePublicKey: Uint8Array): boolean {
    const deviceHex = toHex(devicePublicKey);
    if (this.deleted || deviceHex === by.deviceHex || this.revoked.has(deviceHex) || this.revoked.has(by.deviceHex)) return false;
    return this.devices.has(deviceHex) || this.host.storage.sharedSequencing;
  }

  /**
   * SEALED-19: another device of the room removed `devicePublicKey`. The database forgets it first
   * (revoked for good, its escrow boxes and push subscription erased), then its sockets here close
   * with DEVICE_REMOVED, the others hear the new device count, and the other relays are told.
   */
  revokeDevice(by: Connection, devicePublicKey: Uint8Array, now: number): Promise<void> {
    return this.exclusive(async () => {
      if (!this.mayRevoke(by, devicePublicKey)) return;
      // False: not registered, already revoked on another relay, or the revoker itself was revoked
      // meanwhile; whatever changed elsewhere arrives over the bus or the head check.
      if (!(await this.host.storage.revokeDevice(this.roomId, devicePublicKey, by.devicePublicKey, now))) return;
      if (!this.forget(toHex(devicePublicKey))) return;
      this.host.logger.log('info', 'device revoked', { room: roomTag(this.roomId), devices: this.devices.size });
      this.broadcastState();
      this.host.publish({ kind: 'revoked', roomId: this.roomId, devicePublicKey });
    });
  }

  /** The device is revoked: it leaves the device set and its sockets here close. False if it was already. */
  private forget(deviceHex: string): boolean {
    if (this.revoked.has(deviceHex)) return false;
    this.revoked.add(deviceHex);
    this.devices.delete(deviceHex);
    for (const peer of [...this.sockets]) if (peer.deviceHex === deviceHex) refuse(peer, REFUSAL.deviceRemoved);
    return true;
  }

  /**
   * Re-reads the room's seal, devices and head from the database (database sequencing). Returns
   * false, and closes the room here, if it was deleted meanwhile.
   */
  async refresh(): Promise<boolean> {
    return this.applyHead((await this.host.storage.readRoomHeads([this.roomId])).get(this.roomId));
  }

  /**
   * What the database says of the room now (one row of a batched head check): a tombstone closes it
   * here; a seal, new devices and committed envelopes this relay has not heard of are taken in.
   */
  async applyHead(head: RoomHead | undefined): Promise<boolean> {
    if (head === undefined || head.deleted) {
      this.closeDeleted();
      return false;
    }
    // Devices are only ever registered, then perhaps revoked, while the room lives, and a revoked
    // one never comes back: larger counts than this relay knows mean news it missed (a lost bus message).
    if (head.revokedCount > this.revoked.size || head.deviceCount + head.revokedCount > this.devices.size + this.revoked.size) {
      await this.takeInDevices();
    }
    if (head.sealed && !this.sealed) this.markSealed();
    this.delivery?.learnHead(head.head);
    return true;
  }

  /** Reads the room's devices from the database and takes in registrations and revocations missed. */
  private async takeInDevices(): Promise<void> {
    const { storage } = this.host;
    const [revoked, devices] = await Promise.all([storage.listRevokedDevices(this.roomId), storage.listDevices(this.roomId)]);
    const before = this.devices.size;
    let forgotten = false;
    for (const device of revoked) forgotten = this.forget(toHex(device)) || forgotten;
    // A device revoked between the two reads may be in both lists: revoked wins.
    for (const device of devices) {
      const deviceHex = toHex(device);
      if (!this.revoked.has(deviceHex)) this.devices.add(deviceHex);
    }
    if (forgotten || this.devices.size !== before) this.broadcastState();
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
    // Revoked while its handshake waited: from here on `forget` finds it in `sockets` instead.
    if (this.revoked.has(connection.deviceHex)) return REFUSAL.deviceRemoved;
    connection.phase = 'catching-up';
    connection.liveQueue = [];
    connection.liveQueueBytes = 0;
    this.sockets.add(connection);
    // Everything after `upTo` reaches the socket live (queued until its backlog is sent).
    const upTo = this.delivery === null ? this.nextRelaySeq - 1 : this.delivery.delivered;
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
    const { storage, limits } = this.host;
    const drainAbove = Math.min(BACKLOG_DRAIN_BYTES, limits.maxBufferedBytes);
    await this.host.flushCommits();
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
    if (this.delivery === null && isSnapshot && header.coversRelaySeq >= this.nextRelaySeq) {
      return sendError(connection, RELAY_ERROR.SNAPSHOT_REJECTED, header);
    }
    const refusedFrom = this.quotaRefusedFrom.get(connection.sessionHex);
    // Storing a later seq of a session whose earlier seq waits would leave a hole in its changes
    // at every partner (LOG-11): it waits too, whatever its kind or size.
    if (refusedFrom !== undefined && header.seq > refusedFrom) {
      return sendError(connection, RELAY_ERROR.QUOTA_EXCEEDED, header);
    }
    const pending: PendingWrite = {
      room: this,
      connection,
      header,
      envelope,
      coversRelaySeq: isSnapshot ? header.coversRelaySeq : null,
      receivedAt: Date.now(),
      relaySeq: 0,
      waiters: [],
    };
    if (this.delivery !== null) {
      // The database numbers it, checks the quota and forwards nothing before the commit.
      this.pending.set(pendingKey(connection.sessionHex, header.seq), pending);
      return this.host.commit(pending);
    }
    // Snapshots are exempt from the quota: storing one is how a room frees space.
    if (!isSnapshot && this.bytesUsed + envelope.length > this.host.limits.roomQuotaBytes) {
      this.quotaRefusedFrom.set(connection.sessionHex, Math.min(refusedFrom ?? header.seq, header.seq));
      return sendError(connection, RELAY_ERROR.QUOTA_EXCEEDED, header);
    }
    if (refusedFrom === header.seq) this.quotaRefusedFrom.delete(connection.sessionHex);
    pending.relaySeq = this.nextRelaySeq++;
    this.bytesUsed += envelope.length;
    this.forward(encodeEnvFrame(pending.relaySeq, envelope), connection);
    this.pending.set(pendingKey(connection.sessionHex, header.seq), pending);
    this.host.commit(pending);
  }

  /** An ENV frame to every socket of the room but the sender's. */
  private forward(envFrame: Uint8Array, sender: Connection | null): void {
    for (const peer of this.sockets) {
      if (peer === sender) continue;
      peer.forwardedSinceBeat = true;
      if (peer.phase === 'catching-up') this.queueLive(peer, envFrame);
      else this.sendLive(peer, envFrame);
    }
  }

  /**
   * Database sequencing: a write queued before an earlier seq of its session was refused for the
   * quota must not reach the database (it would be stored after a hole, LOG-11).
   */
  blockedByQuota(pending: PendingWrite): boolean {
    const refusedFrom = this.quotaRefusedFrom.get(pending.connection.sessionHex);
    return refusedFrom !== undefined && pending.header.seq > refusedFrom;
  }

  /** Process sequencing: the commit of a pending write succeeded or failed; the ACK (or error) goes to its sender. */
  settle(pending: PendingWrite, ok: boolean): void {
    const { connection, header } = pending;
    this.pending.delete(pendingKey(connection.sessionHex, header.seq));
    if (ok) {
      connection.send(encodeAckFrame({ sessionId: header.sessionId, seq: header.seq, relaySeq: pending.relaySeq }));
    } else {
      this.bytesUsed -= pending.envelope.length;
      sendError(connection, RELAY_ERROR.STORE_FAILED, header);
    }
    for (const waiter of pending.waiters) waiter(ok ? pending.relaySeq : null);
    if (this.idle) this.host.roomEmptied(this);
  }

  /** A committed snapshot superseded this many bytes: they no longer count against the quota. */
  release(bytes: number): void {
    this.bytesUsed = Math.max(0, this.bytesUsed - bytes);
  }

  /**
   * Database sequencing: what the commit made of a pending write. Stored and duplicate writes are
   * ACKed in relaySeq order with everything else this relay delivers (an ACK raises the client's
   * cursor, so it must not overtake an envelope the client has not been sent yet).
   */
  settleSequenced(pending: PendingWrite, outcome: SequencedOutcome | null): void {
    const { connection, header } = pending;
    const answer = (relaySeq: number | null): void => {
      this.pending.delete(pendingKey(connection.sessionHex, header.seq));
      if (relaySeq !== null) connection.send(encodeAckFrame({ sessionId: header.sessionId, seq: header.seq, relaySeq }));
      for (const waiter of pending.waiters) waiter(relaySeq);
      if (this.idle) this.host.roomEmptied(this);
    };
    const refuseWith = (code: number): void => {
      answer(null);
      sendError(connection, code, header);
    };
    switch (outcome?.kind) {
      case undefined:
        return refuseWith(RELAY_ERROR.STORE_FAILED);
      case 'stored':
        pending.relaySeq = outcome.relaySeq;
        if (this.quotaRefusedFrom.get(connection.sessionHex) === header.seq) this.quotaRefusedFrom.delete(connection.sessionHex);
        return this.delivery!.learn(outcome.relaySeq, pending.envelope, pending);
      case 'duplicate':
        return this.delivery!.whenDelivered(outcome.relaySeq, () => answer(outcome.relaySeq));
      case 'conflict':
        return refuseWith(RELAY_ERROR.DUPLICATE_CONFLICT);
      case 'snapshot-rejected':
        return refuseWith(RELAY_ERROR.SNAPSHOT_REJECTED);
      case 'quota': {
        const refusedFrom = this.quotaRefusedFrom.get(connection.sessionHex);
        this.quotaRefusedFrom.set(connection.sessionHex, Math.min(refusedFrom ?? header.seq, header.seq));
        return refuseWith(RELAY_ERROR.QUOTA_EXCEEDED);
      }
      case 'deleted':
        answer(null);
        return this.closeDeleted();
    }
  }

  /** Database sequencing: the next envelope in relaySeq order reaches this relay's sockets. */
  private deliverCommitted(relaySeq: number, envelope: Uint8Array, own: PendingWrite | null): void {
    if (own !== null) {
      this.pending.delete(pendingKey(own.connection.sessionHex, own.header.seq));
      own.connection.send(encodeAckFrame({ sessionId: own.header.sessionId, seq: own.header.seq, relaySeq }));
      for (const waiter of own.waiters) waiter(relaySeq);
    }
    this.forward(encodeEnvFrame(relaySeq, envelope), own?.connection ?? null);
    if (own !== null && this.idle) this.host.roomEmptied(this);
  }

  /** Database sequencing: this relay's stored writes of one batch, in relaySeq order, go to the other relays. */
  announce(stored: readonly PendingWrite[]): void {
    let runStart = 0;
    for (let index = 1; index <= stored.length; index++) {
      if (index < stored.length && stored[index]!.relaySeq === stored[index - 1]!.relaySeq + 1) continue;
      const run = stored.slice(runStart, index);
      runStart = index;
      const fromRelaySeq = run[0]!.relaySeq;
      let bytes = 0;
      for (const pending of run) bytes += pending.envelope.length;
      this.host.publish(
        bytes <= BUS_INLINE_BYTES
          ? { kind: 'envelopes', roomId: this.roomId, fromRelaySeq, envelopes: run.map((pending) => pending.envelope) }
          : { kind: 'range', roomId: this.roomId, fromRelaySeq, toRelaySeq: run[run.length - 1]!.relaySeq },
      );
    }
  }

  /** A message from another relay about this room. */
  receive(message: BusMessage): void {
    switch (message.kind) {
      case 'envelopes':
        message.envelopes.forEach((envelope, index) => this.delivery?.learn(message.fromRelaySeq + index, envelope));
        return;
      case 'range':
        return this.delivery?.learnHead(message.toRelaySeq);
      case 'presence':
        return this.sendPresence(encodeEphFrame(message.envelope), null);
      case 'sealed':
        if (!this.sealed) this.markSealed();
        return;
      case 'device': {
        const deviceHex = toHex(message.devicePublicKey);
        if (this.devices.has(deviceHex) || this.revoked.has(deviceHex)) return;
        this.devices.add(deviceHex);
        return this.broadcastState();
      }
      case 'revoked':
        if (this.forget(toHex(message.devicePublicKey))) this.broadcastState();
        return;
      case 'deleted':
        return this.closeDeleted();
    }
  }

  /** A (session, seq) we have seen: re-ACK the same bytes, refuse different ones (PROTOCOL "Idempotency"). */
  private async handleResend(connection: Connection, header: EnvelopeHeader, envelope: Uint8Array): Promise<void> {
    const pending = this.pending.get(pendingKey(connection.sessionHex, header.seq));
    if (pending !== undefined) {
      if (!equalBytes(pending.envelope, envelope)) return sendError(connection, RELAY_ERROR.DUPLICATE_CONFLICT, header);
      const relaySeq = await new Promise<number | null>((resolve) => pending.waiters.push(resolve));
      if (relaySeq !== null) connection.send(encodeAckFrame({ sessionId: header.sessionId, seq: header.seq, relaySeq }));
      else sendError(connection, RELAY_ERROR.STORE_FAILED, header);
      return;
    }
    // The database answers resends itself (a resend to another relay after a crash included).
    if (this.delivery !== null) return this.store(connection, header, envelope);
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
    this.sendPresence(encodeEphFrame(envelope), connection);
    if (this.delivery !== null) this.host.publish({ kind: 'presence', roomId: this.roomId, envelope });
  }

  private sendPresence(frame: Uint8Array, sender: Connection | null): void {
    for (const peer of this.sockets) if (peer !== sender && peer.phase === 'live') this.sendLive(peer, frame);
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

  /** ROOM_STATE with the seal and the device count as they are now. */
  private broadcastState(): void {
    this.broadcast(encodeRoomStateFrame({ sealed: this.sealed, deviceCount: this.devices.size }));
  }

  // ---- administration -----------------------------------------------------------------------

  seal(): Promise<void> {
    return this.exclusive(async () => {
      if (this.deleted || this.sealed) return;
      await this.host.storage.setSealed(this.roomId, true);
      this.markSealed();
      this.host.logger.log('info', 'room sealed', { room: roomTag(this.roomId) });
      this.host.publish({ kind: 'sealed', roomId: this.roomId, deviceCount: this.devices.size });
    });
  }

  private markSealed(): void {
    this.sealed = true;
    this.broadcast(encodeRoomStateFrame({ sealed: true, deviceCount: this.devices.size }));
  }

  /** The room was deleted (here or on another relay): every socket here is closed for good. */
  private closeDeleted(): void {
    this.deleted = true;
    this.delivery?.close();
    for (const peer of [...this.sockets]) refuse(peer, REFUSAL.roomDeleted);
  }

  delete(): Promise<void> {
    return this.exclusive(async () => {
      if (this.deleted) return;
      this.deleted = true;
      // Commit what is in flight first, so nothing lands after the erase.
      await this.host.flushCommits();
      await this.host.storage.deleteRoom(this.roomId, Date.now());
      this.host.logger.log('info', 'room deleted', { room: roomTag(this.roomId) });
      this.host.publish({ kind: 'deleted', roomId: this.roomId });
      this.closeDeleted();
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
