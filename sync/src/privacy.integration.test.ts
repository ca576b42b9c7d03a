import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushSubscriber, startPushEndpoint, type TestPushEndpoint } from '@seen/server/testing';
import { encodeRoomSecret } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { containsAny, encodingsOf } from './testing/canary.ts';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

const harness = createSyncHarness();
const { open } = harness;

describe('plaintext canary (SPEC PRIV-1)', () => {
  it('PRIV-1: a marker typed into an answer and into presence never reaches the relay in any form', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seen-canary-'));
    const relay = await harness.relay({ dataDir });
    const proxy = await harness.proxy(relay);
    const secret = generateRoomSecret();
    const marker = `CANARY-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const alice = open(proxy.wsUrl, secret, { compactAfter: 5, compactJitterMs: 0 });
    const sam = open(proxy.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    alice.awareness.setLocalStateField('name', marker);
    const answer = alice.doc.getText('answer');
    for (const char of `My answer: ${marker}`) answer.insert(answer.length, char);
    await waitFor(() => sam.doc.getText('answer').toString().includes(marker), { what: 'sam to read the answer' });
    await waitFor(() => [...sam.awareness.getStates().values()].some((state) => state.name === marker), { what: 'presence' });
    await waitFor(() => alice.engine.snapshotsSent > 0 && alice.getStatus().pendingAcks === 0, { what: 'snapshot stored' });

    const needles = [...encodingsOf(marker), ...encodingsOf(encodeRoomSecret(secret)), Buffer.from(secret)];
    expect(proxy.frames.length).toBeGreaterThan(20);
    for (const frame of proxy.frames) expect(containsAny(Buffer.from(frame.bytes), needles)).toBe(false);
    const scanDatabase = (): void => {
      for (const file of readdirSync(dataDir)) {
        expect(containsAny(readFileSync(join(dataDir, file)), needles), `database file ${file}`).toBe(false);
      }
    };
    scanDatabase(); // while running: the WAL holds recent commits
    await relay.close();
    scanDatabase(); // after the checkpoint on close
    rmSync(dataDir, { recursive: true, force: true });
    for (const line of relay.logLines) expect(containsAny(Buffer.from(line), needles)).toBe(false);
    // The canary must be findable when it is really there (the scan itself works).
    expect(containsAny(Buffer.from(`x${marker}x`), needles)).toBe(true);
  });
});

describe('plaintext canary in push payloads (SPEC PRIV-1, PUSH-2)', () => {
  let endpoint: TestPushEndpoint;
  beforeAll(async () => {
    endpoint = await startPushEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it('PRIV-1: a nudge after an answer with a marker pushes only the room id: no marker in the push body, its headers or its decrypted payload', async () => {
    const relay = await harness.relay({ push: { allowedHosts: ['127.0.0.1'], allowPrivateAddresses: true, trustedCertificates: endpoint.certificate } });
    const secret = generateRoomSecret();
    const marker = `CANARY-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const alice = open(relay.wsUrl, secret);
    const sam = open(relay.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    sam.awareness.setLocalStateField('name', marker);
    const subscriber = createPushSubscriber(endpoint.url(`sam-${marker.length}`));
    // Through the library's public API, as the app calls it.
    expect(await sam.registerPush(subscriber)).toBe('ok');
    // Sam closes the app: a device with a socket in the room is not pushed to.
    sam.disconnect();
    await waitFor(() => relay.relay.stats().connections === 1, { what: "the relay to see Sam's socket closed" });
    const answer = alice.doc.getText('answer');
    answer.insert(0, `My answer: ${marker}`);
    await alice.whenSaved();
    expect(await alice.nudge()).toBe('ok');
    await waitFor(() => endpoint.received.length === 1, { what: 'the push' });
    const push = endpoint.received[0]!;
    const needles = [...encodingsOf(marker), ...encodingsOf(encodeRoomSecret(secret)), Buffer.from(secret)];
    expect(containsAny(push.body, needles)).toBe(false);
    expect(containsAny(Buffer.from(JSON.stringify(push.headers)), needles)).toBe(false);
    const payload = subscriber.decrypt(push.body);
    expect(payload).toBe(alice.roomId);
    expect(containsAny(Buffer.from(payload), needles)).toBe(false);
    for (const line of relay.logLines) expect(containsAny(Buffer.from(line), needles)).toBe(false);
  });
});

describe('presence (SPEC SYNC-10)', () => {
  it('SYNC-10: a newly joined partner sees the other within a second', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret);
    alice.awareness.setLocalStateField('name', 'Alice');
    await alice.whenSynced();
    const started = Date.now();
    const sam = open(relay.wsUrl, secret);
    await waitFor(() => [...sam.awareness.getStates().values()].some((state) => state.name === 'Alice'), { what: 'alice presence', timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('SYNC-11: presence claiming another client id is dropped (no spoofing)', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret);
    const sam = open(relay.wsUrl, secret);
    alice.awareness.setLocalStateField('name', 'Alice');
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    await waitFor(() => sam.awareness.getStates().get(alice.doc.clientID)?.name === 'Alice', { what: 'alice presence' });
    // A third session tries to speak for Alice's client id.
    const mallory = open(relay.wsUrl, secret);
    await mallory.whenSynced();
    const { encodeAwarenessMessage } = await import('./yMessages.ts');
    mallory.engine.publishPresence(encodeAwarenessMessage([{ clientId: alice.doc.clientID, clock: 999, state: JSON.stringify({ name: 'Not Alice' }) }]));
    mallory.awareness.setLocalStateField('name', 'Mallory');
    await waitFor(() => [...sam.awareness.getStates().values()].some((state) => state.name === 'Mallory'), { what: 'mallory presence' });
    expect(sam.awareness.getStates().get(alice.doc.clientID)?.name).toBe('Alice');
  });
});
