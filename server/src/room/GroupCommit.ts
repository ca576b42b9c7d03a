/**
 * A commit costs ~30 µs however few rows it holds, so rows wait up to this long to share one.
 * Forwarding to partners never waits on it in a single relay; only the sender's ACK does (ACK means
 * "durable").
 */
const COMMIT_WINDOW_MS = 2;
/** A full batch commits at once rather than waiting out the window. */
const MAX_BATCH_ROWS = 256;

export type CommitOutcome<R> = { readonly ok: true; readonly result: R } | { readonly ok: false; readonly error: unknown };

/**
 * Collects items for up to COMMIT_WINDOW_MS and commits them in one transaction (`commit`), so one
 * fsync covers many writes without an ACK ever promising more than is on disk. One batch is in
 * flight at a time, so batches commit in the order they were appended. The whole batch is settled
 * in one synchronous call, so the caller can answer every item of a socket in one write (a promise
 * per row would split them into one microtask and one syscall each).
 */
export class GroupCommit<T, R> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly commit: (batch: readonly T[], now: number) => Promise<R>,
    private readonly settle: (batch: readonly T[], outcome: CommitOutcome<R>) => void,
  ) {}

  /** Queues an item; `settle` receives it once its batch is durably committed or has failed. */
  append(item: T): void {
    this.queue.push(item);
    if (this.queue.length >= MAX_BATCH_ROWS) this.commitQueued();
    else this.timer ??= setTimeout(() => this.commitQueued(), COMMIT_WINDOW_MS);
  }

  /** Resolves when everything appended so far is committed (or has failed). */
  async flush(): Promise<void> {
    if (this.queue.length > 0) this.commitQueued();
    await this.inFlight;
  }

  get pendingCount(): number {
    return this.queue.length;
  }

  private commitQueued(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    // A failure in an earlier batch's `settle` (a bug) rejects flush() for its callers, but must
    // not stop later batches from committing: chain on the settled previous batch either way.
    this.inFlight = this.inFlight.catch(() => undefined).then(async () => {
      let outcome: CommitOutcome<R>;
      try {
        outcome = { ok: true, result: await this.commit(batch, Date.now()) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      this.settle(batch, outcome);
    });
  }
}
