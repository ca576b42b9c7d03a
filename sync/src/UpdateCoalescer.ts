import * as Y from 'yjs';

/**
 * How long a local update may wait for the next one to be merged with it, by the transaction
 * origin that made it. 0 sends at once. Merged updates leave once no new one came within the
 * window, and at the latest MAX_WAIT_WINDOWS windows after the first of them, so a burst of typing
 * becomes one envelope but never waits long. A draft typed behind a veil can wait a second; a
 * shared answer, a reaction or "next card" must not (the partner is looking at the screen).
 */
export type CoalesceWindow = (origin: unknown) => number;

/** However long a burst goes on, what waits leaves after this many windows. */
export const MAX_WAIT_WINDOWS = 4;

/**
 * Fast enough to feel live, slow enough to keep a program that writes in a loop under the relay's
 * write rate (a loop that never pauses sends one envelope per MAX_WAIT_WINDOWS × 40 ms).
 */
export const DEFAULT_COALESCE_MS = 40;
/** Past this many buffered bytes the merge leaves at once, far below the relay's frame limit. */
export const MAX_COALESCED_BYTES = 64 * 1024;

export interface UpdateCoalescerOptions {
  readonly flush: (update: Uint8Array) => void;
  /** Clock and timers (the bench replays human typing on a virtual clock). */
  readonly setTimer?: (callback: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
  readonly now?: () => number;
}

/**
 * Merges rapid local updates into one envelope (Y.mergeUpdates over a handful of small updates is
 * cheap; it is the whole log that must never be merged). Order is kept: an update that must leave
 * now takes everything buffered before it along, in one envelope.
 */
export class UpdateCoalescer {
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  /** The latest moment what is buffered may leave (set by the first update of a burst). */
  private deadline = Infinity;
  private timer: unknown = null;

  constructor(private readonly options: UpdateCoalescerOptions) {}

  /** Updates waiting to leave. */
  get size(): number {
    return this.buffered.length;
  }

  add(update: Uint8Array, windowMs: number): void {
    this.buffered.push(update);
    this.bufferedBytes += update.length;
    if (windowMs <= 0 || this.bufferedBytes >= MAX_COALESCED_BYTES) {
      this.flush();
      return;
    }
    const now = this.options.now?.() ?? Date.now();
    this.deadline = Math.min(this.deadline, now + windowMs * MAX_WAIT_WINDOWS);
    const leaveAt = Math.min(now + windowMs, this.deadline);
    this.cancelTimer();
    this.timer = (this.options.setTimer ?? setTimeout)(() => {
      this.timer = null;
      this.flush();
    }, Math.max(0, leaveAt - now));
  }

  /** Sends everything buffered now, as one update. */
  flush(): void {
    this.cancelTimer();
    this.deadline = Infinity;
    if (this.buffered.length === 0) return;
    const updates = this.buffered;
    this.buffered = [];
    this.bufferedBytes = 0;
    this.options.flush(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
  }

  destroy(): void {
    this.cancelTimer();
    this.buffered = [];
  }

  private cancelTimer(): void {
    if (this.timer !== null) (this.options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>)))(this.timer);
    this.timer = null;
  }
}
