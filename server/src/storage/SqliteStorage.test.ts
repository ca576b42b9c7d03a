import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { registerStorageContractTests } from '../../test/storageContract.ts';
import { SQLITE_SCHEMA_VERSION } from './migrateSqliteSchema.ts';
import { createSqliteStorage } from './SqliteStorage.ts';

const tempDirs: string[] = [];
function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seen-sqlite-test-'));
  tempDirs.push(dir);
  return join(dir, 'relay.sqlite');
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

registerStorageContractTests('sqlite (file, WAL)', async () => {
  const storage = createSqliteStorage({ path: tempDbPath() });
  return { storage, cleanup: () => storage.close() };
});

describe('SqliteStorage durability', () => {
  it('STORE-14 rooms, devices, seal flag, log, supersession and tombstones survive closing and reopening the file', async () => {
    const path = tempDbPath();
    const authPk = new Uint8Array(32).fill(7);
    const device = new Uint8Array(32).fill(8);
    const first = createSqliteStorage({ path, synchronous: 'FULL' });
    await first.createRoom('kept', authPk, 100);
    await first.createRoom('gone', authPk, 100);
    await first.addDevice('kept', device, 200);
    await first.setSealed('kept', true);
    await first.appendBatch(
      [1, 2, 3].map((relaySeq) => ({
        roomId: 'kept',
        relaySeq,
        sessionId: new Uint8Array(16).fill(0xaa),
        seq: relaySeq - 1,
        envelope: new Uint8Array(10).fill(relaySeq),
        coversRelaySeq: null,
        receivedAt: 300,
      })),
      300,
    );
    await first.appendBatch(
      [{ roomId: 'kept', relaySeq: 4, sessionId: new Uint8Array(16).fill(0xbb), seq: 0, envelope: new Uint8Array(20).fill(4), coversRelaySeq: 2, receivedAt: 400 }],
      400,
    );
    await first.deleteRoom('gone', 500);
    await first.close();

    const second = createSqliteStorage({ path });
    try {
      const room = await second.getRoom('kept');
      expect(room).toMatchObject({ sealed: true, deleted: false, maxRelaySeq: 4, bytesUsed: 10 + 20 });
      expect(Buffer.from(room!.authPublicKey).equals(Buffer.from(authPk))).toBe(true);
      expect((await second.listDevices('kept')).map((key) => Buffer.from(key).toString('hex'))).toEqual([Buffer.from(device).toString('hex')]);
      const log = await second.readLog('kept', 0, 100, 100);
      expect(log.map((row) => [row.relaySeq, row.coversRelaySeq, row.envelope.length, row.envelope[0]])).toEqual([
        [1, null, 10, 1],
        [2, null, 10, 2],
        [3, null, 10, 3],
        [4, 2, 20, 4],
      ]);
      expect(await second.maxSeqOfSession('kept', new Uint8Array(16).fill(0xaa))).toBe(2);
      expect((await second.newestSnapshot('kept'))?.relaySeq).toBe(4);
      expect((await second.getRoom('gone'))?.deleted).toBe(true);
      // The supersession mark was durable too: only the covered entries are collectable.
      expect(await second.collectGarbage(401)).toBe(2);
    } finally {
      await second.close();
    }
  });
});

/** The first release's layout, frozen here exactly as it shipped (user_version 0). */
const SCHEMA_V1 = `
CREATE TABLE rooms (room_id TEXT PRIMARY KEY, auth_pk BLOB NOT NULL, created_at INTEGER NOT NULL, sealed INTEGER NOT NULL DEFAULT 0, deleted_at INTEGER);
CREATE TABLE devices (room_id TEXT NOT NULL, device_pk BLOB NOT NULL, registered_at INTEGER NOT NULL, PRIMARY KEY (room_id, device_pk));
CREATE TABLE envelopes (room_id TEXT NOT NULL, relay_seq INTEGER NOT NULL, session_id TEXT NOT NULL, seq INTEGER NOT NULL, covers INTEGER, size INTEGER NOT NULL, received_at INTEGER NOT NULL, superseded_at INTEGER, blob BLOB NOT NULL, PRIMARY KEY (room_id, relay_seq), UNIQUE (room_id, session_id, seq));
CREATE INDEX envelopes_snapshots ON envelopes (room_id, covers) WHERE covers IS NOT NULL;
CREATE INDEX envelopes_superseded ON envelopes (superseded_at) WHERE superseded_at IS NOT NULL;
`;

describe('SqliteStorage layout upgrades', () => {
  it('STORE-15 a first-release (layout 1) file is upgraded in place: rooms, devices, log, snapshots, supersession and tombstones carry over', async () => {
    const path = tempDbPath();
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec(SCHEMA_V1);
    const authPk = Buffer.alloc(32, 7);
    old.prepare('INSERT INTO rooms (room_id, auth_pk, created_at, sealed) VALUES (?, ?, ?, ?)').run('kept', authPk, 100, 1);
    old.prepare("INSERT INTO rooms (room_id, auth_pk, created_at, deleted_at) VALUES ('gone', x'', 100, 500)").run();
    old.prepare('INSERT INTO devices VALUES (?, ?, ?)').run('kept', Buffer.alloc(32, 8), 200);
    const insert = old.prepare('INSERT INTO envelopes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const session = 'ab'.repeat(16);
    const sessionBytes = new Uint8Array(16).fill(0xab);
    insert.run('kept', 1, session, 0, null, 10, 300, 400, Buffer.alloc(10, 1));
    insert.run('kept', 2, session, 1, null, 10, 300, 400, Buffer.alloc(10, 2));
    insert.run('kept', 3, session, 2, null, 10, 300, null, Buffer.alloc(10, 3));
    insert.run('kept', 4, 'cd'.repeat(16), 0, 2, 20, 400, null, Buffer.alloc(20, 4));
    old.close();

    const storage = createSqliteStorage({ path });
    try {
      expect(await storage.getRoom('kept')).toMatchObject({ sealed: true, deleted: false, maxRelaySeq: 4, bytesUsed: 10 + 20 });
      expect(Buffer.from((await storage.getRoom('kept'))!.authPublicKey).equals(authPk)).toBe(true);
      expect((await storage.getRoom('gone'))?.deleted).toBe(true);
      expect((await storage.listDevices('kept')).map((key) => Buffer.from(key).toString('hex'))).toEqual([Buffer.alloc(32, 8).toString('hex')]);
      const log = await storage.readLog('kept', 0, 100, 100);
      expect(log.map((row) => [row.relaySeq, row.coversRelaySeq, row.envelope.length, row.envelope[0]])).toEqual([
        [1, null, 10, 1],
        [2, null, 10, 2],
        [3, null, 10, 3],
        [4, 2, 20, 4],
      ]);
      // Session ids became blobs: the idempotency lookups still find the same rows.
      expect(await storage.maxSeqOfSession('kept', sessionBytes)).toBe(2);
      expect((await storage.findBySessionSeq('kept', sessionBytes, 1))?.relaySeq).toBe(2);
      expect((await storage.newestSnapshot('kept'))?.relaySeq).toBe(4);
      expect(await storage.collectGarbage(401)).toBe(2);
      // And the upgraded file takes new writes under the same rules.
      await storage.appendBatch([{ roomId: 'kept', relaySeq: 5, sessionId: sessionBytes, seq: 3, envelope: new Uint8Array(5), coversRelaySeq: null, receivedAt: 600 }], 600);
      await expect(
        storage.appendBatch([{ roomId: 'kept', relaySeq: 6, sessionId: sessionBytes, seq: 3, envelope: new Uint8Array(5), coversRelaySeq: null, receivedAt: 600 }], 600),
      ).rejects.toThrow();
    } finally {
      await storage.close();
    }
    const reopened = new Database(path, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    reopened.close();
  });

  it('STORE-15 a layout-2 file gains the compaction records (layout 3) in place, its rows intact', async () => {
    const path = tempDbPath();
    const sessionId = new Uint8Array(16).fill(0xab);
    const first = createSqliteStorage({ path });
    await first.createRoom('kept', new Uint8Array(32).fill(7), 100);
    await first.appendBatch([{ roomId: 'kept', relaySeq: 1, sessionId, seq: 0, envelope: new Uint8Array(10).fill(1), coversRelaySeq: null, receivedAt: 300 }], 300);
    await first.close();
    // Back to exactly what layout 2 had.
    const older = new Database(path);
    older.exec('DROP TABLE compacted; DROP TABLE relay_settings; DROP TABLE push_subscriptions; DROP TABLE escrow_deposits; DROP TABLE escrow_boxes; DROP TABLE admission_tickets; ALTER TABLE devices DROP COLUMN revoked_at');
    older.pragma('user_version = 2');
    older.close();

    const storage = createSqliteStorage({ path });
    try {
      expect(await storage.getRoom('kept')).toMatchObject({ maxRelaySeq: 1, bytesUsed: 10 });
      const snapshot = { roomId: 'kept', sessionId: new Uint8Array(16).fill(0xcd), seq: 0, envelope: new Uint8Array(5), coversRelaySeq: 1, receivedAt: 400 };
      expect((await storage.commitSequenced([snapshot], 1_000, 400)).outcomes).toEqual([{ kind: 'stored', relaySeq: 2 }]);
      expect(await storage.collectGarbage(401)).toBe(1);
      const resend = { roomId: 'kept', sessionId, seq: 0, envelope: new Uint8Array(10).fill(1), coversRelaySeq: null, receivedAt: 500 };
      expect((await storage.commitSequenced([resend], 1_000, 500)).outcomes).toEqual([{ kind: 'duplicate', relaySeq: 1 }]);
    } finally {
      await storage.close();
    }
    const reopened = new Database(path, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    reopened.close();
  });

  it('STORE-15 a layout-3 file gains the Web Push tables (layout 4) in place, its rooms and devices intact', async () => {
    const path = tempDbPath();
    const device = new Uint8Array(32).fill(9);
    const first = createSqliteStorage({ path });
    await first.createRoom('kept', new Uint8Array(32).fill(7), 100);
    await first.addDevice('kept', device, 101);
    await first.close();
    const older = new Database(path);
    older.exec('DROP TABLE relay_settings; DROP TABLE push_subscriptions; DROP TABLE escrow_deposits; DROP TABLE escrow_boxes; DROP TABLE admission_tickets; ALTER TABLE devices DROP COLUMN revoked_at');
    older.pragma('user_version = 3');
    older.close();

    const storage = createSqliteStorage({ path });
    try {
      expect((await storage.listDevices('kept')).map((key) => Buffer.from(key).toString('hex'))).toEqual([Buffer.from(device).toString('hex')]);
      const keys = { publicKey: 'B-public', privateKey: 'private' };
      expect(await storage.claimVapidKeys(keys)).toEqual(keys);
      await storage.savePushSubscription('kept', { devicePublicKey: device, endpoint: 'https://push.example/x', p256dh: new Uint8Array(65), auth: new Uint8Array(16) }, 200);
      expect((await storage.listPushSubscriptions('kept')).map((row) => row.endpoint)).toEqual(['https://push.example/x']);
    } finally {
      await storage.close();
    }
    // A restart keeps the key pair the first start made.
    const again = createSqliteStorage({ path });
    try {
      expect(await again.claimVapidKeys({ publicKey: 'other', privateKey: 'other' })).toEqual({ publicKey: 'B-public', privateKey: 'private' });
    } finally {
      await again.close();
    }
  });

  it('STORE-15 SEALED-19 a layout-5 file gains revoked devices (layout 6) in place: its devices stay registered, and one can be revoked for good', async () => {
    const path = tempDbPath();
    const [alex, lost] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const hexes = (keys: Uint8Array[]): string[] => keys.map((key) => Buffer.from(key).toString('hex')).sort();
    const first = createSqliteStorage({ path });
    await first.createRoom('kept', new Uint8Array(32).fill(7), 100);
    await first.addDevice('kept', alex, 101);
    await first.addDevice('kept', lost, 102);
    await first.close();
    const older = new Database(path);
    older.exec('DROP TABLE admission_tickets; ALTER TABLE devices DROP COLUMN revoked_at');
    older.pragma('user_version = 5');
    older.close();

    const storage = createSqliteStorage({ path });
    try {
      expect(hexes(await storage.listDevices('kept'))).toEqual(hexes([alex, lost]));
      expect(await storage.listRevokedDevices('kept')).toEqual([]);
      expect(await storage.revokeDevice('kept', lost, alex, 200)).toBe(true);
    } finally {
      await storage.close();
    }
    // A restart keeps it revoked.
    const again = createSqliteStorage({ path });
    try {
      expect(hexes(await again.listDevices('kept'))).toEqual(hexes([alex]));
      expect(hexes(await again.listRevokedDevices('kept'))).toEqual(hexes([lost]));
    } finally {
      await again.close();
    }
    const reopened = new Database(path, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    reopened.close();
  });

  it('STORE-15 SEALED-21 a layout-6 file gains admission tickets (layout 7) in place: its devices and revocations intact, and a ticket works after a restart', async () => {
    const path = tempDbPath();
    const [alex, lost] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const ticketHash = new Uint8Array(32).fill(9);
    const hexes = (keys: Uint8Array[]): string[] => keys.map((key) => Buffer.from(key).toString('hex')).sort();
    const first = createSqliteStorage({ path });
    await first.createRoom('kept', new Uint8Array(32).fill(7), 100);
    await first.addDevice('kept', alex, 101);
    await first.addDevice('kept', lost, 102);
    await first.revokeDevice('kept', lost, alex, 103);
    await first.close();
    const older = new Database(path);
    older.exec('DROP TABLE admission_tickets');
    older.pragma('user_version = 6');
    older.close();

    const storage = createSqliteStorage({ path });
    try {
      expect(hexes(await storage.listDevices('kept'))).toEqual(hexes([alex]));
      expect(hexes(await storage.listRevokedDevices('kept'))).toEqual(hexes([lost]));
      expect(await storage.addAdmissionTicket('kept', ticketHash, alex, 200, 10_000)).toBe(true);
    } finally {
      await storage.close();
    }
    const again = createSqliteStorage({ path });
    try {
      expect(await again.consumeAdmissionTicket('kept', ticketHash, 300)).toBe(true);
      expect(await again.consumeAdmissionTicket('kept', ticketHash, 301)).toBe(false);
    } finally {
      await again.close();
    }
    const reopened = new Database(path, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    reopened.close();
  });

  it('STORE-15 a file written by a newer relay is refused with a sentence, and left untouched', () => {
    const path = tempDbPath();
    const newer = new Database(path);
    newer.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    newer.exec('CREATE TABLE future (x)');
    newer.close();
    expect(() => createSqliteStorage({ path })).toThrow(/newer than this relay understands.*Run a newer Seen relay/);
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION + 1);
    expect(after.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all()).toEqual([{ name: 'future' }]);
    after.close();
  });
});
