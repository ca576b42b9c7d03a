/**
 * Everything the relay keeps, behind one interface (the log, snapshots and compaction of
 * PROTOCOL.md §6–§7). Every method is async so a
 * shared engine (PostgreSQL, Redis streams) can implement it for several relay processes later;
 * relaySeq assignment stays in the relay process that owns a room's sockets, and a shared engine
 * would move it into the append transaction (a per-room counter row).
 */
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
  /** Hex of the sender's session id. */
  readonly sessionId: string;
  readonly seq: number;
  readonly envelope: Uint8Array;
  readonly coversRelaySeq: number | null;
  readonly receivedAt: number;
}

export interface RelayStorage {
  getRoom(roomId: string): Promise<RoomRecord | null>;
  /** Creates the room if it does not exist; a no-op otherwise. */
  createRoom(roomId: string, authPublicKey: Uint8Array, now: number): Promise<void>;
  listDevices(roomId: string): Promise<Uint8Array[]>;
  addDevice(roomId: string, devicePublicKey: Uint8Array, now: number): Promise<void>;
  setSealed(roomId: string, sealed: boolean): Promise<void>;
  /**
   * Appends entries (possibly for many rooms) in one atomic commit. A snapshot entry is stored
   * first and then marks what it covers as superseded, inside the same transaction, so nothing is
   * superseded before a snapshot covering it is durable. Returns bytes superseded per room.
   */
  appendBatch(entries: readonly AppendEntry[], now: number): Promise<Map<string, number>>;
  /** Highest seq stored for a session in a room, or -1. */
  maxSeqOfSession(roomId: string, sessionId: string): Promise<number>;
  findBySessionSeq(roomId: string, sessionId: string, seq: number): Promise<StoredEnvelope | null>;
  /** Entries with afterRelaySeq < relaySeq ≤ upToRelaySeq, ascending, at most `limit`. */
  readLog(roomId: string, afterRelaySeq: number, upToRelaySeq: number, limit: number): Promise<StoredEnvelope[]>;
  /** The snapshot with the greatest coverage (ties: greatest relaySeq), or null. */
  newestSnapshot(roomId: string): Promise<StoredEnvelope | null>;
  countAfter(roomId: string, relaySeq: number): Promise<number>;
  /** Erases the room's log, snapshots and devices, and leaves a tombstone. */
  deleteRoom(roomId: string, now: number): Promise<void>;
  /** Physically deletes entries superseded before `supersededBefore`. Returns how many. */
  collectGarbage(supersededBefore: number): Promise<number>;
  close(): Promise<void>;
}
