import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import {
  CLOSE,
  ENVELOPE_TYPE,
  FRAME,
  LABEL,
  PROTOCOL_VERSION,
  RELAY_ERROR,
  SIZE,
  buildAuthTranscript,
  encodeAckFrame,
  encodeBacklogEndFrame,
  encodeBase64Url,
  encodeEnvFrame,
  encodeEphFrame,
  encodeErrorFrame,
  encodeHeartbeatFrame,
  encodeHelloFrame,
  encodeReadyFrame,
  encodeRoomStateFrame,
  equalBytes,
  normalizeRelayOrigin,
  parseClientFrame,
  parseEnvelopeHeader,
  toHex,
  type AuthFrame,
  type EnvelopeHeader,
  type RelayLimits,
} from '@seen/shared/protocol';
import { Connection } from './Connection.ts';
import { GroupCommit, type CommitOutcome } from './GroupCommit.ts';
import { roomTag, type Logger } from './log.ts';
import { RELOAD_SEQ_GAP, runExclusive, type PendingWrite, type RoomState } from './RoomState.ts';
import type { RelayStorage } from './storage/RelayStorage.ts';
import { TokenBucket } from './tokenBucket.ts';
import { TurnBudget } from './TurnBudget.ts';
import { computeRoomIdBytes, verifyEd25519 } from './verifyEd25519.ts';

const pendingKey = (sessionHex: string, seq: number): string => `${sessionHex}:${seq}`;

/** Rows per catch-up page: the relay waits for each page to drain before reading the next. */
const BACKLOG_PAGE_ROWS = 256;
/** Within a page, wait for the socket to drain whenever this much is unsent (bounds a catch-up's buffer). */
const BACKLOG_DRAIN_BYTES = 1024 * 1024;
const AUTH_FAILURE_WINDOW_MS = 60_000;
/** Handshakes verified per event-loop turn (~0.3 ms each): live rooms wait at most ~10 ms for a storm. */
const HANDSHAKES_PER_TURN = 32;

/** ws reports protocol errors (bad opcodes, oversize frames) on 'error' and then closes the socket. */
const ignoreSocketError = (): void => undefined;

export interface RelayOptions {
  readonly storage: RelayStorage;
  readonly limits: RelayLimits;
  readonly logger: Logger;
  /** The origin clients sign (e.g. wss://seen.example). Default: ws://<Host header>. */
  readonly publicOrigin?: string;
  /**
   * Behind a reverse proxy every socket comes from the proxy's address, so per-address limits
   * would throttle everyone together. When true, the client address is the last entry of
   * X-Forwarded-For (the one the proxy appended). Never enable without a proxy that sets it:
   * a client could then claim any address.
   */
  readonly trustProxy?: boolean;
}

export interface RelayStats {
  readonly rooms: number;
  readonly connections: number;
  /** Sockets that have not completed the handshake. */
  readonly unauthenticated: number;
  readonly pendingWrites: number;
  /** Bytes the relay holds for sockets: unsent, queued behind a backlog, or received and unhandled. */
  readonly heldBytes: number;
}

interface AddressCount {
  open: number;
  unauthenticated: number;
}

/** The blind relay: authenticates sockets, orders, forwards and stores opaque envelopes. */
export class Relay {
  private readonly rooms = new Map<string, RoomState>();
  private readonly roomLoads = new Map<string, Promise<RoomState | 'deleted' | null>>();
  private readonly connections = new Set<Connection>();
  /** The connection of each accepted socket, for the shared socket listeners. */
  private readonly sockets = new WeakMap<WebSocket, Connection>();
  /** Refused sockets until their close completes (terminated on shutdown, like the accepted ones). */
  private readonly refused = new Set<WebSocket>();
  private readonly authFailures = new Map<string, { count: number; windowStart: number }>();
  /** Open and not-yet-authenticated sockets per client address (ABUSE-1, ABUSE-2). */
  private readonly addresses = new Map<string, AddressCount>();
  private unauthenticated = 0;
  private readonly commits: GroupCommit<PendingWrite>;
  private readonly handshakes = new TurnBudget(HANDSHAKES_PER_TURN);
  private readonly heartbeatTimer: NodeJS.Timeout;
  private closing = false;

  private readonly publicOrigin: string | undefined;

  constructor(private readonly options: RelayOptions) {
    // Clients sign a normalized origin (scheme://host[:port], lower-case, no path): compare alike.
    this.publicOrigin = options.publicOrigin === undefined ? undefined : normalizeRelayOrigin(options.publicOrigin);
    this.commits = new GroupCommit<PendingWrite>(options.storage, (batch, outcome) => this.settleCommit(batch, outcome));
    this.heartbeatTimer = setInterval(() => this.beat(), options.limits.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  stats(): RelayStats {
    let heldBytes = 0;
    for (const connection of this.connections) heldBytes += connection.heldBytes;
    return {
      rooms: this.rooms.size,
      connections: this.connections.size,
      unauthenticated: this.unauthenticated,
      pendingWrites: this.commits.pendingCount,
      heldBytes,
    };
  }

  private clientAddress(request: IncomingMessage): string {
    if (this.options.trustProxy === true) {
      const forwarded = request.headers['x-forwarded-for'];
      const last = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').pop()?.trim();
      if (last !== undefined && last !== '') return last;
    }
    return request.socket.remoteAddress ?? 'unknown';
  }

  /**
   * Connection caps, checked before anything else is spent on a socket. Returns the close code
   * that refuses it, or null. Both codes are transient: a legitimate client retries with backoff.
   */
  private admissionRefusal(ip: string): number | null {
    const { limits } = this.options;
    if (this.unauthenticated >= limits.maxUnauthenticated) return CLOSE.OVERLOADED;
    const count = this.addresses.get(ip);
    if (count === undefined) return null;
    if (count.open >= limits.maxConnectionsPerIp || count.unauthenticated >= limits.maxUnauthenticatedPerIp) {
      return CLOSE.TOO_MANY_CONNECTIONS;
    }
    return null;
  }

  /** The handshake succeeded (or the socket closed before it did): stop counting it as pending. */
  private markAuthenticated(connection: Connection): void {
    if (!connection.unauthenticated) return;
    connection.unauthenticated = false;
    this.unauthenticated -= 1;
    const count = this.addresses.get(connection.ip);
    if (count !== undefined) count.unauthenticated -= 1;
  }

  // ---- connection lifecycle -----------------------------------------------------------------

  accept(ws: WebSocket, request: IncomingMessage): void {
    const { limits } = this.options;
    const now = Date.now();
    const ip = this.clientAddress(request);
    // Refuse before spending anything on the socket: a flood costs one upgrade and one close each.
    const refusal = this.closing ? CLOSE.GOING_AWAY : this.admissionRefusal(ip);
    if (refusal !== null) {
      ws.on('error', ignoreSocketError);
      this.refused.add(ws);
      ws.on('close', () => this.refused.delete(ws));
      ws.close(refusal, refusal === CLOSE.GOING_AWAY ? 'relay shutting down' : refusal === CLOSE.OVERLOADED ? 'relay busy' : 'too many connections from this address');
      return;
    }
    const relayOrigin = this.publicOrigin ?? `${request.headers['x-forwarded-proto'] === 'https' ? 'wss' : 'ws'}://${request.headers.host ?? ''}`.toLowerCase();
    const connection = new Connection(ws, ip, relayOrigin, new Uint8Array(randomBytes(SIZE.CHALLENGE)), now, limits.maxBufferedBytes);
    const count = this.addresses.get(ip) ?? { open: 0, unauthenticated: 0 };
    count.open += 1;
    count.unauthenticated += 1;
    this.addresses.set(ip, count);
    this.unauthenticated += 1;
    this.connections.add(connection);
    // Cleared once the handshake succeeds, so an idle authenticated socket holds no timer.
    connection.authDeadline = setTimeout(() => {
      if (connection.phase === 'awaiting-auth') connection.close(CLOSE.AUTH_TIMEOUT, 'auth deadline');
    }, limits.authDeadlineMs);
    connection.authDeadline.unref();

    // One set of listeners per relay, not four closures per socket: they find the connection here.
    this.sockets.set(ws, connection);
    ws.on('message', this.onSocketMessage);
    ws.on('pong', this.onSocketPong);
    ws.on('error', ignoreSocketError);
    ws.on('close', this.onSocketClose);
    connection.send(
      encodeHelloFrame({ challenge: connection.challenge, serverTime: now, relayOrigin: connection.relayOrigin }),
    );
  }

  /**
   * A listener shared by every accepted socket (ws calls it with the socket as `this`): it looks
   * the connection up instead of closing over it, so a socket costs no closures of its own.
   */
  private sharedListener<A extends unknown[]>(handle: (connection: Connection, socket: WebSocket, ...args: A) => void): (this: WebSocket, ...args: A) => void {
    const sockets = this.sockets;
    return function (this: WebSocket, ...args: A): void {
      const connection = sockets.get(this);
      if (connection !== undefined) handle(connection, this, ...args);
    };
  }

  private readonly onSocketMessage = this.sharedListener((connection, _socket, data: RawData, isBinary: boolean) => {
    connection.receivedSinceBeat = true;
    const { limits } = this.options;
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (!isBinary) return connection.close(CLOSE.PROTOCOL_VIOLATION, 'binary frames only');
    if (bytes.length > limits.maxFrameBytes) return connection.close(CLOSE.FRAME_TOO_LARGE, 'frame too large');
    connection.enqueue(() => this.handleFrame(connection, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)), bytes.length);
  });

  private readonly onSocketPong = this.sharedListener((connection) => {
    connection.alive = true;
  });

  private readonly onSocketClose = this.sharedListener((connection, socket) => {
    this.sockets.delete(socket);
    clearTimeout(connection.authDeadline ?? undefined);
    this.detach(connection);
  });

  private detach(connection: Connection): void {
    connection.phase = 'closed';
    if (!this.connections.delete(connection)) return;
    this.markAuthenticated(connection);
    const count = this.addresses.get(connection.ip);
    if (count !== undefined && --count.open <= 0) this.addresses.delete(connection.ip);
    connection.liveQueue = [];
    connection.liveQueueBytes = 0;
    const room = connection.room;
    if (room === null) return;
    room.sockets.delete(connection);
    if (room.sockets.size === 0) void this.evictWhenIdle(room);
  }

  /** Drop an empty room from memory once its writes are committed (so nothing forwarded is lost). */
  private async evictWhenIdle(room: RoomState): Promise<void> {
    await this.commits.flush();
    if (room.sockets.size === 0 && room.pending.size === 0 && this.rooms.get(room.roomId) === room) {
      this.rooms.delete(room.roomId);
    }
  }

  // ---- frames -------------------------------------------------------------------------------

  private handleFrame(connection: Connection, bytes: Uint8Array): Promise<void> | void {
    if (!connection.isOpen) return;
    const parsed = parseClientFrame(bytes);
    if (!parsed.ok) return connection.close(CLOSE.PROTOCOL_VIOLATION, parsed.error);
    const frame = parsed.value;
    if (frame.kind === FRAME.AUTH) {
      if (connection.phase !== 'awaiting-auth') return connection.close(CLOSE.PROTOCOL_VIOLATION, 'auth twice');
      return this.authenticate(connection, frame);
    }
    if (connection.room === null || (connection.phase !== 'live' && connection.phase !== 'catching-up')) {
      return connection.close(CLOSE.PROTOCOL_VIOLATION, 'not authenticated');
    }
    switch (frame.kind) {
      case FRAME.PUT:
        return this.handlePut(connection, connection.room, frame.envelope);
      case FRAME.EPHEMERAL:
        return this.handleEphemeral(connection, connection.room, frame.envelope);
      case FRAME.SEAL:
        return this.seal(connection.room);
      case FRAME.DELETE_ROOM:
        return this.deleteRoom(connection.room);
    }
  }

  // ---- handshake ----------------------------------------------------------------------------

  private isBlockedIp(ip: string, now: number): boolean {
    const entry = this.authFailures.get(ip);
    if (entry === undefined || now - entry.windowStart > AUTH_FAILURE_WINDOW_MS) return false;
    return entry.count >= this.options.limits.authFailuresPerMinute;
  }

  private refuseAuth(connection: Connection, reason: string): void {
    const now = Date.now();
    const entry = this.authFailures.get(connection.ip);
    if (entry === undefined || now - entry.windowStart > AUTH_FAILURE_WINDOW_MS) {
      this.authFailures.set(connection.ip, { count: 1, windowStart: now });
    } else {
      entry.count += 1;
    }
    this.options.logger.log('info', 'auth refused', { reason });
    connection.close(CLOSE.AUTH_FAILED, reason);
  }

  private async authenticate(connection: Connection, frame: AuthFrame): Promise<void> {
    const { limits, storage, logger } = this.options;
    connection.phase = 'authenticating';
    const turn = this.handshakes.acquire();
    if (turn !== undefined) await turn;
    if (!connection.isOpen) return;
    const now = Date.now();
    if (frame.version !== PROTOCOL_VERSION) return connection.close(CLOSE.VERSION_UNSUPPORTED, 'unsupported version');
    // A transient close: the limiter window passes, and a legitimate user behind a shared IP retries.
    if (this.isBlockedIp(connection.ip, now)) return connection.close(CLOSE.RATE_LIMITED, 'too many failed handshakes');
    if (now - connection.challengeIssuedAt > limits.challengeTtlMs) return this.refuseAuth(connection, 'challenge expired');
    if (!equalBytes(computeRoomIdBytes(frame.authPublicKey), frame.roomId)) return this.refuseAuth(connection, 'room id mismatch');
    const common = { relayOrigin: connection.relayOrigin, roomId: frame.roomId, challenge: connection.challenge };
    const deviceSigned = verifyEd25519(
      frame.devicePublicKey,
      buildAuthTranscript({ ...common, context: LABEL.SIGN_AUTH, subject: frame.sessionId }),
      frame.deviceSignature,
    );
    if (!deviceSigned) return this.refuseAuth(connection, 'bad signature');

    const roomId = encodeBase64Url(frame.roomId);
    const deviceHex = toHex(frame.devicePublicKey);
    let room = await this.loadRoom(roomId, frame.roomId);
    if (!connection.isOpen) return;
    if (room === 'deleted') return connection.close(CLOSE.ROOM_DELETED, 'room deleted');
    // A registered device proved it holds the room key when it registered, and only deleting the
    // room unregisters it: its own signature is enough. A new device (or room) proves the room key
    // now, before anything is written for it. One verification per reconnect instead of two.
    if (room === null || !room.devices.has(deviceHex)) {
      const roomSigned = verifyEd25519(
        frame.authPublicKey,
        buildAuthTranscript({ ...common, context: LABEL.SIGN_REGISTER, subject: frame.devicePublicKey }),
        frame.roomSignature,
      );
      if (!roomSigned) return this.refuseAuth(connection, 'bad signature');
    }
    if (room === null) {
      await storage.createRoom(roomId, frame.authPublicKey, now);
      room = await this.loadRoom(roomId, frame.roomId);
      if (!connection.isOpen) return;
      if (room === null || room === 'deleted') return connection.close(CLOSE.ROOM_DELETED, 'room deleted');
    }
    const loaded = room;
    const refusal = await runExclusive(loaded, async (): Promise<number | null> => {
      if (loaded.deleted) return CLOSE.ROOM_DELETED;
      if (loaded.devices.has(deviceHex)) return null;
      if (loaded.sealed) return CLOSE.ROOM_SEALED;
      if (loaded.devices.size >= limits.maxDevicesPerRoom) return CLOSE.ROOM_FULL;
      await storage.addDevice(roomId, frame.devicePublicKey, now);
      loaded.devices.add(deviceHex);
      logger.log('info', 'device registered', { room: roomTag(roomId), devices: loaded.devices.size });
      this.broadcast(loaded, encodeRoomStateFrame({ sealed: loaded.sealed, deviceCount: loaded.devices.size }));
      return null;
    });
    if (!connection.isOpen) return;
    if (refusal !== null) return connection.close(refusal, 'refused');
    if (loaded.sockets.size >= limits.maxSocketsPerRoom) return connection.close(CLOSE.TOO_MANY_SOCKETS, 'room busy');

    const sessionHex = toHex(frame.sessionId);
    if (!loaded.sessionSeqs.has(sessionHex)) {
      loaded.sessionSeqs.set(sessionHex, await storage.maxSeqOfSession(roomId, frame.sessionId));
      if (!connection.isOpen) return;
    }
    connection.sessionHex = sessionHex;
    // A slice of Node's shared buffer pool: no ArrayBuffer of its own for 16 bytes.
    connection.sessionId = Buffer.from(frame.sessionId);
    connection.room = loaded;
    clearTimeout(connection.authDeadline ?? undefined);
    connection.authDeadline = null;
    connection.releaseHandshake();
    connection.phase = 'catching-up';
    connection.liveQueue = [];
    connection.liveQueueBytes = 0;
    this.markAuthenticated(connection);
    loaded.sockets.add(connection);
    const upTo = loaded.nextRelaySeq - 1;
    // READY, a short backlog and BACKLOG_END leave in one write; a long backlog uncorks per page.
    connection.cork();
    try {
      connection.send(encodeReadyFrame({ sealed: loaded.sealed, deviceCount: loaded.devices.size }));
      await this.streamBacklog(connection, loaded, frame.fromRelaySeq, upTo);
    } finally {
      connection.uncork();
    }
  }

  /**
   * Loading rule (PROTOCOL.md "Catch-up"): if the newest snapshot covers more than the client has,
   * send it first and continue after its coverage; then every entry up to `upTo`, in pages, each
   * page drained before the next (backpressure). Live frames meanwhile wait in liveQueue. Called
   * with the socket corked; it stays corked except while waiting for a drain.
   */
  private async streamBacklog(connection: Connection, room: RoomState, fromRelaySeq: number, upTo: number): Promise<void> {
    const { storage, limits } = this.options;
    const drainAbove = Math.min(BACKLOG_DRAIN_BYTES, limits.maxBufferedBytes);
    await this.commits.flush();
    let cursor = fromRelaySeq;
    let skip = -1;
    const snapshot = await storage.newestSnapshot(room.roomId);
    if (snapshot !== null && snapshot.coversRelaySeq !== null && snapshot.coversRelaySeq > fromRelaySeq && snapshot.relaySeq <= upTo) {
      connection.send(encodeEnvFrame(snapshot.relaySeq, snapshot.envelope));
      cursor = snapshot.coversRelaySeq;
      skip = snapshot.relaySeq;
    }
    for (;;) {
      if (!connection.isOpen) return;
      const rows = await storage.readLog(room.roomId, cursor, upTo, BACKLOG_PAGE_ROWS);
      for (const row of rows) {
        if (!connection.isOpen) return;
        if (row.relaySeq === skip) continue;
        const frame = encodeEnvFrame(row.relaySeq, row.envelope);
        // A reader that does not read stalls here instead of filling the relay's memory (ABUSE-4).
        if (connection.ws.bufferedAmount >= drainAbove) await this.sendUncorked(connection, frame);
        else connection.send(frame);
      }
      if (rows.length < BACKLOG_PAGE_ROWS) break;
      // A full page: let it reach the kernel, then let other rooms' traffic through before the
      // next one (a 100k-entry join must not stall the loop, nor buffer the whole log).
      await this.sendUncorked(connection, null);
      await new Promise<void>((resolve) => setImmediate(resolve));
      cursor = rows[rows.length - 1]!.relaySeq;
    }
    if (!connection.isOpen) return;
    const sinceSnapshot = await storage.countAfter(room.roomId, snapshot?.coversRelaySeq ?? 0);
    if (!connection.isOpen) return;
    connection.send(encodeBacklogEndFrame({ upToRelaySeq: upTo, sinceSnapshot }));
    for (const frame of connection.liveQueue) connection.send(frame);
    connection.liveQueue = [];
    connection.liveQueueBytes = 0;
    connection.phase = 'live';
  }

  /** Uncorks, sends `frame` (if any) and waits until the socket has handed everything to the kernel; re-corks. */
  private async sendUncorked(connection: Connection, frame: Uint8Array | null): Promise<void> {
    connection.uncork();
    try {
      await (frame === null ? connection.drained() : connection.sendAndDrain(frame));
    } finally {
      connection.cork();
    }
  }

  /** The room's state, loaded once and shared by concurrent handshakes; null if it was never created. */
  private async loadRoom(roomId: string, roomIdBytes: Uint8Array): Promise<RoomState | 'deleted' | null> {
    const loaded = this.rooms.get(roomId);
    if (loaded !== undefined) return loaded.deleted ? 'deleted' : loaded;
    const loading = this.roomLoads.get(roomId);
    if (loading !== undefined) return loading;
    const load = (async (): Promise<RoomState | 'deleted' | null> => {
      const { storage } = this.options;
      const record = await storage.getRoom(roomId);
      if (record === null) return null;
      if (record.deleted) return 'deleted';
      const devices = await storage.listDevices(roomId);
      const room: RoomState = {
        roomId,
        roomIdBytes,
        sealed: record.sealed,
        devices: new Set(devices.map(toHex)),
        sockets: new Set(),
        nextRelaySeq: record.maxRelaySeq + 1 + RELOAD_SEQ_GAP,
        bytesUsed: record.bytesUsed,
        sessionSeqs: new Map(),
        quotaRefusedFrom: new Map(),
        pending: new Map(),
        lock: Promise.resolve(),
        deleted: false,
      };
      this.rooms.set(roomId, room);
      return room;
    })();
    this.roomLoads.set(roomId, load);
    try {
      return await load;
    } finally {
      this.roomLoads.delete(roomId);
    }
  }

  // ---- envelopes ----------------------------------------------------------------------------

  private sendError(connection: Connection, code: number, header: EnvelopeHeader | null): void {
    connection.send(encodeErrorFrame({ code, sessionId: header?.sessionId ?? new Uint8Array(SIZE.SESSION_ID), seq: header?.seq ?? 0 }));
  }

  private checkHeader(connection: Connection, room: RoomState, envelope: Uint8Array): EnvelopeHeader | null {
    const parsed = parseEnvelopeHeader(envelope);
    if (!parsed.ok) return null;
    const header = parsed.value;
    if (!equalBytes(header.roomId, room.roomIdBytes) || !equalBytes(header.sessionId, connection.sessionId)) return null;
    return header;
  }

  private handlePut(connection: Connection, room: RoomState, envelope: Uint8Array): Promise<void> | void {
    if (room.deleted) return; // the erase is in progress; the socket is about to close with ROOM_DELETED
    const now = Date.now();
    const { limits } = this.options;
    if (!(connection.putBucket ??= new TokenBucket(limits.putsPerSecond, limits.putBurst, now)).take(now)) return connection.close(CLOSE.RATE_LIMITED, 'too many writes');
    const header = this.checkHeader(connection, room, envelope);
    if (header === null || header.type === ENVELOPE_TYPE.PRESENCE) {
      return this.sendError(connection, RELAY_ERROR.BAD_ENVELOPE, header);
    }
    const lastSeq = room.sessionSeqs.get(connection.sessionHex) ?? -1;
    if (header.seq <= lastSeq) return this.handleResend(connection, room, header, envelope);
    room.sessionSeqs.set(connection.sessionHex, header.seq);
    this.store(connection, room, header, envelope);
  }

  private store(connection: Connection, room: RoomState, header: EnvelopeHeader, envelope: Uint8Array): void {
    const isSnapshot = header.type === ENVELOPE_TYPE.SNAPSHOT;
    if (isSnapshot && header.coversRelaySeq >= room.nextRelaySeq) {
      return this.sendError(connection, RELAY_ERROR.SNAPSHOT_REJECTED, header);
    }
    const refusedFrom = room.quotaRefusedFrom.get(connection.sessionHex);
    // Storing a later seq of a session whose earlier seq waits would leave a hole in its changes
    // at every partner (LOG-11): it waits too, whatever its kind or size.
    if (refusedFrom !== undefined && header.seq > refusedFrom) {
      return this.sendError(connection, RELAY_ERROR.QUOTA_EXCEEDED, header);
    }
    // Snapshots are exempt from the quota: storing one is how a room frees space.
    if (!isSnapshot && room.bytesUsed + envelope.length > this.options.limits.roomQuotaBytes) {
      room.quotaRefusedFrom.set(connection.sessionHex, Math.min(refusedFrom ?? header.seq, header.seq));
      return this.sendError(connection, RELAY_ERROR.QUOTA_EXCEEDED, header);
    }
    if (refusedFrom === header.seq) room.quotaRefusedFrom.delete(connection.sessionHex);
    const relaySeq = room.nextRelaySeq++;
    room.bytesUsed += envelope.length;
    const envFrame = encodeEnvFrame(relaySeq, envelope);
    for (const peer of room.sockets) {
      if (peer === connection) continue;
      peer.forwardedSinceBeat = true;
      if (peer.phase === 'catching-up') this.queueLive(peer, envFrame);
      else this.sendLive(peer, envFrame);
    }
    const pending: PendingWrite = {
      entry: {
        roomId: room.roomId,
        relaySeq,
        sessionId: connection.sessionId,
        seq: header.seq,
        envelope,
        coversRelaySeq: isSnapshot ? header.coversRelaySeq : null,
        receivedAt: Date.now(),
      },
      room,
      connection,
      header,
      waiters: [],
    };
    room.pending.set(pendingKey(connection.sessionHex, header.seq), pending);
    this.commits.append(pending);
  }

  /**
   * A batch is durable (or failed): answer every sender. Each socket's ACKs for the batch leave in
   * one write (corked), instead of one syscall per update.
   */
  private settleCommit(batch: readonly PendingWrite[], outcome: CommitOutcome): void {
    if (outcome.ok) {
      for (const [roomId, bytes] of outcome.freedBytesByRoom) {
        const room = this.rooms.get(roomId);
        if (room !== undefined) room.bytesUsed = Math.max(0, room.bytesUsed - bytes);
      }
    } else {
      this.options.logger.log('error', 'commit failed', { rows: batch.length, error: String(outcome.error) });
    }
    const corked = new Set<Connection>();
    for (const pending of batch) {
      const { room, connection, header, entry } = pending;
      room.pending.delete(pendingKey(connection.sessionHex, entry.seq));
      if (!corked.has(connection) && connection.isOpen) {
        connection.cork();
        corked.add(connection);
      }
      if (outcome.ok) {
        connection.send(encodeAckFrame({ sessionId: header.sessionId, seq: header.seq, relaySeq: entry.relaySeq }));
      } else {
        room.bytesUsed -= entry.envelope.length;
        this.sendError(connection, RELAY_ERROR.STORE_FAILED, header);
      }
      for (const waiter of pending.waiters) waiter(outcome.ok);
    }
    for (const connection of corked) connection.uncork();
  }

  /** A (session, seq) we have seen: re-ACK the same bytes, refuse different ones (PROTOCOL "Idempotency"). */
  private async handleResend(connection: Connection, room: RoomState, header: EnvelopeHeader, envelope: Uint8Array): Promise<void> {
    const pending = room.pending.get(pendingKey(connection.sessionHex, header.seq));
    if (pending !== undefined) {
      if (!equalBytes(pending.entry.envelope, envelope)) return this.sendError(connection, RELAY_ERROR.DUPLICATE_CONFLICT, header);
      const committed = await new Promise<boolean>((resolve) => pending.waiters.push(resolve));
      if (committed) connection.send(encodeAckFrame({ sessionId: header.sessionId, seq: header.seq, relaySeq: pending.entry.relaySeq }));
      else this.sendError(connection, RELAY_ERROR.STORE_FAILED, header);
      return;
    }
    const stored = await this.options.storage.findBySessionSeq(room.roomId, connection.sessionId, header.seq);
    if (!connection.isOpen) return;
    if (stored === null) return this.store(connection, room, header, envelope); // an earlier attempt failed
    if (!equalBytes(stored.envelope, envelope)) return this.sendError(connection, RELAY_ERROR.DUPLICATE_CONFLICT, header);
    connection.send(encodeAckFrame({ sessionId: header.sessionId, seq: header.seq, relaySeq: stored.relaySeq }));
  }

  private handleEphemeral(connection: Connection, room: RoomState, envelope: Uint8Array): void {
    // Presence is best effort: over the rate it is dropped, never stored, never refused.
    const now = Date.now();
    const { limits } = this.options;
    if (!(connection.ephemeralBucket ??= new TokenBucket(limits.ephemeralsPerSecond, limits.ephemeralBurst, now)).take(now)) return;
    const header = this.checkHeader(connection, room, envelope);
    if (header === null || header.type !== ENVELOPE_TYPE.PRESENCE) return this.sendError(connection, RELAY_ERROR.BAD_ENVELOPE, header);
    const frame = encodeEphFrame(envelope);
    for (const peer of room.sockets) if (peer !== connection && peer.phase === 'live') this.sendLive(peer, frame);
  }

  /**
   * A reader that never drains is closed (transiently) instead of growing the relay's memory
   * (ABUSE-3). The close frame waits behind the unsent bytes; ws destroys the socket if the peer
   * has not answered within closeTimeoutMs, which frees them.
   */
  private sendLive(peer: Connection, frame: Uint8Array): void {
    if (peer.ws.bufferedAmount > this.options.limits.maxBufferedBytes) {
      peer.close(CLOSE.OVERLOADED, 'slow reader');
      return;
    }
    peer.send(frame);
  }

  /** Live frames for a socket still streaming its backlog wait here, under the same bound. */
  private queueLive(peer: Connection, frame: Uint8Array): void {
    if (peer.liveQueueBytes + frame.length > this.options.limits.maxBufferedBytes) {
      peer.close(CLOSE.OVERLOADED, 'slow reader');
      peer.liveQueue = [];
      peer.liveQueueBytes = 0;
      return;
    }
    peer.liveQueue.push(frame);
    peer.liveQueueBytes += frame.length;
  }

  private broadcast(room: RoomState, frame: Uint8Array): void {
    for (const peer of room.sockets) if (peer.phase === 'live' || peer.phase === 'catching-up') peer.send(frame);
  }

  // ---- room administration ------------------------------------------------------------------

  private seal(room: RoomState): Promise<void> {
    return runExclusive(room, async () => {
      if (room.deleted || room.sealed) return;
      await this.options.storage.setSealed(room.roomId, true);
      room.sealed = true;
      this.options.logger.log('info', 'room sealed', { room: roomTag(room.roomId) });
      this.broadcast(room, encodeRoomStateFrame({ sealed: true, deviceCount: room.devices.size }));
    });
  }

  private deleteRoom(room: RoomState): Promise<void> {
    return runExclusive(room, async () => {
      if (room.deleted) return;
      room.deleted = true;
      // Commit what is in flight first, so nothing lands after the erase.
      await this.commits.flush();
      await this.options.storage.deleteRoom(room.roomId, Date.now());
      this.options.logger.log('info', 'room deleted', { room: roomTag(room.roomId) });
      for (const peer of [...room.sockets]) peer.close(CLOSE.ROOM_DELETED, 'room deleted');
    });
  }

  // ---- housekeeping -------------------------------------------------------------------------

  /**
   * Every heartbeatMs. Liveness: a socket that sent us anything since the last beat is alive and
   * needs no ping; a quiet one is pinged, and terminated if it answered neither that ping nor with
   * a frame by the next beat. The client's watchdog (30 s) is fed by ENV frames and HEARTBEATs, so
   * a socket that was forwarded an ENV since the last beat needs no HEARTBEAT (its longest gap is
   * two beats). In a busy relay most sockets need neither: fewer writes per update (BENCHMARKS C1).
   */
  private beat(): void {
    const now = Date.now();
    const frame = encodeHeartbeatFrame(now);
    for (const connection of this.connections) {
      const heard = connection.receivedSinceBeat;
      connection.receivedSinceBeat = false;
      const needsHeartbeat = connection.phase === 'live' && !connection.forwardedSinceBeat;
      connection.forwardedSinceBeat = false;
      if (heard) {
        connection.alive = true;
        if (needsHeartbeat) connection.send(frame);
        continue;
      }
      if (!connection.alive) {
        connection.phase = 'closed';
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      // The ping (our liveness check) and the HEARTBEAT (the client's) leave in one write.
      connection.cork();
      connection.ws.ping();
      if (needsHeartbeat) connection.send(frame);
      connection.uncork();
    }
    for (const [ip, entry] of this.authFailures) {
      if (now - entry.windowStart > AUTH_FAILURE_WINDOW_MS) this.authFailures.delete(ip);
    }
  }

  /** Physically erases log entries superseded longer ago than the grace period. */
  async collectGarbage(now = Date.now()): Promise<number> {
    return this.options.storage.collectGarbage(now - this.options.limits.supersededGraceMs);
  }

  /** Stop accepting, tell clients to come back later, commit everything, then close storage. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    for (const connection of this.connections) connection.close(CLOSE.GOING_AWAY, 'relay restarting');
    await this.commits.flush();
    await this.options.storage.close();
  }

  /**
   * Cuts every socket that is still open (after close(), for those that did not answer the close
   * frame). The relay tracks its sockets itself, so the WebSocketServer runs without clientTracking,
   * which would add a closure, a listener array and a Set entry to every socket.
   */
  terminateAll(): void {
    for (const connection of this.connections) connection.ws.terminate();
    for (const ws of this.refused) ws.terminate();
  }
}
