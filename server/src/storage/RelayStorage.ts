/**
 * Everything the relay keeps, behind one interface (the log, snapshots and compaction of
 * PROTOCOL.md §6–§7). Every method is async so a shared engine (PostgreSQL) can implement it for
 * several relay processes. Two ways to number a room's envelopes:
 * - process sequencing (embedded engines, one relay): the relay assigns relaySeq, forwards at once
 *   and commits with `appendBatch`;
 * - database sequencing (`sharedSequencing`, several relays): `commitSequenced` assigns relaySeq
 *   inside the commit under the room's row lock, so any number of relays share one gapless order.
 */
import type { AdmissionTicketStorage } from './AdmissionTicketStorage.ts';
import type { EscrowStorage } from './EscrowStorage.ts';
import type { PushStorage } from './PushStorage.ts';

export interface RoomRecord {
  readonly roomId: string;
  readonly authPublicKey: Uint8Array;
  readonly sealed: boolean;
  /** A deleted room keeps only this tombstone so its id is refused from then on. */
  readonly deleted: boolean;
  readonly maxRelaySeq: number;
  /** Bytes of envelopes not yet superseded by a snapshot (what counts against the quota). */
  readonly bytesUsed: number;
}

export interface StoredEnvelope {
  readonly relaySeq: number;
  readonly envelope: Uint8Array;
  /** Set for snapshots: every entry with relaySeq ≤ this is contained in it. */
  readonly coversRelaySeq: number | null;
}

export interface AppendEntry {
  readonly roomId: string;
  readonly relaySeq: number;
  /** The sender's session id (16 bytes), kept as bytes from the frame to the row. */
  readonly sessionId: Uint8Array;
  readonly seq: number;
  readonly envelope: Uint8Array;
  readonly coversRelaySeq: number | null;
  readonly receivedAt: number;
}

/** A write numbered by the storage inside its commit (database sequencing). */
export interface SequencedWrite {
  readonly roomId: string;
  readonly sessionId: Uint8Array;
  readonly seq: number;
  readonly envelope: Uint8Array;
  /** Set for snapshots (exempt from the quota; refused when ≥ the next relaySeq). */
  readonly coversRelaySeq: number | null;
  readonly receivedAt: number;
}

/** What became of one SequencedWrite. Only `stored` and `duplicate` are ACKed. */
export type SequencedOutcome =
  /** Newly stored under this relaySeq. */
  | { readonly kind: 'stored'; readonly relaySeq: number }
  /** The same bytes were already stored under this (session, seq): a resend; ACK the original relaySeq. */
  | { readonly kind: 'duplicate'; readonly relaySeq: number }
  /** Different bytes under a stored (session, seq). */
  | { readonly kind: 'conflict' }
  /** The room's byte quota would be exceeded; nothing of this write was stored. */
  | { readonly kind: 'quota' }
  /** A snapshot claiming to cover a relaySeq that does not exist yet. */
  | { readonly kind: 'snapshot-rejected' }
  /** The room does not exist or is deleted (tombstone). */
  | { readonly kind: 'deleted' };

export interface SequencedCommit {
  /** One outcome per write, in the order given. */
  readonly outcomes: readonly SequencedOutcome[];
  /** Bytes superseded by stored snapshots, per room. */
  readonly freedBytesByRoom: Map<string, number>;
}

/** What a relay's head check needs of a room (database sequencing). */
export interface RoomHead {
  /** The highest relaySeq committed in the room. */
  readonly head: number;
  readonly sealed: boolean;
  readonly deleted: boolean;
  /** Devices registered and not revoked (what the device cap and READY count). */
  readonly deviceCount: number;
  /**
   * Devices revoked (SEALED-19). Only ever grows while the room lives, so a larger count than a
   * relay knows means it missed a revocation (a lost bus message).
   */
  readonly revokedCount: number;
}

export interface RelayStorage extends PushStorage, EscrowStorage, AdmissionTicketStorage {
  /**
   * True for an engine several relays share: the relay then numbers envelopes with
   * `commitSequenced` and forwards only committed ones.
   */
  readonly sharedSequencing: boolean;
  /**
   * Database sequencing: in ONE transaction, for each room of the batch (rooms locked in a fixed
   * order, so two relays never deadlock): lock the room's row, check the tombstone, look up which
   * (session, seq) are already stored (→ duplicate/conflict), advance the room's counter and its
   * used bytes for the new writes that fit the quota (`quotaBytes`, snapshots exempt; a write that
   * does not fit is refused whole, and so is every later write of the same session in the batch),
   * insert them with consecutive relaySeqs in the given order, then supersede what stored
   * snapshots cover. relaySeq is gapless per room and commit order is relaySeq order.
   */
  commitSequenced(writes: readonly SequencedWrite[], quotaBytes: number, now: number): Promise<SequencedCommit>;
  /**
   * Head, seal, tombstone, device and revoked counts of many rooms in one read (the periodic head check of a
   * cluster reads every active room: one query per round, not two per room). A room that was never
   * created is absent from the map.
   */
  readRoomHeads(roomIds: readonly string[]): Promise<Map<string, RoomHead>>;
  getRoom(roomId: string): Promise<RoomRecord | null>;
  /** Creates the room if it does not exist; a no-op otherwise. */
  createRoom(roomId: string, authPublicKey: Uint8Array, now: number): Promise<void>;
  /** The room's registered devices that are not revoked. */
  listDevices(roomId: string): Promise<Uint8Array[]>;
  /** The room's revoked devices (SEALED-19): kept so that they stay refused. */
  listRevokedDevices(roomId: string): Promise<Uint8Array[]>;
  /** Registers a device; a no-op for a device already registered, revoked included (it stays revoked). */
  addDevice(roomId: string, devicePublicKey: Uint8Array, now: number): Promise<void>;
  /**
   * SEALED-19, in one atomic step: marks `devicePublicKey` revoked in the room, deletes the escrow
   * boxes addressed to it (its own deposits stay, so others still open its earlier answers) and its
   * push subscription. Returns false, changing nothing, unless the room lives, the device is
   * registered and not revoked, and `revokedBy` is another registered device that is not revoked
   * (of two devices revoking each other at once on two relays, only the first wins). The admission
   * tickets it issued (SEALED-21) are deleted too: a lost phone's links die with it.
   */
  revokeDevice(roomId: string, devicePublicKey: Uint8Array, revokedBy: Uint8Array, now: number): Promise<boolean>;
  setSealed(roomId: string, sealed: boolean): Promise<void>;
  /**
   * Appends entries (possibly for many rooms) in one atomic commit. A snapshot entry is stored
   * first and then marks what it covers as superseded, inside the same transaction, so nothing is
   * superseded before a snapshot covering it is durable. Returns bytes superseded per room.
   */
  appendBatch(entries: readonly AppendEntry[], now: number): Promise<Map<string, number>>;
  /** Highest seq stored for a session in a room, or -1. */
  maxSeqOfSession(roomId: string, sessionId: Uint8Array): Promise<number>;
  findBySessionSeq(roomId: string, sessionId: Uint8Array, seq: number): Promise<StoredEnvelope | null>;
  /** Entries with afterRelaySeq < relaySeq ≤ upToRelaySeq, ascending, at most `limit`. */
  readLog(roomId: string, afterRelaySeq: number, upToRelaySeq: number, limit: number): Promise<StoredEnvelope[]>;
  /** The snapshot with the greatest coverage (ties: greatest relaySeq), or null. */
  newestSnapshot(roomId: string): Promise<StoredEnvelope | null>;
  countAfter(roomId: string, relaySeq: number): Promise<number>;
  /** Erases the room's log, snapshots, devices (revoked ones too), push subscriptions, escrow and admission tickets, and leaves a tombstone. */
  deleteRoom(roomId: string, now: number): Promise<void>;
  /** Physically deletes entries superseded before `supersededBefore`. Returns how many. */
  collectGarbage(supersededBefore: number): Promise<number>;
  close(): Promise<void>;
}
