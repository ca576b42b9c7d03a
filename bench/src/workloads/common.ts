import { loopbackAddressFor, openClient, type BenchClient, type ClientSink } from '../clients/benchClient.ts';
import { coreBusyMicros, selfCpuMicros } from '../lib/procStats.ts';
import { setUpPinning, type ServerHandle, type ServerKind } from '../lib/serverProcess.ts';
import type { ClientPlan } from './rooms.ts';

/**
 * Opens every planned client, at most `concurrency` handshakes at a time. `port` may name a
 * different server per client (several relays serving the same rooms). `roomCreatorsFirst` opens
 * one partner of every room (index 2r) before the other: two first handshakes of one room on one
 * relay can race (see BENCHMARKS "Several relays").
 */
export async function connectAll(
  kind: ServerKind,
  port: number | ((index: number) => number),
  plans: readonly ClientPlan[],
  sinkFor: (index: number) => ClientSink,
  concurrency = 128,
  roomCreatorsFirst = false,
): Promise<BenchClient[]> {
  const clients: BenchClient[] = new Array(plans.length);
  const all = plans.map((_, i) => i);
  const passes = roomCreatorsFirst ? [all.filter((i) => i % 2 === 0), all.filter((i) => i % 2 === 1)] : [all];
  let position = 0;
  for (const indices of passes) {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < indices.length) {
        const i = indices[next++]!;
        // Source addresses follow the connect order, so concurrent handshakes never pile onto a few
        // addresses (the relay limits unauthenticated sockets per address).
        const address = loopbackAddressFor(position++, plans.length);
        const plan = plans[i]!;
        clients[i] = await openClient({
          kind,
          port: typeof port === 'number' ? port : port(i),
          roomName: plan.roomName,
          identity: plan.identity,
          ownClientId: plan.ownClientId,
          sink: sinkFor(i),
          localAddress: address,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, indices.length) }, worker));
  }
  return clients;
}

export async function closeAll(clients: readonly (BenchClient | undefined)[]): Promise<void> {
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolveClose) => {
          if (client === undefined || client.ws.readyState === client.ws.CLOSED) return resolveClose();
          client.ws.once('close', () => resolveClose());
          client.terminate();
        }),
    ),
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `done()` or the deadline; returns whether it got there. */
export async function waitUntil(done: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(stepMs);
  }
  return true;
}

/** Anything whose CPU a window counts as the server's: a relay process, a database engine. */
export interface CpuSource {
  cpuMicros(): number;
}

/**
 * CPU accounting over a window: the server (or several processes serving together, each also
 * reported on its own), the generator (this process), and everyone else.
 */
export class CpuWindow {
  private readonly sources: readonly CpuSource[];
  private sources0: number[] = [];
  private self0 = 0;
  private cores0: number[] = [];
  private wall0 = 0;
  serverMicros = 0;
  /** Each source's share of serverMicros, in the order given. */
  sourceMicros: number[] = [];
  generatorMicros = 0;
  foreignMicros = 0;
  wallMs = 0;

  /** Several sources must all run on the servers' core (with pinning). */
  constructor(server: ServerHandle | CpuSource | readonly CpuSource[] | null) {
    this.sources = server === null ? [] : Array.isArray(server) ? (server as readonly CpuSource[]) : [server as CpuSource];
  }

  start(): void {
    this.sources0 = this.sources.map((s) => s.cpuMicros());
    this.self0 = selfCpuMicros();
    this.cores0 = coreBusyMicros();
    this.wall0 = performance.now();
  }

  stop(): void {
    this.sourceMicros = this.sources.map((s, i) => s.cpuMicros() - this.sources0[i]!);
    this.serverMicros = this.sourceMicros.reduce((a, b) => a + b, 0);
    this.generatorMicros = selfCpuMicros() - this.self0;
    const cores = coreBusyMicros();
    this.wallMs = performance.now() - this.wall0;
    // Everything else on the box (other engineers' tests, builds), on the busier of the two cores
    // we use. With pinning, core 1 runs the server and core 0 the generator. Tick-granular (10 ms).
    const delta = cores.map((busy, i) => busy - (this.cores0[i] ?? 0));
    const pinned = setUpPinning();
    if (pinned.available && delta.length >= 2) {
      const onServerCore = delta[pinned.serverCpu]! - this.serverMicros;
      const onGeneratorCore = delta[pinned.generatorCpu]! - this.generatorMicros;
      this.foreignMicros = Math.max(0, onServerCore, onGeneratorCore);
    } else {
      this.foreignMicros = Math.max(0, delta.reduce((a, b) => a + b, 0) - this.serverMicros - this.generatorMicros);
    }
  }

  /** Fractions of one core. */
  get serverCore(): number {
    return this.serverMicros / (this.wallMs * 1000);
  }
  /** One source's fraction of a core. */
  sourceCore(index: number): number {
    return (this.sourceMicros[index] ?? 0) / (this.wallMs * 1000);
  }
  get generatorCore(): number {
    return this.generatorMicros / (this.wallMs * 1000);
  }
  get foreignCore(): number {
    return this.foreignMicros / (this.wallMs * 1000);
  }
}

/** A load generator over ~70 % of its core, or behind schedule, measures itself, not the server. */
export const GENERATOR_CPU_LIMIT = 0.7;
export const SEND_LAG_P99_LIMIT_MS = 5;
/** Other processes using more than this share of a core during a window make it "busy". */
export const FOREIGN_BUSY_LIMIT = 0.15;
