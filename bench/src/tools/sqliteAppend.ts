import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage } from '../../../server/src/storage/SqliteStorage.ts';
import type { AppendEntry } from '../../../server/src/storage/RelayStorage.ts';
import { Random } from '../lib/random.ts';

// Micro-benchmark of the relay's own SQLite append path (server/src/storage/SqliteStorage.ts) by
// group size: how many envelopes one commit carries. Usage: tsx src/tools/sqliteAppend.ts [rows]

export async function measureAppend(options: { rows: number; batch: number; rooms: number; sync: 'NORMAL' | 'FULL' }): Promise<{ usPerRow: number; rowsPerSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'seen-sqlite-'));
  const storage = createSqliteStorage({ path: join(dir, 'relay.sqlite'), synchronous: options.sync });
  const random = new Random(1);
  const rooms = Array.from({ length: options.rooms }, (_, i) => `room-${i.toString(36).padStart(20, 'x')}`);
  for (const room of rooms) await storage.createRoom(room, random.bytes(32), Date.now());
  const sessions = rooms.map(() => random.bytes(16));
  const seqs = new Int32Array(options.rooms);
  const envelope = random.bytes(335);
  const entries: AppendEntry[] = Array.from({ length: options.rows }, (_, i) => {
    const r = i % options.rooms;
    const seq = seqs[r]!++;
    return { roomId: rooms[r]!, relaySeq: seq + 1, sessionId: sessions[r]!, seq, envelope, coversRelaySeq: null, receivedAt: Date.now() };
  });
  const t0 = performance.now();
  for (let i = 0; i < entries.length; i += options.batch) await storage.appendBatch(entries.slice(i, i + options.batch), Date.now());
  const ms = performance.now() - t0;
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
  return { usPerRow: (ms * 1000) / options.rows, rowsPerSecond: options.rows / (ms / 1000) };
}

if (process.argv[1]?.endsWith('sqliteAppend.ts')) {
  const rows = Number(process.argv[2] ?? 50_000);
  for (const sync of ['NORMAL', 'FULL'] as const) {
    for (const batch of [1, 4, 16, 64, 256]) {
      const r = await measureAppend({ rows: sync === 'FULL' && batch === 1 ? Math.min(rows, 5000) : rows, batch, rooms: 1000, sync });
      console.log(`synchronous=${sync} rows per commit ${String(batch).padStart(3)}: ${r.usPerRow.toFixed(1)} µs/row, ${Math.round(r.rowsPerSecond).toLocaleString('en-US')} rows/s`);
    }
  }
}
