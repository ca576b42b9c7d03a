import type { LatencySummary } from '../lib/histogram.ts';
import { buildTypingSchedule, type Schedule } from '../lib/schedule.ts';
import { startServer, type ServerKind } from '../lib/serverProcess.ts';
import type { TypingPair } from '../lib/traces.ts';
import { CpuWindow, sleep, waitUntil } from './common.ts';
import { planClients, wireFormatOf, type ClientPlan, type WireFormat } from './rooms.ts';
import { TypingLoad } from './typingLoad.ts';

export interface TypingResult {
  readonly workload: 'W2';
  readonly server: ServerKind;
  readonly rooms: number;
  readonly rep: number;
  readonly e2e: LatencySummary;
  /** From the actual send (excludes scheduler lateness). */
  readonly transit: LatencySummary;
  readonly sendLag: LatencySummary;
  readonly deliveredUpdates: number;
  readonly expectedUpdates: number;
  readonly reach: number;
  readonly presenceDelivered: number;
  readonly updatesPerSecond: number;
  readonly serverCore: number;
  readonly serverCpuUsPerUpdate: number;
  readonly generatorCore: number;
  readonly foreignCore: number;
  readonly rssIdleMb: number;
  readonly rssEndMb: number;
  readonly heapEndMb: number;
  readonly eventLoopP99Ms: number;
  readonly eventLoopMaxMs: number;
  readonly acks: number;
  readonly valid: boolean;
  readonly busy: boolean;
  readonly notes: string[];
}

export interface TypingSetup {
  readonly rooms: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly schedule: Schedule;
  readonly plans: Map<WireFormat, ClientPlan[]>;
}

/** Builds the schedule and every server's frames once, so each server gets identical work. */
export function prepareTyping(options: {
  rooms: number;
  durationMs: number;
  warmupMs: number;
  seed: number;
  pairs: readonly TypingPair[];
  formats: readonly WireFormat[];
  roomPrefix?: string;
}): TypingSetup {
  const schedule = buildTypingSchedule({ clients: options.rooms * 2, durationMs: options.durationMs, seed: options.seed });
  const plans = new Map<WireFormat, ClientPlan[]>();
  for (const format of options.formats) {
    plans.set(
      format,
      planClients({
        format,
        rooms: options.rooms,
        pairs: options.pairs,
        updatesPerClient: schedule.updatesPerClient,
        presencePerClient: schedule.presencePerClient,
        seed: options.seed + 1,
        roomPrefix: options.roomPrefix,
      }),
    );
  }
  return { rooms: options.rooms, durationMs: options.durationMs, warmupMs: options.warmupMs, schedule, plans };
}

export async function runTyping(setup: TypingSetup, kind: ServerKind, rep: number, options: { cpuProfDir?: string } = {}): Promise<TypingResult> {
  const { schedule } = setup;
  const plans = setup.plans.get(wireFormatOf(kind))!;
  const server = await startServer({ kind, durable: true, cpuProfDir: options.cpuProfDir });
  const notes: string[] = [];
  let windowStart = Infinity;
  let windowEnd = Infinity;
  const load = new TypingLoad(schedule, plans, (intended) => (intended >= windowStart && intended < windowEnd ? 0 : -1), 1);
  try {
    await load.connect(server);
    await sleep(300);
    const rssIdle = server.rssBytes();
    await server.eventLoopDelay(true);
    const run = load.run(50, setup.warmupMs);
    windowStart = load.startAt + setup.warmupMs;
    windowEnd = load.startAt + setup.durationMs;
    const cpu = new CpuWindow(server);
    const windowTimer = setTimeout(() => cpu.start(), windowStart - performance.now());
    await run;
    const stopIn = windowEnd - performance.now();
    if (stopIn > 0) await sleep(stopIn);
    cpu.stop();
    clearTimeout(windowTimer);
    await waitUntil(() => load.delivered >= load.expectedTotal, 5000);
    let expectedInWindow = 0;
    for (const times of schedule.updateTimes) {
      for (const t of times) if (load.startAt + t >= windowStart && load.startAt + t < windowEnd) expectedInWindow++;
    }
    const eld = await server.eventLoopDelay();
    const rssEnd = server.rssBytes();
    const heap = await server.heap();
    const { lag, e2e, valid, busy } = load.review(cpu, notes);
    return {
      workload: 'W2',
      server: kind,
      rooms: setup.rooms,
      rep,
      e2e,
      transit: load.histograms[0]!.transit.summary(),
      sendLag: lag,
      deliveredUpdates: e2e.count,
      expectedUpdates: expectedInWindow,
      reach: expectedInWindow === 0 ? 1 : e2e.count / expectedInWindow,
      presenceDelivered: load.presenceDelivered,
      updatesPerSecond: expectedInWindow / (cpu.wallMs / 1000),
      serverCore: cpu.serverCore,
      serverCpuUsPerUpdate: e2e.count === 0 ? 0 : cpu.serverMicros / e2e.count,
      generatorCore: cpu.generatorCore,
      foreignCore: cpu.foreignCore,
      rssIdleMb: rssIdle / 2 ** 20,
      rssEndMb: rssEnd / 2 ** 20,
      heapEndMb: heap.heapUsed / 2 ** 20,
      eventLoopP99Ms: eld.p99,
      eventLoopMaxMs: eld.max,
      acks: load.acks,
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
