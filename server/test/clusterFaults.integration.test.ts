import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvelopeHeader } from '@seen/shared/protocol';
import { createSeededRandom, waitFor } from '@seen/shared/testing';
import type { StoredEnvelope } from '../src/storage/RelayStorage.ts';
import { createClusterClient, type ClusterClient } from './clusterClient.ts';
import { createEngineBackend, type ClusterBackend } from './clusterBackends.ts';
import { createFastRoom, type FastRoom } from './fastClient.ts';
import { spawnRelayProcess, type RelayProcess } from './relayProcess.ts';

/**
 * SPEC CLUSTER-7: three relay processes on one PostgreSQL and one Redis, partners spread over them,
 * seeded load, and the faults a cluster meets: a relay killed, a relay frozen, Redis restarted,
 * PostgreSQL stopped hard. After each, the log and every client must agree on everything.
 */
const SEED = Number(process.env.CLUSTER_SEED ?? 20261201);
const RELAYS = 3;
const ROOMS = 4;
const PARTNERS = 2;
/** Writes per client between two faults. */
const WRITES_PER_ROUND = 30;
const SETTLE_MS = 45_000;

/**
 * A sender's writes must be numbered in the order it sent them (partners check a sender's seqs for
 * gaps to notice withheld changes): per session, seq rises with relaySeq.
 */
function senderOrderBreaks(log: readonly StoredEnvelope[]): string[] {
  const last = new Map<string, number>();
  const breaks: string[] = [];
  for (const row of log) {
    const header = parseEnvelopeHeader(row.envelope);
    if (!header.ok) continue;
    const session = Buffer.from(header.value.sessionId).toString('hex');
    const before = last.get(session);
    if (before !== undefined && header.value.seq <= before) breaks.push(`relaySeq ${row.relaySeq}: seq ${header.value.seq} after ${before}`);
    last.set(session, header.value.seq);
  }
  return breaks;
}

interface Slot {
  process: RelayProcess | null;
}

describe('several relays under faults (SPEC CLUSTER-7)', () => {
  let backend: ClusterBackend;
  const dataDir = mkdtempSync(join(tmpdir(), 'seen-cluster-'));
  const slots: Slot[] = [];
  const rooms: { room: FastRoom; clients: ClusterClient[] }[] = [];
  const random = createSeededRandom(SEED);
  let supervising = true;

  const spawn = (): Promise<RelayProcess> =>
    spawnRelayProcess({ dataDir, env: { DATABASE_URL: backend.postgres!.connectionString, REDIS_URL: backend.redis!.url, LOG_LEVEL: 'silent' } });
  const liveRelays = (): RelayProcess[] => slots.flatMap((slot) => (slot.process === null ? [] : [slot.process]));

  /** Like the app's reconnect loop: a client whose socket closed goes to any relay that answers. */
  const supervise = async (client: ClusterClient): Promise<void> => {
    while (supervising) {
      if (!client.connected) {
        const relays = liveRelays();
        const relay = relays[Math.floor(random() * relays.length)];
        if (relay !== undefined) await client.connect(relay.wsUrl).catch(() => undefined);
      }
      await client.closedNow();
      if (!client.connected) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const allClients = (): ClusterClient[] => rooms.flatMap((entry) => entry.clients);

  const writeRound = (): void => {
    for (let index = 0; index < WRITES_PER_ROUND; index++) for (const client of allClients()) client.write(40 + Math.floor(random() * 400));
  };

  /** Every write acknowledged, every client holding the whole log of its room, the log consistent. */
  const expectSettled = async (after: string): Promise<void> => {
    for (const { room, clients } of rooms) {
      const roomId = Buffer.from(room.roomId).toString('base64url');
      let total = 0;
      await waitFor(
        () => {
          if (clients.some((client) => client.unacked > 0)) return false;
          total = clients.reduce((sum, client) => sum + client.acked.size, 0);
          return clients.every((client) => client.held() === total);
        },
        { timeoutMs: SETTLE_MS, what: `room to settle after ${after} (seed ${SEED})` },
      ).catch((error: unknown) => {
        const states = clients.map(
          (client) => `connected ${client.connected}, unacked ${client.unacked}, acked ${client.acked.size}, held ${client.held()}, last close ${client.lastCloseCode}`,
        );
        throw new Error(`${String(error)}\n${states.join('\n')}`);
      });
      const log = await backend.inspect.readLog(roomId, 0, Number.MAX_SAFE_INTEGER, 1_000_000);
      expect(log.map((row) => row.relaySeq), `gapless log after ${after}`).toEqual(log.map((_, index) => index + 1));
      expect(log.length, `each acknowledged write stored once after ${after}`).toBe(total);
      expect(senderOrderBreaks(log), `each sender's writes in its own order after ${after}`).toEqual([]);
      for (const client of clients) {
        expect(client.disorders, `delivery order after ${after}`).toEqual([]);
        expect(client.ackConflicts, `ACKs after ${after}`).toEqual([]);
        for (const [seq, relaySeq] of client.acked) {
          expect((await backend.inspect.findBySessionSeq(roomId, client.sessionId, seq))?.relaySeq, `write ${seq} after ${after}`).toBe(relaySeq);
        }
      }
    }
  };

  beforeAll(async () => {
    backend = await createEngineBackend();
    for (let index = 0; index < RELAYS; index++) slots.push({ process: await spawn() });
    for (let index = 0; index < ROOMS; index++) {
      const room = createFastRoom();
      const clients = Array.from({ length: PARTNERS }, () => createClusterClient(room));
      rooms.push({ room, clients });
      for (const client of clients) void supervise(client);
    }
    await waitFor(() => allClients().every((client) => client.connected), { timeoutMs: SETTLE_MS, what: 'every client connected' });
    console.log(`[CLUSTER-7] seed ${SEED}: ${RELAYS} relays, ${ROOMS} rooms × ${PARTNERS} partners`);
  }, 120_000);

  afterAll(async () => {
    supervising = false;
    for (const client of allClients()) client.drop();
    for (const slot of slots) slot.process?.child.kill('SIGKILL');
    await Promise.all(slots.map((slot) => slot.process?.exited));
    await backend?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('CLUSTER-7 no acknowledged write is lost or duplicated through a relay SIGKILL, a SIGSTOP, a Redis restart and a PostgreSQL crash', async () => {
    writeRound();
    await expectSettled('the first round');

    // A relay dies mid-load: its clients reconnect elsewhere and resend.
    const victim = slots[Math.floor(random() * RELAYS)]!;
    writeRound();
    victim.process!.child.kill('SIGKILL');
    await victim.process!.exited;
    victim.process = null;
    await expectSettled('SIGKILL of a relay');
    victim.process = await spawn();

    // A relay freezes: its clients wait; after SIGCONT everything flows again.
    const frozen = slots[Math.floor(random() * RELAYS)]!.process!;
    frozen.child.kill('SIGSTOP');
    writeRound();
    frozen.child.kill('SIGCONT');
    await expectSettled('SIGSTOP/SIGCONT of a relay');

    // Redis restarts: messages are lost; relays repair from PostgreSQL.
    writeRound();
    await backend.redis!.stop();
    await backend.redis!.start();
    writeRound();
    await expectSettled('a Redis restart');

    // PostgreSQL stops hard and comes back: writes fail meanwhile and are resent.
    writeRound();
    await backend.postgres!.stop('immediate');
    await backend.postgres!.start();
    writeRound();
    await expectSettled('PostgreSQL stopped with -m immediate');
    console.log(`[CLUSTER-7] seed ${SEED}: ${allClients().reduce((sum, client) => sum + client.acked.size, 0)} acknowledged writes, 0 lost, 0 duplicated`);
  }, 300_000);
});
