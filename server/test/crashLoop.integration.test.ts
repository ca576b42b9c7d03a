import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ENVELOPE_TYPE, encodePutFrame, toHex } from '@seen/shared/protocol';
import { createSeededRandom, waitFor } from '@seen/shared/testing';
import { connectFastClient, createFastDevice, createFastRoom, type FastClient, type FastDevice, type FastRoom } from './fastClient.ts';
import { spawnRelayProcess, type RelayProcess } from './relayProcess.ts';

// SPEC CRASH-1, CRASH-2: SIGKILL the real relay process at seeded random points while clients
// write updates and upload snapshots (so kills land inside appends and inside compactions), then
// open the database file as the next process would: it must pass integrity_check, hold every
// write that was acknowledged, and never have superseded anything no stored snapshot covers.

const processes: RelayProcess[] = [];
const clients: FastClient[] = [];
let dataDir = '';

afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate();
  for (const relay of processes.splice(0)) relay.child.kill('SIGKILL');
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  dataDir = '';
});

const KILLS = 5;
const WRITERS = 3;
/** Must stay under the default put bucket (burst 300): the relay runs with production limits. */
const IN_FLIGHT = 60;
const SEEDS = [20261125, 7];

interface Writer {
  readonly room: FastRoom;
  readonly device: FastDevice;
}

interface CheckResult {
  readonly integrity: string;
  readonly missing: string[];
  readonly orphanSuperseded: number;
  readonly rows: number;
}

/** What the next relay process would find: checked with better-sqlite3 directly, relay down. */
function checkDatabase(path: string, acked: Map<string, number>): CheckResult {
  const db = new Database(path);
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const stored = new Map<string, number>();
    for (const row of db.prepare('SELECT lower(hex(session)) AS session_id, seq, relay_seq FROM envelopes').all() as { session_id: string; seq: number; relay_seq: number }[]) {
      stored.set(`${row.session_id}:${row.seq}`, row.relay_seq);
    }
    const missing = [...acked].filter(([key, relaySeq]) => stored.get(key) !== relaySeq).map(([key]) => key);
    const orphanSuperseded = (
      db
        .prepare(
          `SELECT COUNT(*) AS n FROM envelopes e WHERE e.superseded_at IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM envelopes s WHERE s.room = e.room AND s.covers IS NOT NULL AND s.covers >= e.relay_seq)`,
        )
        .get() as { n: number }
    ).n;
    return { integrity, missing, orphanSuperseded, rows: stored.size };
  } finally {
    db.close();
  }
}

describe('crash safety under writes and compaction (SPEC CRASH-1, CRASH-2)', () => {
  for (const seed of SEEDS) {
    it(`CRASH-1, CRASH-2: ${KILLS} SIGKILLs at seeded points (seed ${seed}) lose no acknowledged write, supersede nothing uncovered, and leave a file that passes integrity_check`, async () => {
      const random = createSeededRandom(seed);
      dataDir = mkdtempSync(join(tmpdir(), 'seen-crashloop-'));
      const dbPath = join(dataDir, 'seen-relay.sqlite');
      const writers: Writer[] = Array.from({ length: WRITERS }, () => ({ room: createFastRoom(), device: createFastDevice() }));
      const acked = new Map<string, number>();
      let snapshotsAcked = 0;
      let totalAcked = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const relay = await spawnRelayProcess({ dataDir });
        processes.push(relay);
        const live = writers.map((writer) => connectFastClient({ wsUrl: relay.wsUrl, room: writer.room, device: writer.device }));
        clients.push(...live);
        await Promise.all(live.map((client) => client.ready));
        // Kill after a seeded number of acknowledgements: somewhere inside a stream of appends,
        // with snapshots (which supersede in the same transaction) mixed in.
        const killAfter = 60 + Math.floor(random() * 240);
        const snapshotSeqs = new Set<string>();
        let stop = false;
        const pump = async (client: FastClient): Promise<void> => {
          for (let sent = 0; !stop; sent++) {
            if (sent % 12 === 11 && client.acked.size > 0) {
              const covers = Math.max(...client.acked.values());
              const envelope = client.buildEnvelope({ type: ENVELOPE_TYPE.SNAPSHOT, coversRelaySeq: covers, bytes: 16 * 1024 + Math.floor(random() * 48 * 1024) });
              snapshotSeqs.add(`${toHex(client.sessionId)}:${new DataView(envelope.buffer).getUint32(34)}`);
              client.socket.send(encodePutFrame(envelope));
            } else {
              client.put(50 + Math.floor(random() * 2000));
            }
            if (sent - client.acked.size > IN_FLIGHT) await waitFor(() => stop || sent - client.acked.size <= IN_FLIGHT / 2, { timeoutMs: 10_000 });
            await new Promise((resolve) => setImmediate(resolve));
          }
        };
        const pumps = live.map(pump);
        // The first kill also waits for an acknowledged snapshot, so every run crashes with
        // compaction in the log (timing alone does not guarantee one on a busy machine).
        const snapshotAcked = (): boolean =>
          live.some((client) => [...client.acked.keys()].some((seq) => snapshotSeqs.has(`${toHex(client.sessionId)}:${seq}`)));
        await waitFor(() => live.reduce((sum, client) => sum + client.acked.size, 0) >= killAfter && (kill > 0 || snapshotAcked()), {
          what: 'acks (and a snapshot) before the kill',
          timeoutMs: 20_000,
        });
        relay.child.kill('SIGKILL');
        expect(await relay.exited).toBe('SIGKILL');
        stop = true;
        await Promise.all(pumps);
        await Promise.all(live.map((client) => client.closed));
        for (const client of live) {
          for (const [seq, relaySeq] of client.acked) {
            const key = `${toHex(client.sessionId)}:${seq}`;
            acked.set(key, relaySeq);
            if (snapshotSeqs.has(key)) snapshotsAcked += 1;
          }
          totalAcked += client.acked.size;
        }
        const check = checkDatabase(dbPath, acked);
        expect(check.integrity).toBe('ok');
        expect(check.missing).toEqual([]);
        expect(check.orphanSuperseded).toBe(0);
      }
      // The database still opens as a relay, and serves the rooms.
      const last = await spawnRelayProcess({ dataDir });
      processes.push(last);
      const reader = connectFastClient({ wsUrl: last.wsUrl, room: writers[0]!.room, device: writers[0]!.device });
      clients.push(reader);
      await reader.ready;
      expect(reader.envs).toBeGreaterThan(0);
      expect(snapshotsAcked).toBeGreaterThan(0);
      console.info(`[CRASH-1] seed ${seed}: ${KILLS} SIGKILLs, ${totalAcked} acknowledged writes (${snapshotsAcked} snapshots), 0 lost, integrity_check ok after every kill`);
    });
  }
});
