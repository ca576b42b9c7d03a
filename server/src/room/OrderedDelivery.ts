import type { StoredEnvelope } from '../storage/RelayStorage.ts';

/** Rows read per page when a gap is filled from the database. */
const FILL_PAGE_ROWS = 256;
/** After a failed read (the database is away), try again this much later. */
const FILL_RETRY_MS = 500;

/** Called once per relaySeq, in order, for every envelope this relay's sockets must get. */
export type Deliver<T> = (relaySeq: number, envelope: Uint8Array, own: T | null) => void;

/**
 * Hands a room's committed envelopes to this relay's sockets in relaySeq order, with no gap and no
 * repeat, whatever order they become known in: this relay's own commits, other relays' messages
 * on the bus (which can be lost or late), or a head read from the database. What is not known by
 * the time it is due is read from the database, where everything up to the head is committed.
 * `T` is what this relay keeps about its own writes (so their senders get an ACK in the same order).
 */
export class OrderedDelivery<T> {
  private head: number;
  private readonly known = new Map<number, { readonly envelope: Uint8Array; readonly own: T | null }>();
  /** Called once `delivered` reaches their relaySeq (ACKs for resends of what another relay stored). */
  private readonly waiting = new Map<number, (() => void)[]>();
  private running = false;
  private closed = false;

  constructor(
    private readonly readLog: (afterRelaySeq: number, upToRelaySeq: number, limit: number) => Promise<StoredEnvelope[]>,
    private readonly deliver: Deliver<T>,
    /** Everything up to here is already delivered (or in the backlog of every socket). */
    private deliveredUpTo: number,
    private readonly onReadError: (error: unknown) => void,
  ) {
    this.head = deliveredUpTo;
  }

  /** The highest relaySeq handed to the sockets: a new socket's backlog ends here. */
  get delivered(): number {
    return this.deliveredUpTo;
  }

  /** An envelope committed under `relaySeq` (ours, with what we keep about it, or another relay's). */
  learn(relaySeq: number, envelope: Uint8Array, own: T | null = null): void {
    if (relaySeq <= this.deliveredUpTo) return;
    this.known.set(relaySeq, { envelope, own });
    this.learnHead(relaySeq);
  }

  /** Everything up to `head` is committed (we may not have its bytes yet). */
  learnHead(head: number): void {
    if (head > this.head) this.head = head;
    this.run();
  }

  /** Runs `callback` once everything up to `relaySeq` is delivered (at once if it is). */
  whenDelivered(relaySeq: number, callback: () => void): void {
    if (relaySeq <= this.deliveredUpTo) return callback();
    const list = this.waiting.get(relaySeq);
    if (list === undefined) this.waiting.set(relaySeq, [callback]);
    else list.push(callback);
    this.learnHead(relaySeq);
  }

  close(): void {
    this.closed = true;
    this.known.clear();
    this.waiting.clear();
  }

  private run(): void {
    if (this.running || this.closed) return;
    // The common case, our own commit or a bus message that is next in line, is delivered now.
    this.deliverKnown();
    if (this.deliveredUpTo >= this.head) return;
    this.running = true;
    void this.fill().finally(() => {
      this.running = false;
      if (this.deliveredUpTo < this.head) this.run();
    });
  }

  private deliverKnown(): void {
    for (let next = this.known.get(this.deliveredUpTo + 1); next !== undefined; next = this.known.get(this.deliveredUpTo + 1)) {
      this.known.delete(this.deliveredUpTo + 1);
      this.advance(this.deliveredUpTo + 1, next.envelope, next.own);
    }
  }

  private advance(relaySeq: number, envelope: Uint8Array | null, own: T | null): void {
    this.deliveredUpTo = relaySeq;
    if (envelope !== null) this.deliver(relaySeq, envelope, own);
    const callbacks = this.waiting.get(relaySeq);
    if (callbacks === undefined) return;
    this.waiting.delete(relaySeq);
    for (const callback of callbacks) callback();
  }

  /** Reads what is missing below the next known envelope (or the head) from the database. */
  private async fill(): Promise<void> {
    while (!this.closed && this.deliveredUpTo < this.head) {
      this.deliverKnown();
      if (this.deliveredUpTo >= this.head) return;
      let upTo = this.head;
      for (const relaySeq of this.known.keys()) if (relaySeq < upTo) upTo = relaySeq - 1;
      let rows: StoredEnvelope[];
      try {
        rows = await this.readLog(this.deliveredUpTo, upTo, FILL_PAGE_ROWS);
      } catch (error) {
        this.onReadError(error);
        await new Promise((resolve) => setTimeout(resolve, FILL_RETRY_MS).unref());
        continue;
      }
      if (this.closed) return;
      for (const row of rows) {
        if (row.relaySeq <= this.deliveredUpTo) continue;
        // Skipped numbers below a row were erased (a room's log only loses rows to compaction).
        for (let missing = this.deliveredUpTo + 1; missing < row.relaySeq; missing++) this.advance(missing, null, null);
        const mine = this.known.get(row.relaySeq);
        this.known.delete(row.relaySeq);
        this.advance(row.relaySeq, row.envelope, mine?.own ?? null);
      }
      // A short page reached the end of the range: anything not in it was erased.
      if (rows.length < FILL_PAGE_ROWS) for (let missing = this.deliveredUpTo + 1; missing <= upTo; missing++) this.advance(missing, null, null);
    }
  }
}
