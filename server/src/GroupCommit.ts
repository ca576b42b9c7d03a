import type { AppendEntry, RelayStorage } from './storage/RelayStorage.ts';

/**
 * A commit costs ~50 µs however few rows it holds, so rows wait up to this long to share one.
 * Forwarding to partners never waits; only the sender's ACK does (ACK means "durable").
 */
const COMMIT_WINDOW_MS = 2;
/** A full batch commits at once rather than waiting out the window. */
const MAX_BATCH_ROWS = 256;

interface Pending {
  readonly entry: AppendEntry;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Collects appends for up to COMMIT_WINDOW_MS and commits them in one transaction (BRIEF: "Forward
 * first, persist in a group commit, ack after commit"). One batch is in flight at a time, so
 * commits happen in relaySeq order. A FULL-sync commit per message caps near 8k/s; grouped, far more.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: RelayStorage,
    private readonly onCommitted: (freedBytesByRoom: Map<string, number>) => void,
  ) {}

  /** Resolves once the entry is durably committed; rejects if the commit failed. */
  append(entry: AppendEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (this.queue.length >= MAX_BATCH_ROWS) this.commitQueued();
      else this.timer ??= setTimeout(() => this.commitQueued(), COMMIT_WINDOW_MS);
    });
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
    this.inFlight = this.inFlight.then(async () => {
      try {
        const freed = await this.storage.appendBatch(
          batch.map((pending) => pending.entry),
          Date.now(),
        );
        this.onCommitted(freed);
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    });
  }
}
