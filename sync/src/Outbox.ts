/**
 * Our stored envelopes (updates and snapshots) that the relay has not acknowledged yet, in seq
 * order, and what the relay said about the room's quota.
 *
 * Every envelope keeps its (session, seq) for life, so a resend after a reconnect is recognised by
 * the relay (PROTOCOL "Idempotency"). When the relay refuses one for a full room (QUOTA_EXCEEDED)
 * it also refuses every later seq of this session until that one is stored (SPEC LOG-11), so the
 * partner never sees a hole; this side then stops sending, probes with the lowest refused
 * envelope now and then, and resends the rest in order once a probe is acknowledged (SPEC SYNC-23).
 */
export interface OutboxEntry {
  readonly seq: number;
  readonly frame: Uint8Array;
  /** A snapshot's coverage (its ACK confirms that coverage is durable); null for updates. */
  readonly coverage: number | null;
  /** Sent on the current connection and not answered yet. */
  inFlight: boolean;
  /**
   * Whether the relay may hold this envelope: true once sent, false again when the relay refuses
   * it for the quota (a refused envelope is not stored, and it is not sent again before a probe).
   * Only envelopes the relay cannot hold may be replaced by a snapshot under the same seq.
   */
  mayBeStored: boolean;
}

export interface OutboxSender {
  readonly canSend: boolean;
  sendFrame(frame: Uint8Array): void;
}

export class Outbox {
  private readonly entries = new Map<number, OutboxEntry>();
  private nextSeq = 0;
  /** The lowest seq the relay refused for the room's quota, while it waits here; null when none. */
  private refusedFrom: number | null = null;

  get size(): number {
    return this.entries.size;
  }

  /** The room was full for one of our envelopes and that envelope still waits. */
  get quotaExceeded(): boolean {
    return this.refusedFrom !== null;
  }

  /** The seq the next `add` will take (the caller seals the envelope with it first). */
  peekSeq(): number {
    return this.nextSeq;
  }

  add(frame: Uint8Array, coverage: number | null): OutboxEntry {
    const entry: OutboxEntry = { seq: this.nextSeq, frame, coverage, inFlight: false, mayBeStored: false };
    this.nextSeq += 1;
    this.entries.set(entry.seq, entry);
    return entry;
  }

  /** Sends what may go now: everything unsent, or, while the room is full, nothing (see `probe`). */
  pump(link: OutboxSender | null): void {
    if (!link?.canSend || this.refusedFrom !== null) return;
    for (const entry of this.entries.values()) if (!entry.inFlight) this.send(entry, link);
  }

  /** While the room is full: send the lowest waiting envelope once more to ask if there is room now. */
  probe(link: OutboxSender | null): boolean {
    if (!link?.canSend) return false;
    const lowest = this.lowest();
    if (lowest === null || lowest.inFlight) return false;
    this.send(lowest, link);
    return true;
  }

  private send(entry: OutboxEntry, link: OutboxSender): void {
    entry.inFlight = true;
    entry.mayBeStored = true;
    link.sendFrame(entry.frame);
  }

  /** A new connection: nothing is in flight on it yet. */
  resetConnection(): void {
    for (const entry of this.entries.values()) entry.inFlight = false;
  }

  /** The relay stored `seq`. Returns the entry (null for a stale or foreign ACK). */
  acknowledge(seq: number): OutboxEntry | null {
    const entry = this.entries.get(seq);
    if (entry === undefined) return null;
    this.entries.delete(seq);
    // Every later seq was refused after `refusedFrom`, so an ACK at or past it is the probe's.
    if (this.refusedFrom !== null && seq >= this.refusedFrom) this.refusedFrom = null;
    return entry;
  }

  /**
   * QUOTA_EXCEEDED for `seq`: it stays here, unsent, until a probe finds room. Says which refusal
   * this is: the first, the answer to a probe (the lowest waiting envelope), or one of the later
   * envelopes the relay refuses after the first (null: not ours, or already answered).
   */
  refuseForQuota(seq: number): 'first' | 'probe' | 'follower' | null {
    const entry = this.entries.get(seq);
    if (entry === undefined) return null;
    const isLowest = this.lowest() === entry;
    entry.inFlight = false;
    entry.mayBeStored = false;
    const first = this.refusedFrom === null;
    this.refusedFrom = first ? seq : Math.min(this.refusedFrom!, seq);
    if (first) return 'first';
    return isLowest ? 'probe' : 'follower';
  }

  /** The relay refused `seq` for good (BAD_ENVELOPE, conflict): it will never be stored. */
  drop(seq: number): OutboxEntry | null {
    const entry = this.entries.get(seq);
    if (entry === undefined) return null;
    this.entries.delete(seq);
    return entry;
  }

  /**
   * While the room is full and the relay holds none of the waiting envelopes, a snapshot can take
   * their place under the lowest seq: it carries everything they carry, and snapshots are exempt
   * from the quota. Returns that seq, or null when replacing would lose or duplicate something.
   */
  replaceableFrom(): number | null {
    if (this.refusedFrom === null) return null;
    for (const entry of this.entries.values()) if (entry.inFlight || entry.mayBeStored) return null;
    return this.lowest()?.seq ?? null;
  }

  /** Forgets every waiting envelope and continues numbering at `seq` (see `replaceableFrom`). */
  replaceFrom(seq: number): void {
    this.entries.clear();
    this.nextSeq = seq;
  }

  private lowest(): OutboxEntry | null {
    for (const entry of this.entries.values()) return entry;
    return null;
  }
}
