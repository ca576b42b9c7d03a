import { waitFor } from '@seen/shared/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { registerStorageContractTests } from '../../test/storageContract.ts';
import { startPostgres, type TestPostgres } from '../../test/engines/startPostgres.ts';
import { POSTGRES_SCHEMA_VERSION } from './migratePostgresSchema.ts';
import { createPostgresStorage } from './PostgresStorage.ts';
import type { RelayStorage, SequencedWrite } from './RelayStorage.ts';

/** A room's head as the cluster's head check reads it (0 for a room never created). */
const headOf = async (storage: RelayStorage, roomId: string): Promise<number> => (await storage.readRoomHeads([roomId])).get(roomId)?.head ?? 0;

const silent = createLogger({ level: 'silent' });
const AUTH_PK = new Uint8Array(32).fill(0xa1);
const NO_QUOTA = 1 << 30;

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.remove();
});

/** A fresh database per case: the contract's room ids are fixed. */
registerStorageContractTests('postgresql', async () => {
  const storage = await createPostgresStorage({ connectionString: await server.createDatabase(), logger: silent });
  return { storage, cleanup: () => storage.close() };
});

async function queryOnce<Row extends pg.QueryResultRow>(connectionString: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A writer's `count` updates for one session, each envelope naming its writer and seq. */
function writesOf(writer: number, roomId: string, count: number): SequencedWrite[] {
  const sessionId = new Uint8Array(16).fill(writer);
  return Array.from({ length: count }, (_, seq) => {
    const envelope = new Uint8Array(24).fill(writer);
    new DataView(envelope.buffer).setUint32(0, seq);
    return { roomId, sessionId, seq, envelope, coversRelaySeq: null, receivedAt: seq };
  });
}

/** Commits `writes` in batches of `batchSize`, `inFlight` batches at a time; returns relaySeq per write. */
async function commitAll(storage: RelayStorage, writes: readonly SequencedWrite[], batchSize: number, inFlight: number): Promise<number[]> {
  const relaySeqs: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < writes.length) {
      const start = next;
      next += batchSize;
      const batch = writes.slice(start, start + batchSize);
      const { outcomes } = await storage.commitSequenced(batch, NO_QUOTA, 1_000);
      outcomes.forEach((outcome, index) => {
        if (outcome.kind !== 'stored') throw new Error(`write ${start + index} was ${outcome.kind}`);
        relaySeqs[start + index] = outcome.relaySeq;
      });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return relaySeqs;
}

describe('PostgresStorage, shared by several relays', () => {
  it('STORE-22 two writers (two pools) committing concurrently into one room never get the same relaySeq, and the log is gapless with each write at its relaySeq', async () => {
    const connectionString = await server.createDatabase();
    const first = await createPostgresStorage({ connectionString, poolSize: 4, logger: silent });
    const second = await createPostgresStorage({ connectionString, poolSize: 4, logger: silent });
    try {
      await first.createRoom('shared', AUTH_PK, 1);
      await first.createRoom('also-shared', AUTH_PK, 1);
      const perWriter = 400;
      // Each writer also touches a second room, the two listing the rooms in opposite orders:
      // rooms are locked in a fixed order, so this cannot deadlock.
      const interleave = (a: SequencedWrite[], b: SequencedWrite[]): SequencedWrite[] => a.flatMap((write, index) => [write, b[index]!]);
      const firstWrites = interleave(writesOf(1, 'also-shared', perWriter), writesOf(1, 'shared', perWriter));
      const secondWrites = interleave(writesOf(2, 'shared', perWriter), writesOf(2, 'also-shared', perWriter));
      const [firstSeqs, secondSeqs] = await Promise.all([commitAll(first, firstWrites, 16, 4), commitAll(second, secondWrites, 16, 4)]);

      for (const roomId of ['shared', 'also-shared']) {
        const assigned = [...firstWrites, ...secondWrites]
          .map((write, index) => ({ write, relaySeq: index < firstWrites.length ? firstSeqs[index]! : secondSeqs[index - firstWrites.length]! }))
          .filter(({ write }) => write.roomId === roomId);
        const relaySeqs = assigned.map(({ relaySeq }) => relaySeq).sort((a, b) => a - b);
        expect(relaySeqs).toEqual(Array.from({ length: 2 * perWriter }, (_, index) => index + 1));
        const log = await first.readLog(roomId, 0, Number.MAX_SAFE_INTEGER, 10_000);
        const byRelaySeq = new Map(log.map((row) => [row.relaySeq, Buffer.from(row.envelope).toString('hex')]));
        for (const { write, relaySeq } of assigned) expect(byRelaySeq.get(relaySeq)).toBe(Buffer.from(write.envelope).toString('hex'));
        // Each session's writes were numbered in its own order (a session's batches commit in order).
        for (const writer of [1, 2]) {
          const own = assigned.filter(({ write }) => write.sessionId[0] === writer).sort((a, b) => a.write.seq - b.write.seq);
          expect(own.map(({ write }) => write.seq)).toEqual(Array.from({ length: perWriter }, (_, index) => index));
        }
        expect(await headOf(second, roomId)).toBe(2 * perWriter);
        expect(await second.getRoom(roomId)).toMatchObject({ maxRelaySeq: 2 * perWriter, bytesUsed: 2 * perWriter * 24 });
      }
      // A resend through the other relay gets the original relaySeq.
      const resent = await second.commitSequenced([firstWrites[1]!], NO_QUOTA, 2_000);
      expect(resent.outcomes).toEqual([{ kind: 'duplicate', relaySeq: firstSeqs[1] }]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('STORE-23 several relays starting at once on an empty database migrate it once, safely', async () => {
    const connectionString = await server.createDatabase();
    const storages = await Promise.all([1, 2, 3].map(() => createPostgresStorage({ connectionString, poolSize: 2, logger: silent })));
    try {
      expect(await queryOnce(connectionString, 'SELECT version FROM seen_schema')).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
      await storages[0]!.createRoom('r', AUTH_PK, 1);
      const { outcomes } = await storages[2]!.commitSequenced(writesOf(3, 'r', 2), NO_QUOTA, 1);
      expect(outcomes).toEqual([
        { kind: 'stored', relaySeq: 1 },
        { kind: 'stored', relaySeq: 2 },
      ]);
    } finally {
      await Promise.all(storages.map((storage) => storage.close()));
    }
    // A relay restarting on the migrated database changes nothing.
    const again = await createPostgresStorage({ connectionString, logger: silent });
    expect(await headOf(again, 'r')).toBe(2);
    await again.close();
  });

  it('STORE-23 SEALED-19 a layout-3 database gains revoked devices (layout 4) in place: its devices stay registered; a revoked one is refused for good, and its row goes with the room', async () => {
    const connectionString = await server.createDatabase();
    const [alex, lost] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const hexes = (keys: Uint8Array[]): string[] => keys.map((key) => Buffer.from(key).toString('hex')).sort();
    const first = await createPostgresStorage({ connectionString, logger: silent });
    await first.createRoom('kept', AUTH_PK, 1);
    await first.addDevice('kept', alex, 2);
    await first.addDevice('kept', lost, 3);
    await first.close();
    // Back to exactly what layout 3 had.
    await queryOnce(connectionString, 'DROP TABLE admission_tickets; ALTER TABLE devices DROP COLUMN revoked_at');
    await queryOnce(connectionString, 'UPDATE seen_schema SET version = 3');

    const storage = await createPostgresStorage({ connectionString, logger: silent });
    try {
      expect(await queryOnce(connectionString, 'SELECT version FROM seen_schema')).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
      expect(hexes(await storage.listDevices('kept'))).toEqual(hexes([alex, lost]));
      expect(await storage.revokeDevice('kept', lost, alex, 4)).toBe(true);
      await storage.addDevice('kept', lost, 5);
      expect(hexes(await storage.listRevokedDevices('kept'))).toEqual(hexes([lost]));
      expect((await storage.readRoomHeads(['kept'])).get('kept')).toMatchObject({ deviceCount: 1, revokedCount: 1 });
      await storage.deleteRoom('kept', 6);
      expect(await queryOnce(connectionString, 'SELECT count(*)::integer AS n FROM devices')).toEqual([{ n: 0 }]);
    } finally {
      await storage.close();
    }
  });

  it('STORE-23 SEALED-21 a layout-4 database gains admission tickets (layout 5) in place: its devices and revocations intact, and tickets work', async () => {
    const connectionString = await server.createDatabase();
    const [alex, lost] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const ticketHash = new Uint8Array(32).fill(9);
    const hexes = (keys: Uint8Array[]): string[] => keys.map((key) => Buffer.from(key).toString('hex')).sort();
    const first = await createPostgresStorage({ connectionString, logger: silent });
    await first.createRoom('kept', AUTH_PK, 1);
    await first.addDevice('kept', alex, 2);
    await first.addDevice('kept', lost, 3);
    await first.revokeDevice('kept', lost, alex, 4);
    await first.close();
    // Back to exactly what layout 4 had.
    await queryOnce(connectionString, 'DROP TABLE admission_tickets');
    await queryOnce(connectionString, 'UPDATE seen_schema SET version = 4');

    const storage = await createPostgresStorage({ connectionString, logger: silent });
    try {
      expect(await queryOnce(connectionString, 'SELECT version FROM seen_schema')).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
      expect(hexes(await storage.listDevices('kept'))).toEqual(hexes([alex]));
      expect(hexes(await storage.listRevokedDevices('kept'))).toEqual(hexes([lost]));
      expect(await storage.addAdmissionTicket('kept', ticketHash, alex, 10, 10_000)).toBe(true);
      expect(await storage.consumeAdmissionTicket('kept', ticketHash, 20)).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('SEALED-21 two relays (two pools) consuming one admission ticket at the same moment: exactly one gets it; a relay adding tickets at once with another keeps at most 4', async () => {
    const connectionString = await server.createDatabase();
    const relays = await Promise.all([1, 2].map(() => createPostgresStorage({ connectionString, logger: silent })));
    try {
      const alex = new Uint8Array(32).fill(1);
      await relays[0]!.createRoom('room', AUTH_PK, 1);
      await relays[0]!.addDevice('room', alex, 2);
      for (let round = 0; round < 10; round++) {
        const ticketHash = new Uint8Array(32).fill(round + 1);
        await relays[round % 2]!.addAdmissionTicket('room', ticketHash, alex, 100 + round, 100_000);
        const results = await Promise.all([...relays, ...relays].map((relay) => relay.consumeAdmissionTicket('room', ticketHash, 200 + round)));
        expect(results.filter(Boolean).length, `round ${round}`).toBe(1);
      }
      await Promise.all(Array.from({ length: 10 }, (_, n) => relays[n % 2]!.addAdmissionTicket('room', new Uint8Array(32).fill(50 + n), alex, 1_000, 100_000)));
      expect(await queryOnce(connectionString, 'SELECT count(*)::integer AS n FROM admission_tickets')).toEqual([{ n: 4 }]);
    } finally {
      await Promise.all(relays.map((relay) => relay.close()));
    }
  });

  it('STORE-23 a database written by a newer relay is refused with a sentence, and left untouched', async () => {
    const connectionString = await server.createDatabase();
    await queryOnce(connectionString, 'CREATE TABLE seen_schema (version integer NOT NULL)');
    await queryOnce(connectionString, 'INSERT INTO seen_schema VALUES ($1)', [POSTGRES_SCHEMA_VERSION + 1]);
    await expect(createPostgresStorage({ connectionString, logger: silent })).rejects.toThrow(/newer than this relay understands.*Upgrade this relay/);
    expect(await queryOnce(connectionString, 'SELECT version FROM seen_schema')).toEqual([{ version: POSTGRES_SCHEMA_VERSION + 1 }]);
    expect(await queryOnce(connectionString, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ tablename: 'seen_schema' }]);
  });
});

describe('PostgresStorage durability settings', () => {
  it('STORE-25 a commit waits for its WAL flush even where the database is set to synchronous_commit = off', async () => {
    const connectionString = await server.createDatabase();
    const name = connectionString.slice(connectionString.lastIndexOf('/') + 1);
    await queryOnce(server.connectionString, `ALTER DATABASE ${name} SET synchronous_commit = off`);
    const storage = await createPostgresStorage({ connectionString, poolSize: 1, logger: silent });
    try {
      await storage.createRoom('r', AUTH_PK, 1);
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        expect((await client.query<{ setting: string }>("SELECT current_setting('synchronous_commit') AS setting")).rows).toEqual([{ setting: 'off' }]);
        // The same call the relay makes, inside a transaction so the setting it leaves can be read.
        await client.query('BEGIN');
        await client.query('SELECT seen_commit_sequenced($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
          ['r'],
          [16],
          Buffer.alloc(16, 1),
          [0],
          [4],
          Buffer.alloc(4, 2),
          [null],
          [1],
          NO_QUOTA,
          1,
        ]);
        expect((await client.query<{ setting: string }>("SELECT current_setting('synchronous_commit') AS setting")).rows).toEqual([{ setting: 'on' }]);
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
      expect(await headOf(storage, 'r')).toBe(1);
    } finally {
      await storage.close();
    }
  });
});

describe('PostgresStorage through a database outage', () => {
  let own: TestPostgres;
  beforeAll(async () => {
    own = await startPostgres();
  });
  afterAll(async () => {
    await own?.remove();
  });

  it('STORE-24 a PostgreSQL crash (stop -m immediate) makes calls fail without crashing the relay; calls succeed once it is back, with every committed write kept', async () => {
    const lines: string[] = [];
    const storage = await createPostgresStorage({
      connectionString: own.connectionString,
      poolSize: 3,
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    });
    try {
      await storage.createRoom('r', AUTH_PK, 1);
      const writes = writesOf(7, 'r', 6);
      // Warm the pool: its idle connections are what break when the server dies.
      await Promise.all([1, 2, 3].map(() => storage.readRoomHeads(['r'])));
      expect((await storage.commitSequenced(writes.slice(0, 3), NO_QUOTA, 1)).outcomes.map((outcome) => outcome.kind)).toEqual(['stored', 'stored', 'stored']);
      await own.stop('immediate');
      await expect(storage.commitSequenced(writes.slice(3), NO_QUOTA, 2)).rejects.toThrow();
      await expect(storage.getRoom('r')).rejects.toThrow();
      // The pool's idle connections broke too: logged, not thrown at the process.
      await waitFor(() => lines.some((line) => line.includes('database connection lost')), { what: 'the pool to log its broken connections' });
      await own.start();
      const after = await storage.commitSequenced(writes.slice(2), NO_QUOTA, 3);
      expect(after.outcomes).toEqual([
        { kind: 'duplicate', relaySeq: 3 },
        { kind: 'stored', relaySeq: 4 },
        { kind: 'stored', relaySeq: 5 },
        { kind: 'stored', relaySeq: 6 },
      ]);
      expect((await storage.readLog('r', 0, 100, 100)).map((row) => row.relaySeq)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await storage.close();
    }
  });
});
