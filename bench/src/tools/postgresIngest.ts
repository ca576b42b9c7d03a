import { createLogger } from '../../../server/src/log.ts';
import { createPostgresStorage } from '../../../server/src/storage/PostgresStorage.ts';
import type { RelayStorage, SequencedWrite } from '../../../server/src/storage/RelayStorage.ts';
import { startPostgres } from '../../../server/test/engines/startPostgres.ts';
import { Random } from '../lib/random.ts';

// Durable ingest on PostgreSQL through the relay's own `commitSequenced` (database sequencing, as
// a cluster relay commits): a throwaway server with fsync and synchronous_commit on, `relays`
// writers (each its own pool, one batch in flight like a relay's GroupCommit), `batch` updates of
// 335 bytes (W2's sealed envelope) per commit across `rooms` rooms.
// Usage: tsx src/tools/postgresIngest.ts [updates per run]

const ENVELOPE_BYTES = 335;
const QUOTA_BYTES = 1 << 30;

export async function measureIngest(
  connectionString: string,
  options: { updates: number; batch: number; rooms: number; relays: number },
): Promise<{ updatesPerSecond: number; msPerCommit: number }> {
  const random = new Random(7);
  const runId = random.bytes(4).reduce((text, byte) => text + byte.toString(16).padStart(2, '0'), '');
  const rooms = Array.from({ length: options.rooms }, (_, i) => `ingest-${runId}-${i.toString(36).padStart(12, 'x')}`);
  const storages: RelayStorage[] = [];
  for (let i = 0; i < options.relays; i++) {
    storages.push(await createPostgresStorage({ connectionString, poolSize: 2, logger: createLogger({ level: 'silent' }) }));
  }
  for (const room of rooms) await storages[0]!.createRoom(room, random.bytes(32), Date.now());
  const envelope = random.bytes(ENVELOPE_BYTES);
  // One session per (relay, room), seqs counting up as a client's would.
  const writesOf = (relay: number): SequencedWrite[] => {
    const sessions = rooms.map(() => random.bytes(16));
    const seqs = new Int32Array(options.rooms);
    return Array.from({ length: Math.ceil(options.updates / options.relays) }, (_, i) => {
      const r = (i * 7 + relay) % options.rooms;
      return { roomId: rooms[r]!, sessionId: sessions[r]!, seq: seqs[r]!++, envelope, coversRelaySeq: null, receivedAt: Date.now() };
    });
  };
  const perRelay = storages.map((_, relay) => writesOf(relay));
  let commits = 0;
  const t0 = performance.now();
  await Promise.all(
    storages.map(async (storage, relay) => {
      const writes = perRelay[relay]!;
      for (let i = 0; i < writes.length; i += options.batch) {
        const { outcomes } = await storage.commitSequenced(writes.slice(i, i + options.batch), QUOTA_BYTES, Date.now());
        if (outcomes.some((outcome) => outcome.kind !== 'stored')) throw new Error('an ingest write was not stored');
        commits++;
      }
    }),
  );
  const ms = performance.now() - t0;
  const total = perRelay.reduce((sum, writes) => sum + writes.length, 0);
  await Promise.all(storages.map((storage) => storage.close()));
  return { updatesPerSecond: total / (ms / 1000), msPerCommit: (ms * options.relays) / commits };
}

if (process.argv[1]?.endsWith('postgresIngest.ts')) {
  const updates = Number(process.argv[2] ?? 60_000);
  const server = await startPostgres();
  try {
    for (const relays of [1, 3]) {
      for (const batch of [16, 64, 256]) {
        const connectionString = await server.createDatabase();
        const result = await measureIngest(connectionString, { updates, batch, rooms: 1000, relays });
        console.log(
          `relays ${relays}, updates per commit ${String(batch).padStart(3)}: ${Math.round(result.updatesPerSecond).toLocaleString('en-US')} updates/s, ${result.msPerCommit.toFixed(2)} ms per commit`,
        );
      }
    }
  } finally {
    await server.remove();
  }
}
