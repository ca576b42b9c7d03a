import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  ENVELOPE_TYPE,
  FRAME,
  encodeAckFrame,
  encodeBacklogEndFrame,
  encodeEnvFrame,
  encodeEphFrame,
  encodeErrorFrame,
  encodeHelloFrame,
  encodeReadyFrame,
  parseRelayFrame,
  toHex,
} from '@seen/shared/protocol';
import { deriveRoomKeys, generateDeviceKeyPair, randomBytes, sealEnvelope } from '@seen/shared/crypto';
import {
  createSqliteStorage,
  startHostileRelay,
  startRelay,
  startTestRelay,
  type HostileRelay,
  type RelayedFrame,
  type RunningRelay,
  type TestRelay,
} from '@seen/server/testing';
import { waitFor } from '@seen/shared/testing';
import { generateRoomSecret, openTestSession } from './testing/testSession.ts';
import type { RoomSessionInternals } from './createRoomSession.ts';
import type { RelayWatermark } from './SyncEngine.ts';
import { Y_SYNC, encodeAwarenessMessage, encodeSyncMessage } from './yMessages.ts';

// SPEC HOST-1…HOST-10: the relay is the adversary. A man-in-the-middle with the relay's view (frame
// types, relaySeq, clear headers, ciphertext — no key) drops, reorders, replays, truncates,
// splices, rolls back and injects; the client tolerates or detects each, and says so in words.

const relays: (TestRelay | RunningRelay)[] = [];
const hostiles: HostileRelay[] = [];
const sessions: RoomSessionInternals[] = [];
const dirs: string[] = [];
const open = (...args: Parameters<typeof openTestSession>): RoomSessionInternals => {
  const session = openTestSession(...args);
  sessions.push(session);
  return session;
};
const hostileOver = async (relay: TestRelay | RunningRelay): Promise<HostileRelay> => {
  const hostile = await startHostileRelay(relay.wsUrl);
  hostiles.push(hostile);
  return hostile;
};
const testRelay = async (): Promise<TestRelay> => {
  const relay = await startTestRelay();
  relays.push(relay);
  return relay;
};

afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  for (const hostile of hostiles.splice(0)) await hostile.close();
  for (const relay of relays.splice(0)) await relay.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Types one character per transaction: one update, one envelope, one seq each. */
const typeChars = (session: RoomSessionInternals, text: string): void => {
  const answer = session.doc.getText('answer');
  for (const char of text) answer.insert(answer.length, char);
};
const answerOf = (session: RoomSessionInternals): string => session.doc.getText('answer').toString();
const settled = (session: RoomSessionInternals): Promise<void> =>
  waitFor(() => session.getStatus().pendingAcks === 0, { what: 'writes acknowledged', timeoutMs: 10_000 });
const fromSession = (frame: RelayedFrame, session: RoomSessionInternals): boolean =>
  frame.kind === FRAME.ENV && frame.header !== null && toHex(frame.header.sessionId) === session.engine.sessionHex;
/** Short grace so tests do not wait two seconds for a hole to count. */
const FAST = { gapGraceMs: 100 } as const;

/**
 * The usual cast: Alice connects through the hostile relay, Sam directly; both synced. Returns
 * what each test needs to add its rules and assertions.
 */
async function openPairBehindHostileRelay() {
  const relay = await testRelay();
  const hostile = await hostileOver(relay);
  const secret = generateRoomSecret();
  const alice = open(hostile.wsUrl, secret, FAST);
  const sam = open(relay.wsUrl, secret);
  await Promise.all([alice.whenSynced(), sam.whenSynced()]);
  return { relay, hostile, secret, alice, sam };
}

describe('hostile relay: drops and freezes', () => {
  it('HOST-1: a change dropped on the way to one client is noticed as a hole and fetched again; no warning', async () => {
    const { hostile, alice, sam } = await openPairBehindHostileRelay();
    let live = 0;
    let dropped: RelayedFrame | null = null;
    hostile.rules.push((frame) => {
      if (!fromSession(frame, sam) || frame.inBacklog) return undefined;
      if (++live !== 3) return undefined;
      dropped = frame;
      return [];
    });
    typeChars(sam, 'abcdef');
    await settled(sam);
    await waitFor(() => answerOf(alice) === 'abcdef', { what: 'alice to recover the dropped change' });
    expect(dropped).not.toBeNull();
    expect(alice.engine.resyncs).toBe(1);
    expect(alice.getStatus().warnings).toEqual([]);
  });

  it('HOST-2, SYNC-9: a change the relay withholds for good is reported, naming whose changes and since when', async () => {
    const { hostile, alice, sam } = await openPairBehindHostileRelay();
    const before = Date.now();
    let withheld: number | null = null;
    // Withhold Sam's third change from Alice, live and in every later backlog.
    hostile.rules.push((frame) => {
      if (!fromSession(frame, sam)) return undefined;
      withheld ??= frame.header!.seq + 2;
      return frame.header!.seq === withheld ? [] : undefined;
    });
    typeChars(sam, 'abcdef');
    await settled(sam);
    await waitFor(() => alice.getStatus().warnings.length > 0, { what: 'a warning' });
    const [alert] = alice.getStatus().warnings;
    // Whose changes and since when: the app words it ("Some of your partner’s changes since 14:05 today may be missing").
    expect(alert).toMatchObject({ kind: 'missing-changes', device: toHex(sam.engine['options'].device.publicKey), ownDevice: false });
    expect(alert!.since).toBeGreaterThanOrEqual(before);
    expect(alert!.since).toBeLessThanOrEqual(Date.now());
    // It tried one full re-read first (the relay might only have dropped it on the way), then stopped.
    expect(alice.engine.resyncs).toBe(1);
    // What did arrive is applied; Yjs holds the changes that depend on the missing one.
    expect(answerOf(alice)).toBe('ab');
  });

  it('HOST-10: a frozen relay (tail withheld) is silent while it lasts; the next change reveals the hole and heals it', async () => {
    const { hostile, alice, sam } = await openPairBehindHostileRelay();
    typeChars(sam, 'ab');
    await waitFor(() => answerOf(alice) === 'ab', { what: 'first changes' });
    const lastSeen = alice.getStatus().partnerLastActiveAt;
    expect(lastSeen).not.toBeNull();
    let frozen = true;
    hostile.rules.push((frame) => (frozen && fromSession(frame, sam) ? [] : undefined));
    typeChars(sam, 'cd');
    await settled(sam);
    // Undetectable while it lasts: no warning, but the UI can say when Sam was last seen.
    expect(alice.getStatus().warnings).toEqual([]);
    expect(alice.getStatus().partnerLastActiveAt).toBe(lastSeen);
    frozen = false;
    typeChars(sam, 'e');
    await waitFor(() => answerOf(alice) === 'abcde', { what: 'the frozen changes to arrive' });
    expect(alice.engine.resyncs).toBe(1);
    expect(alice.getStatus().warnings).toEqual([]);
  });
});

describe('hostile relay: reordering and replay', () => {
  it('HOST-3: a reordered backlog and reordered live frames converge with no warning and no re-read', async () => {
    const relay = await testRelay();
    const secret = generateRoomSecret();
    const sam = open(relay.wsUrl, secret);
    await sam.whenSynced();
    typeChars(sam, 'the backlog ');
    await settled(sam);
    const hostile = await hostileOver(relay);
    const held = new Map<number, Uint8Array>();
    // Swap every pair of ENV frames; a frame held at BACKLOG_END arrives just after it.
    hostile.rules.push((frame) => {
      const previous = held.get(frame.connection);
      if (frame.kind === FRAME.BACKLOG_END && previous !== undefined) {
        held.delete(frame.connection);
        return [frame.bytes, previous];
      }
      if (frame.kind !== FRAME.ENV) return undefined;
      if (previous !== undefined) {
        held.delete(frame.connection);
        return [frame.bytes, previous];
      }
      held.set(frame.connection, frame.bytes);
      setTimeout(() => {
        if (held.get(frame.connection) !== frame.bytes) return;
        held.delete(frame.connection);
        hostile.inject(frame.connection, frame.bytes);
      }, 10);
      return [];
    });
    const alice = open(hostile.wsUrl, secret, FAST);
    await alice.whenSynced();
    typeChars(sam, 'and live');
    await waitFor(() => answerOf(alice) === 'the backlog and live', { what: 'convergence' });
    // Any hole a late frame opened must have closed within its grace period, without a re-read.
    await waitFor(() => alice.engine.integrityIdle, { what: 'integrity checks to settle' });
    expect(alice.getStatus().warnings).toEqual([]);
    expect(alice.engine.resyncs).toBe(0);
  });

  it('HOST-4: replayed stored envelopes, live and in a backlog, are ignored with no second delivery', async () => {
    const { hostile, alice, sam } = await openPairBehindHostileRelay();
    const receive = vi.spyOn(alice.engine, 'receiveStored');
    const delivered = (): number => receive.mock.results.filter((result) => result.value !== null).length;
    typeChars(sam, 'once');
    await waitFor(() => answerOf(alice) === 'once', { what: 'first delivery' });
    expect(delivered()).toBe(4);
    const recorded = hostile.fromRelay.filter((frame) => fromSession(frame, sam)).map((frame) => frame.bytes);
    // Live replay: every envelope again, twice.
    const connection = hostile.connections.at(-1)!;
    for (let round = 0; round < 2; round++) for (const bytes of recorded) hostile.inject(connection, bytes);
    // Backlog replay: after reconnecting, the relay "forgets" the cursor and serves them again.
    hostile.rules.push((frame) => (frame.kind === FRAME.READY ? [frame.bytes, ...recorded] : undefined));
    hostile.proxy.dropAll();
    typeChars(sam, '!');
    await waitFor(() => answerOf(alice) === 'once!', { what: 'the next change after the replays' });
    expect(delivered()).toBe(5);
    expect(answerOf(alice)).toBe('once!');
    expect(alice.getStatus().warnings).toEqual([]);
  });

  it('HOST-5: replayed presence and presence older than five minutes are ignored', async () => {
    const relay = await testRelay();
    const hostile = await hostileOver(relay);
    const secret = generateRoomSecret();
    const alice = open(hostile.wsUrl, secret);
    const sam = open(relay.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    const samId = sam.doc.clientID;
    const seen: unknown[] = [];
    alice.awareness.on('change', () => seen.push(alice.awareness.getStates().get(samId)?.typing));
    sam.awareness.setLocalStateField('typing', true);
    await waitFor(() => alice.awareness.getStates().get(samId)?.typing === true, { what: 'typing' });
    const typingFrames = hostile.fromRelay.filter((frame) => frame.kind === FRAME.EPH).map((frame) => frame.bytes);
    sam.awareness.setLocalStateField('typing', false);
    await waitFor(() => alice.awareness.getStates().get(samId)?.typing === false, { what: 'stopped typing' });
    const connection = hostile.connections.at(-1)!;
    for (const bytes of typingFrames) hostile.inject(connection, bytes);
    // A presence envelope sealed with the room key but five minutes and one second old (a replay
    // from an earlier session, which the seq check alone would not catch).
    const keys = deriveRoomKeys(secret);
    const stale = sealEnvelope(
      {
        type: ENVELOPE_TYPE.PRESENCE,
        roomId: keys.roomIdBytes,
        sessionId: randomBytes(16),
        seq: 0,
        epoch: 0,
        sentAt: Date.now() - 5 * 60 * 1000 - 1000,
        devicePublicKey: generateDeviceKeyPair().publicKey,
        payload: encodeAwarenessMessage([{ clientId: 424242, clock: 1, state: JSON.stringify({ name: 'Ghost' }) }]),
      },
      keys.encryptionKey,
    );
    hostile.inject(connection, encodeEphFrame(stale));
    sam.awareness.setLocalStateField('name', 'Sam');
    await waitFor(() => alice.awareness.getStates().get(samId)?.name === 'Sam', { what: 'a later presence' });
    const afterStop = seen.slice(seen.indexOf(false));
    expect(afterStop).not.toContain(true);
    expect(alice.awareness.getStates().has(424242)).toBe(false);
  });
});

describe('hostile relay: splicing, truncation, injection', () => {
  it('HOST-7: an envelope spliced in from another room is rejected as foreign, and nothing changes', async () => {
    const relay = await testRelay();
    const hostile = await hostileOver(relay);
    const secretA = generateRoomSecret();
    const secretB = generateRoomSecret();
    const alice = open(hostile.wsUrl, secretA);
    const bob = open(hostile.wsUrl, secretB);
    const sam = open(relay.wsUrl, secretA);
    await Promise.all([alice.whenSynced(), bob.whenSynced(), sam.whenSynced()]);
    typeChars(bob, 'from room B');
    await settled(bob);
    // Take Bob's envelopes as the relay stored them and serve them to Alice as if room A's.
    const stored = await relay.storage.readLog(bob.roomId, 0, Number.MAX_SAFE_INTEGER, 100);
    expect(stored.length).toBeGreaterThan(0);
    const aliceConnection = hostile.connections[0]!;
    for (const row of stored) hostile.inject(aliceConnection, encodeEnvFrame(row.relaySeq, row.envelope));
    await waitFor(() => alice.getStatus().warnings.some((alert) => alert.kind === 'foreign-data'), { what: 'foreign-data alert' });
    typeChars(sam, 'room A');
    await waitFor(() => answerOf(alice) === 'room A', { what: 'room A still syncing' });
    expect(answerOf(alice)).not.toContain('room B');
  });

  it('HOST-8: truncated, altered and misplaced frames are rejected with a warning; the connection keeps working', async () => {
    const { hostile, alice, sam } = await openPairBehindHostileRelay();
    // From now on, Sam's next change reaches Alice only in damaged forms.
    const damaged: Uint8Array[] = [];
    hostile.rules.push((frame) => {
      if (!fromSession(frame, sam) || frame.inBacklog || damaged.length > 0) return undefined;
      const bytes = frame.bytes;
      const truncated = bytes.slice(0, bytes.length - 16);
      const reSequenced = bytes.slice();
      reSequenced[9 + 2 + 16 + 16 + 3]! ^= 0x01; // outer seq's last byte: caught by the header copy
      const flipped = bytes.slice();
      flipped[bytes.length - 1]! ^= 0x80; // the box's last byte: caught by Poly1305
      const cut = bytes.slice(0, 5); // an ENV frame too short to carry a relaySeq
      damaged.push(truncated, reSequenced, flipped, cut);
      return damaged;
    });
    typeChars(sam, 'x');
    await waitFor(() => damaged.length > 0, { what: 'the damaged frames' });
    await settled(sam);
    await waitFor(() => alice.getStatus().warnings.length >= 2, { what: 'warnings' });
    const kinds = new Set(alice.getStatus().warnings.map((alert) => alert.kind));
    expect(kinds).toEqual(new Set(['tampered-data', 'unreadable-frame']));
    expect(answerOf(alice)).toBe('');
    // A presence envelope served as a stored one is refused too.
    const presence = hostile.fromRelay.find((frame) => frame.kind === FRAME.EPH);
    if (presence !== undefined) {
      const parsed = parseRelayFrame(presence.bytes);
      if (parsed.ok && parsed.value.kind === FRAME.EPH) hostile.inject(hostile.connections[0]!, encodeEnvFrame(10 ** 6, parsed.value.envelope));
    }
    // The next honest change still arrives; the damaged one comes back with a full re-read.
    typeChars(sam, 'y');
    await waitFor(() => answerOf(alice) === 'xy', { what: 'recovery', timeoutMs: 10_000 });
    expect(alice.getStatus().phase).toBe('synced');
  });

  it('HOST-9: raw y-protocols frames and out-of-place control frames never reach the provider', async () => {
    const relay = await testRelay();
    const hostile = await hostileOver(relay);
    const secret = generateRoomSecret();
    const alice = open(hostile.wsUrl, secret);
    const sam = open(relay.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    const evil = new Y.Doc();
    evil.getText('answer').insert(0, 'INJECTED');
    const update = Y.encodeStateAsUpdate(evil);
    const connection = hostile.connections[0]!;
    const provided: Uint8Array[] = [];
    alice.doc.on('update', (bytes: Uint8Array) => provided.push(bytes));
    const injections = [
      encodeSyncMessage(Y_SYNC.UPDATE, update), // [0, 2, update]: a y-websocket server's update
      encodeSyncMessage(Y_SYNC.STEP2, update),
      new Uint8Array([2, 0, 5, 0x64, 0x65, 0x6e, 0x69, 0x65, 0x64]), // messageAuth "permission denied"
      new Uint8Array([3]), // queryAwareness
      encodeEnvFrame(999_999, update), // a raw update dressed as a stored envelope
      encodeEphFrame(update),
      encodeHelloFrame({ challenge: new Uint8Array(32), serverTime: Date.now(), relayOrigin: 'ws://evil.example' }),
      encodeReadyFrame({ sealed: true, deviceCount: 6 }),
      encodeBacklogEndFrame({ upToRelaySeq: 10 ** 9, sinceSnapshot: 10 ** 6 }),
      encodeAckFrame({ sessionId: randomBytes(16), seq: 0, relaySeq: 10 ** 9 }),
      encodeErrorFrame({ code: 2, sessionId: randomBytes(16), seq: 3 }),
      new Uint8Array(0),
    ];
    for (const bytes of injections) hostile.inject(connection, bytes);
    typeChars(sam, 'honest');
    await waitFor(() => answerOf(alice) === 'honest', { what: 'the honest change' });
    expect(answerOf(alice)).not.toContain('INJECTED');
    expect(provided).toHaveLength(6);
    expect(alice.getStatus().phase).toBe('synced');
    expect(alice.getStatus().sealed).toBe(false);
    expect(alice.getStatus().warnings.length).toBeGreaterThan(0);
  });
});

describe('hostile relay: rollback', () => {
  it('HOST-6: a relay that serves an older snapshot and log after a reconnect is caught; the mirror is rebuilt', async () => {
    const relay = await testRelay();
    const hostile = await hostileOver(relay);
    const secret = generateRoomSecret();
    const alice = open(hostile.wsUrl, secret, { ...FAST, compactAfter: 100_000 });
    const sam = open(relay.wsUrl, secret, { compactAfter: 100_000 });
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    typeChars(sam, 'old');
    await settled(sam);
    await waitFor(() => answerOf(alice) === 'old', { what: 'old state' });
    sam.engine.compactNow();
    await settled(sam);
    const oldSnapshot = await waitForFrame(hostile, (frame) => fromSession(frame, sam) && frame.header!.type === ENVELOPE_TYPE.SNAPSHOT);
    typeChars(sam, ' and new');
    await waitFor(() => answerOf(alice) === 'old and new', { what: 'new state' });
    // On the next connection only, serve the old snapshot as if it were all there is.
    let armed = true;
    hostile.rules.push((frame) => {
      if (!armed) return undefined;
      if (frame.kind === FRAME.ENV && frame.inBacklog) return [];
      if (frame.kind !== FRAME.BACKLOG_END) return undefined;
      armed = false;
      return [oldSnapshot.bytes, encodeBacklogEndFrame({ upToRelaySeq: oldSnapshot.relaySeq!, sinceSnapshot: 0 })];
    });
    hostile.proxy.dropAll();
    await waitFor(() => alice.getStatus().warnings.length > 0, { what: 'rollback warning' });
    const alert = alice.getStatus().warnings.find((candidate) => candidate.kind === 'relay-rollback')!;
    // "… your partner’s changes since <when> were missing from it": the since is known.
    expect(alert.since).not.toBeNull();
    // Rebuilt from what the (honest again) relay holds; nothing was lost on this device.
    await waitFor(() => alice.getStatus().phase === 'synced' && alice.engine.mirror.getText('answer').toString() === 'old and new', { what: 'mirror rebuilt' });
    expect(answerOf(alice)).toBe('old and new');
  });

  it('HOST-6: a relay restored from an old backup is caught by a live session, which uploads what the relay lost', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seen-rollback-'));
    dirs.push(dataDir);
    const path = join(dataDir, 'relay.sqlite');
    const first = await startRelay({ storage: createSqliteStorage({ path }), port: 0 });
    const port = first.port;
    const secret = generateRoomSecret();
    const alice = open(first.wsUrl, secret, FAST);
    const sam = open(first.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    typeChars(sam, 'kept');
    await settled(sam);
    await waitFor(() => answerOf(alice) === 'kept', { what: 'kept' });
    await first.close();
    copyFileSync(path, `${path}.backup`);
    const second = await startRelay({ storage: createSqliteStorage({ path }), port });
    await waitFor(() => sam.getStatus().phase === 'synced' && alice.getStatus().phase === 'synced', { what: 'reconnected', timeoutMs: 10_000 });
    typeChars(sam, ' and lost');
    await settled(sam);
    await waitFor(() => answerOf(alice) === 'kept and lost', { what: 'alice has everything' });
    sam.destroy(); // Sam closes the app; only Alice (and Sam's device) hold " and lost" now
    await second.close();
    copyFileSync(`${path}.backup`, path);
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    const third = await startRelay({ storage: createSqliteStorage({ path }), port });
    relays.push(third);
    await waitFor(() => alice.getStatus().warnings.some((alert) => alert.kind === 'relay-rollback'), { what: 'rollback detected', timeoutMs: 10_000 });
    await waitFor(() => alice.getStatus().phase === 'synced' && alice.getStatus().pendingAcks === 0, { what: 're-upload' });
    const fresh = open(third.wsUrl, secret);
    await fresh.whenSynced();
    await waitFor(() => answerOf(fresh) === 'kept and lost', { what: 'a fresh device sees everything again' });
  });

  it('HOST-6: the watermark kept on the device catches a rollback on a fresh start, too', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seen-rollback-'));
    dirs.push(dataDir);
    const path = join(dataDir, 'relay.sqlite');
    const first = await startRelay({ storage: createSqliteStorage({ path }), port: 0 });
    const port = first.port;
    const secret = generateRoomSecret();
    let saved: RelayWatermark | null = null;
    const watermarkStore = { load: () => Promise.resolve(saved), save: (watermark: RelayWatermark) => void (saved = watermark) };
    const doc = new Y.Doc();
    const alice = open(first.wsUrl, secret, { ...FAST, doc, watermarkStore });
    await alice.whenSynced();
    typeChars(alice, 'before');
    await settled(alice);
    await first.close();
    copyFileSync(path, `${path}.backup`);
    const second = await startRelay({ storage: createSqliteStorage({ path }), port });
    await waitFor(() => alice.getStatus().phase === 'synced', { what: 'reconnected', timeoutMs: 10_000 });
    typeChars(alice, ' after');
    await settled(alice);
    alice.destroy(); // saves the watermark
    expect(saved!.highWater).toBeGreaterThan(0);
    await second.close();
    copyFileSync(`${path}.backup`, path);
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    const third = await startRelay({ storage: createSqliteStorage({ path }), port });
    relays.push(third);
    const again = open(third.wsUrl, secret, { ...FAST, doc, watermarkStore });
    await waitFor(() => again.getStatus().warnings.some((alert) => alert.kind === 'relay-rollback'), { what: 'rollback on a fresh start', timeoutMs: 10_000 });
    await waitFor(() => again.getStatus().phase === 'synced' && again.getStatus().pendingAcks === 0, { what: 're-upload' });
    const fresh = open(third.wsUrl, secret);
    await waitFor(() => answerOf(fresh) === 'before after', { what: 'restored on the relay' });
  });
});

async function waitForFrame(hostile: HostileRelay, predicate: (frame: RelayedFrame) => boolean): Promise<RelayedFrame> {
  await waitFor(() => hostile.fromRelay.some(predicate), { what: 'a frame' });
  return hostile.fromRelay.find(predicate)!;
}
