import * as Y from 'yjs';

/**
 * How long a local update may wait to be merged with the ones after it, by the transaction origin
 * that made it. 0 sends at once. A draft being typed behind a veil can wait a second; a shared
 * answer, a reaction or "next card" must not (the partner is looking at the screen).
 */
export type CoalesceWindow = (origin: unknown) => number;

/** Fast enough to feel live, slow enough to keep a program that writes in a loop under the relay's write rate. */
export const DEFAULT_COALESCE_MS = 40;
/** Past this many buffered bytes the merge leaves at once, far below the relay's frame limit. */
export const MAX_COALESCED_BYTES = 64 * 1024;

export interface UpdateCoalescerOptions {
  readonly flush: (update: Uint8Array) => void;
  readonly setTimer?: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
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
  private deadline = Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

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
    if (now + windowMs >= this.deadline) return;
    this.deadline = now + windowMs;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = (this.options.setTimer ?? setTimeout)(() => {
      this.timer = null;
      this.flush();
    }, windowMs);
  }

  /** Sends everything buffered now, as one update. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.deadline = Infinity;
    if (this.buffered.length === 0) return;
    const updates = this.buffered;
    this.buffered = [];
    this.bufferedBytes = 0;
    this.options.flush(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
  }

  destroy(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.buffered = [];
  }
}
