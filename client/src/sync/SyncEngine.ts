import * as Y from 'yjs';
import {
  ENVELOPE_TYPE,
  RELAY_ERROR,
  encodeEphemeralFrame,
  encodePutFrame,
  equalBytes,
  toHex,
} from '@seen/shared/protocol';
import { openEnvelope, sealEnvelope, type DeviceKeyPair, type OpenedEnvelope, type RoomKeys } from '@seen/shared/crypto';
import { Y_MESSAGE, decodeAwarenessMessage, encodeAwarenessMessage } from './yMessages.ts';

/** Transaction origins on the mirror doc (named so observers can tell them apart). */
export const MIRROR_ORIGIN = { REMOTE: 'seen:relay', LOCAL: 'seen:local', RECONCILE: 'seen:reconcile' } as const;

/** Key epoch of every envelope today; rotation means re-pairing into a new room (PROTOCOL.md). */
export const CURRENT_EPOCH = 0;
/** Presence older than this (sender clock) is a replay or a badly skewed clock: dropped. */
export const PRESENCE_MAX_AGE_MS = 5 * 60 * 1000;

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
}

/** What the engine needs from the current connection. */
export interface RelayLink {
  /** True once the relay has authenticated us and the backlog is in. */
  readonly canSend: boolean;
  sendFrame(frame: Uint8Array): void;
  /** Drop the connection so the provider reconnects (and the outbox is resent). */
  restart(): void;
}

interface SessionTrack {
  readonly seqs: Set<number>;
  maxSeq: number;
}

/**
 * The state that outlives one WebSocket: the remote mirror (what the relay holds, built by applying
 * decrypted updates — never Y.mergeUpdates, BRIEF "Costs"), the outbox of unacknowledged envelopes,
 * the catch-up cursor, per-session integrity tracking, and the status the UI shows.
 */
export class SyncEngine {
  readonly mirror = new Y.Doc();
  cursor = 0;
  pendingAcksChanged = false;
  private nextSeq = 0;
  private nextPresenceSeq = 0;
  private readonly outbox = new Map<number, Uint8Array>();
  private readonly sessions = new Map<string, SessionTrack>();
  private readonly presenceSeqs = new Map<string, number>();
  private readonly awarenessOwners = new Map<number, string>();
  private readonly lastActiveByDevice = new Map<string, number>();
  private readonly ownDeviceHex: string;
  private readonly warnings = new Set<string>();
  private link: RelayLink | null = null;
  private sinceSnapshot = 0;
  private compactTimer: ReturnType<typeof setTimeout> | null = null;
  lastSavedAt: number | null = null;
  quotaExceeded = false;
  snapshotsSent = 0;

  constructor(private readonly options: SyncEngineOptions) {
    this.ownDeviceHex = toHex(options.device.publicKey);
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

  getWarnings(): readonly string[] {
    return [...this.warnings];
  }

  warn(message: string): void {
    if (this.warnings.has(message)) return;
    this.warnings.add(message);
    this.options.onChange();
  }

  // ---- connection -----------------------------------------------------------------------------

  attach(link: RelayLink): void {
    this.link = link;
  }

  detach(link: RelayLink): void {
    if (this.link === link) this.link = null;
    if (this.compactTimer !== null) clearTimeout(this.compactTimer);
    this.compactTimer = null;
  }

  /** After BACKLOG_END: resend every unacknowledged envelope with its original (session, seq). */
  resumeAfterBacklog(sinceSnapshot: number): void {
    for (const frame of this.outbox.values()) this.link?.sendFrame(frame);
    this.sinceSnapshot = sinceSnapshot;
    this.checkIntegrity();
    this.scheduleCompaction();
  }

  // ---- inbound --------------------------------------------------------------------------------

  private open(envelope: Uint8Array): OpenedEnvelope | null {
    const opened = openEnvelope(envelope, {
      encryptionKey: this.options.keys.encryptionKey,
      roomId: this.options.keys.roomIdBytes,
      epoch: CURRENT_EPOCH,
    });
    if (!opened.ok) {
      this.warn(`A change from the relay failed its integrity check (${opened.error}) and was ignored.`);
      return null;
    }
    return opened.value;
  }

  /**
   * Applies a stored envelope (ENV) to the mirror. Returns the Yjs update to hand to the provider,
   * or null when there is nothing to deliver (own echo, duplicate, or rejected).
   */
  receiveStored(relaySeq: number, envelope: Uint8Array): Uint8Array | null {
    const opened = this.open(envelope);
    if (opened === null) return null;
    const { header } = opened;
    if (header.type === ENVELOPE_TYPE.PRESENCE) {
      this.warn('The relay sent presence as stored data; it was ignored.');
      return null;
    }
    if (relaySeq > this.cursor) this.cursor = relaySeq;
    if (equalBytes(header.sessionId, this.options.sessionId)) return null;
    const sessionHex = toHex(header.sessionId);
    let track = this.sessions.get(sessionHex);
    if (track === undefined) {
      track = { seqs: new Set(), maxSeq: -1 };
      this.sessions.set(sessionHex, track);
    }
    if (track.seqs.has(header.seq)) return null; // replayed or resent: Yjs would ignore it anyway
    track.seqs.add(header.seq);
    if (header.seq > track.maxSeq) track.maxSeq = header.seq;
    const device = toHex(opened.devicePublicKey);
    if ((this.lastActiveByDevice.get(device) ?? 0) < opened.sentAt) this.lastActiveByDevice.set(device, opened.sentAt);
    if (header.type === ENVELOPE_TYPE.SNAPSHOT) this.noteSnapshotSeen();
    else this.sinceSnapshot += 1;
    try {
      Y.applyUpdate(this.mirror, opened.payload, MIRROR_ORIGIN.REMOTE);
    } catch {
      this.warn('A change from another device could not be read and was skipped.');
      return null;
    }
    this.options.onChange();
    this.scheduleCompaction();
    return opened.payload;
  }

  /** Opens a presence envelope; returns the awareness message to deliver, or null to drop it. */
  receivePresence(envelope: Uint8Array): Uint8Array | null {
    const opened = this.open(envelope);
    if (opened === null || opened.header.type !== ENVELOPE_TYPE.PRESENCE) return null;
    const sessionHex = toHex(opened.header.sessionId);
    if (sessionHex === toHex(this.options.sessionId)) return null;
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
    this.lastSavedAt = this.now();
    this.quotaExceeded = false;
    this.options.onChange();
    this.scheduleCompaction();
  }

  handleRelayError(code: number, sessionId: Uint8Array, seq: number): void {
    const ours = equalBytes(sessionId, this.options.sessionId);
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
      case RELAY_ERROR.BAD_ENVELOPE:
        if (ours) this.outbox.delete(seq);
        this.warn('The relay refused one of our changes; it is still on this device.');
        return;
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

  private putStored(type: typeof ENVELOPE_TYPE.UPDATE | typeof ENVELOPE_TYPE.SNAPSHOT, payload: Uint8Array, coversRelaySeq = 0): void {
    const seq = this.nextSeq;
    const frame = encodePutFrame(this.seal(type, seq, payload, coversRelaySeq));
    if (frame.length > this.options.maxFrameBytes) {
      this.warn('One change is too large for the relay; it is kept on this device but cannot sync.');
      return;
    }
    this.nextSeq += 1;
    this.outbox.set(seq, frame);
    if (this.link?.canSend) this.link.sendFrame(frame);
    this.options.onChange();
  }

  /** A live local edit from the provider ([0,2,update]). */
  publishUpdate(update: Uint8Array): void {
    try {
      Y.applyUpdate(this.mirror, update, MIRROR_ORIGIN.LOCAL);
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
    this.mirror.on('update', capture);
    try {
      Y.applyUpdate(this.mirror, diff, MIRROR_ORIGIN.RECONCILE);
    } catch {
      return;
    } finally {
      this.mirror.off('update', capture);
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
    if (!this.link?.canSend || this.cursor === 0) return;
    // Wait until our own writes are acknowledged: the snapshot then covers all of them.
    if (this.outbox.size > 0) return;
    this.putStored(ENVELOPE_TYPE.SNAPSHOT, Y.encodeStateAsUpdate(this.mirror), this.cursor);
    this.sinceSnapshot = 0;
    this.snapshotsSent += 1;
  }

  // ---- integrity ------------------------------------------------------------------------------

  /** A hole in another session's seq numbers means the relay dropped something (SPEC SYNC-9). */
  private checkIntegrity(): void {
    let gaps = 0;
    for (const track of this.sessions.values()) {
      let min = Infinity;
      for (const seq of track.seqs) if (seq < min) min = seq;
      gaps += track.maxSeq - min + 1 - track.seqs.size;
    }
    if (gaps > 0) this.warn('Some changes from your partner may be missing. They will appear once their device reconnects.');
  }

  destroy(): void {
    if (this.compactTimer !== null) clearTimeout(this.compactTimer);
    this.mirror.destroy();
  }
}
