import * as Y from 'yjs';
import { ENVELOPE_TYPE, RELAY_ERROR, encodeEphemeralFrame, encodePutFrame, equalBytes, toHex } from '@seen/shared/protocol';
import { OPEN_ERROR, openEnvelope, sealEnvelope, type DeviceKeyPair, type OpenedEnvelope, type RoomKeys } from '@seen/shared/crypto';
import type { SyncWarning, SyncWarningKind } from './RoomSession.ts';
import { IntegrityWatch, type RelayWatermark } from './IntegrityWatch.ts';
import { Outbox } from './Outbox.ts';
import { PresenceFilter } from './PresenceFilter.ts';
import { CompactionSchedule } from './CompactionSchedule.ts';
import { DEFAULT_QUOTA_RETRY_MS, QuotaRetry } from './QuotaRetry.ts';
import { DEFAULT_COALESCE_MS, UpdateCoalescer, type CoalesceWindow } from './UpdateCoalescer.ts';

export type { RelayWatermark };

/** Transaction origins on the mirror doc (named so observers can tell them apart). */
export const MIRROR_ORIGIN = { REMOTE: 'seen:relay', LOCAL: 'seen:local', RECONCILE: 'seen:reconcile' } as const;

/** Key epoch of every envelope today; rotation means re-pairing into a new room (PROTOCOL.md). */
export const CURRENT_EPOCH = 0;
/**
 * A hole in a partner's numbered changes must last this long before anything happens: a hostile
 * or merely reordering network can deliver the missing one a moment later (HOST-2).
 */
export const DEFAULT_GAP_GRACE_MS = 2_000;
/** At most one automatic full re-read per this period, so a relay that keeps lying cannot loop us. */
export const DEFAULT_RESYNC_COOLDOWN_MS = 60_000;
/**
 * Another device's snapshot frees room, but the relay forwards it before its commit settles:
 * ask a moment later rather than at once.
 */
const QUOTA_RETRY_AFTER_SNAPSHOT_MS = 100;

export interface SyncEngineOptions {
  readonly keys: RoomKeys;
  readonly device: DeviceKeyPair;
  readonly sessionId: Uint8Array;
  /** The local Y.Doc's clientID: nobody else may speak for it in presence. */
  readonly localClientId: number;
  /** Upload a snapshot once this many stored envelopes follow the newest one. */
  readonly compactAfter: number;
  /** Random delay before snapshotting, so two partners rarely snapshot at once. */
  readonly compactJitterMs: number;
  readonly maxFrameBytes: number;
  readonly onChange: () => void;
  readonly now?: () => number;
  readonly gapGraceMs?: number;
  readonly resyncCooldownMs?: number;
  readonly quotaRetryMs?: number;
  /** How long a local update may wait to be merged with the next ones, by its transaction origin. */
  readonly coalesceWindow?: CoalesceWindow;
  /** Called whenever the relay watermark grows (to persist it). */
  readonly onWatermark?: (watermark: RelayWatermark) => void;
}

/** What the engine needs from the current connection. */
export interface RelayLink {
  /** True once the relay has authenticated us and the backlog is in. */
  readonly canSend: boolean;
  sendFrame(frame: Uint8Array): void;
  /** Drop the connection so the provider reconnects (and the outbox is resent). */
  restart(): void;
}

interface BacklogState {
  readonly fromRelaySeq: number;
  /** Greatest snapshot coverage served in this backlog (deduplicated or not). */
  bestCoverage: number;
  /**
   * Decrypted updates waiting for BACKLOG_END, applied to the mirror in one Yjs transaction:
   * 10k keystroke updates apply in ~33 ms together against ~93 ms one transaction each.
   */
  readonly pending: { readonly payload: Uint8Array; readonly sentAt: number; readonly device: string }[];
}

/** Warnings that can stand for any of several causes share a key, so one problem shows once. */
const WARNING_KEY = { GAP: 'gap', ROLLBACK: 'rollback' } as const;

/**
 * The state that outlives one WebSocket: the remote mirror (what the relay holds, built by applying
 * decrypted updates one by one — merging a whole log with Y.mergeUpdates is quadratic), the outbox,
 * the catch-up cursor, and the status the UI shows. Integrity checks (IntegrityWatch), presence
 * checks (PresenceFilter), the outbox and its quota handling (Outbox) and the merging of rapid
 * local updates (UpdateCoalescer) each live in their own module; this one ties them to the wire.
 */
export class SyncEngine {
  private currentMirror = new Y.Doc();
  /** fromRelaySeq of the next AUTH: the highest relaySeq applied (0 = read everything again). */
  cursor = 0;
  private nextPresenceSeq = 0;
  private readonly outbox = new Outbox();
  private readonly coalescer: UpdateCoalescer;
  private readonly integrity: IntegrityWatch;
  private readonly presence: PresenceFilter;
  private readonly ownDeviceHex: string;
  private readonly ownSessionHex: string;
  private readonly warnings = new Map<string, SyncWarning>();
  private link: RelayLink | null = null;
  private readonly compaction: CompactionSchedule;
  private readonly quotaRetry: QuotaRetry;
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private backlog: BacklogState | null = null;
  private resyncing = false;
  private lastResyncAt = -Infinity;
  private destroyed = false;
  /** Origin of the local transaction whose update the provider is about to send (see noteLocalOrigin). */
  private localOrigin: unknown = null;
  private readonly savedWaiters = new Set<() => void>();
  lastSavedAt: number | null = null;
  snapshotsSent = 0;
  /** Full re-reads of the relay log this session (self-healing after a gap or a rollback). */
  resyncs = 0;
  /** Times a full room was asked again whether it has room (SPEC SYNC-23). */
  quotaProbes = 0;

  constructor(private readonly options: SyncEngineOptions) {
    this.ownDeviceHex = toHex(options.device.publicKey);
    this.ownSessionHex = toHex(options.sessionId);
    this.compaction = new CompactionSchedule({ compactAfter: options.compactAfter, jitterMs: options.compactJitterMs });
    this.quotaRetry = new QuotaRetry(options.quotaRetryMs ?? DEFAULT_QUOTA_RETRY_MS, () => this.probeQuota());
    this.integrity = new IntegrityWatch({ ownDeviceHex: this.ownDeviceHex, onWatermark: () => options.onWatermark?.(this.integrity.watermark) });
    this.presence = new PresenceFilter(options.localClientId);
    this.coalescer = new UpdateCoalescer({ flush: (update) => this.putUpdate(update), now: () => this.now() });
  }

  /** This session's id in hex, as the relay sees it in envelope headers. */
  get sessionHex(): string {
    return this.ownSessionHex;
  }

  /** The mirror of the relay's state. Replaced (not mutated) when the relay turns out to have rolled back. */
  get mirror(): Y.Doc {
    return this.currentMirror;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Local changes not yet durably stored: merged-but-unsent ones count as one. */
  get pendingAcks(): number {
    return this.outbox.size + (this.coalescer.size > 0 ? 1 : 0);
  }

  get quotaExceeded(): boolean {
    return this.outbox.quotaExceeded;
  }

  get partnerLastActiveAt(): number | null {
    return this.integrity.othersLastActiveAt;
  }

  /** No hole is waiting for its grace period and no full re-read is running (tests wait for this). */
  get integrityIdle(): boolean {
    return this.gapTimer === null && !this.resyncing;
  }

  get watermark(): RelayWatermark {
    return this.integrity.watermark;
  }

  /** Restores what an earlier session on this device learned about the relay (before connecting). */
  restoreWatermark(watermark: RelayWatermark): void {
    this.integrity.restoreWatermark(watermark);
  }

  getWarnings(): readonly SyncWarning[] {
    return [...this.warnings.values()];
  }

  /** A problem worth telling the user about (shown once per kind until cleared). */
  warn(kind: SyncWarningKind, detail: Partial<Pick<SyncWarning, 'since' | 'device'>> = {}): void {
    this.raise(kind, { kind, since: detail.since ?? null, device: detail.device ?? null, ownDevice: false });
  }

  private raise(key: string, warning: SyncWarning): void {
    const existing = this.warnings.get(key);
    if (existing?.kind === warning.kind && existing.since === warning.since && existing.device === warning.device && existing.ownDevice === warning.ownDevice) return;
    this.warnings.set(key, warning);
    this.changed();
  }

  private clear(key: string): void {
    if (this.warnings.delete(key)) this.changed();
  }

  /** Resolves when nothing local waits to be stored (SessionStatus.saved). */
  whenSaved(): Promise<void> {
    if (this.pendingAcks === 0) return Promise.resolve();
    return new Promise((resolve) => this.savedWaiters.add(resolve));
  }

  private settleSavedWaiters(): void {
    if (this.pendingAcks !== 0 || this.savedWaiters.size === 0) return;
    const waiters = [...this.savedWaiters];
    this.savedWaiters.clear();
    for (const resolve of waiters) resolve();
  }

  private changed(): void {
    this.settleSavedWaiters();
    this.options.onChange();
  }

  // ---- connection -----------------------------------------------------------------------------

  attach(link: RelayLink): void {
    this.link = link;
    this.outbox.resetConnection();
  }

  detach(link: RelayLink): void {
    if (this.link === link) this.link = null;
    this.compaction.cancel();
    this.backlog = null;
  }

  /** SEAL and DELETE_ROOM: control frames for the current connection. False when not connected. */
  sendControl(frame: Uint8Array): boolean {
    if (!this.link?.canSend) return false;
    this.link.sendFrame(frame);
    return true;
  }

  /** READY: the relay is about to stream everything after `fromRelaySeq` (the AUTH cursor). */
  beginBacklog(fromRelaySeq: number): void {
    this.backlog = { fromRelaySeq, bestCoverage: 0, pending: [] };
  }

  /**
   * BACKLOG_END. First the rollback checks (HOST-6), then: resend every unacknowledged envelope
   * with its original (session, seq), look for holes (HOST-2), and maybe compact. Returns false
   * when the connection is being restarted instead (a rollback: the mirror is rebuilt first), so
   * the socket must not open to the provider.
   */
  resumeAfterBacklog(sinceSnapshot: number, upToRelaySeq = this.integrity.watermark.highWater): boolean {
    const backlog = this.backlog ?? { fromRelaySeq: this.cursor, bestCoverage: 0, pending: [] };
    this.backlog = null;
    this.applyBacklog(backlog.pending);
    const summary = { fromRelaySeq: backlog.fromRelaySeq, bestCoverage: backlog.bestCoverage, upToRelaySeq };
    const rollback = this.integrity.detectRollback(summary);
    if (rollback !== null) {
      this.raise(WARNING_KEY.ROLLBACK, rollback);
      this.rebuildMirror();
      return false;
    }
    this.integrity.noteBacklog(summary);
    this.compaction.restart(sinceSnapshot);
    // A reconnect is a natural moment to ask whether a full room has room again.
    if (this.outbox.quotaExceeded) this.probeQuota();
    else this.outbox.pump(this.link);
    if (this.resyncing) {
      // A full re-read just finished: what is still missing is missing on the relay too.
      this.resyncing = false;
      this.checkGaps({ allowResync: false });
    } else if (this.integrity.hasGaps) {
      this.scheduleGapCheck();
    } else {
      this.clear(WARNING_KEY.GAP);
    }
    this.scheduleCompaction();
    this.changed();
    return true;
  }

  private applyToMirror(payload: Uint8Array, sentAt: number, device: string): boolean {
    try {
      Y.applyUpdate(this.currentMirror, payload, MIRROR_ORIGIN.REMOTE);
      return true;
    } catch {
      this.warn('unappliable-change', { since: sentAt, device });
      return false;
    }
  }

  private applyBacklog(pending: BacklogState['pending']): void {
    if (pending.length === 0) return;
    this.currentMirror.transact(() => {
      for (const entry of pending) this.applyToMirror(entry.payload, entry.sentAt, entry.device);
    }, MIRROR_ORIGIN.REMOTE);
  }

  /** Forget the mirror and read the relay from the start; the reconcile then re-uploads the difference. */
  private rebuildMirror(): void {
    this.currentMirror.destroy();
    this.currentMirror = new Y.Doc();
    this.integrity.reset();
    this.compaction.restart(0);
    this.resyncNow();
  }

  private resyncNow(): void {
    this.cursor = 0;
    this.resyncing = true;
    this.resyncs += 1;
    this.lastResyncAt = this.now();
    this.link?.restart();
  }

  // ---- inbound --------------------------------------------------------------------------------

  private open(envelope: Uint8Array): OpenedEnvelope | null {
    const opened = openEnvelope(envelope, {
      encryptionKey: this.options.keys.encryptionKey,
      roomId: this.options.keys.roomIdBytes,
      epoch: CURRENT_EPOCH,
    });
    if (opened.ok) return opened.value;
    // The relay holds no key, so it cannot make an envelope that opens here: it can only drop,
    // repeat, reorder or splice. Splicing another room's envelope, or bit flips, end up here.
    this.warn(opened.error === OPEN_ERROR.WRONG_ROOM || opened.error === OPEN_ERROR.WRONG_EPOCH ? 'foreign-data' : 'tampered-data');
    return null;
  }

  /**
   * Applies a stored envelope (ENV) to the mirror. Returns the Yjs update to hand to the provider,
   * or null when there is nothing to deliver (own echo, duplicate or replay, or rejected).
   */
  receiveStored(relaySeq: number, envelope: Uint8Array): Uint8Array | null {
    const opened = this.open(envelope);
    if (opened === null) return null;
    const { header } = opened;
    if (header.type === ENVELOPE_TYPE.PRESENCE) {
      this.warn('misplaced-data');
      return null;
    }
    const isSnapshot = header.type === ENVELOPE_TYPE.SNAPSHOT;
    if (isSnapshot && this.backlog !== null && header.coversRelaySeq > this.backlog.bestCoverage) {
      this.backlog.bestCoverage = header.coversRelaySeq;
    }
    if (relaySeq > this.cursor) this.cursor = relaySeq;
    this.integrity.raiseHighWater(relaySeq);
    const sessionHex = toHex(header.sessionId);
    if (sessionHex === this.ownSessionHex) return null;
    const device = toHex(opened.devicePublicKey);
    // Replayed (live or in a backlog) or resent: Yjs would ignore it anyway; no side effects.
    const seen = this.integrity.record({ sessionHex, device, seq: header.seq, relaySeq, sentAt: opened.sentAt });
    if (seen === 'duplicate') return null;
    if (isSnapshot) this.compaction.snapshotStored();
    else this.compaction.countStored();
    if (this.backlog !== null) {
      this.backlog.pending.push({ payload: opened.payload, sentAt: opened.sentAt, device });
    } else if (!this.applyToMirror(opened.payload, opened.sentAt, device)) {
      return null;
    }
    if (isSnapshot && this.integrity.noteAppliedSnapshot(header.coversRelaySeq) && this.warnings.has(WARNING_KEY.GAP)) {
      this.checkGaps({ allowResync: false });
    }
    // A live hole: the relay skipped one of this session's changes (or delivers it late).
    if (this.backlog === null && seen === 'hole' && this.integrity.hasGaps) this.scheduleGapCheck();
    else if (this.backlog === null && seen === 'late' && this.warnings.has(WARNING_KEY.GAP)) this.checkGaps({ allowResync: false });
    // Another device's snapshot frees room in a full room: ask again soon (SPEC SYNC-23).
    if (isSnapshot && this.outbox.quotaExceeded) this.quotaRetry.askIn(QUOTA_RETRY_AFTER_SNAPSHOT_MS);
    // While a backlog streams, listeners (React) hear once at its end, not once per envelope.
    if (this.backlog === null) {
      this.changed();
      this.scheduleCompaction();
    }
    return opened.payload;
  }

  /** Opens a presence envelope; returns the awareness message to deliver, or null to drop it. */
  receivePresence(envelope: Uint8Array): Uint8Array | null {
    const opened = this.open(envelope);
    if (opened === null || opened.header.type !== ENVELOPE_TYPE.PRESENCE) return null;
    const sessionHex = toHex(opened.header.sessionId);
    if (sessionHex === this.ownSessionHex) return null;
    return this.presence.accept({ sessionHex, seq: opened.header.seq, sentAt: opened.sentAt, now: this.now(), message: opened.payload });
  }

  /**
   * The relay stored our envelope at relaySeq. Everything stored before it from other sessions was
   * forwarded to us earlier on this same ordered socket, so the mirror holds all of it: the cursor
   * (and a snapshot's coverage) may advance to here.
   */
  ack(sessionId: Uint8Array, seq: number, relaySeq: number): void {
    if (!equalBytes(sessionId, this.options.sessionId)) return;
    const wasFull = this.outbox.quotaExceeded;
    const entry = this.outbox.acknowledge(seq);
    if (entry === null) return;
    if (relaySeq > this.cursor) this.cursor = relaySeq;
    this.integrity.raiseHighWater(relaySeq);
    if (entry.coverage !== null) this.integrity.confirmCoverage(entry.coverage);
    else this.compaction.countStored();
    this.lastSavedAt = this.now();
    if (wasFull && !this.outbox.quotaExceeded) {
      // The room had room again: everything that waited leaves, in seq order.
      this.quotaRetry.reset();
      this.outbox.pump(this.link);
    } else if (wasFull) {
      this.probeQuota(); // an older envelope the relay already held: ask with the next one
    }
    this.changed();
    this.scheduleCompaction();
  }

  handleRelayError(code: number, sessionId: Uint8Array, seq: number): void {
    // An ERROR names one of our envelopes; anything else is noise (or injected), not our problem.
    if (!equalBytes(sessionId, this.options.sessionId)) return;
    switch (code) {
      case RELAY_ERROR.STORE_FAILED:
        // The relay could not commit: reconnect, which resends the outbox with the same ids.
        this.link?.restart();
        return;
      case RELAY_ERROR.QUOTA_EXCEEDED: {
        const refusal = this.outbox.refuseForQuota(seq);
        if (refusal === null) return;
        // The relay refuses every later seq after the first refusal too: only the first refusal
        // and each answer to a probe move the retry clock, not the followers.
        if (refusal !== 'follower') this.quotaRetry.backOff();
        this.compactWhileFull();
        this.changed();
        return;
      }
      case RELAY_ERROR.DUPLICATE_CONFLICT:
      case RELAY_ERROR.SNAPSHOT_REJECTED:
      case RELAY_ERROR.BAD_ENVELOPE: {
        if (this.outbox.drop(seq) === null) return;
        this.warn('refused-change');
        this.changed();
        return;
      }
    }
  }

  // ---- the full room (SPEC SYNC-23) -----------------------------------------------------------

  private probeQuota(): void {
    if (this.outbox.quotaExceeded && this.outbox.probe(this.link)) this.quotaProbes += 1;
  }

  /**
   * A full room frees space only through a snapshot, and a writer alone in the room would
   * otherwise wait for one forever. Once every waiting envelope is answered (so the relay holds
   * none of them), a snapshot of the mirror, which already carries them, takes their place under
   * the lowest seq; snapshots are exempt from the quota. Nothing is stored after a hole: the
   * partner sees this session's seqs continue without a gap. Only worth it when the relay holds
   * changes after the newest snapshot: otherwise the room is truly full, and stays "full".
   */
  private compactWhileFull(): void {
    const seq = this.outbox.replaceableFrom();
    if (seq === null || this.compaction.sinceSnapshot === 0 || !this.link?.canSend || this.cursor === 0 || this.resyncing) return;
    this.coalescer.flush();
    if (this.outbox.replaceableFrom() !== seq) return;
    const snapshot = Y.encodeStateAsUpdate(this.currentMirror);
    const frame = encodePutFrame(this.seal(ENVELOPE_TYPE.SNAPSHOT, seq, snapshot, this.cursor));
    if (frame.length > this.options.maxFrameBytes) return;
    this.outbox.replaceFrom(seq);
    this.outbox.add(frame, this.cursor);
    this.compaction.snapshotStored();
    this.snapshotsSent += 1;
    this.probeQuota();
  }

  // ---- outbound -------------------------------------------------------------------------------

  private seal(type: typeof ENVELOPE_TYPE.UPDATE | typeof ENVELOPE_TYPE.SNAPSHOT | typeof ENVELOPE_TYPE.PRESENCE, seq: number, payload: Uint8Array, coversRelaySeq = 0): Uint8Array {
    return sealEnvelope(
      {
        type,
        roomId: this.options.keys.roomIdBytes,
        sessionId: this.options.sessionId,
        seq,
        epoch: CURRENT_EPOCH,
        coversRelaySeq,
        sentAt: this.now(),
        devicePublicKey: this.options.device.publicKey,
        payload,
      },
      this.options.keys.encryptionKey,
    );
  }

  private putStored(type: typeof ENVELOPE_TYPE.UPDATE | typeof ENVELOPE_TYPE.SNAPSHOT, payload: Uint8Array, coversRelaySeq = 0): boolean {
    const frame = encodePutFrame(this.seal(type, this.outbox.peekSeq(), payload, coversRelaySeq));
    if (frame.length > this.options.maxFrameBytes) {
      this.warn('change-too-large');
      return false;
    }
    this.outbox.add(frame, type === ENVELOPE_TYPE.SNAPSHOT ? coversRelaySeq : null);
    this.outbox.pump(this.link);
    this.changed();
    return true;
  }

  /**
   * The provider's doc emits every update to its listeners in registration order; the session
   * registers this one before the provider's, so it knows the origin of the update the provider
   * sends next (the y-protocols message does not carry it).
   */
  noteLocalOrigin(origin: unknown): void {
    this.localOrigin = origin;
  }

  /** A live local edit from the provider ([0,2,update]): merged with the next ones within its window. */
  publishUpdate(update: Uint8Array): void {
    const windowMs = (this.options.coalesceWindow ?? (() => DEFAULT_COALESCE_MS))(this.localOrigin);
    this.localOrigin = null;
    this.coalescer.add(update, windowMs);
    if (this.coalescer.size > 0) this.changed();
  }

  /** Sends merged local updates now rather than at the end of their window. */
  flush(): void {
    this.coalescer.flush();
  }

  private putUpdate(update: Uint8Array): void {
    try {
      Y.applyUpdate(this.currentMirror, update, MIRROR_ORIGIN.LOCAL);
    } catch {
      return;
    }
    this.putStored(ENVELOPE_TYPE.UPDATE, update);
  }

  /**
   * The provider's answer to our SyncStep1 (the mirror's state vector): everything local the relay
   * lacks, deletions included. Applying it to the mirror yields exactly the new part; nothing new
   * means nothing to upload (so reconnects do not re-store the whole delete set).
   */
  reconcile(diff: Uint8Array): void {
    // Merged updates still waiting would otherwise leave twice (here and at their window's end).
    this.coalescer.flush();
    let fresh: Uint8Array | null = null;
    const capture = (update: Uint8Array, origin: unknown): void => {
      if (origin === MIRROR_ORIGIN.RECONCILE) fresh = update;
    };
    const mirror = this.currentMirror;
    mirror.on('update', capture);
    try {
      Y.applyUpdate(mirror, diff, MIRROR_ORIGIN.RECONCILE);
    } catch {
      return;
    } finally {
      mirror.off('update', capture);
    }
    if (fresh !== null) this.putStored(ENVELOPE_TYPE.UPDATE, fresh);
  }

  /** Awareness and queryAwareness messages: forwarded, never stored. */
  publishPresence(message: Uint8Array): void {
    if (!this.link?.canSend) return;
    const seq = this.nextPresenceSeq++;
    this.link.sendFrame(encodeEphemeralFrame(this.seal(ENVELOPE_TYPE.PRESENCE, seq, message)));
  }

  // ---- compaction -----------------------------------------------------------------------------

  private scheduleCompaction(): void {
    if (this.link?.canSend) this.compaction.scheduleIfDue(() => this.compactNow());
  }

  /**
   * Uploads the mirror as a snapshot covering everything up to the cursor (PROTOCOL "Compaction").
   * Our own unacknowledged updates may be in flight: the mirror already holds them, so the snapshot
   * carries them too, and whichever of them the relay stores after its coverage stays in the tail
   * (applying them again changes nothing). A writer who never pauses still compacts.
   */
  compactNow(): void {
    if (!this.link?.canSend || this.cursor === 0 || this.resyncing) return;
    if (this.outbox.quotaExceeded) return this.compactWhileFull();
    if (this.putStored(ENVELOPE_TYPE.SNAPSHOT, Y.encodeStateAsUpdate(this.currentMirror), this.cursor)) {
      this.compaction.snapshotStored();
      this.snapshotsSent += 1;
    }
  }

  // ---- integrity ------------------------------------------------------------------------------

  private scheduleGapCheck(): void {
    if (this.gapTimer !== null || this.destroyed) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      this.checkGaps({ allowResync: true });
    }, this.options.gapGraceMs ?? DEFAULT_GAP_GRACE_MS);
  }

  /**
   * A hole that outlived the grace period: first read the whole log again (the relay may have
   * dropped it only on the way to us). If it is still there afterwards, the relay does not have
   * it: tell the user whose changes, and since when, may be missing.
   */
  private checkGaps(options: { allowResync: boolean }): void {
    const warning = this.integrity.describeGaps();
    if (warning === null) {
      this.clear(WARNING_KEY.GAP);
      return;
    }
    const cooledDown = this.now() - this.lastResyncAt >= (this.options.resyncCooldownMs ?? DEFAULT_RESYNC_COOLDOWN_MS);
    if (options.allowResync && cooledDown && this.link?.canSend === true) {
      this.resyncNow();
      return;
    }
    this.raise(WARNING_KEY.GAP, warning);
  }

  destroy(): void {
    this.destroyed = true;
    this.compaction.cancel();
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    this.quotaRetry.cancel();
    this.coalescer.destroy();
    this.currentMirror.destroy();
  }
}
