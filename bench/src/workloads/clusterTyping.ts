import { startCluster, withRelayLogs, type ClusterEngines } from '../lib/clusterEngines.ts';
import type { LatencySummary } from '../lib/histogram.ts';
import { startServer, type ServerHandle } from '../lib/serverProcess.ts';
import { CpuWindow, FOREIGN_BUSY_LIMIT, sleep, waitUntil, type CpuSource } from './common.ts';
import { PING_PONG_LIMITS, pingPong, type PingPongPlan } from './w1Latency.ts';
import type { TypingSetup } from './w2Typing.ts';
import { TypingLoad } from './typingLoad.ts';

/**
 * Where a room's two partners sit. `single`: one relay on SQLite (today's deployment, the
 * reference); `same`: two relays on PostgreSQL + Redis, both partners of a room on one of them
 * (rooms alternate); `cross`: each room's partners on different relays (every delivery crosses Redis).
 */
export type ClusterLayout = 'single' | 'same' | 'cross';
export const CLUSTER_LAYOUTS: readonly ClusterLayout[] = ['single', 'same', 'cross'];
/** Relays a cluster run starts. */
export const CLUSTER_RELAYS = 2;

export interface ClusterTypingResult {
  readonly workload: 'cluster-W2';
  readonly layout: ClusterLayout;
  readonly rooms: number;
  readonly rep: number;
  /** Intended send → the partner has it. */
  readonly e2e: LatencySummary;
  readonly transit: LatencySummary;
  /** Send → ACK (after the commit: SQLite's group commit, or PostgreSQL's). */
  readonly ack: LatencySummary;
  readonly sendLag: LatencySummary;
  readonly updatesPerSecond: number;
  readonly reach: number;
  /** Per relay: its CPU ÷ the updates its own clients sent in the window (µs). */
  readonly relayCpuUsPerUpdate: number[];
  /** Per relay: fraction of a core. */
  readonly relayCore: number[];
  /** Every relay's CPU ÷ delivered updates (µs): comparable with one relay's CPU per update. */
  readonly relaysCpuUsPerUpdate: number;
  /** PostgreSQL + Redis CPU ÷ delivered updates (µs); NaN for one relay on SQLite. */
  readonly engineCpuUsPerUpdate: number;
  readonly engineCore: number;
  readonly generatorCore: number;
  readonly foreignCore: number;
  readonly orderErrors: number;
  readonly valid: boolean;
  readonly busy: boolean;
  readonly notes: string[];
}

export interface ClusterPingResult {
  readonly workload: 'cluster-W1';
  readonly layout: ClusterLayout;
  readonly payloadBytes: number;
  readonly rep: number;
  readonly roundTrips: number;
  readonly hop: LatencySummary;
  readonly busy: boolean;
  readonly notes: string[];
}

/** Which relay client `c` (room c >> 1, side c & 1) connects to. */
export function relayOfClient(layout: ClusterLayout, client: number): number {
  if (layout === 'single') return 0;
  if (layout === 'same') return (client >> 1) % CLUSTER_RELAYS;
  return (client & 1) % CLUSTER_RELAYS;
}

interface Serving {
  readonly relays: ServerHandle[];
  /** The CPU the window counts: the relays, then the engines (if any). */
  readonly cpuSources: CpuSource[];
  readonly engines: boolean;
  stop(): Promise<void>;
}

/** One SQLite relay, or CLUSTER_RELAYS relays on a fresh PostgreSQL database and the shared Redis. */
async function startServing(layout: ClusterLayout, engines: ClusterEngines, limits?: Record<string, number>): Promise<Serving> {
  if (layout === 'single') {
    const server = await startServer({ kind: limits === undefined ? 'seen' : 'seen-raised', durable: true, limits });
    return { relays: [server], cpuSources: [server], engines: false, stop: () => server.stop() };
  }
  const cluster = await startCluster(engines, CLUSTER_RELAYS, limits);
  return { relays: cluster.relays, cpuSources: [...cluster.relays, engines], engines: true, stop: () => cluster.stop() };
}

/**
 * W2 (human typing from the real traces, with presence) on one SQLite relay or on two relays
 * sharing PostgreSQL + Redis, with the partners of each room on the same or on different relays.
 */
export async function runClusterTyping(setup: TypingSetup, layout: ClusterLayout, rep: number, engines: ClusterEngines): Promise<ClusterTypingResult> {
  const { schedule } = setup;
  const plans = setup.plans.get('seen')!;
  const serving = await startServing(layout, engines);
  const { relays } = serving;
  const notes: string[] = [];
  let windowStart = Infinity;
  let windowEnd = Infinity;
  const load = new TypingLoad(schedule, plans, (intended) => (intended >= windowStart && intended < windowEnd ? 0 : -1), 1);
  try {
    await load.connect(relays[0]!, (c) => relays[relayOfClient(layout, c)]!.port).catch((error: unknown) => {
      throw withRelayLogs(error, relays);
    });
    await sleep(300);
    const run = load.run(50, setup.warmupMs);
    windowStart = load.startAt + setup.warmupMs;
    windowEnd = load.startAt + setup.durationMs;
    const cpu = new CpuWindow(serving.cpuSources);
    const windowTimer = setTimeout(() => cpu.start(), windowStart - performance.now());
    await run;
    const stopIn = windowEnd - performance.now();
    if (stopIn > 0) await sleep(stopIn);
    cpu.stop();
    clearTimeout(windowTimer);
    await waitUntil(() => load.delivered >= load.expectedTotal, 10_000);
    const sentByRelay = relays.map(() => 0);
    let expectedInWindow = 0;
    schedule.updateTimes.forEach((times, c) => {
      for (const t of times) {
        if (load.startAt + t < windowStart || load.startAt + t >= windowEnd) continue;
        expectedInWindow++;
        sentByRelay[relayOfClient(layout, c)]!++;
      }
    });
    const { lag, e2e, valid, busy } = load.review(cpu, notes);
    const relayMicros = relays.map((_, i) => cpu.sourceMicros[i]!);
    const engineMicros = serving.engines ? cpu.sourceMicros[relays.length]! : NaN;
    return {
      workload: 'cluster-W2',
      layout,
      rooms: setup.rooms,
      rep,
      e2e,
      transit: load.histograms[0]!.transit.summary(),
      ack: load.ackLatency.summary(),
      sendLag: lag,
      updatesPerSecond: expectedInWindow / (cpu.wallMs / 1000),
      reach: expectedInWindow === 0 ? 1 : e2e.count / expectedInWindow,
      relayCpuUsPerUpdate: relayMicros.map((us, i) => (sentByRelay[i] === 0 ? NaN : us / sentByRelay[i]!)),
      relayCore: relays.map((_, i) => cpu.sourceCore(i)),
      relaysCpuUsPerUpdate: e2e.count === 0 ? NaN : relayMicros.reduce((a, b) => a + b, 0) / e2e.count,
      engineCpuUsPerUpdate: e2e.count === 0 ? NaN : engineMicros / e2e.count,
      engineCore: serving.engines ? cpu.sourceCore(relays.length) : NaN,
      generatorCore: cpu.generatorCore,
      foreignCore: cpu.foreignCore,
      orderErrors: load.orderErrors,
      valid,
      busy,
      notes,
    };
  } finally {
    await load.close();
    await serving.stop();
  }
}

/** W1 ping-pong (closed loop, one message in flight) with A and B on one relay or on two. */
export async function runClusterPingPong(plan: PingPongPlan, layout: ClusterLayout, rep: number, warmup: number, engines: ClusterEngines): Promise<ClusterPingResult> {
  const serving = await startServing(layout, engines, PING_PONG_LIMITS);
  try {
    const ports: [number, number] = [serving.relays[relayOfClient(layout, 0)]!.port, serving.relays[relayOfClient(layout, 1)]!.port];
    const { hop, roundTrips, cpu } = await pingPong(plan, serving.relays[0]!.kind, ports, warmup, serving.cpuSources).catch((error: unknown) => {
      throw withRelayLogs(error, serving.relays);
    });
    const notes: string[] = [];
    if (roundTrips < plan.count - warmup) notes.push(`only ${roundTrips + warmup}/${plan.count} round trips completed`);
    const busy = cpu.foreignCore > FOREIGN_BUSY_LIMIT;
    if (busy) notes.push(`machine busy: other processes used ${(cpu.foreignCore * 100).toFixed(0)} % of a core`);
    return { workload: 'cluster-W1', layout, payloadBytes: plan.payloadBytes, rep, roundTrips, hop: hop.summary(), busy, notes };
  } finally {
    await serving.stop();
  }
}
