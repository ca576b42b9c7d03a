import { LatencyHistogram, type LatencySummary } from '../lib/histogram.ts';
import { EVENT, buildTypingSchedule, runSchedule, type Schedule } from '../lib/schedule.ts';
import { startServer, type ServerKind } from '../lib/serverProcess.ts';
import type { TypingPair } from '../lib/traces.ts';
import type { BenchClient } from '../clients/benchClient.ts';
import { CpuWindow, FOREIGN_BUSY_LIMIT, GENERATOR_CPU_LIMIT, SEND_LAG_P99_LIMIT_MS, closeAll, connectAll, sleep, waitUntil } from './common.ts';
import { planClients, wireFormatOf, type ClientPlan, type WireFormat } from './rooms.ts';

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
  readonly acks: number;
  readonly orderErrors: number;
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
export function prepareTyping(options: { rooms: number; durationMs: number; warmupMs: number; seed: number; pairs: readonly TypingPair[]; formats: readonly WireFormat[] }): TypingSetup {
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
      }),
    );
  }
  return { rooms: options.rooms, durationMs: options.durationMs, warmupMs: options.warmupMs, schedule, plans };
}

export async function runTyping(setup: TypingSetup, kind: ServerKind, rep: number, options: { cpuProfDir?: string } = {}): Promise<TypingResult> {
  const { schedule } = setup;
  const plans = setup.plans.get(wireFormatOf(kind))!;
  const server = await startServer({ kind, durable: process.env.BENCH_MEMORY !== "1", cpuProfDir: options.cpuProfDir });
  const notes: string[] = [];
  const clientCount = plans.length;
  const received = new Int32Array(clientCount); // updates received FROM client c (by its partner)
  const sentAt = schedule.updateTimes.map((times) => new Float64Array(times.length));
  const e2e = new LatencyHistogram();
  const transit = new LatencyHistogram();
  const sendLag = new LatencyHistogram();
  let startAt = Infinity;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let delivered = 0;
  let inWindowDelivered = 0;
  let presenceDelivered = 0;
  let acks = 0;
  let orderErrors = 0;
  let clients: BenchClient[] = [];
  try {
    clients = await connectAll(kind, server.port, plans, (i) => {
      const partner = i ^ 1;
      return {
        update(seq) {
          const now = performance.now();
          const k = received[partner]!++;
          if (seq >= 0 && seq !== k) orderErrors++;
          delivered++;
          const intended = startAt + schedule.updateTimes[partner]![k]!;
          if (intended >= windowStart && intended < windowEnd) {
            inWindowDelivered++;
            e2e.recordMs(now - intended);
            transit.recordMs(now - sentAt[partner]![k]!);
          }
        },
        presence() {
          presenceDelivered++;
        },
        ack() {
          acks++;
        },
      };
    });
    await sleep(300);
    const rssIdle = server.rssBytes();
    startAt = performance.now() + 50;
    windowStart = startAt + setup.warmupMs;
    windowEnd = startAt + setup.durationMs;
    const cpu = new CpuWindow(server);
    const windowTimer = setTimeout(() => cpu.start(), windowStart - performance.now());
    await server.eventLoopDelay(true);
    const run = runSchedule(
      schedule,
      (client, eventKind, index) => {
        const plan = plans[client]!;
        if (eventKind === EVENT.UPDATE) {
          sentAt[client]![index] = performance.now();
          clients[client]!.send(plan.updates[index]!);
        } else {
          clients[client]!.send(plan.presence[index]!);
        }
      },
      {
        startAt,
        onLag: (lag) => {
          if (performance.now() >= windowStart) sendLag.recordMs(lag);
        },
      },
    );
    await run;
    const stopIn = windowEnd - performance.now();
    if (stopIn > 0) await sleep(stopIn);
    cpu.stop();
    clearTimeout(windowTimer);
    const expectedTotal = schedule.updateTimes.reduce((sum, times) => sum + times.length, 0);
    await waitUntil(() => delivered >= expectedTotal, 5000);
    let expectedInWindow = 0;
    for (const times of schedule.updateTimes) for (const t of times) if (startAt + t >= windowStart && startAt + t < windowEnd) expectedInWindow++;
    const eld = await server.eventLoopDelay();
    const rssEnd = server.rssBytes();
    const heap = await server.heap();
    const lag = sendLag.summary();
    const valid = cpu.generatorCore <= GENERATOR_CPU_LIMIT && lag.p99 <= SEND_LAG_P99_LIMIT_MS;
    if (!valid) notes.push(`generator saturated: ${(cpu.generatorCore * 100).toFixed(0)} % CPU, send lag p99 ${lag.p99} ms`);
    const busy = cpu.foreignCore > FOREIGN_BUSY_LIMIT;
    if (busy) notes.push(`machine busy: other processes used ${(cpu.foreignCore * 100).toFixed(0)} % of a core`);
    if (orderErrors > 0) notes.push(`${orderErrors} updates arrived out of order`);
    if (delivered < expectedTotal) {
      const short: string[] = [];
      for (let c = 0; c < clientCount && short.length < 5; c++) {
        const expected = schedule.updateTimes[c]!.length;
        if (received[c]! < expected) short.push(`client ${c}: ${received[c]}/${expected}`);
      }
      notes.push(`undelivered: ${expectedTotal - delivered} (${short.join(', ')})`);
    }
    return {
      workload: 'W2',
      server: kind,
      rooms: setup.rooms,
      rep,
      e2e: e2e.summary(),
      transit: transit.summary(),
      sendLag: lag,
      deliveredUpdates: inWindowDelivered,
      expectedUpdates: expectedInWindow,
      reach: expectedInWindow === 0 ? 1 : inWindowDelivered / expectedInWindow,
      presenceDelivered,
      updatesPerSecond: expectedInWindow / (cpu.wallMs / 1000),
      serverCore: cpu.serverCore,
      serverCpuUsPerUpdate: inWindowDelivered === 0 ? 0 : cpu.serverMicros / inWindowDelivered,
      generatorCore: cpu.generatorCore,
      foreignCore: cpu.foreignCore,
      rssIdleMb: rssIdle / 2 ** 20,
      rssEndMb: rssEnd / 2 ** 20,
      heapEndMb: heap.heapUsed / 2 ** 20,
      eventLoopP99Ms: eld.p99,
      acks,
      orderErrors,
      valid,
      busy,
      notes,
    };
  } finally {
    await closeAll(clients);
    if (options.cpuProfDir !== undefined) await server.heap().catch(() => undefined);
    await server.stop();
  }
}
