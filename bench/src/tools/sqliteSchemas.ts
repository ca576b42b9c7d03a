import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Random } from '../lib/random.ts';

// Candidate layouts for the relay's envelope log, same rows and batching, to show what an append
// costs per row. Usage: tsx src/tools/sqliteSchemas.ts [rows] [rowsPerCommit]

interface Layout {
  readonly name: string;
  readonly schema: string;
  readonly insert: string;
  /** Converts (roomIndex, roomText, sessionHex, sessionBytes) to the key columns. */
  readonly keys: (room: number, roomText: string, sessionHex: string, session: Buffer) => unknown[];
  readonly perRowCheck?: string;
  readonly pragmas?: readonly string[];
}

/** Layout 1 (the first release): TEXT room ids and hex session ids in both indexes. */
const LAYOUT_1 = `CREATE TABLE rooms (room_id TEXT PRIMARY KEY, deleted_at INTEGER);
  CREATE TABLE envelopes (room_id TEXT NOT NULL, relay_seq INTEGER NOT NULL, session_id TEXT NOT NULL, seq INTEGER NOT NULL, covers INTEGER, size INTEGER NOT NULL, received_at INTEGER NOT NULL, superseded_at INTEGER, blob BLOB NOT NULL, PRIMARY KEY (room_id, relay_seq), UNIQUE (room_id, session_id, seq));
  CREATE INDEX s1 ON envelopes (room_id, covers) WHERE covers IS NOT NULL;
  CREATE INDEX s2 ON envelopes (superseded_at) WHERE superseded_at IS NOT NULL;`;
const LAYOUT_1_INSERT = 'INSERT INTO envelopes (room_id, relay_seq, session_id, seq, covers, size, received_at, blob) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)';
/** Layout 2 (what the relay ships, server/src/storage/migrateSqliteSchema.ts): integer room key, 16-byte BLOB session. */
const LAYOUT_2 = `CREATE TABLE envelopes (room INTEGER NOT NULL, relay_seq INTEGER NOT NULL, session BLOB NOT NULL, seq INTEGER NOT NULL, covers INTEGER, size INTEGER NOT NULL, received_at INTEGER NOT NULL, superseded_at INTEGER, blob BLOB NOT NULL, PRIMARY KEY (room, relay_seq), UNIQUE (room, session, seq));
  CREATE INDEX s1 ON envelopes (room, covers) WHERE covers IS NOT NULL;
  CREATE INDEX s2 ON envelopes (superseded_at) WHERE superseded_at IS NOT NULL;`;
const LAYOUT_2_INSERT = 'INSERT INTO envelopes (room, relay_seq, session, seq, covers, size, received_at, blob) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)';

const LAYOUTS: Layout[] = [
  {
    name: 'layout 1 with a live-room check per row (first release)',
    schema: LAYOUT_1,
    insert: LAYOUT_1_INSERT,
    keys: (_r, roomText, sessionHex) => [roomText, sessionHex],
    perRowCheck: 'SELECT 1 FROM rooms WHERE room_id = ? AND deleted_at IS NULL',
  },
  { name: 'layout 1, live check once per room per batch', schema: LAYOUT_1, insert: LAYOUT_1_INSERT, keys: (_r, roomText, sessionHex) => [roomText, sessionHex] },
  { name: 'layout 2: integer room key and 16-byte BLOB session, same two indexes (shipped)', schema: LAYOUT_2, insert: LAYOUT_2_INSERT, keys: (room, _t, _h, session) => [room, session] },
  {
    name: 'layout 2 with wal_autocheckpoint = 10000 pages (cheaper, but each checkpoint stalls the loop longer)',
    pragmas: ['wal_autocheckpoint = 10000'],
    schema: LAYOUT_2,
    insert: LAYOUT_2_INSERT,
    keys: (room, _t, _h, session) => [room, session],
  },
  {
    name: 'integer room key, rowid = append order, only the (room, relay_seq) index (no (session, seq) index: idempotency needs another path)',
    schema: `CREATE TABLE envelopes (id INTEGER PRIMARY KEY, room INTEGER NOT NULL, relay_seq INTEGER NOT NULL, session BLOB NOT NULL, seq INTEGER NOT NULL, covers INTEGER, received_at INTEGER NOT NULL, superseded_at INTEGER, blob BLOB NOT NULL);
      CREATE UNIQUE INDEX e1 ON envelopes (room, relay_seq);`,
    insert: 'INSERT INTO envelopes (room, relay_seq, session, seq, covers, received_at, blob) VALUES (?, ?, ?, ?, NULL, ?, ?)',
    keys: (room, _t, _h, session) => [room, session],
  },
];

export function measureLayout(layout: Layout, rows: number, perCommit: number, rooms: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'seen-schema-'));
  const db = new Database(join(dir, 'x.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  for (const pragma of layout.pragmas ?? []) db.pragma(pragma);
  db.exec(layout.schema);
  const random = new Random(2);
  const roomText = Array.from({ length: rooms }, (_, i) => `room-${i.toString(36).padStart(17, 'x')}`);
  if (layout.schema.includes('CREATE TABLE rooms')) {
    const add = db.prepare('INSERT INTO rooms (room_id) VALUES (?)');
    for (const r of roomText) add.run(r);
  }
  const sessions = roomText.map(() => Buffer.from(random.bytes(16)));
  const sessionHex = sessions.map((s) => s.toString('hex'));
  const blob = Buffer.from(random.bytes(Number(process.env.BLOB_BYTES ?? 208)));
  const insert = db.prepare(layout.insert);
  const check = layout.perRowCheck === undefined ? null : db.prepare(layout.perRowCheck);
  const hasSize = layout.insert.includes('size');
  const seqs = new Int32Array(rooms);
  const commit = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = i % rooms;
      const seq = seqs[r]!++;
      if (check !== null) check.get(roomText[r]);
      const [roomKey, sessionKey] = layout.keys(r, roomText[r]!, sessionHex[r]!, sessions[r]!);
      if (hasSize) insert.run(roomKey, seq + 1, sessionKey, seq, blob.length, Date.now(), blob);
      else insert.run(roomKey, seq + 1, sessionKey, seq, Date.now(), blob);
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < rows; i += perCommit) commit(i, Math.min(rows, i + perCommit));
  const us = ((performance.now() - t0) * 1000) / rows;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return us;
}

if (process.argv[1]?.endsWith('sqliteSchemas.ts')) {
  const rows = Number(process.argv[2] ?? 50_000);
  for (const perCommit of process.argv[3] !== undefined ? [Number(process.argv[3])] : [1, 4, 16, 256]) {
    for (const layout of LAYOUTS) {
      console.log(`${String(perCommit).padStart(3)} rows/commit  ${measureLayout(layout, rows, perCommit, 1000).toFixed(1).padStart(6)} µs/row  ${layout.name}`);
    }
  }
}
