import type { EscrowAnswer } from './EscrowRequests.ts';
import type { PushOutcome, PushSubscriptionKeys } from './PushRequests.ts';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

/** Why the relay refused this room for good (no automatic reconnect). */
export type RefusalReason =
  | 'auth-failed' // the link's keys do not open this room (altered link, or a different relay)
  | 'sealed' // the room was sealed by its members; this device is not one of them
  | 'deleted' // a member deleted the room; the relay refuses it from now on
  | 'device-removed' // another device of the room removed this one (a lost phone); refused from now on
  | 'room-full' // the room already has its maximum number of devices
  | 'too-large' // something we tried to save exceeded the relay's frame limit
  | 'version' // this app version and the relay do not speak the same protocol
  | 'protocol'; // the relay and this app disagreed about a frame

/**
 * Why the connection is down for now (it comes back by itself). Set with phase 'offline'. The
 * relay's transient close codes each have one (SPEC ABUSE-7), so a rate limit is never silent.
 */
export type OfflineReason =
  | 'network' // the connection dropped or never opened (no close code from the relay)
  | 'relay-restarting' // the relay is restarting (1001)
  | 'relay-busy' // the relay is shedding load, or this device read too slowly (4503)
  | 'rate-limited' // too many writes, or too many failed handshakes from this address (4529)
  | 'too-many-connections' // too many connections from this address (4530)
  | 'room-busy' // too many open windows on this room (4509)
  | 'slow-handshake'; // the handshake took longer than the relay allows (4508)

/**
 * Something the session noticed that the user should know about, in structured form: the app puts
 * it into words (client/src/app/words.ts), so this layer holds no sentences.
 */
export interface SyncWarning {
  readonly kind: SyncWarningKind;
  /** When the possibly missing changes start (sender's clock, ms since epoch), if known. */
  readonly since: number | null;
  /** The device whose changes may be missing (hex public key), if one device is concerned. */
  readonly device: string | null;
  /** The missing changes were made on this device (another window or tab), not by someone else. */
  readonly ownDevice: boolean;
}
export type SyncWarningKind =
  | 'missing-changes' // a hole in another session's numbered changes that a full re-read did not fill
  | 'relay-rollback' // the relay served an older state than it had served before
  | 'foreign-data' // the relay sent an envelope sealed for another room (or another key epoch)
  | 'tampered-data' // the relay sent an envelope that fails authentication (damaged or altered)
  | 'misplaced-data' // the relay sent presence where only stored changes belong
  | 'unappliable-change' // an authentic change that Yjs could not apply (SPEC SYNC-17)
  | 'unreadable-frame' // a relay frame this version cannot parse
  | 'refused-change' // the relay refused one of our changes for good (it stays on this device)
  | 'change-too-large'; // one local change exceeds the relay's frame limit (it stays on this device)

/** One status value the UI can put into words. */
export type SessionPhase = 'connecting' | 'syncing' | 'synced' | 'offline' | 'refused';

export interface SessionStatus {
  readonly phase: SessionPhase;
  /** Set when phase is 'refused'. */
  readonly refusal: RefusalReason | null;
  /** Local changes not yet acknowledged as durably stored by the relay (waiting to be merged, or sent). */
  readonly pendingAcks: number;
  /** When the relay last acknowledged one of our writes (ms since epoch), or null. */
  readonly lastSavedAt: number | null;
  /** Newest write seen from another device (sender's clock, ms since epoch), or null. */
  readonly partnerLastActiveAt: number | null;
  /** Whether the room is sealed against new devices. */
  readonly sealed: boolean;
  /** Devices registered in the room (including this one). */
  readonly deviceCount: number;
  /** Every local change is durably stored by the relay: nothing waits to be merged, sent or acknowledged. */
  readonly saved: boolean;
  /** Problems worth telling the user about: where data could be missing, or was refused. */
  readonly warnings: readonly SyncWarning[];
  /** The relay refused one of our changes because the room is full; it waits here until there is room. */
  readonly quotaExceeded: boolean;
  /** Set with phase 'offline': why, so the UI can say "busy, trying again" rather than nothing. */
  readonly offlineReason?: OfflineReason | null;
}

export interface EscrowDepositRequest {
  readonly slotTag: Uint8Array;
  readonly kind: 'answer' | 'decline';
  /** How long the relay keeps the deposit (1–366 days). */
  readonly lifetimeDays: number;
  /** The signed commitment or decline, opaque to the relay. */
  readonly record: Uint8Array;
  /** The answer key boxed to each other device (by its Ed25519 device key); ignored for a decline. */
  readonly boxes: readonly { readonly recipient: Uint8Array; readonly box: Uint8Array }[];
}

export interface RoomSession {
  readonly roomId: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  getStatus(): SessionStatus;
  /** Calls the listener after every status change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Resolves when the local document is loaded from the device store (IndexedDB or memory). */
  whenLocalLoaded(): Promise<void>;
  /** Resolves when phase is 'synced' (at once if it is now, else the next time it becomes so). */
  whenSynced(): Promise<void>;
  /** Resolves when every local change so far is durably stored by the relay (`saved`). */
  whenSaved(): Promise<void>;
  /** Sends local changes waiting to be merged now, rather than at the end of their window. */
  flush(): void;
  /**
   * Uploads a snapshot of the room now, so the relay can let go of the history it covers (it
   * happens by itself every 500 stored changes; this is for a program that knows better).
   */
  compact(): void;
  /** Drops the connection and connects again at once (it resends what is unacknowledged). */
  reconnect(): void;
  /** Closes the connection and stays offline until `connect` (local edits are kept and sent later). */
  disconnect(): void;
  connect(): void;
  /** Refuse new devices from now on (members already registered keep access). */
  seal(): Promise<void>;
  /**
   * Asks the relay to wake this device through Web Push when another member nudges the room
   * (one subscription per device and room; a new one replaces the old). Rejects when not connected.
   */
  registerPush(subscription: PushSubscriptionKeys): Promise<PushOutcome>;
  /** Asks the relay to forget this device's push subscription for this room. */
  unregisterPush(): Promise<PushOutcome>;
  /**
   * Asks the relay to wake the room's other devices that subscribed. The push carries the room id
   * and nothing else: each device words the notification from what it keeps itself.
   */
  nudge(): Promise<PushOutcome>;
  /**
   * Answer-key escrow (PROTOCOL.md §3b): deposits this device's answer key boxed to the other
   * devices (or a decline) under an opaque slot tag, signed by this device, and resolves with what
   * this device may open now. Rejects when not connected.
   */
  depositEscrow(deposit: EscrowDepositRequest): Promise<EscrowAnswer>;
  /** What this device may open in the slot now (nothing unless its own answer is deposited there). */
  readEscrow(slotTag: Uint8Array): Promise<EscrowAnswer>;
  /** Called when another device deposits in a slot (read again if this device deposited there). */
  onEscrowNotice(listener: (slotTag: Uint8Array) => void): () => void;
  /**
   * Asks the relay to forget another device of the room for good (SPEC SEALED-19): its sockets close,
   * its handshakes are refused, and no escrow box reaches it. Rejects when not connected.
   */
  revokeDevice(devicePublicKey: Uint8Array): Promise<void>;
  /**
   * Vouches at the relay for one new device to come (SEALED-21): returns a one-time ticket (its
   * hash stays at the relay for 15 minutes) that lets a device presenting it into the room even
   * if it is sealed. Rejects when not connected.
   */
  issueAdmissionTicket(): Promise<Uint8Array>;
  /** Erase the room on the relay for everyone; the relay refuses its id afterwards. */
  deleteRoom(): Promise<void>;
  /** Close the connection and stop syncing; local data stays on the device. */
  destroy(): void;
}
