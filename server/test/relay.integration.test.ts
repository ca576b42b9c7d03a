import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE, FRAME, RELAY_ERROR, RELAY_PATH, encodeSealFrame, encodeDeleteRoomFrame } from '@seen/shared/protocol';
import { generateRoomSecret, openEnvelope, paddedLength } from '@seen/shared/crypto';
import { createSeededRandom, waitFor } from '@seen/shared/testing';
import { connectRawClient, type RawClient } from './rawClient.ts';
import { startTestRelay, type TestRelay } from './testRelay.ts';

let relay: TestRelay | null = null;
const clients: RawClient[] = [];
const connect = async (...args: Parameters<typeof connectRawClient>): Promise<RawClient> => {
  const client = await connectRawClient(...args);
  clients.push(client);
  return client;
};
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await relay?.close();
  relay = null;
});

describe('relay handshake and access (real relay, real SQLite)', () => {
  it('RELAY-1: a client with the room key gets READY and an empty backlog', async () => {
    relay = await startTestRelay();
    const alice = await connect({ wsUrl: relay.wsUrl, secret: generateRoomSecret() });
    await alice.ready;
    expect(alice.frames.map((frame) => frame.kind)).toEqual([FRAME.HELLO, FRAME.READY, FRAME.BACKLOG_END]);
  });

  it('RELAY-2: a client without the room key receives no stored byte and is closed with AUTH_FAILED', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    await alice.ready;
    alice.put(bytes('private'));
    await alice.waitForAcks(1);
    const intruder = await connect({ wsUrl: relay.wsUrl, secret, badSignature: true });
    const closed = await intruder.closed;
    expect(closed.code).toBe(CLOSE.AUTH_FAILED);
    expect(intruder.frames.map((frame) => frame.kind)).toEqual([FRAME.HELLO]);
  });

  it('RELAY-2: a new device without the room key (its own device signature is valid) is refused, and the room it names is not created', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const stranger = await connect({ wsUrl: relay.wsUrl, secret, badSignature: 'room' });
    expect((await stranger.closed).code).toBe(CLOSE.AUTH_FAILED);
    expect(stranger.frames.map((frame) => frame.kind)).toEqual([FRAME.HELLO]);
    expect(await relay.storage.getRoom(stranger.keys.roomId)).toBeNull();
    // Same in an existing room: the device is not registered and receives nothing.
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    await alice.ready;
    alice.put(bytes('private'));
    await alice.waitForAcks(1);
    const intruder = await connect({ wsUrl: relay.wsUrl, secret, badSignature: 'room' });
    expect((await intruder.closed).code).toBe(CLOSE.AUTH_FAILED);
    expect(intruder.frames.map((frame) => frame.kind)).toEqual([FRAME.HELLO]);
    expect(await relay.storage.listDevices(stranger.keys.roomId)).toHaveLength(1);
  });

  it('RELAY-2: a registered device reconnects on its device signature alone; a bad device signature is still refused', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    await alice.ready;
    alice.put(bytes('kept'));
    await alice.waitForAcks(1);
    alice.close();
    await alice.closed;
    // The room signature proved the room key when this device registered; a reconnect needs only the device's own.
    const again = await connect({ wsUrl: relay.wsUrl, secret, device: alice.device, badSignature: 'room' });
    await again.ready;
    expect(again.envs).toHaveLength(1);
    const forged = await connect({ wsUrl: relay.wsUrl, secret, device: alice.device, badSignature: 'device' });
    expect((await forged.closed).code).toBe(CLOSE.AUTH_FAILED);
    expect(forged.frames.map((frame) => frame.kind)).toEqual([FRAME.HELLO]);
  });

  it('RELAY-3: a handshake signed for another relay origin is refused', async () => {
    relay = await startTestRelay();
    const client = await connect({ wsUrl: relay.wsUrl, secret: generateRoomSecret(), signedOrigin: 'wss://other-relay.example' });
    expect((await client.closed).code).toBe(CLOSE.AUTH_FAILED);
  });

  it('RELAY-4: no AUTH within the deadline closes the socket (transient code)', async () => {
    relay = await startTestRelay({ limits: { authDeadlineMs: 100 } });
    const socket = new WebSocket(relay.wsUrl + RELAY_PATH);
    const code = await new Promise<number>((resolve) => socket.on('close', (closeCode) => resolve(closeCode)));
    expect(code).toBe(CLOSE.AUTH_TIMEOUT);
  });

  it('RELAY-5: after sealing, a new device is refused with ROOM_SEALED; registered devices still get in', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    await alice.ready;
    alice.sendRaw(encodeSealFrame());
    await waitFor(() => alice.frames.some((frame) => frame.kind === FRAME.ROOM_STATE && frame.sealed), { what: 'room state sealed' });
    const stranger = await connect({ wsUrl: relay.wsUrl, secret });
    expect((await stranger.closed).code).toBe(CLOSE.ROOM_SEALED);
    const aliceAgain = await connect({ wsUrl: relay.wsUrl, secret, device: alice.device });
    await aliceAgain.ready;
    expect(aliceAgain.frames.find((frame) => frame.kind === FRAME.READY)).toMatchObject({ sealed: true });
  });

  it('RELAY-6: the device cap refuses one device too many with ROOM_FULL', async () => {
    relay = await startTestRelay({ limits: { maxDevicesPerRoom: 2 } });
    const secret = generateRoomSecret();
    for (let i = 0; i < 2; i++) await (await connect({ wsUrl: relay.wsUrl, secret })).ready;
    const third = await connect({ wsUrl: relay.wsUrl, secret });
    expect((await third.closed).code).toBe(CLOSE.ROOM_FULL);
  });

  it('RELAY-7: deleting a room erases it and refuses its id from then on', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    await alice.ready;
    alice.put(bytes('soon gone'));
    await alice.waitForAcks(1);
    alice.sendRaw(encodeDeleteRoomFrame());
    expect((await alice.closed).code).toBe(CLOSE.ROOM_DELETED);
    const again = await connect({ wsUrl: relay.wsUrl, secret, device: alice.device });
    expect((await again.closed).code).toBe(CLOSE.ROOM_DELETED);
    expect(again.envs).toHaveLength(0);
    expect(await relay.storage.readLog(alice.keys.roomId, 0, Number.MAX_SAFE_INTEGER, 10)).toHaveLength(0);
  });
});

describe('relay log semantics', () => {
  it('LOG-1: PUT is forwarded to peers, acknowledged after commit, and idempotent on (session, seq)', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    const sam = await connect({ wsUrl: relay.wsUrl, secret });
    await Promise.all([alice.ready, sam.ready]);
    const seq = alice.put(bytes('one'));
    await alice.waitForAcks(1);
    await waitFor(() => sam.envs.length === 1, { what: 'forward' });
    const firstRelaySeq = alice.acks[0]!.relaySeq;
    expect(sam.envs[0]!.relaySeq).toBe(firstRelaySeq);
    const stored = await relay.storage.findBySessionSeq(alice.keys.roomId, alice.sessionId, seq);
    expect(stored?.relaySeq).toBe(firstRelaySeq);
  });

  it('RELAY-10: an unknown frame type after auth is a protocol violation (permanent close)', async () => {
    relay = await startTestRelay();
    const alice = await connect({ wsUrl: relay.wsUrl, secret: generateRoomSecret() });
    await alice.ready;
    alice.sendRaw(new Uint8Array([0x7f, 1, 2, 3]));
    expect((await alice.closed).code).toBe(CLOSE.PROTOCOL_VIOLATION);
  });

  it('LOG-2: a resend of the same bytes is re-acknowledged with the same relaySeq; different bytes are refused', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    await alice.ready;
    const sent: Uint8Array[] = [];
    const originalSend = alice.socket.send.bind(alice.socket);
    alice.socket.send = ((data: Uint8Array) => {
      sent.push(new Uint8Array(data));
      originalSend(data);
    }) as typeof alice.socket.send;
    alice.put(bytes('first'));
    await alice.waitForAcks(1);
    alice.sendRaw(sent[sent.length - 1]!);
    await alice.waitForAcks(2);
    expect(alice.acks[1]!.relaySeq).toBe(alice.acks[0]!.relaySeq);
    alice.put(bytes('different'), { seq: 0 });
    await waitFor(() => alice.errors.length === 1, { what: 'conflict error' });
    expect(alice.errors[0]!.code).toBe(RELAY_ERROR.DUPLICATE_CONFLICT);
    expect(await relay.storage.readLog(alice.keys.roomId, 0, Number.MAX_SAFE_INTEGER, 10)).toHaveLength(1);
  });

  it('LOG-3: relaySeq strictly increases with no duplicates under concurrent writers', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const writers = await Promise.all(Array.from({ length: 6 }, () => connect({ wsUrl: relay!.wsUrl, secret })));
    await Promise.all(writers.map((writer) => writer.ready));
    for (let round = 0; round < 40; round++) for (const writer of writers) writer.put(bytes(`w${round}`));
    await Promise.all(writers.map((writer) => writer.waitForAcks(40)));
    const log = await relay.storage.readLog(writers[0]!.keys.roomId, 0, Number.MAX_SAFE_INTEGER, 1000);
    expect(log).toHaveLength(240);
    for (let i = 1; i < log.length; i++) expect(log[i]!.relaySeq).toBe(log[i - 1]!.relaySeq + 1);
  });

  it('LOG-4: catch-up from a cursor returns exactly the entries after it, in order, then BACKLOG_END', async () => {
    relay = await startTestRelay({ limits: { putBurst: 1000 } });
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    await alice.ready;
    for (let i = 0; i < 600; i++) alice.put(bytes(`entry ${i}`));
    await alice.waitForAcks(600);
    const cursor = alice.acks[99]!.relaySeq;
    const late = await connect({ wsUrl: relay.wsUrl, secret, fromRelaySeq: cursor });
    await late.ready;
    expect(late.envs).toHaveLength(500);
    expect(late.envs[0]!.relaySeq).toBe(cursor + 1);
    for (let i = 1; i < late.envs.length; i++) expect(late.envs[i]!.relaySeq).toBeGreaterThan(late.envs[i - 1]!.relaySeq);
    const opened = openEnvelope(late.envs[0]!.envelope, { encryptionKey: late.keys.encryptionKey, roomId: late.keys.roomIdBytes, epoch: 0 });
    expect(opened.ok && new TextDecoder().decode(opened.value.payload)).toBe('entry 100');
  });

  it('LOG-5: presence is forwarded to live peers, never stored, never echoed', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    const sam = await connect({ wsUrl: relay.wsUrl, secret });
    await Promise.all([alice.ready, sam.ready]);
    alice.presence(bytes('typing'));
    await waitFor(() => sam.frames.some((frame) => frame.kind === FRAME.EPH), { what: 'presence' });
    expect(alice.frames.some((frame) => frame.kind === FRAME.EPH)).toBe(false);
    expect(await relay.storage.countAfter(alice.keys.roomId, 0)).toBe(0);
  });

  it('LOG-6: a snapshot is stored before what it covers is superseded; a join gets the snapshot plus the tail', async () => {
    relay = await startTestRelay();
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    await alice.ready;
    for (let i = 0; i < 10; i++) alice.put(bytes(`u${i}`));
    await alice.waitForAcks(10);
    const covers = alice.acks[9]!.relaySeq;
    alice.put(bytes('SNAPSHOT'), { type: 'snapshot', coversRelaySeq: covers });
    alice.put(bytes('after'));
    await alice.waitForAcks(12);
    const late = await connect({ wsUrl: relay.wsUrl, secret });
    await late.ready;
    const payloads = late.envs.map((env) => {
      const opened = openEnvelope(env.envelope, { encryptionKey: late.keys.encryptionKey, roomId: late.keys.roomIdBytes, epoch: 0 });
      return opened.ok ? new TextDecoder().decode(opened.value.payload) : '?';
    });
    expect(payloads).toEqual(['SNAPSHOT', 'after']);
    // Superseded entries are erased only after the grace period.
    expect(await relay.relay.collectGarbage(Date.now())).toBe(0);
    expect(await relay.relay.collectGarbage(Date.now() + 31 * 24 * 3600 * 1000)).toBe(10);
  });

  it('LOG-7: a snapshot claiming coverage beyond the log is rejected', async () => {
    relay = await startTestRelay();
    const alice = await connect({ wsUrl: relay.wsUrl, secret: generateRoomSecret() });
    await alice.ready;
    alice.put(bytes('SNAPSHOT'), { type: 'snapshot', coversRelaySeq: 10 ** 9 });
    await waitFor(() => alice.errors.length === 1, { what: 'rejection' });
    expect(alice.errors[0]!.code).toBe(RELAY_ERROR.SNAPSHOT_REJECTED);
  });

  it('LOG-8: a room over its byte quota refuses updates with QUOTA_EXCEEDED and keeps the connection', async () => {
    relay = await startTestRelay({ limits: { roomQuotaBytes: 2000 } });
    const alice = await connect({ wsUrl: relay.wsUrl, secret: generateRoomSecret() });
    await alice.ready;
    for (let i = 0; i < 10; i++) alice.put(bytes(`u${i}`));
    await waitFor(() => alice.acks.length + alice.errors.length === 10, { what: 'answers' });
    expect(alice.errors.length).toBeGreaterThan(0);
    expect(alice.errors.every((error) => error.code === RELAY_ERROR.QUOTA_EXCEEDED)).toBe(true);
    expect(alice.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('LOG-11: after a quota refusal, no later seq of that session is stored before the refused one, so partners never see a hole', async () => {
    // Bucketed sizes (PROTOCOL "Padding"): an envelope costs its padded inner plaintext plus a
    // fixed overhead, the same for every bucket; the quota below is the sum of three envelopes.
    const small = bytes('s');
    const medium = new Uint8Array(700);
    const big = new Uint8Array(1500);
    const probeRelay = await startTestRelay();
    const probe = await connectRawClient({ wsUrl: probeRelay.wsUrl, secret: generateRoomSecret() });
    await probe.ready;
    probe.put(small);
    await probe.waitForAcks(1);
    const stored = await probeRelay.storage.readLog(probe.keys.roomId, 0, Number.MAX_SAFE_INTEGER, 1);
    // The inner header is 83 bytes; any allowance that keeps each payload in its bucket will do.
    const HEADER_ALLOWANCE = 100;
    const overhead = stored[0]!.envelope.length - paddedLength(small.length + HEADER_ALLOWANCE);
    probe.close();
    await probeRelay.close();
    const size = (payload: Uint8Array): number => paddedLength(payload.length + HEADER_ALLOWANCE) + overhead;
    // Room for medium + small, or (after a snapshot frees medium) snapshot + big + small; not
    // medium + big. A snapshot's header is a few bytes longer (its coverage): SNAPSHOT_SLACK.
    const SNAPSHOT_SLACK = 64;
    const quota = 2 * size(small) + size(big) + SNAPSHOT_SLACK;
    expect(size(medium) + size(big)).toBeGreaterThan(quota);
    expect(size(medium) + size(small)).toBeLessThanOrEqual(quota);
    relay = await startTestRelay({ limits: { roomQuotaBytes: quota } });
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    await alice.ready;
    alice.put(medium); // seq 0: stored
    await alice.waitForAcks(1);
    alice.put(big); // seq 1: over the quota
    alice.put(small); // seq 2: would fit, but storing it would leave seq 1 as a hole
    await waitFor(() => alice.errors.length === 2, { what: 'two refusals' });
    expect(alice.errors.map((error) => [error.code, error.seq])).toEqual([
      [RELAY_ERROR.QUOTA_EXCEEDED, 1],
      [RELAY_ERROR.QUOTA_EXCEEDED, 2],
    ]);
    // Another device's snapshot covering seq 0 frees the room; alice resends in seq order.
    const bob = await connect({ wsUrl: relay.wsUrl, secret });
    await bob.ready;
    bob.put(small, { type: 'snapshot', coversRelaySeq: alice.acks[0]!.relaySeq });
    await bob.waitForAcks(1);
    alice.put(big, { seq: 1 });
    alice.put(small, { seq: 2 });
    await alice.waitForAcks(3);
    const seqs = alice.acks.map((ack) => ack.seq);
    const relaySeqs = alice.acks.map((ack) => ack.relaySeq);
    expect(seqs).toEqual([0, 1, 2]);
    expect([...relaySeqs].sort((a, b) => a - b)).toEqual(relaySeqs);
  });
});

describe('relay limits and robustness', () => {
  it('LIMIT-2: a frame over the size limit closes with FRAME_TOO_LARGE', async () => {
    relay = await startTestRelay({ limits: { maxFrameBytes: 3000 } });
    const alice = await connect({ wsUrl: relay.wsUrl, secret: generateRoomSecret() });
    await alice.ready;
    alice.put(new Uint8Array(2000)); // padded to a 4 KiB bucket: over the limit, under ws's own cap
    expect((await alice.closed).code).toBe(CLOSE.FRAME_TOO_LARGE);
  });

  it('LIMIT-3: writing faster than the token bucket closes with RATE_LIMITED (transient)', async () => {
    relay = await startTestRelay({ limits: { putsPerSecond: 1, putBurst: 5 } });
    const alice = await connect({ wsUrl: relay.wsUrl, secret: generateRoomSecret() });
    await alice.ready;
    for (let i = 0; i < 20; i++) alice.put(bytes(`u${i}`));
    expect((await alice.closed).code).toBe(CLOSE.RATE_LIMITED);
  });

  it('LIMIT-4: sockets per room are capped with a transient code', async () => {
    relay = await startTestRelay({ limits: { maxSocketsPerRoom: 2 } });
    const secret = generateRoomSecret();
    const first = await connect({ wsUrl: relay.wsUrl, secret });
    await first.ready;
    const second = await connect({ wsUrl: relay.wsUrl, secret, device: first.device });
    await second.ready;
    const third = await connect({ wsUrl: relay.wsUrl, secret, device: first.device });
    expect((await third.closed).code).toBe(CLOSE.TOO_MANY_SOCKETS);
  });

  it('LIMIT-5: repeated failed handshakes from one address are refused for a while (transient)', async () => {
    relay = await startTestRelay({ limits: { authFailuresPerMinute: 3 } });
    const secret = generateRoomSecret();
    for (let i = 0; i < 3; i++) expect((await (await connect({ wsUrl: relay.wsUrl, secret, badSignature: true })).closed).code).toBe(CLOSE.AUTH_FAILED);
    const good = await connect({ wsUrl: relay.wsUrl, secret });
    expect((await good.closed).code).toBe(CLOSE.RATE_LIMITED);
  });

  it('RELAY-8: thousands of seeded garbage frames never crash the relay and other rooms keep working', async () => {
    relay = await startTestRelay();
    const random = createSeededRandom(20261125);
    const secret = generateRoomSecret();
    const alice = await connect({ wsUrl: relay.wsUrl, secret });
    const sam = await connect({ wsUrl: relay.wsUrl, secret });
    await Promise.all([alice.ready, sam.ready]);
    let sent = 0;
    for (let socketIndex = 0; socketIndex < 40; socketIndex++) {
      // Half the attackers authenticate first (another room), so garbage also hits the live path.
      const attacker = socketIndex % 2 === 0
        ? await connect({ wsUrl: relay.wsUrl, secret: generateRoomSecret() })
        : await connect({ wsUrl: relay.wsUrl, secret: generateRoomSecret(), badSignature: false });
      if (socketIndex % 2 === 0) await attacker.ready;
      for (let i = 0; i < 60 && attacker.socket.readyState === WebSocket.OPEN; i++) {
        const length = Math.floor(random() * 300);
        const frame = new Uint8Array(length);
        for (let j = 0; j < length; j++) frame[j] = Math.floor(random() * 256);
        if (length > 0 && random() < 0.5) frame[0] = 1 + Math.floor(random() * 5); // plausible frame types
        attacker.sendRaw(frame);
        sent += 1;
      }
      attacker.close();
    }
    expect(sent).toBeGreaterThan(1000);
    alice.put(bytes('still here'));
    await alice.waitForAcks(1);
    await waitFor(() => sam.envs.length === 1, { what: 'forward after garbage' });
    const health = await fetch(relay.httpUrl + '/healthz');
    expect(health.status).toBe(200);
  });

  it('RELAY-9: /healthz answers and HTTP responses carry strict security headers', async () => {
    relay = await startTestRelay();
    const response = await fetch(relay.httpUrl + '/healthz');
    expect(await response.json()).toMatchObject({ ok: true });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:\/\//);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('relay heartbeats (real relay, short heartbeat)', () => {
  const HEARTBEAT_MS = 60;
  const heartbeats = (client: RawClient): number => client.frames.filter((frame) => frame.kind === FRAME.HEARTBEAT).length;

  it('RELAY-12: a quiet socket that answers no ping is cut off within three heartbeats; one that keeps sending is kept', async () => {
    relay = await startTestRelay({ limits: { heartbeatMs: HEARTBEAT_MS } });
    const secret = generateRoomSecret();
    const vanished = await connect({ wsUrl: relay.wsUrl, secret, autoPong: false });
    const talking = await connect({ wsUrl: relay.wsUrl, secret, autoPong: false });
    await Promise.all([vanished.ready, talking.ready]);
    const started = Date.now();
    // `talking` never answers a ping either, but sends presence all along: that is proof of life.
    const keepTalking = setInterval(() => talking.presence(bytes('here')), HEARTBEAT_MS / 3);
    try {
      const closed = await vanished.closed;
      expect(closed.code).toBe(1006); // terminated, no close frame
      expect(Date.now() - started).toBeLessThan(HEARTBEAT_MS * 3 + 500);
      // It is forwarded nothing, so it gets a HEARTBEAT every round: count five more rounds.
      const roundsSoFar = heartbeats(talking);
      await waitFor(() => heartbeats(talking) >= roundsSoFar + 5, { what: 'five more heartbeat rounds' });
      expect(talking.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      clearInterval(keepTalking);
    }
  });

  it('RELAY-12: a socket that was forwarded updates gets no HEARTBEAT for that round; a quiet one does', async () => {
    relay = await startTestRelay({ limits: { heartbeatMs: HEARTBEAT_MS, putsPerSecond: 1_000, putBurst: 1_000 } });
    const secret = generateRoomSecret();
    const writer = await connect({ wsUrl: relay.wsUrl, secret });
    const reader = await connect({ wsUrl: relay.wsUrl, secret });
    await Promise.all([writer.ready, reader.ready]);
    // While the writer writes, the reader's watchdog is fed by ENV frames: no HEARTBEAT for it.
    const writing = setInterval(() => writer.put(bytes('word')), HEARTBEAT_MS / 6);
    const readerBefore = heartbeats(reader);
    const writerBefore = heartbeats(writer);
    // The writer is forwarded nothing, so it still gets a HEARTBEAT every round: count eight.
    await waitFor(() => heartbeats(writer) >= writerBefore + 8, { what: 'eight rounds of writing' });
    clearInterval(writing);
    expect(heartbeats(reader) - readerBefore).toBeLessThanOrEqual(2); // a slow timer may leave a round without a write
    // Once the room is quiet, the reader gets HEARTBEATs again.
    const quietFrom = heartbeats(reader);
    await waitFor(() => heartbeats(reader) >= quietFrom + 2, { what: 'heartbeats in a quiet room' });
  });
});
