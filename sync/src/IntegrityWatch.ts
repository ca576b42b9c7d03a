import type { SyncWarning } from './RoomSession.ts';

/**
 * What this device remembers about the relay's history, to notice a relay that goes back in time
 * (SPEC HOST-6). Both numbers only grow while the relay is honest; the session may keep them across
 * page loads (createRoomSession stores them next to the document).
 */
export interface RelayWatermark {
  /** The highest relaySeq the relay has shown us (ENV, ACK or BACKLOG_END). */
  readonly highWater: number;
  /** The greatest coverage of a snapshot known to be durably stored (served in a backlog, or our own acknowledged one). */
  readonly confirmedCoverage: number;
}

interface SeenEntry {
  readonly relaySeq: number;
  readonly sentAt: number;
}

interface SessionTrack {
  /** seq → where and when we saw it. Snapshots and updates share one counter per session. */
  readonly entries: Map<number, SeenEntry>;
  readonly device: string;
  maxSeq: number;
}

interface Gap {
  readonly device: string;
  /** sentAt of the last change seen before the hole (null: the hole is at the session's start). */
  readonly since: number | null;
}

export interface BacklogSummary {
  readonly fromRelaySeq: number;
  /** Greatest snapshot coverage served in the backlog. */
  readonly bestCoverage: number;
  readonly upToRelaySeq: number;
}

export interface IntegrityWatchOptions {
  readonly ownDeviceHex: string;
  readonly onWatermark: () => void;
}

/**
 * Notices what a hostile or broken relay can do to us without the key: leave holes in another
 * session's numbered changes (SPEC SYNC-9, HOST-2) and serve an older copy of the room (HOST-6).
 * It only observes and judges; the engine decides what to do (wait, re-read, warn).
 */
export class IntegrityWatch {
  private readonly sessions = new Map<string, SessionTrack>();
  private readonly lastActiveByDevice = new Map<string, number>();
  private highWater = 0;
  private confirmedCoverage = 0;
  /** Greatest coverage of a snapshot applied to the mirror: holes below it are inside it. */
  private appliedCoverage = 0;
  /** The log was read from relaySeq 0 with no snapshot in it: every session must start at seq 0. */
  private readFromStart = false;

  constructor(private readonly options: IntegrityWatchOptions) {}

  get watermark(): RelayWatermark {
    return { highWater: this.highWater, confirmedCoverage: this.confirmedCoverage };
  }

  restoreWatermark(watermark: RelayWatermark): void {
    this.highWater = Math.max(this.highWater, watermark.highWater);
    this.confirmedCoverage = Math.max(this.confirmedCoverage, watermark.confirmedCoverage);
  }

  raiseHighWater(relaySeq: number): void {
    if (relaySeq <= this.highWater) return;
    this.highWater = relaySeq;
    this.options.onWatermark();
  }

  confirmCoverage(coverage: number): void {
    if (coverage <= this.confirmedCoverage) return;
    this.confirmedCoverage = coverage;
    this.options.onWatermark();
  }

  /** Newest write seen from a device other than this one (sender's clock). */
  get othersLastActiveAt(): number | null {
    let newest: number | null = null;
    for (const [device, at] of this.lastActiveByDevice) {
      if (device !== this.options.ownDeviceHex && (newest === null || at > newest)) newest = at;
    }
    return newest;
  }

  /**
   * Records another session's stored change. Returns 'duplicate' for a (session, seq) seen before
   * (a replay or a resend: no side effects), 'hole' when it skips past the session's next seq.
   */
  record(options: { readonly sessionHex: string; readonly device: string; readonly seq: number; readonly relaySeq: number; readonly sentAt: number }): 'new' | 'hole' | 'late' | 'duplicate' {
    const { sessionHex, device, seq, relaySeq, sentAt } = options;
    let track = this.sessions.get(sessionHex);
    if (track === undefined) {
      track = { entries: new Map(), device, maxSeq: -1 };
      this.sessions.set(sessionHex, track);
    }
    if (track.entries.has(seq)) return 'duplicate';
    const previousMax = track.maxSeq;
    track.entries.set(seq, { relaySeq, sentAt });
    if (seq > track.maxSeq) track.maxSeq = seq;
    if ((this.lastActiveByDevice.get(device) ?? 0) < sentAt) this.lastActiveByDevice.set(device, sentAt);
    if (seq > previousMax + 1) return 'hole';
    return seq < previousMax ? 'late' : 'new';
  }

  /** A snapshot applied to the mirror. Returns true when its coverage grew (holes below it close). */
  noteAppliedSnapshot(coverage: number): boolean {
    if (coverage <= this.appliedCoverage) return false;
    this.appliedCoverage = coverage;
    return true;
  }

  /** After a backlog: remembers whether it was the whole log with no snapshot, and what it proved durable. */
  noteBacklog(backlog: BacklogSummary): void {
    this.confirmedCoverage = Math.max(this.confirmedCoverage, backlog.bestCoverage);
    if (backlog.fromRelaySeq === 0 && backlog.bestCoverage === 0) this.readFromStart = true;
    this.raiseHighWater(backlog.upToRelaySeq);
    this.options.onWatermark();
  }

  /**
   * An honest relay never goes back: relaySeq numbers only grow (even across a crash, see
   * PROTOCOL "Restart gap"), and the newest snapshot's coverage only grows. Returns the warning
   * when it did go back (the relay lost data or serves an old copy), after accepting the relay's
   * present as the new baseline so that one rollback is reported once.
   */
  detectRollback(backlog: BacklogSummary): SyncWarning | null {
    const behindLog = backlog.upToRelaySeq < this.highWater;
    const behindSnapshot = backlog.fromRelaySeq < this.confirmedCoverage && backlog.bestCoverage < this.confirmedCoverage;
    if (!behindLog && !behindSnapshot) return null;
    const lostFrom = behindLog ? backlog.upToRelaySeq : backlog.bestCoverage;
    let since: number | null = null;
    for (const track of this.sessions.values()) {
      if (track.device === this.options.ownDeviceHex) continue;
      for (const entry of track.entries.values()) {
        if (entry.relaySeq > lostFrom && (since === null || entry.sentAt < since)) since = entry.sentAt;
      }
    }
    this.highWater = backlog.upToRelaySeq;
    this.confirmedCoverage = backlog.bestCoverage;
    this.options.onWatermark();
    return { kind: 'relay-rollback', since, device: null, ownDevice: false };
  }

  /** The mirror is being rebuilt from the relay: forget what was seen (the watermark stays). */
  reset(): void {
    this.sessions.clear();
    this.appliedCoverage = 0;
    this.readFromStart = false;
  }

  /**
   * Holes in another session's seq numbers. Seqs before the first one seen are not holes (we
   * joined after them, or a snapshot holds them); a hole whose next seen change is inside a
   * snapshot we applied is not one either: the snapshot contains what came before.
   */
  private findGaps(): Gap[] {
    const gaps: Gap[] = [];
    for (const track of this.sessions.values()) {
      const seqs = [...track.entries.keys()].sort((a, b) => a - b);
      // Read from the very start, a session's first changes cannot hide in a snapshot.
      const first = track.entries.get(seqs[0]!)!;
      if (this.readFromStart && seqs[0]! > 0 && this.appliedCoverage < first.relaySeq - 1) gaps.push({ device: track.device, since: null });
      for (let i = 1; i < seqs.length; i++) {
        if (seqs[i]! === seqs[i - 1]! + 1) continue;
        const after = track.entries.get(seqs[i]!)!;
        if (this.appliedCoverage >= after.relaySeq - 1) continue;
        gaps.push({ device: track.device, since: track.entries.get(seqs[i - 1]!)!.sentAt });
      }
    }
    return gaps;
  }

  get hasGaps(): boolean {
    return this.findGaps().length > 0;
  }

  /** The holes as one warning: whose changes, and since when, may be missing (null: no holes). */
  describeGaps(): SyncWarning | null {
    const gaps = this.findGaps();
    if (gaps.length === 0) return null;
    const times = gaps.map((gap) => gap.since).filter((since): since is number => since !== null);
    const since = gaps.some((gap) => gap.since === null) || times.length === 0 ? null : Math.min(...times);
    const devices = new Set(gaps.map((gap) => gap.device));
    const ownDevice = devices.size === 1 && devices.has(this.options.ownDeviceHex);
    return { kind: 'missing-changes', since, device: devices.size === 1 ? gaps[0]!.device : null, ownDevice };
  }
}
