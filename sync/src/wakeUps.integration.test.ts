import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@seen/shared/testing';
import { answerText, createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

/** The app's longest wait between attempts (createRoomSession's default). */
const APP_MAX_BACKOFF_MS = 10_000;
/** Failed attempts after which the provider waits 2^n × 100 ms = 6.4 s before the next one. */
const LONG_OUTAGE_ATTEMPTS = 6;
const BACKOFF_AFTER_LONG_OUTAGE_MS = 2 ** LONG_OUTAGE_ATTEMPTS * 100;

/**
 * The device's network, as a TCP pass-through to the relay that can be cut: while down, it drops
 * every open connection and every new one at once, as a phone losing its signal does.
 */
interface NetworkGate {
  readonly wsUrl: string;
  setUp(up: boolean): void;
  close(): Promise<void>;
}

async function startNetworkGate(relayWsUrl: string): Promise<NetworkGate> {
  const target = new URL(relayWsUrl);
  const open = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    open.add(client).add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const setUp = (next: boolean): void => {
    up = next;
    if (!up) for (const socket of open) socket.destroy();
  };
  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    setUp,
    async close() {
      setUp(false);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const harness = createSyncHarness();
const gates: NetworkGate[] = [];
afterEach(async () => {
  for (const gate of gates.splice(0)) await gate.close();
});

describe('reconnecting at once on a wake-up (SPEC SYNC-26)', () => {
  it(`SYNC-26: after a long outage (next attempt ${BACKOFF_AFTER_LONG_OUTAGE_MS / 1000} s away), "online" reconnects at once and the edit made offline arrives`, async () => {
    const relay = await harness.relay();
    const gate = await startNetworkGate(relay.wsUrl);
    gates.push(gate);
    const network = new EventTarget();
    const secret = generateRoomSecret();
    const alex = harness.open(gate.wsUrl, secret, { maxBackoffMs: APP_MAX_BACKOFF_MS, wakeUps: { network } });
    const sam = harness.open(relay.wsUrl, secret);
    await Promise.all([alex.whenSynced(), sam.whenSynced()]);

    gate.setUp(false);
    await waitFor(() => alex.getStatus().phase === 'offline', { what: 'alex offline' });
    alex.doc.getText('answer').insert(0, 'written on the train');
    // The real backoff grows with each failed attempt; wait until the next one is far away.
    await waitFor(() => alex.provider.wsUnsuccessfulReconnects >= LONG_OUTAGE_ATTEMPTS, { what: 'a long outage', timeoutMs: 15_000 });
    const lastFailureAt = Date.now();
    gate.setUp(true);
    expect(alex.getStatus().phase).toBe('offline');

    const wokenAt = Date.now();
    network.dispatchEvent(new Event('online'));
    await waitFor(() => answerText(sam.doc) === 'written on the train', { what: 'the offline edit at sam', timeoutMs: BACKOFF_AFTER_LONG_OUTAGE_MS });
    const reconnectedAt = Date.now();
    // Well before the backoff timer would have fired, and in a small part of its wait.
    expect(reconnectedAt).toBeLessThan(lastFailureAt + BACKOFF_AFTER_LONG_OUTAGE_MS);
    expect(reconnectedAt - wokenAt).toBeLessThan(BACKOFF_AFTER_LONG_OUTAGE_MS / 2);
    await waitFor(() => alex.getStatus().phase === 'synced', { what: 'alex synced' });
  });

  it('SYNC-26: a wake-up leaves a room disconnected on purpose alone', async () => {
    const relay = await harness.relay();
    const network = new EventTarget();
    const alex = harness.open(relay.wsUrl, generateRoomSecret(), { wakeUps: { network } });
    await alex.whenSynced();
    alex.disconnect();
    await waitFor(() => alex.provider.ws === null, { what: 'socket closed' });
    network.dispatchEvent(new Event('online'));
    expect(alex.provider.ws).toBeNull();
    expect(alex.provider.shouldConnect).toBe(false);
  });
});
