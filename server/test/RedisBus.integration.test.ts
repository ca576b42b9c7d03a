import { waitFor } from '@seen/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBus, roomChannel, type RedisRoomBus } from '../src/bus/RedisBus.ts';
import type { BusMessage, RoomBus } from '../src/bus/RoomBus.ts';
import type { Logger } from '../src/log.ts';
import { createRecordingLogger, registerBusContractTests } from './busContract.ts';
import { startRedis, type TestRedis } from './engines/startRedis.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.remove();
});

const opened: RoomBus[] = [];
function openBus(options: { logger?: Logger; maxPendingPublishBytes?: number } = {}): RedisRoomBus {
  const bus = createRedisBus({ url: redis.url, ...options });
  opened.push(bus);
  return bus;
}
async function closeOpened(): Promise<void> {
  await Promise.all(opened.splice(0).map((bus) => bus.close()));
}

registerBusContractTests('Redis', async () => ({
  createBus: (logger) => openBus({ logger }),
  async publishRaw(roomId, bytes) {
    const raw = new Redis(redis.url);
    try {
      await raw.publish(roomChannel(roomId), Buffer.from(bytes));
    } finally {
      await raw.quit();
    }
  },
  cleanup: closeOpened,
}));

const ROOM = 'room-redis-a';
const LATER_ROOM = 'room-redis-b';

function envelopes(fromRelaySeq: number, size = 32, roomId = ROOM): BusMessage {
  return { kind: 'envelopes', roomId, fromRelaySeq, envelopes: [new Uint8Array(size).fill(fromRelaySeq & 0xff)] };
}

describe('Redis bus across outages', () => {
  afterEach(async () => {
    // Leave the server running and answering for the next test, whatever this one did.
    redis.resume();
    await closeOpened();
    await redis.start().catch(() => undefined);
  });

  it('BUS-5 after a Redis restart onReconnect fires, joined rooms receive again without re-joining, and publishing while down neither throws nor blocks', async () => {
    const logger = createRecordingLogger();
    const [a, b] = [openBus({ logger }), openBus()];
    const receivedByB: BusMessage[] = [];
    b.onMessage((message) => receivedByB.push(message));
    let reconnectsA = 0;
    let reconnectsB = 0;
    a.onReconnect(() => reconnectsA++);
    b.onReconnect(() => reconnectsB++);
    await Promise.all([a.join(ROOM), b.join(ROOM)]);
    a.publish(envelopes(1));
    await waitFor(() => receivedByB.length === 1, { what: 'the first message' });
    expect(reconnectsA + reconnectsB).toBe(0);

    await redis.stop();
    for (let seq = 2; seq < 50; seq++) a.publish(envelopes(seq));
    // A room loaded during the outage does not wait for Redis longer than a bounded moment.
    const joinStarted = Date.now();
    await b.join(LATER_ROOM);
    expect(Date.now() - joinStarted).toBeLessThan(3_000);
    await waitFor(() => logger.lines.some((line) => line.message === 'redis bus connection lost'), { what: 'the outage logged' });

    await redis.start();
    await waitFor(() => reconnectsA >= 1 && reconnectsB >= 1, { timeoutMs: 10_000, what: 'onReconnect on both buses' });
    // Published while down: delivered or lost (the relays repair from the database), never thrown.
    const before = receivedByB.length;
    a.publish(envelopes(100));
    a.publish(envelopes(101, 32, LATER_ROOM));
    await waitFor(() => receivedByB.some((message) => message.kind === 'envelopes' && message.fromRelaySeq === 101), { what: 'messages after the restart' });
    const after = receivedByB.slice(before).filter((message) => message.kind === 'envelopes' && message.fromRelaySeq >= 100);
    expect(after.map((message) => message.roomId)).toEqual([ROOM, LATER_ROOM]);
    expect(logger.lines.some((line) => line.message === 'redis bus connection back')).toBe(true);
  });

  it('BUS-5 a bus created while Redis is down joins rooms without waiting for it, then subscribes them and reports the reconnect when Redis comes up', async () => {
    await redis.stop();
    const late = openBus();
    const received: BusMessage[] = [];
    late.onMessage((message) => received.push(message));
    let reconnects = 0;
    late.onReconnect(() => reconnects++);
    const joinStarted = Date.now();
    await late.join(ROOM);
    expect(Date.now() - joinStarted).toBeLessThan(3_000);
    await redis.start();
    await waitFor(() => reconnects === 1, { timeoutMs: 10_000, what: 'the reconnect report' });
    const publisher = openBus();
    publisher.publish(envelopes(7));
    await waitFor(() => received.length === 1, { what: 'a message on the room joined while Redis was down' });
  });

  it('BUS-6 publishing while Redis is paused or down holds at most the byte cap, and close() does not hang', async () => {
    const cap = 1024 * 1024;
    const envelopeBytes = 64 * 1024;
    const publishes = (3 * cap) / envelopeBytes;

    // Paused: the connection stays open and "ready", but nothing is answered.
    const paused = openBus({ maxPendingPublishBytes: cap });
    await paused.join(ROOM);
    redis.pause();
    for (let seq = 1; seq <= publishes; seq++) paused.publish(envelopes(seq, envelopeBytes));
    expect(paused.stats().pendingPublishBytes).toBeLessThanOrEqual(cap);
    expect(paused.stats().droppedPublishes).toBeGreaterThan(0);
    let started = Date.now();
    await paused.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    redis.resume();

    // Down: nothing to connect to; publishes wait in the bus's own bounded queue.
    const down = openBus({ maxPendingPublishBytes: cap });
    await down.join(ROOM);
    await redis.stop();
    for (let seq = 1; seq <= publishes; seq++) down.publish(envelopes(seq, envelopeBytes));
    expect(down.stats().pendingPublishBytes).toBeLessThanOrEqual(cap);
    expect(down.stats().droppedPublishes).toBeGreaterThanOrEqual(publishes - cap / envelopeBytes);
    started = Date.now();
    await down.close();
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
