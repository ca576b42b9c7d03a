/**
 * Lets at most `perTurn` callers through per event-loop turn; the rest wait for later turns, with
 * socket I/O handled in between. A reconnect storm delivers thousands of AUTH frames in one poll:
 * handled back to back they would hold the loop for a second or more (~0.3 ms each) while every
 * live room waits (BENCHMARKS.md W6 "loop max").
 */
export class TurnBudget {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  private resetScheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Resolves in this turn if the budget allows, else in a later one (first come, first served). */
  acquire(): Promise<void> | undefined {
    this.scheduleReset();
    if (this.used < this.perTurn && this.waiting.length === 0) {
      this.used += 1;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private scheduleReset(): void {
    if (this.resetScheduled) return;
    this.resetScheduled = true;
    // setImmediate runs after the poll phase, so I/O that arrived meanwhile is handled first.
    setImmediate(() => {
      this.resetScheduled = false;
      this.used = 0;
      while (this.used < this.perTurn && this.waiting.length > 0) {
        this.used += 1;
        this.waiting.shift()!();
      }
      // Those released here used this turn's budget: clear it next turn too.
      if (this.used > 0) this.scheduleReset();
    });
  }
}
