import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { TokenBucket } from './tokenBucket.ts';

const NO_BYTES = new Uint8Array(0);

export type ConnectionPhase = 'awaiting-auth' | 'authenticating' | 'catching-up' | 'live' | 'closed';

/** One socket's state. Frames for a connection are handled strictly in order. */
export class Connection {
  phase: ConnectionPhase = 'awaiting-auth';
  sessionHex = '';
  sessionId: Uint8Array = NO_BYTES;
  /** The device key the handshake proved, and its hex (push subscriptions are per device). */
  devicePublicKey: Uint8Array = NO_BYTES;
  deviceHex = '';
  /**
   * Push and escrow requests run one after another, beside the frame queue (a DNS lookup or a
   * storage round trip must not hold up PUTs).
   */
  sideChain: Promise<void> | null = null;
  /** Requests waiting in sideChain: past a bound, more are refused at once without work. */
  sideWaiting = 0;
  /** Live frames that arrived while the backlog was streaming: sent right after BACKLOG_END. */
  liveQueue: Uint8Array[] = [];
  /** Bytes in liveQueue: bounded by maxBufferedBytes like the send buffer (ABUSE-3). */
  liveQueueBytes = 0;
  authDeadline: NodeJS.Timeout | null = null;
  /** Answered the last ping (or needed none). */
  alive = true;
  /** Sent us a frame since the last heartbeat round: alive without a ping. */
  receivedSinceBeat = false;
  /** Was forwarded an ENV since the last heartbeat round: its watchdog needs no HEARTBEAT. */
  forwardedSinceBeat = false;
  /** Counted against the unauthenticated caps until the handshake succeeds or the socket closes. */
  unauthenticated = true;
  /** Created on the first PUT / EPH: an untouched bucket is full whenever it is created, so this is exact. */
  putBucket: TokenBucket | null = null;
  ephemeralBucket: TokenBucket | null = null;
  private busy = false;
  private waiting: { readonly handler: () => Promise<void> | void; readonly bytes: number }[] = [];
  /** Bytes received but not yet handled; over the limit, reading pauses (ABUSE-3). */
  private waitingBytes = 0;
  private readonly maxWaitingBytes: number;

  constructor(
    readonly ws: WebSocket,
    readonly ip: string,
    readonly relayOrigin: string,
    /** Needed only until the handshake; dropped once it succeeds. */
    public challenge: Uint8Array,
    readonly challengeIssuedAt: number,
    maxWaitingBytes: number,
  ) {
    this.maxWaitingBytes = maxWaitingBytes;
  }

  /** After the handshake: let go of what only the handshake needed. */
  releaseHandshake(): void {
    this.challenge = NO_BYTES;
  }

  /** What this connection holds in memory on the relay: unsent, queued and unhandled bytes. */
  get heldBytes(): number {
    return this.ws.bufferedAmount + this.liveQueueBytes + this.waitingBytes;
  }

  get isOpen(): boolean {
    return this.phase !== 'closed';
  }

  send(frame: Uint8Array): void {
    if (this.phase === 'closed') return;
    this.ws.send(frame, { binary: true });
  }

  /** Resolves once the frame has been handed to the kernel: the backpressure signal for catch-up. */
  sendAndDrain(frame: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      if (this.phase === 'closed') return resolve();
      this.ws.send(frame, { binary: true }, () => resolve());
    });
  }

  /** Resolves once everything queued so far has been handed to the kernel (at once if nothing is). */
  drained(): Promise<void> {
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (this.phase === 'closed' || socket === undefined || socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => socket.write(NO_BYTES, () => resolve()));
  }

  /** ws has no cork of its own; its net.Socket does. Pairs with uncork() in the same turn. */
  cork(): void {
    (this.ws as unknown as { _socket?: Socket })._socket?.cork();
  }

  uncork(): void {
    (this.ws as unknown as { _socket?: Socket })._socket?.uncork();
  }

  close(code: number, reason = ''): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.ws.close(code, reason);
  }

  /**
   * Runs handlers one at a time. Synchronous handlers run immediately (the hot path pays no
   * microtask); an async handler holds later frames until it settles. A client that keeps sending
   * while an async handler waits (e.g. its own backlog, which it does not read) would grow this
   * queue without bound, so past maxWaitingBytes the socket stops reading until the queue drains.
   */
  enqueue(handler: () => Promise<void> | void, bytes = 0): void {
    this.waiting.push({ handler, bytes });
    this.waitingBytes += bytes;
    if (this.waitingBytes > this.maxWaitingBytes && !this.ws.isPaused) this.ws.pause();
    if (!this.busy) this.drain();
  }

  private drain(): void {
    while (!this.busy) {
      const next = this.waiting.shift();
      if (next === undefined) {
        // shift() keeps the grown backing store; an idle socket should not hold it.
        if (this.waiting.length === 0) this.waiting = [];
        return;
      }
      this.waitingBytes -= next.bytes;
      if (this.ws.isPaused && this.waitingBytes <= this.maxWaitingBytes / 2 && this.phase !== 'closed') this.ws.resume();
      const result = next.handler();
      if (result !== undefined) {
        this.busy = true;
        const release = (): void => {
          this.busy = false;
          this.drain();
        };
        result.then(release, release);
      }
    }
  }
}
