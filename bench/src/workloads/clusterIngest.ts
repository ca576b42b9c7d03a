import { startCluster, withRelayLogs, type ClusterEngines } from '../lib/clusterEngines.ts';
import { LatencyHistogram, type LatencySummary } from '../lib/histogram.ts';
import { Random } from '../lib/random.ts';
import { startServer, type ServerHandle } from '../lib/serverProcess.ts';
import type { TypingPair } from '../lib/traces.ts';
import { loopbackAddressFor, openClient, type BenchClient } from '../clients/benchClient.ts';
import { makeBenchRoomKeys, sealPut, signingKeyFromSeed, type BenchIdentity } from '../clients/seenKeys.ts';
import { CpuWindow, FOREIGN_BUSY_LIMIT, GENERATOR_CPU_LIMIT, closeAll, sleep, type CpuSource } from './common.ts';
import { CLUSTER_RELAYS } from './clusterTyping.ts';
import { PING_PONG_LIMITS } from './w1Latency.ts';

/**
 * `single`: one relay on SQLite; `pg-one`: one relay on PostgreSQL + Redis (durable ingest per
 * relay); `cross`: two relays on PostgreSQL + Redis, each room's two writers on different relays
 * (both relays commit into the same rooms, contending for their row locks).
 */
export type IngestLayout = 'single' | 'pg-one' | 'cross';
export const INGEST_LAYOUTS: readonly IngestLayout[] = ['single', 'pg-one', 'cross'];

export interface ClusterIngestResult {
  readonly workload: 'cluster-ingest';
  readonly layout: IngestLayout;
  readonly rooms: number;
  readonly writers: number;
  /** Unacknowledged PUTs each writer keeps in flight. */
  readonly window: number;
  readonly rep: number;
  /** Acknowledged updates per second over the measured window, all relays. */
  readonly ackedPerSecond: number;
  readonly ackedPerSecondByRelay: number[];
  readonly ack: LatencySummary;
  readonly relayCore: number[];
  readonly relayCpuUsPerUpdate: number[];
  readonly engineCore: number;
  readonly engineCpuUsPerUpdate: number;
  /** Updates the other writer of each room received (forwarded, across Redis for `cross`). */
  readonly deliveredPerSecond: number;
  readonly generatorCore: number;
  readonly valid: boolean;
  readonly busy: boolean;
  readonly notes: string[];
}

/** Frames are sealed up front for at most this many acknowledged updates per second (all writers). */
const MAX_PLANNED_RATE = 40_000;

interface Writer {
  readonly relay: number;
  readonly frames: Uint8Array[];
  readonly sentAt: Float64Array;
  sent: number;
  acked: number;
  socket: BenchClient | null;
}

/**
 * Durable ingest: writers blast a few rooms as fast as the relays acknowledge, each keeping
 * `window` PUTs in flight (a client with a full outbox). The payloads are the traces' real
 * keystroke updates, sealed and padded as the app sends them; every one is committed before its ACK.
 */
export async function runClusterIngest(options: {
  layout: IngestLayout;
  engines: ClusterEngines;
  rooms: number;
  window: number;
  durationMs: number;
  pairs: readonly TypingPair[];
  seed: number;
  rep: number;
}): Promise<ClusterIngestResult> {
  const { layout, rooms, window } = options;
  const writerCount = rooms * 2;
  const perWriter = Math.ceil((MAX_PLANNED_RATE * options.durationMs) / 1000 / writerCount) + window;
  const random = new Random(options.seed + options.rep);
  const relayOf = (w: number): number => (layout === 'cross' ? (w & 1) % CLUSTER_RELAYS : 0);
  const writers: Writer[] = [];
  const identities: BenchIdentity[] = [];
  for (let room = 0; room < rooms; room++) {
    const keys = makeBenchRoomKeys(random);
    const pair = options.pairs[room % options.pairs.length]!;
    for (const side of [0, 1] as const) {
      const identity: BenchIdentity = { room: keys, device: signingKeyFromSeed(random.bytes(32)), sessionId: random.bytes(16) };
      const stream = pair.updates[side];
      // The trace streams are shorter than a blast: the keystrokes repeat (the relay sees only ciphertext).
      const frames = Array.from({ length: perWriter }, (_, k) => sealPut(identity, k, stream[k % stream.length]!));
      identities.push(identity);
      writers.push({ relay: relayOf(writers.length), frames, sentAt: new Float64Array(perWriter), sent: 0, acked: 0, socket: null });
    }
  }

  let relays: ServerHandle[];
  let cpuSources: CpuSource[];
  let stopServing: () => Promise<void>;
  if (layout === 'single') {
    const server = await startServer({ kind: 'seen-raised', durable: true, limits: PING_PONG_LIMITS });
    relays = [server];
    cpuSources = [server];
    stopServing = () => server.stop();
  } else {
    const cluster = await startCluster(options.engines, layout === 'cross' ? CLUSTER_RELAYS : 1, PING_PONG_LIMITS);
    relays = cluster.relays;
    cpuSources = [...relays, options.engines];
    stopServing = () => cluster.stop();
  }

  const notes: string[] = [];
  const ackLatency = new LatencyHistogram();
  let running = false;
  let measuring = false;
  let delivered = 0;
  let exhausted = 0;
  const sendNext = (writer: Writer): void => {
    if (!running) return;
    if (writer.sent >= writer.frames.length) {
      if (writer.sent === writer.frames.length) exhausted++;
      writer.sent++;
      return;
    }
    writer.sentAt[writer.sent] = performance.now();
    writer.socket!.send(writer.frames[writer.sent++]!);
  };
  try {
    // One writer of every room first, then the other (two first joins of one room on one relay can race).
    for (const side of [0, 1]) {
      await Promise.all(
        writers.map(async (writer, w) => {
          if (w % 2 !== side) return;
          writer.socket = await openClient({
            kind: relays[0]!.kind,
            port: relays[writer.relay]!.port,
            roomName: '',
            identity: identities[w],
            localAddress: loopbackAddressFor(w, writers.length),
            sink: {
              update: () => {
                if (measuring) delivered++;
              },
              presence: () => undefined,
              ack: (seq) => {
                if (measuring) {
                  writer.acked++;
                  ackLatency.recordMs(performance.now() - writer.sentAt[seq]!);
                }
                sendNext(writer);
              },
            },
          }).catch((error: unknown) => {
            throw withRelayLogs(error, relays);
          });
        }),
      );
    }
    const warmupMs = Math.min(1000, options.durationMs / 4);
    running = true;
    for (const writer of writers) for (let i = 0; i < window; i++) sendNext(writer);
    await sleep(warmupMs);
    const cpu = new CpuWindow(cpuSources);
    measuring = true;
    cpu.start();
    await sleep(options.durationMs - warmupMs);
    cpu.stop();
    measuring = false;
    running = false;
    const seconds = cpu.wallMs / 1000;
    const ackedByRelay = relays.map((_, r) => writers.filter((w) => w.relay === r).reduce((s, w) => s + w.acked, 0));
    const acked = ackedByRelay.reduce((a, b) => a + b, 0);
    if (exhausted > 0) notes.push(`${exhausted} writers ran out of sealed frames (planned for ${MAX_PLANNED_RATE}/s): the rate is a lower bound`);
    const valid = cpu.generatorCore <= GENERATOR_CPU_LIMIT;
    if (!valid) notes.push(`generator saturated: ${(cpu.generatorCore * 100).toFixed(0)} % CPU`);
    const busy = cpu.foreignCore > FOREIGN_BUSY_LIMIT;
    if (busy) notes.push(`machine busy: other processes used ${(cpu.foreignCore * 100).toFixed(0)} % of a core`);
    const engines = layout !== 'single';
    return {
      workload: 'cluster-ingest',
      layout,
      rooms,
      writers: writers.length,
      window,
      rep: options.rep,
      ackedPerSecond: acked / seconds,
      ackedPerSecondByRelay: ackedByRelay.map((n) => n / seconds),
      ack: ackLatency.summary(),
      relayCore: relays.map((_, i) => cpu.sourceCore(i)),
      relayCpuUsPerUpdate: relays.map((_, i) => (ackedByRelay[i] === 0 ? NaN : cpu.sourceMicros[i]! / ackedByRelay[i]!)),
      engineCore: engines ? cpu.sourceCore(relays.length) : NaN,
      engineCpuUsPerUpdate: engines && acked > 0 ? cpu.sourceMicros[relays.length]! / acked : NaN,
      deliveredPerSecond: delivered / seconds,
      generatorCore: cpu.generatorCore,
      valid,
      busy,
      notes,
    };
  } finally {
    running = false;
    await closeAll(writers.map((w) => w.socket ?? undefined));
    await stopServing();
  }
}
