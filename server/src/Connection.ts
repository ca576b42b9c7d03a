import type { WebSocket } from 'ws';
import type { RoomState } from './RoomState.ts';
import type { TokenBucket } from './tokenBucket.ts';

export type ConnectionPhase = 'awaiting-auth' | 'authenticating' | 'catching-up' | 'live' | 'closed';

/** One socket's state. Frames for a connection are handled strictly in order. */
export class Connection {
  phase: ConnectionPhase = 'awaiting-auth';
  room: RoomState | null = null;
  sessionHex = '';
  sessionId: Uint8Array = new Uint8Array(0);
  /** Live frames that arrived while the backlog was streaming: sent right after BACKLOG_END. */
  liveQueue: Uint8Array[] = [];
  alive = true;
  private busy = false;
  private waiting: (() => Promise<void> | void)[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly ip: string,
    readonly relayOrigin: string,
    readonly challenge: Uint8Array,
    readonly challengeIssuedAt: number,
    readonly putBucket: TokenBucket,
    readonly ephemeralBucket: TokenBucket,
  ) {}

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

  close(code: number, reason = ''): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.ws.close(code, reason);
  }

  /**
   * Runs handlers one at a time. Synchronous handlers run immediately (the hot path pays no
   * microtask); an async handler holds later frames until it settles.
   */
  enqueue(handler: () => Promise<void> | void): void {
    this.waiting.push(handler);
    if (!this.busy) this.drain();
  }

  private drain(): void {
    while (!this.busy) {
      const handler = this.waiting.shift();
      if (handler === undefined) return;
      const result = handler();
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
