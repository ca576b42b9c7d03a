import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import {
  FRAME,
  LABEL,
  PROTOCOL_VERSION,
  SIZE,
  buildAuthTranscript,
  encodeBase64Url,
  encodeHeartbeatFrame,
  encodeHelloFrame,
  encodeEscrowReleasesFrame,
  encodePushStatusFrame,
  equalBytes,
  ESCROW_STATUS,
  normalizeRelayOrigin,
  parseClientFrame,
  PUSH_STATUS,
  toHex,
  type AuthFrame,
  type ClientFrame,
  type EscrowDepositFrame,
  type EscrowReadFrame,
  type PushStatusCode,
  type RelayLimits,
} from '@seen/shared/protocol';
import type { Logger } from '../log.ts';
import type { BusMessage, RoomBus } from '../bus/RoomBus.ts';
import { EscrowDesk } from '../escrow/EscrowDesk.ts';
import type { PushService } from '../push/PushService.ts';
import { createCommitPipeline, type CommitPipeline } from '../room/createCommitPipeline.ts';
import { Room, type RoomHost } from '../room/Room.ts';
import type { RelayStorage } from '../storage/RelayStorage.ts';
import { Connection } from './Connection.ts';
import { hashAdmissionTicket } from './hashAdmissionTicket.ts';
import { REFUSAL, authFailed, protocolViolation, refuse, type Refusal } from './refusals.ts';
import { TurnBudget } from './TurnBudget.ts';
import { computeRoomIdBytes, verifyEd25519 } from './verifyEd25519.ts';

const AUTH_FAILURE_WINDOW_MS = 60_000;
/** How often rooms active on a relay of a cluster check the database for what the bus lost. */
const ROOM_REFRESH_MS = 2_000;
/**
 * Rounds a room stays in the refresh after its last bus message: the round right after a burst may
 * read the head while the burst's last commits are still in flight, so one read is not enough.
 */
const ACTIVE_REFRESH_ROUNDS = 3;
/** Rooms per read of the head check (one query each; PostgreSQL takes the ids as one array). */
const REFRESH_CHUNK = 1_000;
/** Every this many rounds (30 s) the refresh covers every loaded room, not only the active ones. */
const SWEEP_EVERY_ROUNDS = 15;
/** Push and escrow requests a connection may have waiting; more are refused without work. */
const MAX_SIDE_WAITING = 8;
/** Handshakes verified per event-loop turn (~0.3 ms each): live rooms wait at most ~10 ms for a storm. */
const HANDSHAKES_PER_TURN = 32;
/**
 * How long an admission ticket (SEALED-21) admits a device: long enough to carry a link from one
 * phone to another, short enough that a link found later is worthless.
 */
export const ADMISSION_TICKET_TTL_MS = 15 * 60_000;

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
  /** Connects relays that share a database (REDIS_URL); without it the relay is alone. */
  readonly bus?: RoomBus;
  /** Web Push: subscriptions and nudges. Without it, push requests are answered UNAVAILABLE. */
  readonly push?: PushService;
  /**
   * The time admission tickets (SEALED-21) are issued and judged by. Default Date.now; tests move it
   * forward instead of waiting out the 15 minutes.
   */
  readonly clock?: () => number;
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

/**
 * The blind relay's front door: admits sockets, runs the handshake and hands each authenticated
 * socket's frames to its Room, which orders, forwards and stores the opaque envelopes.
 */
export class Relay {
  private readonly rooms = new Map<string, Room>();
  private readonly roomLoads = new Map<string, Promise<Room | 'deleted' | null>>();
  private readonly connections = new Set<Connection>();
  /** The room of each authenticated connection. */
  private readonly roomOf = new Map<Connection, Room>();
  /** The connection of each accepted socket, for the shared socket listeners. */
  private readonly sockets = new WeakMap<WebSocket, Connection>();
  /** Refused sockets until their close completes (terminated on shutdown, like the accepted ones). */
  private readonly refused = new Set<WebSocket>();
  private readonly authFailures = new Map<string, { count: number; windowStart: number }>();
  /** Open and not-yet-authenticated sockets per client address (ABUSE-1, ABUSE-2). */
  private readonly addresses = new Map<string, AddressCount>();
  private unauthenticated = 0;
  private readonly commits: CommitPipeline;
  private readonly roomHost: RoomHost;
  private readonly handshakes = new TurnBudget(HANDSHAKES_PER_TURN);
  private readonly escrow: EscrowDesk;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly refreshTimer: NodeJS.Timeout | null = null;
  /** Rooms that committed or heard something since the last refresh round. */
  private readonly activeRooms = new Map<Room, number>();
  private refreshRound = 0;
  private closing = false;

  private readonly publicOrigin: string | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: RelayOptions) {
    // Clients sign a normalized origin (scheme://host[:port], lower-case, no path): compare alike.
    this.publicOrigin = options.publicOrigin === undefined ? undefined : normalizeRelayOrigin(options.publicOrigin);
    const { storage, logger, bus } = options;
    this.clock = options.clock ?? Date.now;
    const commits = createCommitPipeline(storage, options.limits, logger);
    this.escrow = new EscrowDesk(storage, logger);
    this.commits = commits;
    this.roomHost = {
      storage,
      limits: options.limits,
      logger,
      commit: (pending) => commits.append(pending),
      flushCommits: () => commits.flush(),
      publish: (message) => bus?.publish(message),
      roomEmptied: (room) => this.evictIfIdle(room),
    };
    if (bus !== undefined) {
      bus.onMessage((message) => this.receive(message));
      // Messages sent while the bus was away are lost: ask the database what changed.
      bus.onReconnect(() => this.refreshRooms([...this.rooms.values()]));
      this.refreshTimer = setInterval(() => this.refreshActiveRooms(), ROOM_REFRESH_MS);
      this.refreshTimer.unref();
    }
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
   * Connection caps, checked before anything else is spent on a socket. Returns the refusal, or
   * null. Both are transient: a legitimate client retries with backoff.
   */
  private admissionRefusal(ip: string): Refusal | null {
    const { limits } = this.options;
    if (this.closing) return REFUSAL.shuttingDown;
    if (this.unauthenticated >= limits.maxUnauthenticated) return REFUSAL.busy;
    const count = this.addresses.get(ip);
    if (count === undefined) return null;
    if (count.open >= limits.maxConnectionsPerIp || count.unauthenticated >= limits.maxUnauthenticatedPerIp) {
      return REFUSAL.tooManyConnections;
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
    const refusal = this.admissionRefusal(ip);
    if (refusal !== null) {
      ws.on('error', ignoreSocketError);
      this.refused.add(ws);
      ws.on('close', () => this.refused.delete(ws));
      refuse(ws, refusal);
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
      if (connection.phase === 'awaiting-auth') refuse(connection, REFUSAL.authDeadline);
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
    if (!isBinary) return refuse(connection, REFUSAL.binaryOnly);
    if (bytes.length > limits.maxFrameBytes) return refuse(connection, REFUSAL.frameTooLarge);
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
    const room = this.roomOf.get(connection);
    if (room === undefined) return;
    this.roomOf.delete(connection);
    room.remove(connection);
  }

  /** Drop an empty room from memory once its writes are answered (so nothing forwarded is lost). */
  private evictIfIdle(room: Room): void {
    if (!room.idle || this.rooms.get(room.roomId) !== room) return;
    this.rooms.delete(room.roomId);
    this.activeRooms.delete(room);
    room.unload();
    void this.options.bus?.leave(room.roomId);
  }

  // ---- other relays -------------------------------------------------------------------------

  private receive(message: BusMessage): void {
    const room = this.rooms.get(message.roomId);
    if (room === undefined) return;
    this.activeRooms.set(room, ACTIVE_REFRESH_ROUNDS);
    room.receive(message);
    if (message.kind === 'deleted') this.evictIfIdle(room);
  }

  /**
   * The bus loses messages when Redis restarts or a subscriber falls behind, and a lost last
   * message leaves no gap to notice: rooms that were active lately ask the database for their
   * head, seal and devices (a cheap read per room), and deliver whatever they missed.
   */
  private refreshActiveRooms(): void {
    // Now and then every loaded room, however quiet: a room whose every message was lost stays right.
    this.refreshRound++;
    const rooms = this.refreshRound % SWEEP_EVERY_ROUNDS === 0 ? [...this.rooms.values()] : [...this.activeRooms.keys()];
    for (const room of this.activeRooms.keys()) {
      const left = this.activeRooms.get(room)! - 1;
      if (left <= 0) this.activeRooms.delete(room);
      else this.activeRooms.set(room, left);
    }
    this.refreshRooms(rooms);
  }

  /** One read of the database per REFRESH_CHUNK rooms, however many rooms are refreshed. */
  private refreshRooms(rooms: readonly Room[]): void {
    for (let start = 0; start < rooms.length; start += REFRESH_CHUNK) {
      const chunk = rooms.slice(start, start + REFRESH_CHUNK);
      void this.refreshChunk(chunk).catch((error: unknown) => this.options.logger.log('error', 'room refresh failed', { rooms: chunk.length, error: String(error) }));
    }
  }

  private async refreshChunk(rooms: readonly Room[]): Promise<void> {
    const heads = await this.options.storage.readRoomHeads(rooms.map((room) => room.roomId));
    for (const room of rooms) {
      // A room evicted (or reloaded) meanwhile is not this relay's business any more.
      if (this.rooms.get(room.roomId) !== room) continue;
      if (!(await room.applyHead(heads.get(room.roomId)))) this.evictIfIdle(room);
    }
  }

  // ---- frames -------------------------------------------------------------------------------

  private handleFrame(connection: Connection, bytes: Uint8Array): Promise<void> | void {
    if (!connection.isOpen) return;
    const parsed = parseClientFrame(bytes);
    if (!parsed.ok) return refuse(connection, protocolViolation(parsed.error));
    const frame = parsed.value;
    if (frame.kind === FRAME.AUTH) {
      if (connection.phase !== 'awaiting-auth') return refuse(connection, REFUSAL.authTwice);
      return this.authenticate(connection, frame).catch((error: unknown) => {
        // The database is unreachable (or failed): a transient close, so the client retries later.
        this.options.logger.log('error', 'handshake failed', { error: String(error) });
        refuse(connection, REFUSAL.storageUnavailable);
      });
    }
    const room = this.roomOf.get(connection);
    if (room === undefined || (connection.phase !== 'live' && connection.phase !== 'catching-up')) {
      return refuse(connection, REFUSAL.notAuthenticated);
    }
    switch (frame.kind) {
      case FRAME.PUT:
        return room.handlePut(connection, frame.envelope);
      case FRAME.EPHEMERAL:
        return room.handleEphemeral(connection, frame.envelope);
      case FRAME.SEAL:
        return room.seal();
      case FRAME.DELETE_ROOM:
        return room.delete();
      case FRAME.PUSH_SUBSCRIBE:
      case FRAME.PUSH_UNSUBSCRIBE:
      case FRAME.NUDGE:
        return this.queuePushRequest(connection, room, frame);
      case FRAME.ESCROW_DEPOSIT:
      case FRAME.ESCROW_READ:
        return this.queueEscrowRequest(connection, room, frame);
      case FRAME.REVOKE_DEVICE:
        return this.queueRevocation(connection, room, frame.devicePublicKey);
      case FRAME.ADMIT_TICKET:
        return this.queueAdmissionTicket(connection, room, frame.ticketHash);
    }
  }

  /**
   * ADMIT_TICKET (SEALED-21) has no reply, like REVOKE_DEVICE: it waits on the side chain (a PUT
   * never waits for its storage) and, past that chain's bound, is dropped: a member whose link does
   * not work asks for another.
   */
  private queueAdmissionTicket(connection: Connection, room: Room, ticketHash: Uint8Array): void {
    if (room.revoked.has(connection.deviceHex)) return;
    this.queueSideRequest(connection, () => undefined, () => {
      const now = this.clock();
      return room.issueAdmissionTicket(connection, ticketHash, now, now + ADMISSION_TICKET_TTL_MS);
    });
  }

  /**
   * REVOKE_DEVICE (SEALED-19) has no reply. The app sends it for every removal record on every
   * connect, so the usual case (already revoked, or nothing to do) is settled here without storage;
   * the rest waits on the side chain and, past its bound, is dropped: the app sends it again.
   */
  private queueRevocation(connection: Connection, room: Room, devicePublicKey: Uint8Array): void {
    if (!room.mayRevoke(connection, devicePublicKey)) return;
    this.queueSideRequest(connection, () => undefined, () => room.revokeDevice(connection, devicePublicKey, Date.now()));
  }

  /**
   * Push and escrow requests wait for storage (and DNS), so they run on a chain of their own per
   * connection, in order; the socket's PUTs never wait for them. Past MAX_SIDE_WAITING, `refuse`
   * answers at once.
   */
  private queueSideRequest(connection: Connection, refuse: () => void, work: () => Promise<void>): void {
    if (connection.sideWaiting >= MAX_SIDE_WAITING) return refuse();
    connection.sideWaiting++;
    connection.sideChain = (connection.sideChain ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => this.options.logger.log('error', 'side request failed', { error: String(error) }))
      .finally(() => {
        connection.sideWaiting--;
      });
  }

  private queuePushRequest(connection: Connection, room: Room, frame: ClientFrame): void {
    const answers = frame.kind;
    const answer = (status: PushStatusCode): void => connection.send(encodePushStatusFrame({ answers, status }));
    const push = this.options.push;
    if (push === undefined) return answer(PUSH_STATUS.UNAVAILABLE);
    this.queueSideRequest(connection, () => answer(PUSH_STATUS.RATE_LIMITED), async () => {
      const now = Date.now();
      if (frame.kind === FRAME.PUSH_SUBSCRIBE) return answer(await push.subscribe(room.roomId, connection.devicePublicKey, frame, now));
      if (frame.kind === FRAME.PUSH_UNSUBSCRIBE) return answer(await push.unsubscribe(room.roomId, connection.devicePublicKey));
      const live = new Set<string>();
      for (const socket of room.sockets) live.add(socket.deviceHex);
      answer(await push.nudge(room.roomId, connection.devicePublicKey, live, now));
    });
  }

  private queueEscrowRequest(connection: Connection, room: Room, frame: EscrowDepositFrame | EscrowReadFrame): void {
    const busy = (): void => connection.send(encodeEscrowReleasesFrame({ slotTag: frame.slotTag, status: ESCROW_STATUS.UNAVAILABLE, releases: [] }));
    this.queueSideRequest(connection, busy, () =>
      frame.kind === FRAME.ESCROW_DEPOSIT ? this.escrow.deposit(room, connection, frame, Date.now()) : this.escrow.read(room, connection, frame),
    );
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
    refuse(connection, authFailed(reason));
  }

  private async authenticate(connection: Connection, frame: AuthFrame): Promise<void> {
    const { limits, storage } = this.options;
    connection.phase = 'authenticating';
    const turn = this.handshakes.acquire();
    if (turn !== undefined) await turn;
    if (!connection.isOpen) return;
    const now = Date.now();
    if (frame.version !== PROTOCOL_VERSION) return refuse(connection, REFUSAL.versionUnsupported);
    // A transient close: the limiter window passes, and a legitimate user behind a shared IP retries.
    if (this.isBlockedIp(connection.ip, now)) return refuse(connection, REFUSAL.failedHandshakes);
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
    if (room === 'deleted') return refuse(connection, REFUSAL.roomDeleted);
    // Its own signature proved it is the revoked device (SEALED-19): nothing more to check or send.
    if (room !== null && room.revoked.has(deviceHex)) return refuse(connection, REFUSAL.deviceRemoved);
    // A registered device proved it holds the room key when it registered, and only deleting the
    // room (or revoking the device, refused above) unregisters it: its own signature is enough. A
    // new device (or room) proves the room key now, before anything is written for it. One
    // verification per reconnect instead of two.
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
      // A load another handshake began before our create committed saw no room: that one is
      // shared and settled now, so a second load starts after the create and finds the room.
      if (room === null) room = await this.loadRoom(roomId, frame.roomId);
      if (!connection.isOpen) return;
      if (room === null || room === 'deleted') return refuse(connection, REFUSAL.roomDeleted);
    }
    // A ticket only matters to a new device of a sealed room; the room decides (and consumes it).
    const ticket = frame.admissionTicket === null ? null : { hash: hashAdmissionTicket(frame.admissionTicket), at: this.clock() };
    const registration = room.devices.has(deviceHex) ? null : await room.registerDevice(frame.devicePublicKey, now, ticket);
    if (!connection.isOpen) return;
    if (registration !== null) return refuse(connection, registration);

    connection.sessionHex = toHex(frame.sessionId);
    connection.devicePublicKey = frame.devicePublicKey;
    connection.deviceHex = deviceHex;
    // A slice of Node's shared buffer pool: no ArrayBuffer of its own for 16 bytes.
    connection.sessionId = Buffer.from(frame.sessionId);
    clearTimeout(connection.authDeadline ?? undefined);
    connection.authDeadline = null;
    connection.releaseHandshake();
    this.markAuthenticated(connection);
    this.roomOf.set(connection, room);
    // A partner elsewhere may write while every bus message is lost: a new socket's room is watched too.
    if (this.options.bus !== undefined) this.activeRooms.set(room, ACTIVE_REFRESH_ROUNDS);
    const admission = await room.admit(connection, frame.fromRelaySeq);
    if (admission !== null) refuse(connection, admission);
  }

  /** The room, loaded once and shared by concurrent handshakes; null if it was never created. */
  private async loadRoom(roomId: string, roomIdBytes: Uint8Array): Promise<Room | 'deleted' | null> {
    const loaded = this.rooms.get(roomId);
    if (loaded !== undefined) return loaded.deleted ? 'deleted' : loaded;
    const loading = this.roomLoads.get(roomId);
    if (loading !== undefined) return loading;
    const load = (async (): Promise<Room | 'deleted' | null> => {
      const { storage } = this.options;
      const record = await storage.getRoom(roomId);
      if (record === null) return null;
      if (record.deleted) return 'deleted';
      // Subscribe before reading the head, so nothing committed after the read goes unheard.
      await this.options.bus?.join(roomId);
      const fresh = this.options.bus === undefined ? record : ((await storage.getRoom(roomId)) ?? record);
      const [devices, revoked] = await Promise.all([storage.listDevices(roomId), storage.listRevokedDevices(roomId)]);
      const room = new Room(this.roomHost, roomId, roomIdBytes, fresh, devices, revoked);
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

  /**
   * Physically erases log entries superseded longer ago than the grace period (returns how many),
   * and escrow deposits and admission tickets whose lifetime is over.
   */
  async collectGarbage(now = Date.now()): Promise<number> {
    const removed = await this.options.storage.collectGarbage(now - this.options.limits.supersededGraceMs);
    await this.options.storage.expireEscrow(now);
    await this.options.storage.expireAdmissionTickets(now);
    return removed;
  }

  /** Stop accepting, tell clients to come back later, commit everything, then close storage. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    for (const connection of this.connections) refuse(connection, REFUSAL.restarting);
    this.options.push?.close();
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
