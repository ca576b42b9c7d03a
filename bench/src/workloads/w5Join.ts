import WebSocket from 'ws';
import * as Y from 'yjs';
import { ENVELOPE_TYPE } from '@seen/shared/protocol';
import { deriveRoomKeys, generateDeviceKeyPair, type DeviceKeyPair } from '@seen/shared/crypto';
import { loadCreateRoomSession } from '../lib/clientSession.ts';
import { createSqliteStorage } from '../../../server/src/storage/SqliteStorage.ts';
import type { AppendEntry } from '../../../server/src/storage/RelayStorage.ts';
import { LatencyHistogram, type LatencySummary } from '../lib/histogram.ts';
import { Random } from '../lib/random.ts';
import type { ServerHandle, ServerKind } from '../lib/serverProcess.ts';
import { openClient, type BenchClient } from '../clients/benchClient.ts';
import { benchKeysFromRoomKeys, sealFor, signingKeyFromSeed, type BenchIdentity } from '../clients/seenKeys.ts';
import { hocusAuthMessage, syncStep1Message, syncUpdateMessage } from '../clients/yFrames.ts';
import { sleep, waitUntil } from './common.ts';
import { join } from 'node:path';

/** A Seen room made the app's way (a room secret), with a stored history. */
export interface SeenHistoryRoom {
  readonly label: string;
  readonly updates: number;
  readonly snapshot: boolean;
  readonly secret: Uint8Array;
  /** Returns null when the joiner's document is complete, else what is wrong. */
  readonly check: (doc: Y.Doc) => string | null;
  /** Bytes of the newest snapshot's payload (0 without one). */
  readonly snapshotBytes: number;
}

/** Checks that a joined document holds exactly the history (same state vector as the original). */
export function sameStateAs(original: Y.Doc): (doc: Y.Doc) => string | null {
  const expected = Buffer.from(Y.encodeStateVector(original));
  return (doc) => (Buffer.from(Y.encodeStateVector(doc)).equals(expected) ? null : 'state vector differs from the original');
}

export function textLengthIs(textName: string, length: number): (doc: Y.Doc) => string | null {
  return (doc) => {
    const actual = doc.getText(textName).length;
    return actual === length ? null : `text length ${actual}, expected ${length}`;
  };
}

/** Updates after the newest snapshot: the client compacts every 500, so a tail averages ~250. */
export const SNAPSHOT_TAIL = 250;

/**
 * Writes rooms straight into the relay's SQLite file with the relay's own storage module (the
 * same rows the relay would write after accepting those PUTs one by one; rate limits would make
 * that take minutes). Each update is sealed like a client seals it.
 */
export async function preloadSeenHistory(options: {
  dataDir: string;
  rooms: readonly { label: string; updates: readonly Uint8Array[]; snapshot: boolean; check: (doc: Y.Doc) => string | null }[];
  seed: number;
}): Promise<SeenHistoryRoom[]> {
  const random = new Random(options.seed);
  const storage = createSqliteStorage({ path: join(options.dataDir, 'seen-relay.sqlite') });
  const made: SeenHistoryRoom[] = [];
  const now = Date.now();
  for (const room of options.rooms) {
    const secret = random.bytes(32);
    const keys = deriveRoomKeys(secret);
    const writer: BenchIdentity = { room: benchKeysFromRoomKeys(keys), device: signingKeyFromSeed(random.bytes(32)), sessionId: random.bytes(16) };
    await storage.createRoom(keys.roomId, keys.authKeyPair.publicKey, now);
    await storage.addDevice(keys.roomId, writer.device.publicKey, now);
    const entries: AppendEntry[] = [];
    let relaySeq = 1;
    let seq = 0;
    const push = (type: typeof ENVELOPE_TYPE.UPDATE | typeof ENVELOPE_TYPE.SNAPSHOT, payload: Uint8Array, covers: number | null): void => {
      entries.push({
        roomId: keys.roomId,
        relaySeq,
        sessionId: writer.sessionId,
        seq,
        envelope: sealFor(writer, type, seq, payload, covers ?? 0),
        coversRelaySeq: covers,
        receivedAt: now,
      });
      relaySeq++;
      seq++;
    };
    const covered = room.snapshot ? Math.max(0, room.updates.length - SNAPSHOT_TAIL) : 0;
    let snapshotBytes = 0;
    for (let i = 0; i < room.updates.length; i++) {
      if (room.snapshot && i === covered) {
        const doc = new Y.Doc();
        for (let j = 0; j < covered; j++) Y.applyUpdate(doc, room.updates[j]!);
        const state = Y.encodeStateAsUpdate(doc);
        snapshotBytes = state.length;
        push(ENVELOPE_TYPE.SNAPSHOT, state, relaySeq - 1);
        doc.destroy();
      }
      push(ENVELOPE_TYPE.UPDATE, room.updates[i]!, null);
    }
    for (let i = 0; i < entries.length; i += 5000) await storage.appendBatch(entries.slice(i, i + 5000), now);
    made.push({ label: room.label, updates: room.updates.length, snapshot: room.snapshot, secret, check: room.check, snapshotBytes });
  }
  await storage.close();
  return made;
}

export interface JoinTiming {
  /** Connect → BACKLOG_END (Seen) or → SyncStep2 received (Yjs servers), no decrypt or apply. */
  readonly streamMs: number;
  /** Connect → the document is complete on the client (Seen: a real RoomSession, decrypt + apply). */
  readonly syncedMs: number;
  readonly bytes: number;
}

/** A real Seen client join: createRoomSession with `ws`, persistence 'memory', until synced. */
/**
 * `onClientWork` is called when the lean pass ends and the real client starts decrypting and
 * applying in this process: from then on the generator's own event loop is busy for up to
 * seconds, so background latencies measured here would be the generator's, not the relay's.
 */
export async function joinSeenRoom(port: number, room: SeenHistoryRoom, device: DeviceKeyPair, onClientWork: () => void = () => undefined): Promise<JoinTiming> {
  const keys = deriveRoomKeys(room.secret);
  // Lean pass first: the relay's stream time without client work.
  const lean = await (async (): Promise<{ ms: number; bytes: number }> => {
    let bytes = 0;
    const identity: BenchIdentity = { room: benchKeysFromRoomKeys(keys), device: signingKeyFromSeed(device.secretKey.subarray(0, 32)), sessionId: new Uint8Array(16).fill(9) };
    const t0 = performance.now();
    const client = await openClient({
      kind: 'seen',
      port,
      roomName: '',
      identity,
      sink: { update: () => undefined, presence: () => undefined, ack: () => undefined, backlog: (_s, envelope) => (bytes += envelope.length + 9) },
    });
    const ms = performance.now() - t0;
    client.terminate();
    return { ms, bytes };
  })();
  const createRoomSession = await loadCreateRoomSession();
  onClientWork();
  const t0 = performance.now();
  const session = createRoomSession({
    secret: room.secret,
    relayUrl: `ws://127.0.0.1:${port}`,
    persistence: 'memory',
    WebSocket,
    device,
    compactAfter: Number.MAX_SAFE_INTEGER,
  });
  try {
    const synced = session.whenSynced();
    const timeout = sleep(120_000).then(() => 'timeout' as const);
    if ((await Promise.race([synced, timeout])) === 'timeout') throw new Error(`join of ${room.label} did not sync within 120 s`);
    const syncedMs = performance.now() - t0;
    const problem = room.check(session.doc);
    if (problem !== null) throw new Error(`join of ${room.label}: ${problem}`);
    return { streamMs: lean.ms, syncedMs, bytes: lean.bytes };
  } finally {
    session.destroy();
  }
}

export const joinerDevice = (): DeviceKeyPair => generateDeviceKeyPair();

// ---- Yjs servers -------------------------------------------------------------------------------

/** Sends a history to a Yjs server one update per message, as the keystrokes happened, then leaves. */
export async function preloadYjsHistory(kind: 'yws' | 'hocus', port: number, roomName: string, updates: readonly Uint8Array[], clientId: number): Promise<void> {
  let confirmed = 0;
  const client = await openClient({
    kind,
    port,
    roomName,
    ownClientId: -1, // count our own echoes as confirmations (yws echoes; Hocuspocus acks)
    sink: {
      update: () => {
        if (kind === 'yws') confirmed++;
      },
      presence: () => undefined,
      ack: () => {
        if (kind === 'hocus') confirmed++;
      },
    },
  });
  void clientId;
  const docName = kind === 'hocus' ? roomName : null;
  const batch = 500;
  for (let i = 0; i < updates.length; i += batch) {
    for (let j = i; j < Math.min(updates.length, i + batch); j++) client.send(syncUpdateMessage(docName, updates[j]!));
    // Keep at most a few batches in flight so the server's socket buffers stay small.
    await waitUntil(() => confirmed >= i - batch * 4, 60_000, 2);
  }
  if (!(await waitUntil(() => confirmed >= updates.length, 120_000, 5))) throw new Error(`${kind} confirmed ${confirmed}/${updates.length}`);
  await new Promise<void>((resolveClose) => {
    client.ws.once('close', () => resolveClose());
    client.close();
  });
  // Both persist on the last disconnect (yws: y-leveldb has every update; Hocuspocus stores now).
  await sleep(kind === 'hocus' ? 300 + updates.length / 200 : 200);
}

/** A y-websocket / Hocuspocus join: SyncStep1 with an empty state vector, apply what comes back. */
export async function joinYjsRoom(kind: 'yws' | 'hocus', port: number, roomName: string, textName: string, expectedLength: number): Promise<JoinTiming> {
  const doc = new Y.Doc();
  const text = doc.getText(textName);
  let bytes = 0;
  let streamMs = -1;
  const docName = kind === 'hocus' ? roomName : null;
  const t0 = performance.now();
  let client: BenchClient | null = null;
  const apply = (update: Uint8Array): void => {
    bytes += update.length;
    if (streamMs < 0) streamMs = performance.now() - t0;
    Y.applyUpdate(doc, update);
  };
  client = await openClient({
    kind,
    port,
    roomName,
    ownClientId: -1,
    sink: { update: () => undefined, presence: () => undefined, ack: () => undefined, syncStep2: apply },
  });
  // y-websocket-server may answer before its persistence has loaded; the rest then arrives as a
  // plain update, so also listen for updates and wait until the text is complete.
  client.ws.on('message', (data: Buffer) => {
    const offset = kind === 'hocus' ? 1 + data[0]! : 0;
    if (data[offset] === 0 && data[offset + 1] === 2) {
      // [sync, update, varUint8Array]: decode the length prefix
      let pos = offset + 2;
      let length = 0;
      let shift = 1;
      for (;;) {
        const byte = data[pos++]!;
        length += (byte & 0x7f) * shift;
        if (byte < 0x80) break;
        shift *= 128;
      }
      apply(data.subarray(pos, pos + length));
    }
  });
  client.send(syncStep1Message(docName, new Uint8Array([0])));
  const ok = await waitUntil(() => text.length === expectedLength, 120_000, 1);
  const syncedMs = performance.now() - t0;
  client.terminate();
  doc.destroy();
  if (!ok) throw new Error(`${kind} join of ${roomName}: text length ${text.length}, expected ${expectedLength}`);
  return { streamMs, syncedMs, bytes };
}

export { hocusAuthMessage };

export interface JoinResult {
  readonly workload: 'W5';
  readonly server: ServerKind;
  readonly rep: number;
  readonly updates: number;
  readonly snapshot: boolean;
  readonly streamMs: number;
  readonly syncedMs: number;
  readonly bytes: number;
  /** Server heap after GC with this history loaded and idle (only meaningful per server). */
  readonly notes: string[];
}

export interface BackgroundLatency {
  readonly during: LatencySummary;
  readonly between: LatencySummary;
}

export function emptyHistogram(): LatencyHistogram {
  return new LatencyHistogram();
}

export type { ServerHandle };
