import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE, DEFAULT_LIMITS, RELAY_PATH } from '@seen/shared/protocol';
import { waitFor } from '@seen/shared/testing';
import { connectFastClient, createFastRoom, pauseReading, type FastClient } from './fastClient.ts';
import { startTestRelay, type TestRelay } from './testRelay.ts';

// SPEC ABUSE-1…ABUSE-6, ABUSE-8: what one address, one slow reader or one sloppy client can cost
// the relay, and proof that everyone else keeps working. Loopback only: 127.0.0.0/8 gives us many
// source addresses on one machine (127.0.0.2 is "another household").

let relay: TestRelay | null = null;
const clients: FastClient[] = [];
const sockets: WebSocket[] = [];
const connect = (...args: Parameters<typeof connectFastClient>): FastClient => {
  const client = connectFastClient(...args);
  clients.push(client);
  return client;
};
/** A socket that upgrades and then says nothing (no AUTH): a handshake flood. */
const bareSocket = (wsUrl: string, localAddress?: string): { socket: WebSocket; closed: Promise<number> } => {
  const socket = new WebSocket(wsUrl + RELAY_PATH, { localAddress, perMessageDeflate: false });
  sockets.push(socket);
  socket.on('error', () => undefined);
  return { socket, closed: new Promise((resolve) => socket.on('close', (code) => resolve(code))) };
};

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  for (const socket of sockets.splice(0)) socket.terminate();
  await relay?.close();
  relay = null;
});

const MiB = 1024 * 1024;

describe('per-address connection caps', () => {
  it('ABUSE-1: one address gets at most maxConnectionsPerIp sockets (TOO_MANY_CONNECTIONS, transient); other addresses are unaffected', async () => {
    relay = await startTestRelay({ storage: 'memory', limits: { maxConnectionsPerIp: 5 } });
    const first = Array.from({ length: 5 }, () => connect({ wsUrl: relay!.wsUrl, room: createFastRoom() }));
    await Promise.all(first.map((client) => client.ready));
    const sixth = connect({ wsUrl: relay.wsUrl, room: createFastRoom() });
    expect(await sixth.closed).toBe(CLOSE.TOO_MANY_CONNECTIONS);
    expect(CLOSE.TOO_MANY_CONNECTIONS).toBeGreaterThanOrEqual(4500); // transient: y-websocket retries
    const neighbour = connect({ wsUrl: relay.wsUrl, room: createFastRoom(), localAddress: '127.0.0.2' });
    await neighbour.ready;
    // A slot frees up when a socket closes.
    first[0]!.close();
    await first[0]!.closed;
    await waitFor(() => relay!.relay.stats().connections === 5, { what: 'the close to be counted' });
    const again = connect({ wsUrl: relay.wsUrl, room: createFastRoom() });
    await again.ready;
  });

  it('ABUSE-2: unauthenticated sockets are capped per address (TOO_MANY_CONNECTIONS) and relay-wide (OVERLOADED)', async () => {
    relay = await startTestRelay({ storage: 'memory', limits: { maxUnauthenticatedPerIp: 3, maxUnauthenticated: 5 } });
    const quiet = Array.from({ length: 3 }, () => bareSocket(relay!.wsUrl));
    await waitFor(() => relay!.relay.stats().unauthenticated === 3, { what: 'three pending handshakes' });
    expect(await bareSocket(relay.wsUrl).closed).toBe(CLOSE.TOO_MANY_CONNECTIONS);
    // Another address may still start handshakes, until the relay-wide cap.
    const other = [bareSocket(relay.wsUrl, '127.0.0.2'), bareSocket(relay.wsUrl, '127.0.0.2')];
    await waitFor(() => relay!.relay.stats().unauthenticated === 5, { what: 'five pending handshakes' });
    expect(await bareSocket(relay.wsUrl, '127.0.0.3').closed).toBe(CLOSE.OVERLOADED);
    // Authenticating frees the slot at once: a real client gets in as soon as the quiet ones leave.
    for (const { socket } of [...quiet, ...other]) socket.terminate();
    await waitFor(() => relay!.relay.stats().unauthenticated === 0, { what: 'pending handshakes to clear' });
    const room = createFastRoom();
    const clientsIn = Array.from({ length: 6 }, () => connect({ wsUrl: relay!.wsUrl, room }));
    for (const client of clientsIn) await client.ready; // authenticated sockets do not count against the handshake caps
    expect(relay.relay.stats().unauthenticated).toBe(0);
  });

  it('ABUSE-6: a flood of 400 sockets from one address is refused quickly; a client elsewhere is served meanwhile', async () => {
    relay = await startTestRelay({ storage: 'memory', limits: { authDeadlineMs: 2_000 } });
    const started = performance.now();
    const flood = Array.from({ length: 400 }, () => bareSocket(relay!.wsUrl));
    const room = createFastRoom();
    const alice = connect({ wsUrl: relay.wsUrl, room, localAddress: '127.0.0.2' });
    const sam = connect({ wsUrl: relay.wsUrl, room, localAddress: '127.0.0.3' });
    await Promise.all([alice.ready, sam.ready]);
    alice.put();
    await waitFor(() => alice.acks === 1 && sam.envs === 1, { what: 'an exchange during the flood' });
    const exchangedMs = performance.now() - started;
    const refused = await waitForCount(flood, CLOSE.TOO_MANY_CONNECTIONS, 400 - DEFAULT_LIMITS.maxUnauthenticatedPerIp);
    const refusedMs = performance.now() - started;
    expect(relay.relay.stats().unauthenticated).toBe(DEFAULT_LIMITS.maxUnauthenticatedPerIp);
    // The ones let in to handshake are cut off at the auth deadline.
    const codes = await Promise.all(flood.map(({ closed }) => closed));
    expect(codes.filter((code) => code === CLOSE.AUTH_TIMEOUT)).toHaveLength(DEFAULT_LIMITS.maxUnauthenticatedPerIp);
    await waitFor(() => relay!.relay.stats().connections === 2, { what: 'the relay to forget the flood' });
    expect(relay.relay.stats()).toMatchObject({ connections: 2, unauthenticated: 0 });
    console.info(`[ABUSE-6] 400-socket flood: ${refused} refused within ${refusedMs.toFixed(0)} ms; another address exchanged a write after ${exchangedMs.toFixed(0)} ms`);
  });
});

describe('slow readers, fragments and big frames', () => {
  it('ABUSE-3: a reader that never drains is closed with OVERLOADED; relay memory stays bounded; other rooms are unaffected', async () => {
    const maxBufferedBytes = 1 * MiB;
    relay = await startTestRelay({
      storage: 'memory',
      limits: { maxBufferedBytes, closeTimeoutMs: 300, roomQuotaBytes: 10 ** 9, putBurst: 1000, putsPerSecond: 1000 },
    });
    const busy = createFastRoom();
    const writer = connect({ wsUrl: relay.wsUrl, room: busy });
    const stalled = connect({ wsUrl: relay.wsUrl, room: busy });
    const quietRoom = createFastRoom();
    const alice = connect({ wsUrl: relay.wsUrl, room: quietRoom });
    const sam = connect({ wsUrl: relay.wsUrl, room: quietRoom });
    await Promise.all([writer.ready, stalled.ready, alice.ready, sam.ready]);
    pauseReading(stalled.socket);
    let maxHeld = 0;
    const sample = (): void => {
      maxHeld = Math.max(maxHeld, relay!.relay.stats().heldBytes);
    };
    const WRITES = 96;
    for (let i = 0; i < WRITES; i++) {
      writer.put(256 * 1024);
      if (i % 8 === 7) await waitFor(() => (sample(), writer.acks >= i - 16), { what: 'acks to keep up' });
    }
    await waitFor(() => (sample(), writer.acks === WRITES), { what: 'every write acknowledged', timeoutMs: 20_000 });
    // 24 MiB went to a socket that reads nothing; the relay held at most its limit plus one frame.
    await waitFor(() => (sample(), relay!.relay.stats().connections === 3), { what: 'the stalled reader to be dropped' });
    expect(maxHeld).toBeLessThan(maxBufferedBytes + 2 * 256 * 1024);
    alice.put();
    await waitFor(() => alice.acks === 1 && sam.envs === 1, { what: 'the other room' });
    expect(writer.socket.readyState).toBe(WebSocket.OPEN);
    console.info(`[ABUSE-3] 24 MiB to a paused reader: relay held at most ${(maxHeld / MiB).toFixed(2)} MiB (limit ${maxBufferedBytes / MiB} MiB)`);
  });

  it('ABUSE-4: a client that reads nothing during catch-up and keeps sending holds bounded memory (reading pauses)', async () => {
    const maxBufferedBytes = 2 * MiB;
    relay = await startTestRelay({
      storage: 'memory',
      limits: { maxBufferedBytes, roomQuotaBytes: 10 ** 9, putBurst: 1000, putsPerSecond: 1000 },
    });
    const room = createFastRoom();
    const writer = connect({ wsUrl: relay.wsUrl, room });
    await writer.ready;
    for (let i = 0; i < 64; i++) writer.put(256 * 1024);
    await waitFor(() => writer.acks === 64, { what: 'a 16 MiB backlog' });
    const stuck = connect({ wsUrl: relay.wsUrl, room, pauseAfterAuth: true });
    await waitFor(() => stuck.socket.readyState === WebSocket.OPEN, { what: 'open' });
    await waitFor(() => relay!.relay.stats().unauthenticated === 0, { what: 'authenticated' });
    let maxHeld = 0;
    for (let i = 0; i < 40; i++) stuck.socket.send(stuck.buildPut(1 * MiB));
    await waitFor(
      () => {
        maxHeld = Math.max(maxHeld, relay!.relay.stats().heldBytes);
        return stuck.socket.bufferedAmount > 0;
      },
      { what: 'the client to feel back-pressure' },
    );
    for (let i = 0; i < 20; i++) {
      maxHeld = Math.max(maxHeld, relay.relay.stats().heldBytes);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Unhandled input ≤ the limit (+ one frame), unsent catch-up ≤ 1 MiB (+ one frame).
    expect(maxHeld).toBeLessThan(maxBufferedBytes + 2 * MiB + 1 * MiB + 300 * 1024);
    console.info(`[ABUSE-4] 40 MiB sent by a client stuck in catch-up: relay held at most ${(maxHeld / MiB).toFixed(2)} MiB`);
  });

  it('ABUSE-5: fragmented messages are reassembled and judged whole: a valid PUT in 64 fragments is stored; oversize, too many fragments and text are refused', async () => {
    relay = await startTestRelay({ storage: 'memory', limits: { maxFrameBytes: 64 * 1024 } });
    const room = createFastRoom();
    const sendFragmented = (client: FastClient, frame: Uint8Array, pieces: number, binary = true): void => {
      const size = Math.ceil(frame.length / pieces);
      for (let offset = 0; offset < frame.length; offset += size) {
        client.socket.send(frame.subarray(offset, offset + size), { binary, fin: offset + size >= frame.length });
      }
    };
    const good = connect({ wsUrl: relay.wsUrl, room });
    await good.ready;
    sendFragmented(good, good.buildPut(8 * 1024), 64);
    await waitFor(() => good.acks === 1, { what: 'the reassembled PUT' });

    const oversize = connect({ wsUrl: relay.wsUrl, room });
    await oversize.ready;
    sendFragmented(oversize, oversize.buildPut(100 * 1024), 50); // over our limit, under ws's own (2×)
    expect(await oversize.closed).toBe(CLOSE.FRAME_TOO_LARGE);

    const huge = connect({ wsUrl: relay.wsUrl, room });
    await huge.ready;
    sendFragmented(huge, huge.buildPut(200 * 1024), 50); // over twice the limit: ws stops reading it
    expect(await huge.closed).toBe(1009);

    const confetti = connect({ wsUrl: relay.wsUrl, room });
    await confetti.ready;
    sendFragmented(confetti, new Uint8Array(20_000), 20_000); // more fragments than ws accepts (16,384)
    expect(await confetti.closed).toBe(1008);

    const text = connect({ wsUrl: relay.wsUrl, room });
    await text.ready;
    sendFragmented(text, new TextEncoder().encode('hello there, relay'), 6, false);
    expect(await text.closed).toBe(CLOSE.PROTOCOL_VIOLATION);

    expect(good.socket.readyState).toBe(WebSocket.OPEN);
    good.put();
    await waitFor(() => good.acks === 2, { what: 'the relay still serving' });
  });
});

/**
 * The soak's own time is ~10 s on a quiet machine; a busy one (two cores, other test files in the
 * other worker) has taken 30 s. Its assertions are about memory, not speed.
 */
const SOAK_TIMEOUT_MS = 120_000;

describe('soak', () => {
  it('ABUSE-8: 2,000 rooms × 2 clients connect, exchange and leave; the relay returns to its baseline', async () => {
    relay = await startTestRelay();
    const gc = exposeGc();
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const ROOMS = 2_000;
    const BATCH = 200;
    const started = performance.now();
    let peakHeap = 0;
    let peakConnections = 0;
    for (let first = 0; first < ROOMS; first += BATCH) {
      const pairs = Array.from({ length: Math.min(BATCH, ROOMS - first) }, (_, index) => {
        const room = createFastRoom();
        // 80 addresses × 50 sockets each: the soak runs under the default per-address caps.
        const localAddress = `127.0.1.${1 + ((first + index) % 80)}`;
        return [connect({ wsUrl: relay!.wsUrl, room, localAddress }), connect({ wsUrl: relay!.wsUrl, room, localAddress })] as const;
      });
      await Promise.all(pairs.flatMap(([a, b]) => [a.ready, b.ready]));
      for (const [a] of pairs) a.put();
      await waitFor(() => pairs.every(([a, b]) => a.acks === 1 && b.envs === 1), { what: 'every pair to exchange', timeoutMs: 20_000 });
      peakConnections = Math.max(peakConnections, relay.relay.stats().connections);
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    const connectedMs = performance.now() - started;
    expect(relay.relay.stats()).toMatchObject({ rooms: ROOMS, connections: 2 * ROOMS });
    for (const client of clients.splice(0)) client.close();
    await waitFor(() => relay!.relay.stats().connections === 0, { what: 'every socket closed', timeoutMs: 20_000 });
    await waitFor(() => relay!.relay.stats().rooms === 0, { what: 'every room evicted', timeoutMs: 20_000 });
    expect(relay.relay.stats()).toMatchObject({ rooms: 0, connections: 0, unauthenticated: 0, pendingWrites: 0, heldBytes: 0 });
    gc();
    const after = process.memoryUsage().heapUsed;
    console.info(
      `[ABUSE-8] ${ROOMS} rooms × 2 clients (${peakConnections} sockets) connected and exchanged in ${(connectedMs / 1000).toFixed(1)} s; ` +
        `heap ${(baseline / MiB).toFixed(1)} MiB → peak ${(peakHeap / MiB).toFixed(1)} MiB → after ${(after / MiB).toFixed(1)} MiB`,
    );
    // Client and relay share this process; what remains must be noise, not per-room state.
    expect(after - baseline).toBeLessThan(16 * MiB);
  }, SOAK_TIMEOUT_MS);
});

/** `global.gc` without --expose-gc: allowed at runtime through V8 flags (tests only). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function waitForCount(flood: { closed: Promise<number> }[], code: number, count: number): Promise<number> {
  let refused = 0;
  for (const { closed } of flood) void closed.then((closedWith) => (refused += closedWith === code ? 1 : 0));
  await waitFor(() => refused >= count, { what: `${count} sockets refused with ${code}`, timeoutMs: 10_000 });
  return refused;
}
