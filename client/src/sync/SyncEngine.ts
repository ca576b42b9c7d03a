import * as Y from 'yjs';
import {
  ENVELOPE_TYPE,
  RELAY_ERROR,
  encodeEphemeralFrame,
  encodePutFrame,
  equalBytes,
  toHex,
} from '@seen/shared/protocol';
import { OPEN_ERROR, openEnvelope, sealEnvelope, type DeviceKeyPair, type OpenedEnvelope, type RoomKeys } from '@seen/shared/crypto';
import type { IntegrityAlert, IntegrityAlertKind } from './RoomSession.ts';
import { describeSince } from './describeSince.ts';
import { Y_MESSAGE, decodeAwarenessMessage, encodeAwarenessMessage } from './yMessages.ts';

/** Transaction origins on the mirror doc (named so observers can tell them apart). */
export const MIRROR_ORIGIN = { REMOTE: 'seen:relay', LOCAL: 'seen:local', RECONCILE: 'seen:reconcile' } as const;

/** Key epoch of every envelope today; rotation means re-pairing into a new room (PROTOCOL.md). */
export const CURRENT_EPOCH = 0;
/** Presence older than this (sender clock) is a replay or a badly skewed clock: dropped. */
export const PRESENCE_MAX_AGE_MS = 5 * 60 * 1000;
/**
 * A hole in a partner's numbered changes must last this long before anything happens: a hostile
 * or merely reordering network can deliver the missing one a moment later (HOST-2).
 */
export const DEFAULT_GAP_GRACE_MS = 2_000;
/** At most one automatic full re-read per this period, so a relay that keeps lying cannot loop us. */
export const DEFAULT_RESYNC_COOLDOWN_MS = 60_000;

/**
 * What this device remembers about the relay's history, to notice a relay that goes back in time
 * (HOST-6). Both numbers only grow while the relay is honest; the session may keep them across
 * page loads (createRoomSession stores them next to the document).
 */
export interface RelayWatermark {
  /** The highest relaySeq the relay has shown us (ENV, ACK or BACKLOG_END). */
  readonly highWater: number;
  /** The greatest coverage of a snapshot known to be durably stored (served in a backlog, or our own acknowledged one). */
  readonly confirmedCoverage: number;
}

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

interface Gap {
  readonly device: string;
  /** sentAt of the last change seen before the hole (null: the hole is at the session's start). */
  readonly since: number | null;
}

/** Stable keys for the warnings the engine raises, so one problem shows once and can be cleared. */
const ALERT_KEY = {
  GAP: 'gap',
  ROLLBACK: 'rollback',
  FOREIGN: 'foreign',
  TAMPERED: 'tampered',
  MISPLACED: 'misplaced',
  UNAPPLIABLE: 'unappliable',
  REFUSED: 'refused',
  TOO_LARGE: 'too-large',
} as const;

/**
 * The state that outlives one WebSocket: the remote mirror (what the relay holds, built by applying
 * decrypted updates — never Y.mergeUpdates, BRIEF "Costs"), the outbox of unacknowledged envelopes,
 * the catch-up cursor, integrity tracking against a hostile relay, and the status the UI shows.
 */
export class SyncEngine {
  private currentMirror = new Y.Doc();
  /** fromRelaySeq of the next AUTH: the highest relaySeq applied (0 = read everything again). */
  cursor = 0;
  pendingAcksChanged = false;
  private nextSeq = 0;
  private nextPresenceSeq = 0;
  private readonly outbox = new Map<number, Uint8Array>();
  /** Our own snapshots in flight: seq → coverage, so their ACK confirms the coverage. */
  private readonly ownSnapshots = new Map<number, number>();
  private readonly sessions = new Map<string, SessionTrack>();
  private readonly presenceSeqs = new Map<string, number>();
  private readonly awarenessOwners = new Map<number, string>();
  private readonly lastActiveByDevice = new Map<string, number>();
  private readonly ownDeviceHex: string;
  private readonly ownSessionHex: string;
  private readonly alerts = new Map<string, IntegrityAlert>();
  private link: RelayLink | null = null;
  private sinceSnapshot = 0;
  private compactTimer: ReturnType<typeof setTimeout> | null = null;
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private backlog: BacklogState | null = null;
  private highWater = 0;
  private confirmedCoverage = 0;
  /** Greatest coverage of a snapshot applied to the mirror: holes below it are inside it. */
  private appliedCoverage = 0;
  private resyncing = false;
  /** The log was read from relaySeq 0 with no snapshot in it: every session must start at seq 0. */
  private readFromStart = false;
  private lastResyncAt = -Infinity;
  private destroyed = false;
  lastSavedAt: number | null = null;
  quotaExceeded = false;
  snapshotsSent = 0;
  /** Full re-reads of the relay log this session (self-healing after a gap or a rollback). */
  resyncs = 0;

  constructor(private readonly options: SyncEngineOptions) {
    this.ownDeviceHex = toHex(options.device.publicKey);
    this.ownSessionHex = toHex(options.sessionId);
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

  get pendingAcks(): number {
    return this.outbox.size;
  }

  get partnerLastActiveAt(): number | null {
    let newest: number | null = null;
    for (const [device, at] of this.lastActiveByDevice) {
      if (device !== this.ownDeviceHex && (newest === null || at > newest)) newest = at;
    }
    return newest;
  }

  /** No hole is waiting for its grace period and no full re-read is running (tests wait for this). */
  get integrityIdle(): boolean {
    return this.gapTimer === null && !this.resyncing;
  }

  get watermark(): RelayWatermark {
    return { highWater: this.highWater, confirmedCoverage: this.confirmedCoverage };
  }

  /** Restores what an earlier session on this device learned about the relay (before connecting). */
  restoreWatermark(watermark: RelayWatermark): void {
    this.highWater = Math.max(this.highWater, watermark.highWater);
    this.confirmedCoverage = Math.max(this.confirmedCoverage, watermark.confirmedCoverage);
  }

  getWarnings(): readonly string[] {
    return [...this.alerts.values()].map((alert) => alert.message);
  }

  getAlerts(): readonly IntegrityAlert[] {
    return [...this.alerts.values()];
  }

  /** A problem worth telling the user about (a human sentence; shown once until cleared). */
  warn(message: string, kind: IntegrityAlertKind = 'unreadable'): void {
    this.raise(message, { kind, since: null, device: null, message });
  }

  private raise(key: string, alert: IntegrityAlert): void {
    const existing = this.alerts.get(key);
    if (existing?.message === alert.message) return;
    this.alerts.set(key, alert);
    this.options.onChange();
  }

  private clear(key: string): void {
    if (this.alerts.delete(key)) this.options.onChange();
  }

  private noteWatermark(): void {
    this.options.onWatermark?.(this.watermark);
  }

  private raiseHighWater(relaySeq: number): void {
    if (relaySeq <= this.highWater) return;
    this.highWater = relaySeq;
    this.noteWatermark();
  }

  // ---- connection -----------------------------------------------------------------------------

  attach(link: RelayLink): void {
    this.link = link;
  }

  detach(link: RelayLink): void {
    if (this.link === link) this.link = null;
    if (this.compactTimer !== null) clearTimeout(this.compactTimer);
    this.compactTimer = null;
    this.backlog = null;
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
  resumeAfterBacklog(sinceSnapshot: number, upToRelaySeq = this.highWater): boolean {
    const backlog = this.backlog ?? { fromRelaySeq: this.cursor, bestCoverage: 0, pending: [] };
    this.backlog = null;
    this.applyBacklog(backlog.pending);
    if (this.detectRollback(backlog, upToRelaySeq)) return false;
    for (const frame of this.outbox.values()) this.link?.sendFrame(frame);
    this.confirmedCoverage = Math.max(this.confirmedCoverage, backlog.bestCoverage);
    if (backlog.fromRelaySeq === 0 && backlog.bestCoverage === 0) this.readFromStart = true;
    this.raiseHighWater(upToRelaySeq);
    this.noteWatermark();
    this.sinceSnapshot = sinceSnapshot;
    if (this.resyncing) {
      // A full re-read just finished: what is still missing is missing on the relay too.
      this.resyncing = false;
      this.checkGaps({ allowResync: false });
    } else if (this.findGaps().length > 0) {
      this.scheduleGapCheck();
    } else {
      this.clear(ALERT_KEY.GAP);
    }
    this.scheduleCompaction();
    this.options.onChange();
    return true;
  }

  /**
   * An honest relay never goes back: relaySeq numbers only grow (even across a crash, see
   * PROTOCOL "Restart gap"), and the newest snapshot's coverage only grows. If it does go back,
   * the relay lost data or is serving an old copy: say so, and rebuild the mirror from what the
   * relay really holds, so the reconcile after reconnecting uploads everything it lacks.
   */
  private detectRollback(backlog: BacklogState, upToRelaySeq: number): boolean {
    const behindLog = upToRelaySeq < this.highWater;
    const behindSnapshot = backlog.fromRelaySeq < this.confirmedCoverage && backlog.bestCoverage < this.confirmedCoverage;
    if (!behindLog && !behindSnapshot) return false;
    const lostFrom = behindLog ? upToRelaySeq : backlog.bestCoverage;
    let since: number | null = null;
    for (const track of this.sessions.values()) {
      if (track.device === this.ownDeviceHex) continue;
      for (const entry of track.entries.values()) {
        if (entry.relaySeq > lostFrom && (since === null || entry.sentAt < since)) since = entry.sentAt;
      }
    }
    const what = since === null ? 'than it had before' : `than it had before: your partner’s changes ${describeSince(since, this.now())} were missing from it`;
    const message = `The server sent an older copy of this room ${what}. Nothing on this device is lost, and it is sending what it has again; anything only your partner had should return when they next open the room.`;
    this.raise(ALERT_KEY.ROLLBACK, { kind: 'relay-rollback', since, device: null, message });
    // Accept the relay's present as the new baseline, so one rollback is reported once.
    this.highWater = upToRelaySeq;
    this.confirmedCoverage = backlog.bestCoverage;
    this.noteWatermark();
    this.rebuildMirror();
    return true;
  }

  /** Forget the mirror and read the relay from the start; the reconcile then re-uploads the difference. */
  private applyToMirror(payload: Uint8Array, sentAt: number, device: string): boolean {
    try {
      Y.applyUpdate(this.currentMirror, payload, MIRROR_ORIGIN.REMOTE);
      return true;
    } catch {
      const message = 'A change from another device couldn’t be read and was skipped. If something looks missing, reload the page.';
      this.raise(ALERT_KEY.UNAPPLIABLE, { kind: 'unreadable', since: sentAt, device, message });
      return false;
    }
  }

  private applyBacklog(pending: BacklogState['pending']): void {
    if (pending.length === 0) return;
    this.currentMirror.transact(() => {
      for (const entry of pending) this.applyToMirror(entry.payload, entry.sentAt, entry.device);
    }, MIRROR_ORIGIN.REMOTE);
  }

  private rebuildMirror(): void {
    this.currentMirror.destroy();
    this.currentMirror = new Y.Doc();
    this.sessions.clear();
    this.appliedCoverage = 0;
    this.readFromStart = false;
    this.sinceSnapshot = 0;
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
    if (opened.error === OPEN_ERROR.WRONG_ROOM || opened.error === OPEN_ERROR.WRONG_EPOCH) {
      const message = 'The server sent something that doesn’t belong to this room. It was ignored, and nothing here changed.';
      this.raise(ALERT_KEY.FOREIGN, { kind: 'foreign-data', since: null, device: null, message });
    } else {
      const message = 'The server sent a change that had been damaged or altered on the way. It was ignored, and nothing here changed.';
      this.raise(ALERT_KEY.TAMPERED, { kind: 'foreign-data', since: null, device: null, message });
    }
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
      const message = 'The server sent something in the wrong place. It was ignored, and nothing here changed.';
      this.raise(ALERT_KEY.MISPLACED, { kind: 'foreign-data', since: null, device: null, message });
      return null;
    }
    const isSnapshot = header.type === ENVELOPE_TYPE.SNAPSHOT;
    if (isSnapshot && this.backlog !== null && header.coversRelaySeq > this.backlog.bestCoverage) {
      this.backlog.bestCoverage = header.coversRelaySeq;
    }
    if (relaySeq > this.cursor) this.cursor = relaySeq;
    this.raiseHighWater(relaySeq);
    const sessionHex = toHex(header.sessionId);
    if (sessionHex === this.ownSessionHex) return null;
    const device = toHex(opened.devicePublicKey);
    let track = this.sessions.get(sessionHex);
    if (track === undefined) {
      track = { entries: new Map(), device, maxSeq: -1 };
      this.sessions.set(sessionHex, track);
    }
    // Replayed (live or in a backlog) or resent: Yjs would ignore it anyway; no side effects.
    if (track.entries.has(header.seq)) return null;
    const previousMax = track.maxSeq;
    track.entries.set(header.seq, { relaySeq, sentAt: opened.sentAt });
    if (header.seq > track.maxSeq) track.maxSeq = header.seq;
    if ((this.lastActiveByDevice.get(device) ?? 0) < opened.sentAt) this.lastActiveByDevice.set(device, opened.sentAt);
    if (isSnapshot) this.noteSnapshotSeen();
    else this.sinceSnapshot += 1;
    if (this.backlog !== null) {
      this.backlog.pending.push({ payload: opened.payload, sentAt: opened.sentAt, device });
    } else if (!this.applyToMirror(opened.payload, opened.sentAt, device)) {
      return null;
    }
    if (isSnapshot && header.coversRelaySeq > this.appliedCoverage) {
      this.appliedCoverage = header.coversRelaySeq;
      if (this.alerts.has(ALERT_KEY.GAP)) this.checkGaps({ allowResync: false });
    }
    // A live hole: the relay skipped one of this session's changes (or delivers it late).
    if (this.backlog === null && header.seq > previousMax + 1 && this.findGaps().length > 0) this.scheduleGapCheck();
    else if (this.backlog === null && this.alerts.has(ALERT_KEY.GAP) && header.seq < previousMax) this.checkGaps({ allowResync: false });
    // While a backlog streams, listeners (React) hear once at its end, not once per envelope.
    if (this.backlog === null) {
      this.options.onChange();
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
    if (opened.header.seq <= (this.presenceSeqs.get(sessionHex) ?? -1)) return null; // replay
    if (opened.sentAt < this.now() - PRESENCE_MAX_AGE_MS) return null; // stale replay
    this.presenceSeqs.set(sessionHex, opened.header.seq);
    const message = opened.payload;
    if (message[0] === Y_MESSAGE.QUERY_AWARENESS && message.length === 1) return message;
    if (message[0] !== Y_MESSAGE.AWARENESS) return null;
    const entries = decodeAwarenessMessage(message);
    if (entries === null) return null;
    // A clientID belongs to the first session that announced it: nobody can speak for another.
    const allowed = entries.filter((entry) => {
      if (entry.clientId === this.options.localClientId) return false;
      const owner = this.awarenessOwners.get(entry.clientId);
      if (owner === undefined) this.awarenessOwners.set(entry.clientId, sessionHex);
      return owner === undefined || owner === sessionHex;
    });
    if (allowed.length === 0) return null;
    return allowed.length === entries.length ? message : encodeAwarenessMessage(allowed);
  }

  /**
   * The relay stored our envelope at relaySeq. Everything stored before it from other sessions was
   * forwarded to us earlier on this same ordered socket, so the mirror holds all of it: the cursor
   * (and a snapshot's coverage) may advance to here.
   */
  ack(sessionId: Uint8Array, seq: number, relaySeq: number): void {
    if (!equalBytes(sessionId, this.options.sessionId) || !this.outbox.delete(seq)) return;
    if (relaySeq > this.cursor) this.cursor = relaySeq;
    this.raiseHighWater(relaySeq);
    const coverage = this.ownSnapshots.get(seq);
    if (coverage !== undefined) {
      this.ownSnapshots.delete(seq);
      if (coverage > this.confirmedCoverage) {
        this.confirmedCoverage = coverage;
        this.noteWatermark();
      }
    }
    this.lastSavedAt = this.now();
    this.quotaExceeded = false;
    this.options.onChange();
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
      case RELAY_ERROR.QUOTA_EXCEEDED:
        this.quotaExceeded = true;
        this.options.onChange();
        return;
      case RELAY_ERROR.DUPLICATE_CONFLICT:
      case RELAY_ERROR.SNAPSHOT_REJECTED:
      case RELAY_ERROR.BAD_ENVELOPE: {
        if (!this.outbox.has(seq)) return;
        this.outbox.delete(seq);
        this.ownSnapshots.delete(seq);
        const message = 'The server didn’t accept one of your changes. It is still on this device.';
        this.raise(ALERT_KEY.REFUSED, { kind: 'refused-change', since: null, device: null, message });
        return;
      }
    }
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
    const seq = this.nextSeq;
    const frame = encodePutFrame(this.seal(type, seq, payload, coversRelaySeq));
    if (frame.length > this.options.maxFrameBytes) {
      const message = 'One change is too large to send to the server. It is kept on this device but won’t reach your partner.';
      this.raise(ALERT_KEY.TOO_LARGE, { kind: 'refused-change', since: null, device: null, message });
      return false;
    }
    this.nextSeq += 1;
    this.outbox.set(seq, frame);
    if (type === ENVELOPE_TYPE.SNAPSHOT) this.ownSnapshots.set(seq, coversRelaySeq);
    if (this.link?.canSend) this.link.sendFrame(frame);
    this.options.onChange();
    return true;
  }

  /** A live local edit from the provider ([0,2,update]). */
  publishUpdate(update: Uint8Array): void {
    try {
      Y.applyUpdate(this.currentMirror, update, MIRROR_ORIGIN.LOCAL);
    } catch {
      return;
    }
    this.putStored(ENVELOPE_TYPE.UPDATE, update);
    this.sinceSnapshot += 1;
    this.scheduleCompaction();
  }

  /**
   * The provider's answer to our SyncStep1 (the mirror's state vector): everything local the relay
   * lacks, deletions included. Applying it to the mirror yields exactly the new part; nothing new
   * means nothing to upload (so reconnects do not re-store the whole delete set).
   */
  reconcile(diff: Uint8Array): void {
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
    if (fresh !== null) {
      this.putStored(ENVELOPE_TYPE.UPDATE, fresh);
      this.sinceSnapshot += 1;
    }
  }

  /** Awareness and queryAwareness messages: forwarded, never stored. */
  publishPresence(message: Uint8Array): void {
    if (!this.link?.canSend) return;
    const seq = this.nextPresenceSeq++;
    this.link.sendFrame(encodeEphemeralFrame(this.seal(ENVELOPE_TYPE.PRESENCE, seq, message)));
  }

  // ---- compaction -----------------------------------------------------------------------------

  private noteSnapshotSeen(): void {
    this.sinceSnapshot = 0;
    if (this.compactTimer !== null) clearTimeout(this.compactTimer);
    this.compactTimer = null;
  }

  private scheduleCompaction(): void {
    if (this.sinceSnapshot < this.options.compactAfter || this.compactTimer !== null || !this.link?.canSend) return;
    if (this.outbox.size > 0) return; // rescheduled by the ack that empties the outbox
    this.compactTimer = setTimeout(() => {
      this.compactTimer = null;
      this.compactNow();
    }, Math.random() * this.options.compactJitterMs);
  }

  /** Uploads the mirror as a snapshot covering everything up to the cursor (PROTOCOL "Compaction"). */
  compactNow(): void {
    if (!this.link?.canSend || this.cursor === 0 || this.resyncing) return;
    // Wait until our own writes are acknowledged: the snapshot then covers all of them.
    if (this.outbox.size > 0) return;
    if (this.putStored(ENVELOPE_TYPE.SNAPSHOT, Y.encodeStateAsUpdate(this.currentMirror), this.cursor)) {
      this.sinceSnapshot = 0;
      this.snapshotsSent += 1;
    }
  }

  // ---- integrity ------------------------------------------------------------------------------

  /**
   * Holes in another session's seq numbers (SPEC SYNC-9, HOST-2). Seqs before the first one seen
   * are not holes (we joined after them, or a snapshot holds them); a hole whose next seen change
   * is inside a snapshot we applied is not one either: the snapshot contains what came before.
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
    const gaps = this.findGaps();
    if (gaps.length === 0) {
      this.clear(ALERT_KEY.GAP);
      return;
    }
    const cooledDown = this.now() - this.lastResyncAt >= (this.options.resyncCooldownMs ?? DEFAULT_RESYNC_COOLDOWN_MS);
    if (options.allowResync && cooledDown && this.link?.canSend === true) {
      this.resyncNow();
      return;
    }
    const times = gaps.map((gap) => gap.since).filter((since): since is number => since !== null);
    const since = gaps.some((gap) => gap.since === null) || times.length === 0 ? null : Math.min(...times);
    const devices = new Set(gaps.map((gap) => gap.device));
    const onlyOwn = devices.size === 1 && devices.has(this.ownDeviceHex);
    const when = since === null ? '' : ` ${describeSince(since, this.now())}`;
    const message = onlyOwn
      ? `Some changes made in another window on this device${when} may be missing here. Nothing is lost; they should appear when that window syncs again.`
      : `Some of your partner’s changes${when} may be missing. Nothing on this device is lost; they should appear when your partner next opens the room.`;
    this.raise(ALERT_KEY.GAP, { kind: 'missing-changes', since, device: devices.size === 1 ? gaps[0]!.device : null, message });
  }

  destroy(): void {
    this.destroyed = true;
    if (this.compactTimer !== null) clearTimeout(this.compactTimer);
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    this.currentMirror.destroy();
  }
}
