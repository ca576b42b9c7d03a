import Database from 'better-sqlite3';
import type { AppendEntry, RelayStorage, RoomRecord, StoredEnvelope } from './RelayStorage.ts';

/** NORMAL survives process crashes in WAL mode (the WAL is in the page cache); FULL survives power loss. */
export type SqliteSync = 'NORMAL' | 'FULL';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
  room_id TEXT PRIMARY KEY,
  auth_pk BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  sealed INTEGER NOT NULL DEFAULT 0,
  deleted_at INTEGER
);
CREATE TABLE IF NOT EXISTS devices (
  room_id TEXT NOT NULL,
  device_pk BLOB NOT NULL,
  registered_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, device_pk)
);
CREATE TABLE IF NOT EXISTS envelopes (
  room_id TEXT NOT NULL,
  relay_seq INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  covers INTEGER,
  size INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  superseded_at INTEGER,
  blob BLOB NOT NULL,
  PRIMARY KEY (room_id, relay_seq),
  UNIQUE (room_id, session_id, seq)
);
CREATE INDEX IF NOT EXISTS envelopes_snapshots ON envelopes (room_id, covers) WHERE covers IS NOT NULL;
CREATE INDEX IF NOT EXISTS envelopes_superseded ON envelopes (superseded_at) WHERE superseded_at IS NOT NULL;
`;

interface EnvelopeRow {
  relay_seq: number;
  blob: Buffer;
  covers: number | null;
}

const toStored = (row: EnvelopeRow): StoredEnvelope => ({
  relaySeq: row.relay_seq,
  envelope: new Uint8Array(row.blob.buffer, row.blob.byteOffset, row.blob.byteLength),
  coversRelaySeq: row.covers,
});

/** The embedded default: one file, WAL, grouped commits. better-sqlite3 is synchronous. */
export function createSqliteStorage(options: { path: string; synchronous?: SqliteSync }): RelayStorage {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  const statements = {
    getRoom: db.prepare<[string], { auth_pk: Buffer; sealed: number; deleted_at: number | null }>(
      'SELECT auth_pk, sealed, deleted_at FROM rooms WHERE room_id = ?',
    ),
    roomStats: db.prepare<[string], { max_seq: number | null; bytes: number | null }>(
      'SELECT MAX(relay_seq) AS max_seq, SUM(CASE WHEN superseded_at IS NULL THEN size ELSE 0 END) AS bytes FROM envelopes WHERE room_id = ?',
    ),
    createRoom: db.prepare('INSERT OR IGNORE INTO rooms (room_id, auth_pk, created_at) VALUES (?, ?, ?)'),
    listDevices: db.prepare<[string], { device_pk: Buffer }>('SELECT device_pk FROM devices WHERE room_id = ?'),
    // A deleted room (tombstone) accepts no device and no entry (STORE-11).
    addDevice: db.prepare(
      'INSERT OR IGNORE INTO devices (room_id, device_pk, registered_at) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM rooms WHERE room_id = ? AND deleted_at IS NULL)',
    ),
    isLive: db.prepare<[string], { live: number }>('SELECT 1 AS live FROM rooms WHERE room_id = ? AND deleted_at IS NULL'),
    setSealed: db.prepare('UPDATE rooms SET sealed = ? WHERE room_id = ?'),
    insert: db.prepare(
      'INSERT INTO envelopes (room_id, relay_seq, session_id, seq, covers, size, received_at, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    supersededBytes: db.prepare<[string, number], { bytes: number | null }>(
      'SELECT SUM(size) AS bytes FROM envelopes WHERE room_id = ? AND relay_seq <= ? AND superseded_at IS NULL',
    ),
    supersede: db.prepare('UPDATE envelopes SET superseded_at = ? WHERE room_id = ? AND relay_seq <= ? AND superseded_at IS NULL'),
    maxSeqOfSession: db.prepare<[string, string], { max_seq: number | null }>(
      'SELECT MAX(seq) AS max_seq FROM envelopes WHERE room_id = ? AND session_id = ?',
    ),
    findBySessionSeq: db.prepare<[string, string, number], EnvelopeRow>(
      'SELECT relay_seq, blob, covers FROM envelopes WHERE room_id = ? AND session_id = ? AND seq = ?',
    ),
    readLog: db.prepare<[string, number, number, number], EnvelopeRow>(
      'SELECT relay_seq, blob, covers FROM envelopes WHERE room_id = ? AND relay_seq > ? AND relay_seq <= ? ORDER BY relay_seq LIMIT ?',
    ),
    newestSnapshot: db.prepare<[string], EnvelopeRow>(
      'SELECT relay_seq, blob, covers FROM envelopes WHERE room_id = ? AND covers IS NOT NULL ORDER BY covers DESC, relay_seq DESC LIMIT 1',
    ),
    countAfter: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE room_id = ? AND relay_seq > ?'),
    eraseEnvelopes: db.prepare('DELETE FROM envelopes WHERE room_id = ?'),
    eraseDevices: db.prepare('DELETE FROM devices WHERE room_id = ?'),
    tombstone: db.prepare(
      "INSERT INTO rooms (room_id, auth_pk, created_at, deleted_at) VALUES (?, x'', ?, ?) ON CONFLICT(room_id) DO UPDATE SET deleted_at = excluded.deleted_at, auth_pk = x''",
    ),
    collect: db.prepare('DELETE FROM envelopes WHERE superseded_at IS NOT NULL AND superseded_at < ?'),
  };

  const appendTransaction = db.transaction((entries: readonly AppendEntry[], now: number) => {
    const freed = new Map<string, number>();
    const liveRooms = new Set<string>(); // one check per room per batch, not per row
    for (const entry of entries) {
      if (!liveRooms.has(entry.roomId)) {
        if (statements.isLive.get(entry.roomId) === undefined) throw new Error('room does not exist');
        liveRooms.add(entry.roomId);
      }
      statements.insert.run(
        entry.roomId,
        entry.relaySeq,
        entry.sessionId,
        entry.seq,
        entry.coversRelaySeq,
        entry.envelope.length,
        entry.receivedAt,
        entry.envelope,
      );
      if (entry.coversRelaySeq !== null) {
        const bytes = statements.supersededBytes.get(entry.roomId, entry.coversRelaySeq)?.bytes ?? 0;
        statements.supersede.run(now, entry.roomId, entry.coversRelaySeq);
        freed.set(entry.roomId, (freed.get(entry.roomId) ?? 0) + bytes);
      }
    }
    return freed;
  });

  const deleteTransaction = db.transaction((roomId: string, now: number) => {
    statements.eraseEnvelopes.run(roomId);
    statements.eraseDevices.run(roomId);
    statements.tombstone.run(roomId, now, now);
  });

  return {
    async getRoom(roomId): Promise<RoomRecord | null> {
      const row = statements.getRoom.get(roomId);
      if (row === undefined) return null;
      const stats = statements.roomStats.get(roomId);
      return {
        roomId,
        authPublicKey: new Uint8Array(row.auth_pk),
        sealed: row.sealed === 1,
        deleted: row.deleted_at !== null,
        maxRelaySeq: stats?.max_seq ?? 0,
        bytesUsed: stats?.bytes ?? 0,
      };
    },
    async createRoom(roomId, authPublicKey, now) {
      statements.createRoom.run(roomId, authPublicKey, now);
    },
    async listDevices(roomId) {
      return statements.listDevices.all(roomId).map((row) => new Uint8Array(row.device_pk));
    },
    async addDevice(roomId, devicePublicKey, now) {
      statements.addDevice.run(roomId, devicePublicKey, now, roomId);
    },
    async setSealed(roomId, sealed) {
      statements.setSealed.run(sealed ? 1 : 0, roomId);
    },
    async appendBatch(entries, now) {
      return appendTransaction(entries, now);
    },
    async maxSeqOfSession(roomId, sessionId) {
      return statements.maxSeqOfSession.get(roomId, sessionId)?.max_seq ?? -1;
    },
    async findBySessionSeq(roomId, sessionId, seq) {
      const row = statements.findBySessionSeq.get(roomId, sessionId, seq);
      return row === undefined ? null : toStored(row);
    },
    async readLog(roomId, afterRelaySeq, upToRelaySeq, limit) {
      return statements.readLog.all(roomId, afterRelaySeq, upToRelaySeq, limit).map(toStored);
    },
    async newestSnapshot(roomId) {
      const row = statements.newestSnapshot.get(roomId);
      return row === undefined ? null : toStored(row);
    },
    async countAfter(roomId, relaySeq) {
      return statements.countAfter.get(roomId, relaySeq)?.n ?? 0;
    },
    async deleteRoom(roomId, now) {
      deleteTransaction(roomId, now);
    },
    async collectGarbage(supersededBefore) {
      return statements.collect.run(supersededBefore).changes;
    },
    async close() {
      db.close();
    },
  };
}
