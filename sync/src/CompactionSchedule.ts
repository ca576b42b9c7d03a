/**
 * When to upload a snapshot (PROTOCOL §7): once `compactAfter` stored envelopes follow the newest
 * snapshot, after a random delay so two partners rarely snapshot at once. It counts and times;
 * the engine decides what a snapshot holds and sends it.
 */
export class CompactionSchedule {
  /** Stored envelopes after the newest snapshot (what a snapshot would let the relay supersede). */
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: { readonly compactAfter: number; readonly jitterMs: number }) {}

  get sinceSnapshot(): number {
    return this.count;
  }

  /** BACKLOG_END says how many stored envelopes follow the newest snapshot. */
  restart(sinceSnapshot: number): void {
    this.count = sinceSnapshot;
  }

  /** One more stored envelope: another session's, or our own acknowledged one. */
  countStored(): void {
    this.count += 1;
  }

  /** A snapshot was stored (ours sent, or another device's seen): start counting again. */
  snapshotStored(): void {
    this.count = 0;
    this.cancel();
  }

  /** Runs `compact` after the jitter if enough has piled up and nothing is scheduled yet. */
  scheduleIfDue(compact: () => void): void {
    if (this.count < this.options.compactAfter || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      compact();
    }, Math.random() * this.options.jitterMs);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
