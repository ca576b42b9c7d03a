import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FRAME } from '@seen/shared/protocol';
import { generateDeviceKeyPair } from '@seen/shared/crypto';
import { startFrameProxy, startTestRelay, type FrameProxy, type TestRelay } from '@seen/server/testing';
import { createSeededRandom, waitFor } from '@seen/shared/testing';
import { generateRoomSecret, openTestSession } from './testing/testSession.ts';
import type { RoomSessionInternals } from './createRoomSession.ts';

let relay: TestRelay | null = null;
let proxy: FrameProxy | null = null;
const sessions = new Set<RoomSessionInternals>();

afterEach(async () => {
  for (const session of sessions) session.destroy();
  sessions.clear();
  await proxy?.close();
  proxy = null;
  await relay?.close();
  relay = null;
});

const CLIENTS = 3;
const STEPS = 70;
const HOLD_BACK_MS = 15;

/** Closes client `index` (a closed tab), or opens it again: its doc persists, as IndexedDB would keep it. */
function toggleClient(live: (RoomSessionInternals | null)[], index: number, openClient: (index: number) => RoomSessionInternals): void {
  const session = live[index];
  if (session !== null && session !== undefined) {
    session.destroy();
    sessions.delete(session);
    live[index] = null;
  } else {
    live[index] = openClient(index);
  }
}

/** Hostile network: duplicate about 10% of ENV frames to a client; hold back and reorder another 10%. */
function makeNetworkHostile(proxy: FrameProxy, random: () => number): void {
  const held = new Map<number, Uint8Array>();
  proxy.transform = (direction, bytes, connection) => {
    if (direction !== 'to-client' || bytes[0] !== FRAME.ENV) return [bytes];
    const previous = held.get(connection);
    if (previous !== undefined) {
      held.delete(connection);
      return [bytes, previous];
    }
    const roll = random();
    if (roll < 0.1) return [bytes, bytes];
    if (roll < 0.2) {
      held.set(connection, bytes);
      setTimeout(() => {
        if (held.get(connection) === bytes) {
          held.delete(connection);
          proxy.sendToClient(connection, bytes);
        }
      }, HOLD_BACK_MS);
      return [];
    }
    return [bytes];
  };
}

/** Pinned seeds: a failing seed found later is added here as its own named case. */
const SEEDS = [1, 20261125, 424242];

/**
 * SYNC-16: random interleavings of edits, disconnects, snapshots, duplicated and reordered relay
 * frames across three clients always converge, and nothing any client wrote is lost.
 */
describe('seeded convergence fuzz (SPEC SYNC-16)', () => {
  for (const seed of SEEDS) {
    it(`SYNC-16: seed ${seed} converges with nothing lost`, async () => {
      const random = createSeededRandom(seed);
      relay = await startTestRelay();
      proxy = await startFrameProxy(relay.wsUrl, '/v1');
      makeNetworkHostile(proxy, random);
      const secret = generateRoomSecret();
      const docs = Array.from({ length: CLIENTS }, () => new Y.Doc());
      // Each client is one device: reopening keeps its key (a new key per reopen would fill the room).
      const devices = docs.map(() => generateDeviceKeyPair());
      const openClient = (index: number): RoomSessionInternals => {
        const session = openTestSession(proxy!.wsUrl, secret, { doc: docs[index]!, device: devices[index]!, compactAfter: 12, compactJitterMs: 30 });
        sessions.add(session);
        return session;
      };
      const live: (RoomSessionInternals | null)[] = docs.map((_, index) => openClient(index));
      const expectedKeys = new Set<string>();
      for (let step = 0; step < STEPS; step++) {
        const index = Math.floor(random() * CLIENTS);
        const doc = docs[index]!;
        const roll = random();
        if (roll < 0.45) {
          const text = doc.getText('text');
          text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + Math.floor(random() * 26)));
        } else if (roll < 0.6) {
          const text = doc.getText('text');
          if (text.length > 0) text.delete(Math.floor(random() * text.length), 1);
        } else if (roll < 0.8) {
          const key = `c${index}-s${step}`;
          doc.getMap('answers').set(key, step);
          expectedKeys.add(key);
        } else if (roll < 0.9) {
          toggleClient(live, index, openClient);
        } else if (roll < 0.95) {
          proxy.dropAll();
        } else {
          live[index]?.engine.compactNow();
        }
        if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 10)));
      }
      // Heal: honest network, everyone online.
      proxy.transform = null;
      for (const [index, session] of live.entries()) if (session === null) live[index] = openClient(index);
      // Map key order depends on arrival order; compare content, sorted.
      const json = (doc: Y.Doc): string =>
        JSON.stringify({ text: doc.getText('text').toString(), answers: Object.entries(doc.getMap('answers').toJSON()).sort() });
      await waitFor(() => docs.every((doc) => json(doc) === json(docs[0]!)), { timeoutMs: 20_000, what: `convergence (seed ${seed})` });
      await waitFor(() => live.every((session) => session!.getStatus().pendingAcks === 0), { timeoutMs: 10_000, what: 'acks' });
      expect(new Set(Object.keys(docs[0]!.getMap('answers').toJSON()))).toEqual(expectedKeys);
      // What the relay holds is everything: a fresh device rebuilds the same document from it.
      const fresh = openTestSession(relay.wsUrl, secret);
      sessions.add(fresh);
      await fresh.whenSynced();
      await waitFor(() => json(fresh.doc) === json(docs[0]!), { timeoutMs: 10_000, what: 'fresh device equal' });
    });
  }
});

const WIPE_STEPS = 80;
/** Pinned seeds for the wipe variant; a failing seed found later becomes its own named case here. */
const WIPE_SEEDS = [7, 20261125, 31337];

/**
 * FUZZ-4: the same hostile network, plus devices that lose everything (a wiped phone: same device
 * key, empty document). Whatever the relay acknowledged before the wipe must survive it: an edit
 * is acknowledged when its writer's mirror holds it and the writer's outbox is empty (PROTOCOL
 * "ACK … only after the commit"). Unacknowledged edits on a wiped device may be lost — that is the
 * contract — but nothing appears that nobody wrote, and everyone converges.
 */
/** How often every live device is made to catch up during a wipe run. */
const SETTLE_EVERY_STEPS = 20;

describe('seeded convergence fuzz with wiped devices (SPEC FUZZ-4)', () => {
  for (const seed of WIPE_SEEDS) {
    it(`FUZZ-4: seed ${seed} — no acknowledged edit is lost when devices are wiped`, async () => {
      // Two streams: the operations are a pure function of the seed; the network's choices (which
      // depend on how many frames happen to flow) draw from their own stream and cannot shift them.
      const random = createSeededRandom(seed);
      const network = createSeededRandom(seed ^ 0x9e3779b9);
      relay = await startTestRelay();
      proxy = await startFrameProxy(relay.wsUrl, '/v1');
      makeNetworkHostile(proxy, network);
      const secret = generateRoomSecret();
      const docs = Array.from({ length: CLIENTS }, () => new Y.Doc());
      const devices = docs.map(() => generateDeviceKeyPair());
      const openClient = (index: number): RoomSessionInternals => {
        const session = openTestSession(proxy!.wsUrl, secret, { doc: docs[index]!, device: devices[index]!, compactAfter: 12, compactJitterMs: 30, gapGraceMs: 200 });
        sessions.add(session);
        return session;
      };
      const live: (RoomSessionInternals | null)[] = docs.map((_, index) => openClient(index));
      const written = docs.map(() => new Set<string>());
      const acked = new Set<string>();
      let wipes = 0;
      const noteAcknowledged = (): void => {
        for (const [index, session] of live.entries()) {
          if (session === null || session.getStatus().pendingAcks > 0) continue;
          const mirrored = session.engine.mirror.getMap('answers');
          for (const key of written[index]!) if (mirrored.has(key)) acked.add(key);
        }
      };
      // Start from connected devices, so that what the run acknowledges depends on the seed and
      // not on how busy the machine is (a slow start once left every edit unacknowledged).
      await Promise.all(live.map((session) => session!.whenSynced()));
      for (let step = 0; step < WIPE_STEPS; step++) {
        const index = Math.floor(random() * CLIENTS);
        const roll = random();
        if (roll < 0.35) {
          const text = docs[index]!.getText('text');
          text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + Math.floor(random() * 26)));
        } else if (roll < 0.7) {
          const key = `c${index}-s${step}`;
          docs[index]!.getMap('answers').set(key, step);
          written[index]!.add(key);
        } else if (roll < 0.82) {
          toggleClient(live, index, openClient);
        } else if (roll < 0.88) {
          // The device loses everything it had; it comes back empty with the same key.
          noteAcknowledged();
          live[index]?.destroy();
          if (live[index]) sessions.delete(live[index]!);
          docs[index] = new Y.Doc();
          live[index] = openClient(index);
          wipes += 1;
        } else if (roll < 0.92) {
          proxy.dropAll();
        } else if (roll < 0.96) {
          live[index]?.engine.compactNow();
        } else {
          // Let this device catch up with the relay: what it wrote so far becomes acknowledged.
          const session = live[index];
          if (session) await waitFor(() => session.getStatus().phase === 'synced' && session.getStatus().pendingAcks === 0, { timeoutMs: 10_000, what: 'a device to settle' });
        }
        if (random() < 0.4) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 12)));
        if (step % SETTLE_EVERY_STEPS === SETTLE_EVERY_STEPS - 1) {
          // Every device catches up now and then, so some edits are surely acknowledged before the
          // next wipe, however slow the machine (the run is never vacuous).
          for (const session of live) {
            if (session) await waitFor(() => session.getStatus().phase === 'synced' && session.getStatus().pendingAcks === 0, { timeoutMs: 10_000, what: 'devices to settle' });
          }
        }
        noteAcknowledged();
      }
      proxy.transform = null;
      for (const [index, session] of live.entries()) if (session === null) live[index] = openClient(index);
      const json = (doc: Y.Doc): string =>
        JSON.stringify({ text: doc.getText('text').toString(), answers: Object.entries(doc.getMap('answers').toJSON()).sort() });
      await waitFor(() => docs.every((doc) => json(doc) === json(docs[0]!)), { timeoutMs: 20_000, what: `convergence (seed ${seed})` });
      await waitFor(() => live.every((session) => session!.getStatus().pendingAcks === 0), { timeoutMs: 10_000, what: 'acks' });
      const present = new Set(Object.keys(docs[0]!.getMap('answers').toJSON()));
      const everWritten = new Set(written.flatMap((keys) => [...keys]));
      expect([...acked].filter((key) => !present.has(key))).toEqual([]);
      expect([...present].filter((key) => !everWritten.has(key))).toEqual([]);
      expect(acked.size).toBeGreaterThan(0);
      const fresh = openTestSession(relay.wsUrl, secret);
      sessions.add(fresh);
      await fresh.whenSynced();
      await waitFor(() => json(fresh.doc) === json(docs[0]!), { timeoutMs: 10_000, what: 'fresh device equal' });
      console.info(`[FUZZ-4] seed ${seed}: ${WIPE_STEPS} steps, ${wipes} wipes, ${acked.size} acknowledged edits all kept, ${everWritten.size - present.size} unacknowledged lost`);
    });
  }
});
