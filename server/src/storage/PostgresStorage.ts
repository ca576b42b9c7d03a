import pg from 'pg';
import { createLogger, type Logger } from '../log.ts';
import { MAX_LIVE_TICKETS_PER_ROOM } from './AdmissionTicketStorage.ts';
import { migratePostgresSchema, OUTCOME_CODE } from './migratePostgresSchema.ts';
import type { DepositOutcome, EscrowRelease } from './EscrowStorage.ts';
import type { VapidKeys } from './PushStorage.ts';
import type { AppendEntry, RelayStorage, RoomRecord, SequencedCommit, SequencedOutcome } from './RelayStorage.ts';
import { toStored, type EnvelopeRow } from './envelopeRow.ts';

/** Connections per relay: commits are short, and a few in flight keep the disk's flushes full. */
const DEFAULT_POOL_SIZE = 10;

type TypeId = Parameters<typeof pg.types.getTypeParser>[0];
const INT8_OID = pg.types.builtins.INT8;
/** Not in pg-types' list of builtins (which names only scalar types). */
const INT8_ARRAY_OID = 1016;
/**
 * relaySeqs, sizes and times are bigint columns; every value this relay writes stays far below
 * 2^53, so they come back as numbers instead of pg's default strings. Scoped to this pool.
 */
const numericTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    if (oid === INT8_ARRAY_OID && format !== 'binary') {
      const parseArray = pg.types.getTypeParser(INT8_ARRAY_OID as TypeId, 'text') as (value: string) => (string | null)[];
      return (value: string) => parseArray(value).map((item) => (item === null ? null : Number(item)));
    }
    return pg.types.getTypeParser(oid as TypeId, format ?? 'text') as (value: string) => unknown;
  },
};

const CODE_TO_KIND = new Map<number, SequencedOutcome['kind']>(Object.entries(OUTCOME_CODE).map(([kind, code]) => [code, kind as SequencedOutcome['kind']]));


/** A view, not a copy: pg sends Buffers as bytea. */
const bufferOf = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** escrow_deposits.kind (the releases query spells the answer kind out as 1). */
const ESCROW_ANSWER = 1;
const ESCROW_DECLINE = 2;
const toRelease = (row: { depositor: Buffer; record: Buffer; box: Buffer | null }): EscrowRelease => ({
  depositor: new Uint8Array(row.depositor),
  record: new Uint8Array(row.record),
  box: row.box ? new Uint8Array(row.box) : new Uint8Array(0),
});

/** The relay_settings row holding the VAPID key pair (JSON), shared by every relay. */
const VAPID_SETTING = 'vapid';

const ROOM_KEY = '(SELECT id FROM rooms WHERE room_id = $1)';
const LIVE_ROOM_KEY = '(SELECT id FROM rooms WHERE room_id = $1 AND deleted_at IS NULL)';

const SQL = {
  getRoom: 'SELECT auth_pk, sealed, deleted_at, next_seq, used_bytes FROM rooms WHERE room_id = $1',
  readRoomHeads: `SELECT r.room_id, r.next_seq - 1 AS head, r.sealed, r.deleted_at IS NOT NULL AS deleted,
      (SELECT count(*) FROM devices d WHERE d.room = r.id AND d.revoked_at IS NULL)::integer AS device_count,
      (SELECT count(*) FROM devices d WHERE d.room = r.id AND d.revoked_at IS NOT NULL)::integer AS revoked_count
    FROM rooms r WHERE r.room_id = ANY ($1)`,
  createRoom: 'INSERT INTO rooms (room_id, auth_pk, created_at) VALUES ($1, $2, $3) ON CONFLICT (room_id) DO NOTHING',
  listDevices: `SELECT device_pk FROM devices WHERE room = ${LIVE_ROOM_KEY} AND revoked_at IS NULL`,
  listRevokedDevices: `SELECT device_pk FROM devices WHERE room = ${LIVE_ROOM_KEY} AND revoked_at IS NOT NULL`,
  // FOR NO KEY UPDATE waits for escrow deposits and push subscriptions in flight (they hold the row
  // FOR SHARE) and makes later ones wait for this revocation: a box or subscription for the device
  // is either erased below or, arriving after, sees it revoked and is dropped.
  lockLiveRoom: 'SELECT id FROM rooms WHERE room_id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE',
  // The row stays (revoked_at set), so addDevice's ON CONFLICT DO NOTHING never registers it again.
  // Only an active device other than this one may revoke it.
  revokeDevice: `UPDATE devices SET revoked_at = $4 WHERE room = $1 AND device_pk = $2 AND revoked_at IS NULL
    AND $2::bytea <> $3::bytea AND EXISTS (SELECT 1 FROM devices AS revoker WHERE revoker.room = $1 AND revoker.device_pk = $3 AND revoker.revoked_at IS NULL)`,
  eraseBoxesTo: 'DELETE FROM escrow_boxes WHERE room = $1 AND recipient = $2',
  erasePushOf: 'DELETE FROM push_subscriptions WHERE room = $1 AND device_pk = $2',
  // FOR SHARE waits for a deletion in progress and then sees its tombstone (STORE-11).
  addDevice:
    'INSERT INTO devices (room, device_pk, registered_at) SELECT id, $2, $3 FROM rooms WHERE room_id = $1 AND deleted_at IS NULL FOR SHARE ON CONFLICT DO NOTHING',
  setSealed: 'UPDATE rooms SET sealed = $2 WHERE room_id = $1',
  // Session ids and envelopes travel concatenated, each one binary parameter, with their sizes.
  commitSequenced: 'SELECT kinds, relay_seqs, freed_rooms, freed_bytes FROM seen_commit_sequenced($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
  lockRooms: 'SELECT id, room_id FROM rooms WHERE room_id = ANY ($1) AND deleted_at IS NULL ORDER BY room_id FOR UPDATE',
  insertEntries: `INSERT INTO envelopes (room, relay_seq, session, seq, covers, size, received_at, blob)
    SELECT w.room, w.relay_seq, w.session, w.seq, w.covers, octet_length(w.blob), w.received, w.blob
    FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bytea[])
      AS w(room, relay_seq, session, seq, covers, received, blob)`,
  supersede: `WITH superseded AS (
      UPDATE envelopes SET superseded_at = $3 WHERE room = $1 AND relay_seq <= $2 AND superseded_at IS NULL RETURNING size
    ) SELECT coalesce(sum(size), 0)::bigint AS bytes FROM superseded`,
  advanceRoom: 'UPDATE rooms SET next_seq = greatest(next_seq, $2::bigint + 1), used_bytes = used_bytes + $3 - $4 WHERE id = $1',
  maxSeqOfSession: `SELECT max(seq) AS max_seq FROM envelopes WHERE room = ${LIVE_ROOM_KEY} AND session = $2`,
  findBySessionSeq: `SELECT relay_seq, blob, covers FROM envelopes WHERE room = ${LIVE_ROOM_KEY} AND session = $2 AND seq = $3`,
  readLog: `SELECT relay_seq, blob, covers FROM envelopes WHERE room = ${ROOM_KEY} AND relay_seq > $2 AND relay_seq <= $3 ORDER BY relay_seq LIMIT $4`,
  newestSnapshot: `SELECT relay_seq, blob, covers FROM envelopes WHERE room = ${ROOM_KEY} AND covers IS NOT NULL ORDER BY covers DESC, relay_seq DESC LIMIT 1`,
  countAfter: `SELECT count(*)::bigint AS n FROM envelopes WHERE room = ${ROOM_KEY} AND relay_seq > $2`,
  // Takes the room's row lock, so it waits for commits in flight and later ones see the tombstone.
  tombstone: `INSERT INTO rooms (room_id, auth_pk, created_at, deleted_at) VALUES ($1, '\\x', $2, $2)
    ON CONFLICT (room_id) DO UPDATE SET deleted_at = excluded.deleted_at, auth_pk = '\\x', next_seq = 1, used_bytes = 0
    RETURNING id`,
  eraseEnvelopes: 'DELETE FROM envelopes WHERE room = $1',
  eraseDevices: 'DELETE FROM devices WHERE room = $1',
  eraseCompacted: 'DELETE FROM compacted WHERE room = $1',
  erasePush: 'DELETE FROM push_subscriptions WHERE room = $1',
  // The first relay to store a key pair wins; every later claim reads that one back.
  claimSetting: `WITH claimed AS (
      INSERT INTO relay_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value
    ) SELECT value FROM claimed UNION ALL SELECT value FROM relay_settings WHERE name = $1 LIMIT 1`,
  readSetting: 'SELECT value FROM relay_settings WHERE name = $1',
  // FOR SHARE, as addDevice: a deletion in progress finishes first, and its tombstone refuses this.
  savePush: `INSERT INTO push_subscriptions (room, device_pk, endpoint, p256dh, auth, created_at)
    SELECT id, $2, $3, $4, $5, $6 FROM rooms WHERE room_id = $1 AND deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.room = rooms.id AND d.device_pk = $2 AND d.revoked_at IS NOT NULL) FOR SHARE
    ON CONFLICT (room, device_pk) DO UPDATE SET endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at`,
  removePush: `DELETE FROM push_subscriptions WHERE room = ${ROOM_KEY} AND device_pk = $2 AND ($3::text IS NULL OR endpoint = $3)`,
  // Deposits in one slot take turns (a transaction-scoped lock on the slot), so of two devices
  // depositing at once the second always sees the first's box.
  lockSlot: "SELECT pg_advisory_xact_lock(hashtextextended($1 || encode($2, 'hex'), 0))",
  liveRoomId: 'SELECT id FROM rooms WHERE room_id = $1 AND deleted_at IS NULL FOR SHARE',
  findDeposit: 'SELECT kind, record FROM escrow_deposits WHERE room = $1 AND slot = $2 AND depositor = $3',
  insertDeposit: 'INSERT INTO escrow_deposits (room, slot, depositor, kind, record, deposited_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
  // A box for a revoked device is dropped (SEALED-19): the rest of the deposit is stored as usual.
  insertBoxes: `INSERT INTO escrow_boxes (room, slot, recipient, depositor, box)
    SELECT $1, $2, b.recipient, $3, b.box FROM unnest($4::bytea[], $5::bytea[]) AS b(recipient, box)
    WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.room = $1 AND d.device_pk = b.recipient AND d.revoked_at IS NOT NULL)
    ON CONFLICT DO NOTHING`,
  // Every other answer in the slot with its box to this device (or none), only while this device's
  // own answer deposit is there (ESCROW-11).
  releases: `SELECT d.depositor, d.record, b.box FROM escrow_deposits d
      LEFT JOIN escrow_boxes b ON b.room = d.room AND b.slot = d.slot AND b.depositor = d.depositor AND b.recipient = $3
    WHERE d.room = $1 AND d.slot = $2 AND d.kind = 1 AND d.depositor <> $3
      AND EXISTS (SELECT 1 FROM escrow_deposits own WHERE own.room = $1 AND own.slot = $2 AND own.depositor = $3 AND own.kind = 1)
    ORDER BY d.depositor`,
  expire: `WITH gone AS (DELETE FROM escrow_deposits WHERE expires_at <= $1 RETURNING room, slot, depositor),
      boxes AS (DELETE FROM escrow_boxes b USING gone WHERE b.room = gone.room AND b.slot = gone.slot AND b.depositor = gone.depositor)
    SELECT count(*)::bigint AS n FROM gone`,
  eraseDeposits: 'DELETE FROM escrow_deposits WHERE room = $1',
  // Tickets of one room are added in turns (a transaction-scoped lock; PUT commits never wait for
  // it), so two relays adding at once cannot both fill the last place.
  lockTickets: "SELECT pg_advisory_xact_lock(hashtextextended('seen/admission-tickets/' || $1, 0))",
  isActiveDevice: 'SELECT 1 AS active FROM devices WHERE room = $1 AND device_pk = $2 AND revoked_at IS NULL',
  expireTicketsOf: 'DELETE FROM admission_tickets WHERE room = $1 AND expires_at <= $2',
  hasTicket: 'SELECT 1 AS found FROM admission_tickets WHERE room = $1 AND ticket_hash = $2',
  // Beyond the cap the oldest give way (issued in the same millisecond: the smaller hash).
  dropOldestTickets: `DELETE FROM admission_tickets WHERE room = $1 AND ticket_hash IN (
      SELECT ticket_hash FROM admission_tickets WHERE room = $1 ORDER BY issued_at DESC, ticket_hash DESC OFFSET $2)`,
  insertTicket: 'INSERT INTO admission_tickets (room, ticket_hash, issued_by, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
  // The row lock of DELETE makes a second relay consuming the same ticket wait, then find it gone:
  // exactly one handshake gets the row back.
  consumeTicket: `DELETE FROM admission_tickets WHERE room = ${LIVE_ROOM_KEY} AND ticket_hash = $2 AND expires_at > $3 RETURNING 1 AS used`,
  expireTickets: 'WITH gone AS (DELETE FROM admission_tickets WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::bigint AS n FROM gone',
  eraseTicketsBy: 'DELETE FROM admission_tickets WHERE room = $1 AND issued_by = $2',
  eraseTickets: 'DELETE FROM admission_tickets WHERE room = $1',
  eraseBoxes: 'DELETE FROM escrow_boxes WHERE room = $1',
  listPush: `SELECT device_pk, endpoint, p256dh, auth FROM push_subscriptions WHERE room = ${LIVE_ROOM_KEY}`,
  // One statement, one transaction: what is erased leaves its idempotency record (STORE-19).
  collect: `WITH gone AS (
      DELETE FROM envelopes WHERE superseded_at IS NOT NULL AND superseded_at < $1 RETURNING room, session, seq, relay_seq, sha256(blob) AS digest
    ), kept AS (
      INSERT INTO compacted (room, session, seq, relay_seq, digest) SELECT room, session, seq, relay_seq, digest FROM gone ON CONFLICT DO NOTHING
    ) SELECT count(*)::bigint AS n FROM gone`,
} as const;

/**
 * PostgreSQL, shared by every relay of a cluster (`DATABASE_URL`): the database numbers each room's
 * envelopes inside the commit (`commitSequenced`, one round trip to a plpgsql function), so any
 * number of relays share one gapless order per room. Commits wait for the WAL flush
 * (`synchronous_commit` on, PostgreSQL's default), so an ACK follows a durable write.
 */
export async function createPostgresStorage(options: { connectionString: string; poolSize?: number; logger?: Logger }): Promise<RelayStorage> {
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? DEFAULT_POOL_SIZE, types: numericTypes });
  // An idle connection that breaks (the server restarted, the network dropped) must not crash the
  // relay: the pool drops it, calls in flight fail, and the next calls open fresh connections.
  pool.on('error', (error) => logger.log('error', 'database connection lost', { error: error.message }));
  try {
    await migratePostgresSchema(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  const query = async <Row extends pg.QueryResultRow>(name: keyof typeof SQL, values: unknown[]): Promise<Row[]> =>
    (await pool.query<Row>({ name, text: SQL[name], values })).rows;

  /** Runs `task` in one transaction on one connection; rolls back if it throws. */
  const transaction = async <T>(task: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await task(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const run = async <Row extends pg.QueryResultRow>(client: pg.PoolClient, name: keyof typeof SQL, values: unknown[]): Promise<Row[]> =>
    (await client.query<Row>({ name, text: SQL[name], values })).rows;

  return {
    sharedSequencing: true,
    async commitSequenced(writes, quotaBytes, now): Promise<SequencedCommit> {
      if (writes.length === 0) return { outcomes: [], freedBytesByRoom: new Map() };
      const [row] = await query<{ kinds: number[]; relay_seqs: (number | null)[]; freed_rooms: string[] | null; freed_bytes: number[] | null }>(
        'commitSequenced',
        [
          writes.map((write) => write.roomId),
          writes.map((write) => write.sessionId.length),
          Buffer.concat(writes.map((write) => write.sessionId)),
          writes.map((write) => write.seq),
          writes.map((write) => write.envelope.length),
          Buffer.concat(writes.map((write) => write.envelope)),
          writes.map((write) => write.coversRelaySeq),
          writes.map((write) => write.receivedAt),
          quotaBytes,
          now,
        ],
      );
      const outcomes = row!.kinds.map((code, index): SequencedOutcome => {
        const kind = CODE_TO_KIND.get(code);
        if (kind === 'stored' || kind === 'duplicate') return { kind, relaySeq: row!.relay_seqs[index]! };
        if (kind === undefined) throw new Error(`The database answered an unknown commit outcome (${code}).`);
        return { kind };
      });
      const freedBytesByRoom = new Map<string, number>();
      (row!.freed_rooms ?? []).forEach((roomId, index) => {
        const bytes = row!.freed_bytes![index]!;
        if (bytes > 0) freedBytesByRoom.set(roomId, bytes);
      });
      return { outcomes, freedBytesByRoom };
    },
    async readRoomHeads(roomIds) {
      const rows = await query<{ room_id: string; head: number; sealed: boolean; deleted: boolean; device_count: number; revoked_count: number }>('readRoomHeads', [roomIds]);
      return new Map(
        rows.map((row) => [
          row.room_id,
          { head: row.deleted ? 0 : row.head, sealed: row.sealed, deleted: row.deleted, deviceCount: row.device_count, revokedCount: row.revoked_count },
        ]),
      );
    },
    async getRoom(roomId): Promise<RoomRecord | null> {
      const [row] = await query<{ auth_pk: Buffer; sealed: boolean; deleted_at: number | null; next_seq: number; used_bytes: number }>('getRoom', [roomId]);
      if (row === undefined) return null;
      return {
        roomId,
        authPublicKey: new Uint8Array(row.auth_pk),
        sealed: row.sealed,
        deleted: row.deleted_at !== null,
        maxRelaySeq: row.next_seq - 1,
        bytesUsed: row.used_bytes,
      };
    },
    async createRoom(roomId, authPublicKey, now) {
      await query('createRoom', [roomId, bufferOf(authPublicKey), now]);
    },
    async listDevices(roomId) {
      return (await query<{ device_pk: Buffer }>('listDevices', [roomId])).map((row) => new Uint8Array(row.device_pk));
    },
    async listRevokedDevices(roomId) {
      return (await query<{ device_pk: Buffer }>('listRevokedDevices', [roomId])).map((row) => new Uint8Array(row.device_pk));
    },
    async addDevice(roomId, devicePublicKey, now) {
      await query('addDevice', [roomId, bufferOf(devicePublicKey), now]);
    },
    async revokeDevice(roomId, devicePublicKey, revokedBy, now) {
      return transaction(async (client) => {
        const [room] = await run<{ id: number }>(client, 'lockLiveRoom', [roomId]);
        if (room === undefined) return false;
        const device = bufferOf(devicePublicKey);
        const revoked = await client.query({ name: 'revokeDevice', text: SQL.revokeDevice, values: [room.id, device, bufferOf(revokedBy), now] });
        if (revoked.rowCount === 0) return false;
        await run(client, 'eraseBoxesTo', [room.id, device]);
        await run(client, 'erasePushOf', [room.id, device]);
        await run(client, 'eraseTicketsBy', [room.id, device]);
        return true;
      });
    },
    async setSealed(roomId, sealed) {
      await query('setSealed', [roomId, sealed]);
    },
    async appendBatch(entries: readonly AppendEntry[], now) {
      if (entries.length === 0) return new Map();
      return transaction(async (client) => {
        const roomIds = [...new Set(entries.map((entry) => entry.roomId))];
        const locked = await run<{ id: number; room_id: string }>(client, 'lockRooms', [roomIds]);
        if (locked.length !== roomIds.length) throw new Error('room does not exist');
        const keys = new Map(locked.map((row) => [row.room_id, row.id]));
        const roomKey = (entry: AppendEntry): number => keys.get(entry.roomId)!;
        // A repeated (session, seq) violates the unique key and fails the whole transaction (STORE-6).
        await run(client, 'insertEntries', [
          entries.map(roomKey),
          entries.map((entry) => entry.relaySeq),
          entries.map((entry) => bufferOf(entry.sessionId)),
          entries.map((entry) => entry.seq),
          entries.map((entry) => entry.coversRelaySeq),
          entries.map((entry) => entry.receivedAt),
          entries.map((entry) => bufferOf(entry.envelope)),
        ]);
        const freed = new Map<string, number>();
        const added = new Map<string, { bytes: number; maxRelaySeq: number }>();
        for (const entry of entries) {
          const sum = added.get(entry.roomId) ?? { bytes: 0, maxRelaySeq: 0 };
          added.set(entry.roomId, { bytes: sum.bytes + entry.envelope.length, maxRelaySeq: Math.max(sum.maxRelaySeq, entry.relaySeq) });
          if (entry.coversRelaySeq === null) continue;
          const [row] = await run<{ bytes: number }>(client, 'supersede', [roomKey(entry), entry.coversRelaySeq, now]);
          freed.set(entry.roomId, (freed.get(entry.roomId) ?? 0) + row!.bytes);
        }
        for (const [roomId, sum] of added) await run(client, 'advanceRoom', [keys.get(roomId), sum.maxRelaySeq, sum.bytes, freed.get(roomId) ?? 0]);
        return freed;
      });
    },
    async maxSeqOfSession(roomId, sessionId) {
      return (await query<{ max_seq: number | null }>('maxSeqOfSession', [roomId, bufferOf(sessionId)]))[0]?.max_seq ?? -1;
    },
    async findBySessionSeq(roomId, sessionId, seq) {
      const [row] = await query<EnvelopeRow>('findBySessionSeq', [roomId, bufferOf(sessionId), seq]);
      return row === undefined ? null : toStored(row);
    },
    async readLog(roomId, afterRelaySeq, upToRelaySeq, limit) {
      return (await query<EnvelopeRow>('readLog', [roomId, afterRelaySeq, upToRelaySeq, limit])).map(toStored);
    },
    async newestSnapshot(roomId) {
      const [row] = await query<EnvelopeRow>('newestSnapshot', [roomId]);
      return row === undefined ? null : toStored(row);
    },
    async countAfter(roomId, relaySeq) {
      return (await query<{ n: number }>('countAfter', [roomId, relaySeq]))[0]?.n ?? 0;
    },
    async claimVapidKeys(candidate) {
      const [claimed] = await query<{ value: string }>('claimSetting', [VAPID_SETTING, JSON.stringify(candidate)]);
      // Two relays claiming at once: the loser's statement began before the winner committed, so
      // its snapshot saw neither row; a fresh statement sees the winner's.
      const row = claimed ?? (await query<{ value: string }>('readSetting', [VAPID_SETTING]))[0];
      if (row === undefined) throw new Error('The database kept no VAPID key pair; restart the relay.');
      return JSON.parse(row.value) as VapidKeys;
    },
    async savePushSubscription(roomId, subscription, now) {
      const { devicePublicKey, endpoint, p256dh, auth } = subscription;
      await query('savePush', [roomId, bufferOf(devicePublicKey), endpoint, bufferOf(p256dh), bufferOf(auth), now]);
    },
    async removePushSubscription(roomId, devicePublicKey, endpoint) {
      return (await pool.query({ name: 'removePush', text: SQL.removePush, values: [roomId, bufferOf(devicePublicKey), endpoint ?? null] })).rowCount! > 0;
    },
    async listPushSubscriptions(roomId) {
      const rows = await query<{ device_pk: Buffer; endpoint: string; p256dh: Buffer; auth: Buffer }>('listPush', [roomId]);
      return rows.map((row) => ({
        devicePublicKey: new Uint8Array(row.device_pk),
        endpoint: row.endpoint,
        p256dh: new Uint8Array(row.p256dh),
        auth: new Uint8Array(row.auth),
      }));
    },
    async depositEscrow(deposit, now): Promise<DepositOutcome> {
      return transaction(async (client) => {
        const [room] = await run<{ id: number }>(client, 'liveRoomId', [deposit.roomId]);
        if (room === undefined) return { kind: 'deleted' };
        const slot = bufferOf(deposit.slotTag);
        const depositor = bufferOf(deposit.depositor);
        await run(client, 'lockSlot', [deposit.roomId, slot]);
        const kind = deposit.kind === 'answer' ? ESCROW_ANSWER : ESCROW_DECLINE;
        const [existing] = await run<{ kind: number; record: Buffer }>(client, 'findDeposit', [room.id, slot, depositor]);
        if (existing !== undefined && (existing.kind !== kind || !existing.record.equals(deposit.record))) return { kind: 'conflict' };
        if (existing === undefined) {
          await run(client, 'insertDeposit', [room.id, slot, depositor, kind, bufferOf(deposit.record), now, deposit.expiresAt]);
          if (kind === ESCROW_ANSWER && deposit.boxes.length > 0) {
            await run(client, 'insertBoxes', [room.id, slot, depositor, deposit.boxes.map((box) => bufferOf(box.recipient)), deposit.boxes.map((box) => bufferOf(box.box))]);
          }
        }
        const releases = await run<{ depositor: Buffer; record: Buffer; box: Buffer | null }>(client, 'releases', [room.id, slot, depositor]);
        return { kind: existing === undefined ? 'stored' : 'duplicate', releases: releases.map(toRelease) };
      });
    },
    async readEscrowReleases(roomId, slotTag, device) {
      const [room] = await query<{ id: number }>('liveRoomId', [roomId]);
      if (room === undefined) return [];
      return (await query<{ depositor: Buffer; record: Buffer; box: Buffer | null }>('releases', [room.id, bufferOf(slotTag), bufferOf(device)])).map(toRelease);
    },
    async expireEscrow(now) {
      return (await query<{ n: number }>('expire', [now]))[0]?.n ?? 0;
    },
    async addAdmissionTicket(roomId, ticketHash, issuedBy, now, expiresAt) {
      return transaction(async (client) => {
        // FOR SHARE, as addDevice: a deletion in progress finishes first, and its tombstone refuses this.
        const [room] = await run<{ id: number }>(client, 'liveRoomId', [roomId]);
        if (room === undefined) return false;
        const issuer = bufferOf(issuedBy);
        const hash = bufferOf(ticketHash);
        await run(client, 'lockTickets', [roomId]);
        if ((await run(client, 'isActiveDevice', [room.id, issuer])).length === 0) return false;
        await run(client, 'expireTicketsOf', [room.id, now]);
        if ((await run(client, 'hasTicket', [room.id, hash])).length > 0) return true;
        await run(client, 'dropOldestTickets', [room.id, MAX_LIVE_TICKETS_PER_ROOM - 1]);
        await run(client, 'insertTicket', [room.id, hash, issuer, now, expiresAt]);
        return true;
      });
    },
    async consumeAdmissionTicket(roomId, ticketHash, now) {
      return (await query('consumeTicket', [roomId, bufferOf(ticketHash), now])).length > 0;
    },
    async expireAdmissionTickets(now) {
      return (await query<{ n: number }>('expireTickets', [now]))[0]?.n ?? 0;
    },
    async deleteRoom(roomId, now) {
      await transaction(async (client) => {
        const [row] = await run<{ id: number }>(client, 'tombstone', [roomId, now]);
        for (const statement of ['eraseEnvelopes', 'eraseDevices', 'eraseCompacted', 'erasePush', 'eraseDeposits', 'eraseBoxes', 'eraseTickets'] as const) await run(client, statement, [row!.id]);
      });
    },
    async collectGarbage(supersededBefore) {
      return (await query<{ n: number }>('collect', [supersededBefore]))[0]?.n ?? 0;
    },
    async close() {
      await pool.end();
    },
  };
}
