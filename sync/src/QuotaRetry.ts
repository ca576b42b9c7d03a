/** While the room is full, ask again after this long, doubling up to the maximum (SPEC SYNC-23). */
export const DEFAULT_QUOTA_RETRY_MS = 1_000;
export const MAX_QUOTA_RETRY_MS = 30_000;

/**
 * The clock of a full room: when to ask the relay again whether it has room, by resending the
 * lowest refused envelope (PROTOCOL §7 "A full room"). Each unanswered ask doubles the wait.
 */
export class QuotaRetry {
  private delayMs: number;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly firstDelayMs: number,
    private readonly ask: () => void,
  ) {
    this.delayMs = firstDelayMs;
  }

  /** The relay refused again (or for the first time): ask after the current wait, then wait longer. */
  backOff(): void {
    this.askIn(this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, MAX_QUOTA_RETRY_MS);
  }

  /** Something just freed room (another device's snapshot): ask soon, whatever the current wait. */
  askIn(delayMs: number): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ask();
    }, delayMs);
  }

  /** The room had room: the next full room starts from the first wait again. */
  reset(): void {
    this.cancel();
    this.delayMs = this.firstDelayMs;
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
