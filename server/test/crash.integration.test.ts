import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateRoomSecret, openEnvelope, type RoomSecret } from '@seen/shared/crypto';
import { CLOSE, toHex } from '@seen/shared/protocol';
import { waitFor } from '@seen/shared/testing';
import { connectRawClient, type RawClient } from './rawClient.ts';
import { spawnRelayProcess, type RelayProcess } from './relayProcess.ts';

const processes: RelayProcess[] = [];
const clients: RawClient[] = [];
let dataDir = '';

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const relay of processes.splice(0)) relay.child.kill('SIGKILL');
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
});

const ROOMS = 3;
const WRITES_BEFORE_KILL = 150;

describe('crash durability (SPEC LOG-9)', () => {
  it('LOG-9: SIGKILL mid-load loses no acknowledged update and the database reopens cleanly', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seen-crash-'));
    const first = await spawnRelayProcess({ dataDir });
    processes.push(first);
    const secrets: RoomSecret[] = Array.from({ length: ROOMS }, () => generateRoomSecret());
    const writers = await Promise.all(secrets.map((secret) => connectRawClient({ wsUrl: first.wsUrl, secret })));
    clients.push(...writers);
    await Promise.all(writers.map((writer) => writer.ready));

    // Keep writing (within the rate limit) until enough acks arrived, then kill without warning.
    let stop = false;
    const pump = async (writer: RawClient): Promise<void> => {
      for (let i = 0; !stop; i++) {
        writer.put(new TextEncoder().encode(`write ${i}`));
        if (i % 20 === 19) await waitFor(() => stop || writer.acks.length >= i - 40, { timeoutMs: 5000 });
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const pumps = writers.map(pump);
    await waitFor(() => writers.every((writer) => writer.acks.length >= WRITES_BEFORE_KILL / ROOMS), { timeoutMs: 20_000, what: 'acks' });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    stop = true;
    await Promise.all(pumps);
    const acked = writers.map((writer) => new Set(writer.acks.map((ack) => ack.seq)));

    const second = await spawnRelayProcess({ dataDir });
    processes.push(second);
    for (const [index, secret] of secrets.entries()) {
      const reader = await connectRawClient({ wsUrl: second.wsUrl, secret });
      clients.push(reader);
      await reader.ready;
      const writerSession = toHex(writers[index]!.sessionId);
      const stored = new Set<number>();
      for (const env of reader.envs) {
        const opened = openEnvelope(env.envelope, { encryptionKey: reader.keys.encryptionKey, roomId: reader.keys.roomIdBytes, epoch: 0 });
        expect(opened.ok).toBe(true);
        if (opened.ok && toHex(opened.value.header.sessionId) === writerSession) stored.add(opened.value.header.seq);
      }
      const missing = [...acked[index]!].filter((seq) => !stored.has(seq));
      expect(missing).toEqual([]);
      expect(acked[index]!.size).toBeGreaterThanOrEqual(WRITES_BEFORE_KILL / ROOMS);
    }
  });

  it('LOG-10: SIGTERM sends GOING_AWAY, commits what is pending and exits cleanly', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seen-term-'));
    const relay = await spawnRelayProcess({ dataDir });
    processes.push(relay);
    const secret = generateRoomSecret();
    const writer = await connectRawClient({ wsUrl: relay.wsUrl, secret });
    clients.push(writer);
    await writer.ready;
    for (let i = 0; i < 50; i++) writer.put(new TextEncoder().encode(`write ${i}`));
    await writer.waitForAcks(50);
    relay.child.kill('SIGTERM');
    expect((await writer.closed).code).toBe(CLOSE.GOING_AWAY);
    expect(await relay.exited).toBe(0);
    const again = await spawnRelayProcess({ dataDir });
    processes.push(again);
    const reader = await connectRawClient({ wsUrl: again.wsUrl, secret });
    clients.push(reader);
    await reader.ready;
    expect(reader.envs).toHaveLength(50);
  });
});
