import type { LatencySummary } from '../lib/histogram.ts';
import { buildPoissonSchedule } from '../lib/schedule.ts';
import { startServer, type ServerKind } from '../lib/serverProcess.ts';
import type { TypingPair } from '../lib/traces.ts';
import { CpuWindow, FOREIGN_BUSY_LIMIT, GENERATOR_CPU_LIMIT, SEND_LAG_P99_LIMIT_MS, sleep, waitUntil } from './common.ts';
import { planClients, wireFormatOf } from './rooms.ts';
import { TypingLoad } from './typingLoad.ts';

export interface ThroughputStep {
  readonly workload: 'W4';
  readonly server: ServerKind;
  readonly rep: number;
  /** The step's configured rate (the Poisson schedule's mean). */
  readonly nominalPerSecond: number;
  readonly offeredPerSecond: number;
  readonly deliveredPerSecond: number;
  readonly reach: number;
  readonly e2e: LatencySummary;
  readonly serverCore: number;
  readonly serverCpuUsPerUpdate: number;
  readonly generatorCore: number;
  readonly sendLagP99Ms: number;
  readonly acksPerSecond: number;
  readonly valid: boolean;
  readonly busy: boolean;
  readonly notes: string[];
}

/**
 * W4: open-loop Poisson ingress at a fixed rate over `rooms` × 2 clients (keystroke-sized, sealed
 * envelopes), within the default per-connection limits (≤ 100 PUT/s per socket). Seen stores every
 * one (WAL, group commit) and acknowledges after commit.
 */
export async function runThroughputStep(options: {
  kind: ServerKind;
  rep: number;
  rooms: number;
  ratePerSecond: number;
  durationMs: number;
  pairs: readonly TypingPair[];
  seed: number;
  cpuProfDir?: string;
}): Promise<ThroughputStep> {
  const clients = options.rooms * 2;
  const schedule = buildPoissonSchedule({ clients, durationMs: options.durationMs, ratePerSecond: options.ratePerSecond, seed: options.seed });
  const plans = planClients({
    format: wireFormatOf(options.kind),
    rooms: options.rooms,
    pairs: options.pairs,
    updatesPerClient: schedule.updatesPerClient,
    presencePerClient: schedule.presencePerClient,
    seed: options.seed + 1,
  });
  const server = await startServer({ kind: options.kind, durable: true, cpuProfDir: options.cpuProfDir });
  const warmupMs = Math.min(1000, options.durationMs / 4);
  let windowStart = Infinity;
  const windowEnd = (): number => load.startAt + options.durationMs;
  const load = new TypingLoad(schedule, plans, (intended) => (intended >= windowStart && intended < windowEnd() ? 0 : -1), 1);
  const notes: string[] = [];
  try {
    await load.connect(server);
    await sleep(200);
    const run = load.run(50, warmupMs);
    windowStart = load.startAt + warmupMs;
    const cpu = new CpuWindow(server);
    const timer = setTimeout(() => cpu.start(), windowStart - performance.now());
    let acksAtStart = 0;
    const ackTimer = setTimeout(() => (acksAtStart = load.acks), windowStart - performance.now());
    await run;
    const rest = windowEnd() - performance.now();
    if (rest > 0) await sleep(rest);
    cpu.stop();
    const acksInWindow = load.acks - acksAtStart;
    clearTimeout(timer);
    clearTimeout(ackTimer);
    await waitUntil(() => load.delivered >= load.expectedTotal, 3000);
    let expected = 0;
    for (const times of schedule.updateTimes) for (const t of times) if (load.startAt + t >= windowStart && load.startAt + t < windowEnd()) expected++;
    const e2e = load.histograms[0]!.e2e.summary();
    const lag = load.sendLag.summary();
    // Rates over the nominal window: if the generator stalls, its timers fire late, so the wall
    // clock of the CPU window is not the schedule's window.
    const windowSeconds = (options.durationMs - warmupMs) / 1000;
    const valid = cpu.generatorCore <= GENERATOR_CPU_LIMIT && lag.p99 <= SEND_LAG_P99_LIMIT_MS;
    if (!valid) notes.push(`generator saturated or late: ${(cpu.generatorCore * 100).toFixed(0)} % CPU, send lag p99 ${lag.p99} ms`);
    const busy = cpu.foreignCore > FOREIGN_BUSY_LIMIT;
    if (busy) notes.push(`machine busy: other processes used ${(cpu.foreignCore * 100).toFixed(0)} % of a core`);
    return {
      workload: 'W4',
      server: options.kind,
      rep: options.rep,
      nominalPerSecond: options.ratePerSecond,
      offeredPerSecond: expected / windowSeconds,
      deliveredPerSecond: e2e.count / windowSeconds,
      reach: expected === 0 ? 1 : e2e.count / expected,
      e2e,
      serverCore: cpu.serverCore,
      serverCpuUsPerUpdate: e2e.count === 0 ? 0 : cpu.serverMicros / e2e.count,
      generatorCore: cpu.generatorCore,
      sendLagP99Ms: lag.p99,
      acksPerSecond: acksInWindow / (cpu.wallMs / 1000),
      valid,
      busy,
      notes,
    };
  } finally {
    await load.close();
    if (options.cpuProfDir !== undefined) await server.requestExit();
    await server.stop();
  }
}
