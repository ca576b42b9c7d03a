import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresStorage,
  createRedisBus,
  startPostgres,
  startRedis,
  startTcpTap,
  type TcpTap,
  type TestPostgres,
  type TestRedis,
} from '@seen/server/testing';
import { encodeRoomSecret } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { encodingsOf, containsAny, filesUnder } from './testing/canary.ts';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

const harness = createSyncHarness();
const { open } = harness;

describe('plaintext canary across relays (SPEC PRIV-1, CLUSTER)', () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  let tap: TcpTap;
  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    tap = await startTcpTap(redis.port);
  }, 60_000);
  afterAll(async () => {
    await tap?.close();
    await Promise.allSettled([postgres?.remove(), redis?.remove()]);
  });

  it('PRIV-1: a marker typed on one relay and read on another never reaches PostgreSQL\'s files or the Redis traffic', async () => {
    const relayOn = async () =>
      harness.relay({
        customStorage: await createPostgresStorage({ connectionString: postgres.connectionString }),
        bus: createRedisBus({ url: `redis://127.0.0.1:${tap.port}` }),
      });
    const [first, second] = [await relayOn(), await relayOn()];
    const [toFirst, toSecond] = [await harness.proxy(first), await harness.proxy(second)];
    const secret = generateRoomSecret();
    const marker = `CANARY-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const alice = open(toFirst.wsUrl, secret, { compactAfter: 5, compactJitterMs: 0 });
    const sam = open(toSecond.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    alice.awareness.setLocalStateField('name', marker);
    const answer = alice.doc.getText('answer');
    for (const char of `My answer: ${marker}`) answer.insert(answer.length, char);
    await waitFor(() => sam.doc.getText('answer').toString().includes(marker), { what: 'sam, on the other relay, to read the answer' });
    await waitFor(() => [...sam.awareness.getStates().values()].some((state) => state.name === marker), { what: 'presence across relays' });
    await waitFor(() => alice.engine.snapshotsSent > 0 && alice.getStatus().pendingAcks === 0, { what: 'snapshot stored' });

    const needles = [...encodingsOf(marker), ...encodingsOf(encodeRoomSecret(secret)), Buffer.from(secret)];
    // The relays really talked over Redis (envelopes and presence crossed the tap) ...
    const redisBytes = Buffer.concat(tap.chunks);
    expect(redisBytes.length).toBeGreaterThan(1_000);
    expect(redisBytes.includes(Buffer.from(alice.roomId)), 'the room\'s channel crossed the tap').toBe(true);
    expect(containsAny(redisBytes, needles)).toBe(false);
    for (const frame of [...toFirst.frames, ...toSecond.frames]) expect(containsAny(Buffer.from(frame.bytes), needles)).toBe(false);
    const scanDatabase = (): void => {
      let roomSeen = false;
      for (const file of filesUnder(postgres.dataDir)) {
        const bytes = readFileSync(file);
        expect(containsAny(bytes, needles), `database file ${file}`).toBe(false);
        roomSeen ||= bytes.includes(Buffer.from(alice.roomId));
      }
      // The scan reads where the rows really land: the room's id is there in clear.
      expect(roomSeen, 'the room id in PostgreSQL\'s files').toBe(true);
    };
    scanDatabase(); // while running: the WAL holds the recent commits
    await Promise.all([first.close(), second.close()]);
    await postgres.stop('fast'); // a shutdown checkpoint writes every page to the heap files
    scanDatabase();
    for (const line of [...first.logLines, ...second.logLines]) expect(containsAny(Buffer.from(line), needles)).toBe(false);
    expect(containsAny(Buffer.from(`x${marker}x`), needles)).toBe(true);
  });
});
