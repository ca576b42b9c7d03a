import type { Database } from 'better-sqlite3';

/** The layout this relay writes, kept in `PRAGMA user_version`. */
export const SQLITE_SCHEMA_VERSION = 7;

/**
 * Version 2. Rooms get an integer key that the log and devices use instead of the 43-character
 * room id, and session ids are 16-byte blobs instead of 32 hex characters: every appended row
 * maintains two indexes on these keys, so their width is most of an append's cost
 * (BENCHMARKS.md "Storage": 35 → 12 µs per row at 4 rows per commit).
 */
const SCHEMA_V2 = `
CREATE TABLE rooms (
  id INTEGER PRIMARY KEY,
  room_id TEXT NOT NULL UNIQUE,
  auth_pk BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  sealed INTEGER NOT NULL DEFAULT 0,
  deleted_at INTEGER
);
CREATE TABLE devices (
  room INTEGER NOT NULL,
  device_pk BLOB NOT NULL,
  registered_at INTEGER NOT NULL,
  PRIMARY KEY (room, device_pk)
) WITHOUT ROWID;
CREATE TABLE envelopes (
  room INTEGER NOT NULL,
  relay_seq INTEGER NOT NULL,
  session BLOB NOT NULL,
  seq INTEGER NOT NULL,
  covers INTEGER,
  size INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  superseded_at INTEGER,
  blob BLOB NOT NULL,
  PRIMARY KEY (room, relay_seq),
  UNIQUE (room, session, seq)
);
CREATE INDEX envelopes_snapshots ON envelopes (room, covers) WHERE covers IS NOT NULL;
CREATE INDEX envelopes_superseded ON envelopes (superseded_at) WHERE superseded_at IS NOT NULL;
`;

/** Version 1 (first release) to 2: same rows, narrower keys. Runs inside the caller's transaction. */
const MIGRATE_V1_TO_V2 = `
DROP INDEX IF EXISTS envelopes_snapshots;
DROP INDEX IF EXISTS envelopes_superseded;
ALTER TABLE rooms RENAME TO rooms_v1;
ALTER TABLE devices RENAME TO devices_v1;
ALTER TABLE envelopes RENAME TO envelopes_v1;
${SCHEMA_V2}
INSERT INTO rooms (room_id, auth_pk, created_at, sealed, deleted_at)
  SELECT room_id, auth_pk, created_at, sealed, deleted_at FROM rooms_v1 ORDER BY created_at, room_id;
INSERT INTO devices (room, device_pk, registered_at)
  SELECT rooms.id, devices_v1.device_pk, devices_v1.registered_at FROM devices_v1 JOIN rooms USING (room_id);
INSERT INTO envelopes (room, relay_seq, session, seq, covers, size, received_at, superseded_at, blob)
  SELECT rooms.id, e.relay_seq, unhex(e.session_id), e.seq, e.covers, e.size, e.received_at, e.superseded_at, e.blob
  FROM envelopes_v1 AS e JOIN rooms USING (room_id) ORDER BY rooms.id, e.relay_seq;
DROP TABLE envelopes_v1;
DROP TABLE devices_v1;
DROP TABLE rooms_v1;
`;

/**
 * Version 2 to 3: garbage collection keeps each erased envelope's (session, seq), relaySeq and a
 * SHA-256 of its bytes, so `commitSequenced` still answers a resend after compaction with the
 * original relaySeq (duplicate) or refuses other bytes (conflict): STORE-19.
 */
const MIGRATE_V2_TO_V3 = `
CREATE TABLE compacted (
  room INTEGER NOT NULL,
  session BLOB NOT NULL,
  seq INTEGER NOT NULL,
  relay_seq INTEGER NOT NULL,
  digest BLOB NOT NULL,
  PRIMARY KEY (room, session, seq)
) WITHOUT ROWID;
`;

/**
 * Version 3 to 4: Web Push. The relay's VAPID key pair (made at first start) and one push
 * subscription per device and room (PROTOCOL.md §3, PUSH_SUBSCRIBE).
 */
const MIGRATE_V3_TO_V4 = `
CREATE TABLE relay_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE push_subscriptions (
  room INTEGER NOT NULL,
  device_pk BLOB NOT NULL,
  endpoint TEXT NOT NULL,
  p256dh BLOB NOT NULL,
  auth BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (room, device_pk)
) WITHOUT ROWID;
`;

/**
 * Version 4 to 5: answer-key escrow (issue 12). One deposit per room, slot tag and device, and the
 * boxes an answer deposit carries, keyed by recipient so a release is one range read.
 */
const MIGRATE_V4_TO_V5 = `
CREATE TABLE escrow_deposits (
  room INTEGER NOT NULL,
  slot BLOB NOT NULL,
  depositor BLOB NOT NULL,
  kind INTEGER NOT NULL,
  record BLOB NOT NULL,
  deposited_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (room, slot, depositor)
) WITHOUT ROWID;
CREATE INDEX escrow_deposits_expiry ON escrow_deposits (expires_at);
CREATE TABLE escrow_boxes (
  room INTEGER NOT NULL,
  slot BLOB NOT NULL,
  recipient BLOB NOT NULL,
  depositor BLOB NOT NULL,
  box BLOB NOT NULL,
  PRIMARY KEY (room, slot, recipient, depositor)
) WITHOUT ROWID;
`;

/**
 * Version 5 to 6: revoked devices (SEALED-19). A revoked device keeps its row with the time it was
 * revoked, so it stays refused and can never be registered again; existing devices are active.
 */
const MIGRATE_V5_TO_V6 = `
ALTER TABLE devices ADD COLUMN revoked_at INTEGER;
`;

/**
 * Version 6 to 7: admission tickets (SEALED-21). Only the ticket's hash is kept, with the device that
 * issued it (its tickets go when it is revoked) and its issue time (the oldest gives way to a fifth).
 */
const MIGRATE_V6_TO_V7 = `
CREATE TABLE admission_tickets (
  room INTEGER NOT NULL,
  ticket_hash BLOB NOT NULL,
  issued_by BLOB NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (room, ticket_hash)
) WITHOUT ROWID;
CREATE INDEX admission_tickets_expiry ON admission_tickets (expires_at);
`;

function hasTable(db: Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/**
 * Brings a relay database to SQLITE_SCHEMA_VERSION: creates it when empty, upgrades an older
 * file in one transaction (a crash midway leaves the old file as it was), and refuses a file
 * written by a newer relay instead of guessing at it.
 */
export function migrateSqliteSchema(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SQLITE_SCHEMA_VERSION) return;
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new Error(
      `The relay database uses storage layout ${version}, newer than this relay understands (${SQLITE_SCHEMA_VERSION}). Run a newer Seen relay, or point DATA_DIR at another folder.`,
    );
  }
  db.transaction(() => {
    // A version-0 file with tables is the first release's layout, which set no user_version.
    if (version < 2) db.exec(hasTable(db, 'envelopes') ? MIGRATE_V1_TO_V2 : SCHEMA_V2);
    if (version < 3) db.exec(MIGRATE_V2_TO_V3);
    if (version < 4) db.exec(MIGRATE_V3_TO_V4);
    if (version < 5) db.exec(MIGRATE_V4_TO_V5);
    if (version < 6) db.exec(MIGRATE_V5_TO_V6);
    db.exec(MIGRATE_V6_TO_V7);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
  })();
}
