import { loopbackAddressFor, openClient, type BenchClient, type ClientSink } from '../clients/benchClient.ts';
import { coreBusyMicros, selfCpuMicros } from '../lib/procStats.ts';
import { setUpPinning, type ServerHandle, type ServerKind } from '../lib/serverProcess.ts';
import type { ClientPlan } from './rooms.ts';

/** Opens every planned client, at most `concurrency` handshakes at a time. */
export async function connectAll(
  kind: ServerKind,
  port: number,
  plans: readonly ClientPlan[],
  sinkFor: (index: number) => ClientSink,
  concurrency = 128,
): Promise<BenchClient[]> {
  const clients: BenchClient[] = new Array(plans.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length) {
      const i = next++;
      const plan = plans[i]!;
      clients[i] = await openClient({
        kind,
        port,
        roomName: plan.roomName,
        identity: plan.identity,
        ownClientId: plan.ownClientId,
        sink: sinkFor(i),
        localAddress: loopbackAddressFor(i, plans.length),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, plans.length) }, worker));
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

/** CPU accounting over a window: the server, the generator (this process), and everyone else. */
export class CpuWindow {
  private server0 = 0;
  private self0 = 0;
  private cores0: number[] = [];
  private wall0 = 0;
  serverMicros = 0;
  generatorMicros = 0;
  foreignMicros = 0;
  wallMs = 0;

  constructor(private readonly server: ServerHandle | null) {}

  start(): void {
    this.server0 = this.server?.cpuMicros() ?? 0;
    this.self0 = selfCpuMicros();
    this.cores0 = coreBusyMicros();
    this.wall0 = performance.now();
  }

  stop(): void {
    this.serverMicros = (this.server?.cpuMicros() ?? 0) - this.server0;
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
