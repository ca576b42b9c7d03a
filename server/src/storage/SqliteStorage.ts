import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { MAX_LIVE_TICKETS_PER_ROOM } from './AdmissionTicketStorage.ts';
import { migrateSqliteSchema } from './migrateSqliteSchema.ts';
import { planSequencedCommit, type RoomCounters, type StoredIdentity } from './planSequencedCommit.ts';
import type { DepositOutcome, EscrowDeposit, EscrowRelease } from './EscrowStorage.ts';
import type { VapidKeys } from './PushStorage.ts';
import type { AppendEntry, RelayStorage, RoomRecord, SequencedCommit, SequencedWrite } from './RelayStorage.ts';
import { toStored, type EnvelopeRow } from './envelopeRow.ts';
import { readRoomHeadsOneByOne } from './readRoomHeadsOneByOne.ts';

/** NORMAL survives process crashes in WAL mode (the WAL is in the page cache); FULL survives power loss. */
export type SqliteSync = 'NORMAL' | 'FULL';

/** escrow_deposits.kind */
const ESCROW_ANSWER = 1;
const ESCROW_DECLINE = 2;

/** The relay_settings row holding the VAPID key pair (JSON). */
const VAPID_SETTING = 'vapid';

/** Room ids → integer keys kept in memory; beyond this many the oldest is forgotten (and re-read). */
const ROOM_KEY_CACHE_SIZE = 50_000;


/** The embedded default: one file, WAL, grouped commits. better-sqlite3 is synchronous. */
export function createSqliteStorage(options: { path: string; synchronous?: SqliteSync }): RelayStorage {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  migrateSqliteSchema(db);
  db.function('seen_sha256', { deterministic: true }, (blob: unknown) => createHash('sha256').update(blob as Buffer).digest());

  const statements = {
    roomKey: db.prepare<[string], { id: number }>('SELECT id FROM rooms WHERE room_id = ?'),
    getRoom: db.prepare<[number], { auth_pk: Buffer; sealed: number; deleted_at: number | null }>(
      'SELECT auth_pk, sealed, deleted_at FROM rooms WHERE id = ?',
    ),
    // Every entry at or below the greatest snapshot coverage is superseded, so the unsuperseded
    // bytes are the tail after it: a short range read, never a scan of the whole log.
    maxCovers: db.prepare<[number], { covers: number | null }>(
      'SELECT MAX(covers) AS covers FROM envelopes WHERE room = ? AND covers IS NOT NULL',
    ),
    maxRelaySeq: db.prepare<[number], { max_seq: number | null }>('SELECT MAX(relay_seq) AS max_seq FROM envelopes WHERE room = ?'),
    bytesAfter: db.prepare<[number, number], { bytes: number | null }>(
      'SELECT SUM(size) AS bytes FROM envelopes WHERE room = ? AND relay_seq > ? AND superseded_at IS NULL',
    ),
    createRoom: db.prepare('INSERT OR IGNORE INTO rooms (room_id, auth_pk, created_at) VALUES (?, ?, ?)'),
    listDevices: db.prepare<[number], { device_pk: Buffer }>('SELECT device_pk FROM devices WHERE room = ? AND revoked_at IS NULL'),
    listRevokedDevices: db.prepare<[number], { device_pk: Buffer }>('SELECT device_pk FROM devices WHERE room = ? AND revoked_at IS NOT NULL'),
    isActiveDevice: db.prepare<[number, Buffer], { active: number }>('SELECT 1 AS active FROM devices WHERE room = ? AND device_pk = ? AND revoked_at IS NULL'),
    // The row stays (revoked_at set), so INSERT OR IGNORE in addDevice can never register it again.
    revokeDevice: db.prepare('UPDATE devices SET revoked_at = ? WHERE room = ? AND device_pk = ? AND revoked_at IS NULL'),
    eraseBoxesTo: db.prepare('DELETE FROM escrow_boxes WHERE room = ? AND recipient = ?'),
    // A deleted room (tombstone) accepts no device and no entry (STORE-11).
    addDevice: db.prepare(
      'INSERT OR IGNORE INTO devices (room, device_pk, registered_at) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM rooms WHERE id = ? AND deleted_at IS NULL)',
    ),
    isLive: db.prepare<[number], { live: number }>('SELECT 1 AS live FROM rooms WHERE id = ? AND deleted_at IS NULL'),
    setSealed: db.prepare('UPDATE rooms SET sealed = ? WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO envelopes (room, relay_seq, session, seq, covers, size, received_at, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    supersededBytes: db.prepare<[number, number], { bytes: number | null }>(
      'SELECT SUM(size) AS bytes FROM envelopes WHERE room = ? AND relay_seq <= ? AND superseded_at IS NULL',
    ),
    supersede: db.prepare('UPDATE envelopes SET superseded_at = ? WHERE room = ? AND relay_seq <= ? AND superseded_at IS NULL'),
    maxSeqOfSession: db.prepare<[number, Buffer], { max_seq: number | null }>(
      'SELECT MAX(seq) AS max_seq FROM envelopes WHERE room = ? AND session = ?',
    ),
    findBySessionSeq: db.prepare<[number, Buffer, number], EnvelopeRow>(
      'SELECT relay_seq, blob, covers FROM envelopes WHERE room = ? AND session = ? AND seq = ?',
    ),
    readLog: db.prepare<[number, number, number, number], EnvelopeRow>(
      'SELECT relay_seq, blob, covers FROM envelopes WHERE room = ? AND relay_seq > ? AND relay_seq <= ? ORDER BY relay_seq LIMIT ?',
    ),
    newestSnapshot: db.prepare<[number], EnvelopeRow>(
      'SELECT relay_seq, blob, covers FROM envelopes WHERE room = ? AND covers IS NOT NULL ORDER BY covers DESC, relay_seq DESC LIMIT 1',
    ),
    countAfter: db.prepare<[number, number], { n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE room = ? AND relay_seq > ?'),
    eraseEnvelopes: db.prepare('DELETE FROM envelopes WHERE room = ?'),
    eraseDevices: db.prepare('DELETE FROM devices WHERE room = ?'),
    tombstone: db.prepare(
      "INSERT INTO rooms (room_id, auth_pk, created_at, deleted_at) VALUES (?, x'', ?, ?) ON CONFLICT(room_id) DO UPDATE SET deleted_at = excluded.deleted_at, auth_pk = x''",
    ),
    keepCompacted: db.prepare(
      'INSERT OR IGNORE INTO compacted (room, session, seq, relay_seq, digest) SELECT room, session, seq, relay_seq, seen_sha256(blob) FROM envelopes WHERE superseded_at IS NOT NULL AND superseded_at < ?',
    ),
    collect: db.prepare('DELETE FROM envelopes WHERE superseded_at IS NOT NULL AND superseded_at < ?'),
    findCompacted: db.prepare<[number, Buffer, number], { relay_seq: number; digest: Buffer }>(
      'SELECT relay_seq, digest FROM compacted WHERE room = ? AND session = ? AND seq = ?',
    ),
    eraseCompacted: db.prepare('DELETE FROM compacted WHERE room = ?'),
    readSetting: db.prepare<[string], { value: string }>('SELECT value FROM relay_settings WHERE name = ?'),
    claimSetting: db.prepare('INSERT OR IGNORE INTO relay_settings (name, value) VALUES (?, ?)'),
    savePush: db.prepare(
      `INSERT OR REPLACE INTO push_subscriptions (room, device_pk, endpoint, p256dh, auth, created_at) SELECT @room, @device, @endpoint, @p256dh, @auth, @now
        WHERE EXISTS (SELECT 1 FROM rooms WHERE id = @room AND deleted_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM devices WHERE room = @room AND device_pk = @device AND revoked_at IS NOT NULL)`,
    ),
    removePush: db.prepare('DELETE FROM push_subscriptions WHERE room = ? AND device_pk = ?'),
    removePushIfEndpoint: db.prepare('DELETE FROM push_subscriptions WHERE room = ? AND device_pk = ? AND endpoint = ?'),
    listPush: db.prepare<[number], { device_pk: Buffer; endpoint: string; p256dh: Buffer; auth: Buffer }>(
      'SELECT device_pk, endpoint, p256dh, auth FROM push_subscriptions WHERE room = ?',
    ),
    erasePush: db.prepare('DELETE FROM push_subscriptions WHERE room = ?'),
    findDeposit: db.prepare<[number, Buffer, Buffer], { kind: number; record: Buffer }>('SELECT kind, record FROM escrow_deposits WHERE room = ? AND slot = ? AND depositor = ?'),
    insertDeposit: db.prepare('INSERT INTO escrow_deposits (room, slot, depositor, kind, record, deposited_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    // A box for a revoked device is dropped (SEALED-19): the rest of the deposit is stored as usual.
    insertBox: db.prepare(
      `INSERT OR IGNORE INTO escrow_boxes (room, slot, recipient, depositor, box) SELECT @room, @slot, @recipient, @depositor, @box
        WHERE NOT EXISTS (SELECT 1 FROM devices WHERE room = @room AND device_pk = @recipient AND revoked_at IS NOT NULL)`,
    ),
    // Every other answer in the slot with its box to this device (or none), only while this device's
    // own answer deposit is there (ESCROW-11).
    releases: db.prepare<[{ room: number; slot: Buffer; device: Buffer }], { depositor: Buffer; record: Buffer; box: Buffer | null }>(
      `SELECT d.depositor, d.record, b.box FROM escrow_deposits d
         LEFT JOIN escrow_boxes b ON b.room = d.room AND b.slot = d.slot AND b.depositor = d.depositor AND b.recipient = @device
       WHERE d.room = @room AND d.slot = @slot AND d.kind = ${ESCROW_ANSWER} AND d.depositor <> @device
         AND EXISTS (SELECT 1 FROM escrow_deposits own WHERE own.room = @room AND own.slot = @slot AND own.depositor = @device AND own.kind = ${ESCROW_ANSWER})
       ORDER BY d.depositor`,
    ),
    expireBoxes: db.prepare(
      'DELETE FROM escrow_boxes WHERE EXISTS (SELECT 1 FROM escrow_deposits d WHERE d.room = escrow_boxes.room AND d.slot = escrow_boxes.slot AND d.depositor = escrow_boxes.depositor AND d.expires_at <= ?)',
    ),
    expireDeposits: db.prepare('DELETE FROM escrow_deposits WHERE expires_at <= ?'),
    eraseDeposits: db.prepare('DELETE FROM escrow_deposits WHERE room = ?'),
    hasTicket: db.prepare<[number, Buffer], { found: number }>('SELECT 1 AS found FROM admission_tickets WHERE room = ? AND ticket_hash = ?'),
    expireTicketsOf: db.prepare('DELETE FROM admission_tickets WHERE room = ? AND expires_at <= ?'),
    // Beyond the cap the oldest give way (issued in the same millisecond: the smaller hash).
    dropOldestTickets: db.prepare(
      `DELETE FROM admission_tickets WHERE room = @room AND ticket_hash IN (
         SELECT ticket_hash FROM admission_tickets WHERE room = @room ORDER BY issued_at DESC, ticket_hash DESC LIMIT -1 OFFSET @keep)`,
    ),
    insertTicket: db.prepare('INSERT INTO admission_tickets (room, ticket_hash, issued_by, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    consumeTicket: db.prepare('DELETE FROM admission_tickets WHERE room = ? AND ticket_hash = ? AND expires_at > ?'),
    expireTickets: db.prepare('DELETE FROM admission_tickets WHERE expires_at <= ?'),
    eraseTicketsBy: db.prepare('DELETE FROM admission_tickets WHERE room = ? AND issued_by = ?'),
    eraseTickets: db.prepare('DELETE FROM admission_tickets WHERE room = ?'),
    eraseBoxes: db.prepare('DELETE FROM escrow_boxes WHERE room = ?'),
  };

  // A room's key never changes once assigned (a tombstone keeps its row), so caching is safe.
  const roomKeys = new Map<string, number>();
  const keyOf = (roomId: string): number | null => {
    const cached = roomKeys.get(roomId);
    if (cached !== undefined) return cached;
    const row = statements.roomKey.get(roomId);
    if (row === undefined) return null;
    if (roomKeys.size >= ROOM_KEY_CACHE_SIZE) roomKeys.delete(roomKeys.keys().next().value!);
    roomKeys.set(roomId, row.id);
    return row.id;
  };
  /** A view, not a copy: better-sqlite3 binds Buffers as BLOBs. */
  const sessionBytes = (session: Uint8Array): Buffer => Buffer.from(session.buffer, session.byteOffset, session.byteLength);

  const appendTransaction = db.transaction((entries: readonly AppendEntry[], now: number) => {
    const freed = new Map<string, number>();
    const liveRooms = new Map<string, number>(); // one check per room per batch, not per row
    for (const entry of entries) {
      let room = liveRooms.get(entry.roomId);
      if (room === undefined) {
        const key = keyOf(entry.roomId);
        if (key === null || statements.isLive.get(key) === undefined) throw new Error('room does not exist');
        liveRooms.set(entry.roomId, key);
        room = key;
      }
      statements.insert.run(
        room,
        entry.relaySeq,
        sessionBytes(entry.sessionId),
        entry.seq,
        entry.coversRelaySeq,
        entry.envelope.length,
        entry.receivedAt,
        entry.envelope,
      );
      if (entry.coversRelaySeq !== null) freed.set(entry.roomId, (freed.get(entry.roomId) ?? 0) + supersede(room, entry.coversRelaySeq, now));
    }
    return freed;
  });

  const usedBytesOf = (room: number): number => statements.bytesAfter.get(room, statements.maxCovers.get(room)?.covers ?? 0)?.bytes ?? 0;
  const supersede = (room: number, covers: number, now: number): number => {
    const bytes = statements.supersededBytes.get(room, covers)?.bytes ?? 0;
    statements.supersede.run(now, room, covers);
    return bytes;
  };

  const sequencedTransaction = db.transaction((writes: readonly SequencedWrite[], quotaBytes: number, now: number): SequencedCommit => {
    const roomKeysOfBatch = new Map<string, number>();
    const roomOf = (roomId: string): RoomCounters => {
      const room = keyOf(roomId);
      if (room === null || statements.isLive.get(room) === undefined) return { live: false, nextRelaySeq: 1, usedBytes: 0 };
      roomKeysOfBatch.set(roomId, room);
      return { live: true, nextRelaySeq: (statements.maxRelaySeq.get(room)?.max_seq ?? 0) + 1, usedBytes: usedBytesOf(room) };
    };
    const findStored = (write: SequencedWrite): StoredIdentity | null => {
      const room = roomKeysOfBatch.get(write.roomId)!;
      const session = sessionBytes(write.sessionId);
      const row = statements.findBySessionSeq.get(room, session, write.seq);
      if (row !== undefined) return { relaySeq: row.relay_seq, sameBytes: row.blob.equals(write.envelope) };
      const erased = statements.findCompacted.get(room, session, write.seq);
      return erased === undefined ? null : { relaySeq: erased.relay_seq, sameBytes: erased.digest.equals(createHash('sha256').update(write.envelope).digest()) };
    };
    const plan = planSequencedCommit(writes, quotaBytes, roomOf, findStored);
    const freedBytesByRoom = new Map<string, number>();
    for (const [roomId, planned] of plan.rooms) {
      const room = roomKeysOfBatch.get(roomId)!;
      for (const { write, relaySeq } of planned.rows) {
        statements.insert.run(room, relaySeq, sessionBytes(write.sessionId), write.seq, write.coversRelaySeq, write.envelope.length, write.receivedAt, write.envelope);
      }
      let freed = 0;
      for (const { write } of planned.rows) if (write.coversRelaySeq !== null) freed += supersede(room, write.coversRelaySeq, now);
      if (freed > 0) freedBytesByRoom.set(roomId, freed);
    }
    return { outcomes: plan.outcomes, freedBytesByRoom };
  });

  const collectTransaction = db.transaction((supersededBefore: number): number => {
    statements.keepCompacted.run(supersededBefore);
    return statements.collect.run(supersededBefore).changes;
  });

  const deleteTransaction = db.transaction((roomId: string, now: number) => {
    const room = keyOf(roomId);
    if (room !== null) {
      statements.eraseEnvelopes.run(room);
      statements.eraseDevices.run(room);
      statements.eraseCompacted.run(room);
      statements.erasePush.run(room);
      statements.eraseDeposits.run(room);
      statements.eraseBoxes.run(room);
      statements.eraseTickets.run(room);
    }
    statements.tombstone.run(roomId, now, now);
  });

  const releasesOf = (room: number, slot: Buffer, device: Buffer): EscrowRelease[] =>
    statements.releases.all({ room, slot, device }).map((row) => ({ depositor: new Uint8Array(row.depositor), record: new Uint8Array(row.record), box: row.box ? new Uint8Array(row.box) : new Uint8Array(0) }));

  // One transaction, and SQLite has one writer: a deposit and its releases are one atomic step.
  const depositTransaction = db.transaction((deposit: EscrowDeposit, now: number): DepositOutcome => {
    const room = keyOf(deposit.roomId);
    if (room === null || statements.isLive.get(room) === undefined) return { kind: 'deleted' };
    const slot = sessionBytes(deposit.slotTag);
    const depositor = sessionBytes(deposit.depositor);
    const kind = deposit.kind === 'answer' ? ESCROW_ANSWER : ESCROW_DECLINE;
    const existing = statements.findDeposit.get(room, slot, depositor);
    if (existing !== undefined && (existing.kind !== kind || !existing.record.equals(deposit.record))) return { kind: 'conflict' };
    if (existing === undefined) {
      statements.insertDeposit.run(room, slot, depositor, kind, deposit.record, now, deposit.expiresAt);
      if (kind === ESCROW_ANSWER) for (const box of deposit.boxes) statements.insertBox.run({ room, slot, recipient: sessionBytes(box.recipient), depositor, box: sessionBytes(box.box) });
    }
    return { kind: existing === undefined ? 'stored' : 'duplicate', releases: releasesOf(room, slot, depositor) };
  });
  const revokeTransaction = db.transaction((roomId: string, device: Buffer, by: Buffer, now: number): boolean => {
    const room = keyOf(roomId);
    if (room === null || statements.isLive.get(room) === undefined || device.equals(by)) return false;
    if (statements.isActiveDevice.get(room, by) === undefined) return false;
    if (statements.revokeDevice.run(now, room, device).changes === 0) return false;
    statements.eraseBoxesTo.run(room, device);
    statements.removePush.run(room, device);
    statements.eraseTicketsBy.run(room, device);
    return true;
  });
  const addTicketTransaction = db.transaction((roomId: string, hash: Buffer, issuer: Buffer, now: number, expiresAt: number): boolean => {
    const room = keyOf(roomId);
    if (room === null || statements.isLive.get(room) === undefined || statements.isActiveDevice.get(room, issuer) === undefined) return false;
    statements.expireTicketsOf.run(room, now);
    if (statements.hasTicket.get(room, hash) !== undefined) return true;
    statements.dropOldestTickets.run({ room, keep: MAX_LIVE_TICKETS_PER_ROOM - 1 });
    statements.insertTicket.run(room, hash, issuer, now, expiresAt);
    return true;
  });
  const expireTransaction = db.transaction((now: number): number => {
    statements.expireBoxes.run(now);
    return statements.expireDeposits.run(now).changes;
  });

  const storage: RelayStorage = {
    // One relay per file: the relay numbers envelopes itself and commits them with appendBatch.
    sharedSequencing: false,
    async commitSequenced(writes, quotaBytes, now) {
      return sequencedTransaction(writes, quotaBytes, now);
    },
    readRoomHeads(roomIds) {
      return readRoomHeadsOneByOne(storage, roomIds);
    },
    async getRoom(roomId): Promise<RoomRecord | null> {
      const room = keyOf(roomId);
      const row = room === null ? undefined : statements.getRoom.get(room);
      if (room === null || row === undefined) return null;
      return {
        roomId,
        authPublicKey: new Uint8Array(row.auth_pk),
        sealed: row.sealed === 1,
        deleted: row.deleted_at !== null,
        maxRelaySeq: statements.maxRelaySeq.get(room)?.max_seq ?? 0,
        bytesUsed: usedBytesOf(room),
      };
    },
    async createRoom(roomId, authPublicKey, now) {
      statements.createRoom.run(roomId, authPublicKey, now);
    },
    async listDevices(roomId) {
      const room = keyOf(roomId);
      return room === null ? [] : statements.listDevices.all(room).map((row) => new Uint8Array(row.device_pk));
    },
    async listRevokedDevices(roomId) {
      const room = keyOf(roomId);
      return room === null ? [] : statements.listRevokedDevices.all(room).map((row) => new Uint8Array(row.device_pk));
    },
    async addDevice(roomId, devicePublicKey, now) {
      const room = keyOf(roomId);
      if (room !== null) statements.addDevice.run(room, devicePublicKey, now, room);
    },
    async revokeDevice(roomId, devicePublicKey, revokedBy, now) {
      return revokeTransaction(roomId, sessionBytes(devicePublicKey), sessionBytes(revokedBy), now);
    },
    async setSealed(roomId, sealed) {
      const room = keyOf(roomId);
      if (room !== null) statements.setSealed.run(sealed ? 1 : 0, room);
    },
    async appendBatch(entries, now) {
      return appendTransaction(entries, now);
    },
    async maxSeqOfSession(roomId, sessionId) {
      const room = keyOf(roomId);
      return room === null ? -1 : (statements.maxSeqOfSession.get(room, sessionBytes(sessionId))?.max_seq ?? -1);
    },
    async findBySessionSeq(roomId, sessionId, seq) {
      const room = keyOf(roomId);
      const row = room === null ? undefined : statements.findBySessionSeq.get(room, sessionBytes(sessionId), seq);
      return row === undefined ? null : toStored(row);
    },
    async readLog(roomId, afterRelaySeq, upToRelaySeq, limit) {
      const room = keyOf(roomId);
      return room === null ? [] : statements.readLog.all(room, afterRelaySeq, upToRelaySeq, limit).map(toStored);
    },
    async newestSnapshot(roomId) {
      const room = keyOf(roomId);
      const row = room === null ? undefined : statements.newestSnapshot.get(room);
      return row === undefined ? null : toStored(row);
    },
    async countAfter(roomId, relaySeq) {
      const room = keyOf(roomId);
      return room === null ? 0 : (statements.countAfter.get(room, relaySeq)?.n ?? 0);
    },
    async claimVapidKeys(candidate) {
      statements.claimSetting.run(VAPID_SETTING, JSON.stringify(candidate));
      return JSON.parse(statements.readSetting.get(VAPID_SETTING)!.value) as VapidKeys;
    },
    async savePushSubscription(roomId, subscription, now) {
      const room = keyOf(roomId);
      if (room === null) return;
      const { devicePublicKey, endpoint, p256dh, auth } = subscription;
      statements.savePush.run({ room, device: sessionBytes(devicePublicKey), endpoint, p256dh: sessionBytes(p256dh), auth: sessionBytes(auth), now });
    },
    async removePushSubscription(roomId, devicePublicKey, endpoint) {
      const room = keyOf(roomId);
      if (room === null) return false;
      const result = endpoint === undefined ? statements.removePush.run(room, devicePublicKey) : statements.removePushIfEndpoint.run(room, devicePublicKey, endpoint);
      return result.changes > 0;
    },
    async listPushSubscriptions(roomId) {
      const room = keyOf(roomId);
      if (room === null || statements.isLive.get(room) === undefined) return [];
      return statements.listPush.all(room).map((row) => ({
        devicePublicKey: new Uint8Array(row.device_pk),
        endpoint: row.endpoint,
        p256dh: new Uint8Array(row.p256dh),
        auth: new Uint8Array(row.auth),
      }));
    },
    async depositEscrow(deposit, now) {
      return depositTransaction(deposit, now);
    },
    async readEscrowReleases(roomId, slotTag, device) {
      const room = keyOf(roomId);
      if (room === null || statements.isLive.get(room) === undefined) return [];
      return releasesOf(room, sessionBytes(slotTag), sessionBytes(device));
    },
    async expireEscrow(now) {
      return expireTransaction(now);
    },
    async addAdmissionTicket(roomId, ticketHash, issuedBy, now, expiresAt) {
      return addTicketTransaction(roomId, sessionBytes(ticketHash), sessionBytes(issuedBy), now, expiresAt);
    },
    async consumeAdmissionTicket(roomId, ticketHash, now) {
      // One statement, and SQLite has one writer: of two handshakes with one ticket, one deletes it.
      const room = keyOf(roomId);
      if (room === null || statements.isLive.get(room) === undefined) return false;
      return statements.consumeTicket.run(room, sessionBytes(ticketHash), now).changes > 0;
    },
    async expireAdmissionTickets(now) {
      return statements.expireTickets.run(now).changes;
    },
    async deleteRoom(roomId, now) {
      deleteTransaction(roomId, now);
    },
    async collectGarbage(supersededBefore) {
      return collectTransaction(supersededBefore);
    },
    async close() {
      db.close();
    },
  };
  return storage;
}
