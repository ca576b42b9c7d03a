import type { DeviceKeyPair } from '@seen/shared/crypto';
import { LatencyHistogram, type LatencySummary } from '../lib/histogram.ts';
import { startServer, type ServerHandle, type ServerKind } from '../lib/serverProcess.ts';
import { TYPING_CLIENT_IDS } from '../lib/traces.ts';
import { openClient, type BenchClient } from '../clients/benchClient.ts';
import { benchKeysFromRoomKeys, signingKeyFromSeed } from '../clients/seenKeys.ts';
import { deriveRoomKeys } from '@seen/shared/crypto';
import { CpuWindow, FOREIGN_BUSY_LIMIT, sleep } from './common.ts';
import { wireFormatOf } from './rooms.ts';
import { TypingLoad } from './typingLoad.ts';
import type { TypingSetup } from './w2Typing.ts';
import { joinSeenRoom, joinYjsRoom, preloadYjsHistory, type SeenHistoryRoom } from './w5Join.ts';

/** Background sends this long before and after a real client join are left out too (in flight while the generator's loop was blocked). */
const CLIENT_WORK_SETTLE_MS = 50;

export interface JoinMeasurement {
  readonly workload: 'W5';
  readonly server: ServerKind;
  readonly rep: number;
  readonly updates: number;
  readonly snapshot: boolean;
  /** First join after the room went cold (the server loads it from storage). */
  readonly coldSyncedMs: number;
  readonly coldStreamMs: number;
  /** Median of the later joins. */
  readonly syncedMs: number;
  readonly streamMs: number;
  readonly bytes: number;
}

export interface JoinRunResult {
  readonly joins: JoinMeasurement[];
  /** Unrelated typing rooms while joins stream (head-of-line blocking), and between joins. */
  readonly backgroundDuring: LatencySummary;
  readonly backgroundBetween: LatencySummary;
  readonly eventLoopMaxMs: number;
  /** Server heap after GC with one client holding a room of each history size (delta to empty). */
  readonly heapByHistoryMb: { updates: number; heapDeltaMb: number; rssMb: number }[];
  readonly server: ServerKind;
  readonly rep: number;
  readonly busy: boolean;
  readonly notes: string[];
}

export interface JoinContext {
  readonly sizes: readonly number[];
  /** Sizes the Yjs servers get (preloading 100k updates through their sockets takes a while). */
  readonly baselineSizes: readonly number[];
  readonly history: readonly Uint8Array[];
  readonly expectedLength: (updates: number) => number;
  readonly seenRooms: readonly SeenHistoryRoom[];
  readonly seenDataDir: string;
  readonly joinsPerRoom: number;
  readonly background: TypingSetup;
  readonly device: DeviceKeyPair;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

async function holdHeap(server: ServerHandle, hold: () => Promise<() => void>): Promise<{ heapDeltaMb: number; rssMb: number }> {
  const before = await server.heap();
  const release = await hold();
  await sleep(100);
  const during = await server.heap();
  const rss = server.rssBytes();
  release();
  await sleep(300);
  return { heapDeltaMb: (during.heapUsed - before.heapUsed) / 2 ** 20, rssMb: rss / 2 ** 20 };
}

export async function runJoins(kind: ServerKind, rep: number, ctx: JoinContext): Promise<JoinRunResult> {
  const seen = kind === 'seen';
  const notes: string[] = [];
  const server = seen ? await startServer({ kind, dataDir: ctx.seenDataDir }) : await startServer({ kind, durable: true });
  const baselineKind = kind as 'yws' | 'hocus';
  const sizes = seen ? ctx.sizes : ctx.baselineSizes;
  const roomName = (updates: number): string => `history-${updates}`;
  let load: TypingLoad | null = null;
  try {
    if (!seen) {
      for (const updates of sizes) await preloadYjsHistory(baselineKind, server.port, roomName(updates), ctx.history.slice(0, updates), TYPING_CLIENT_IDS[0]);
    }
    // Background: unrelated rooms typing the whole time.
    // Joins streaming from the server, and Seen's real-client passes (decrypt + apply in this
    // process), whose background samples are left out: they would time the generator's loop.
    const intervals: [number, number][] = [];
    const clientWork: [number, number][] = [];
    const within = (list: [number, number][], t: number): boolean => list.some(([a, b]) => t >= a && t <= b);
    const classify = (t: number): number => (t < load!.startAt + ctx.background.warmupMs || within(clientWork, t) ? -1 : within(intervals, t) ? 0 : 1);
    load = new TypingLoad(ctx.background.schedule, ctx.background.plans.get(wireFormatOf(kind))!, classify, 2);
    await load.connect(server);
    void load.run(50);
    await sleep(ctx.background.warmupMs + 1000);
    await server.eventLoopDelay(true);
    const cpu = new CpuWindow(server);
    cpu.start();
    const joins: JoinMeasurement[] = [];
    const variants = seen ? ctx.seenRooms.filter((room) => sizes.includes(room.updates)) : sizes.map((updates) => ({ updates, snapshot: false }));
    for (const variant of variants) {
      const timings: { streamMs: number; syncedMs: number; bytes: number }[] = [];
      for (let j = 0; j < ctx.joinsPerRoom + 1; j++) {
        const start = performance.now();
        const interval: [number, number] = [start, Infinity];
        intervals.push(interval);
        const onClientWork = (): void => {
          interval[1] = performance.now();
          clientWork.push([interval[1] - CLIENT_WORK_SETTLE_MS, Infinity]);
        };
        const timing = seen
          ? await joinSeenRoom(server.port, variant as SeenHistoryRoom, ctx.device, onClientWork)
          : await joinYjsRoom(baselineKind, server.port, roomName(variant.updates), 'paper', ctx.expectedLength(variant.updates));
        if (interval[1] === Infinity) interval[1] = performance.now();
        else clientWork[clientWork.length - 1]![1] = performance.now() + CLIENT_WORK_SETTLE_MS;
        timings.push(timing);
        await sleep(seen ? 150 : 400); // let the room go cold again (Hocuspocus stores, then unloads)
      }
      const later = timings.slice(1);
      joins.push({
        workload: 'W5',
        server: kind,
        rep,
        updates: variant.updates,
        snapshot: variant.snapshot,
        coldSyncedMs: timings[0]!.syncedMs,
        coldStreamMs: timings[0]!.streamMs,
        syncedMs: median(later.map((t) => t.syncedMs)),
        streamMs: median(later.map((t) => t.streamMs)),
        bytes: timings[0]!.bytes,
      });
    }
    cpu.stop();
    const eld = await server.eventLoopDelay();
    load.stop();
    await sleep(300);
    const backgroundDuring = load.histograms[0]!.e2e.summary();
    const backgroundBetween = load.histograms[1]!.e2e.summary();
    await load.close();
    load = null;
    // Memory as history grows: hold one room of each size open and read the heap after GC.
    const heapByHistoryMb: JoinRunResult['heapByHistoryMb'] = [];
    for (const updates of sizes) {
      const measured = await holdHeap(server, async () => {
        if (seen) {
          const room = ctx.seenRooms.find((r) => r.updates === updates && !r.snapshot)!;
          const keys = deriveRoomKeys(room.secret);
          const client: BenchClient = await openClient({
            kind: 'seen',
            port: server.port,
            roomName: '',
            identity: { room: benchKeysFromRoomKeys(keys), device: signingKeyFromSeed(ctx.device.secretKey.subarray(0, 32)), sessionId: new Uint8Array(16).fill(3) },
            sink: { update: () => undefined, presence: () => undefined, ack: () => undefined },
          });
          return () => client.terminate();
        }
        const client = await openClient({
          kind,
          port: server.port,
          roomName: roomName(updates),
          ownClientId: -1,
          sink: { update: () => undefined, presence: () => undefined, ack: () => undefined },
        });
        // Make sure the document is loaded: wait for the reply to a SyncStep1.
        await joinYjsRoom(baselineKind, server.port, roomName(updates), 'paper', ctx.expectedLength(updates));
        return () => client.terminate();
      });
      heapByHistoryMb.push({ updates, ...measured });
    }
    const busy = cpu.foreignCore > FOREIGN_BUSY_LIMIT;
    if (busy) notes.push(`machine busy: other processes used ${(cpu.foreignCore * 100).toFixed(0)} % of a core`);
    return { joins, backgroundDuring, backgroundBetween, eventLoopMaxMs: eld.max, heapByHistoryMb, server: kind, rep, busy, notes };
  } finally {
    await load?.close();
    await server.stop();
  }
}

export function emptySummary(): LatencySummary {
  return new LatencyHistogram().summary();
}
