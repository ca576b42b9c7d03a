import { startServer, type ServerKind } from '../lib/serverProcess.ts';
import { CpuWindow, FOREIGN_BUSY_LIMIT, closeAll, connectAll, sleep } from './common.ts';
import { planClients, wireFormatOf } from './rooms.ts';
import type { TypingPair } from '../lib/traces.ts';

export interface IdleResult {
  readonly workload: 'W7';
  readonly server: ServerKind;
  readonly connections: number;
  readonly rep: number;
  readonly rssPerConnectionKb: number;
  readonly heapPerConnectionKb: number;
  readonly rssBaseMb: number;
  readonly rssMb: number;
  readonly heapMb: number;
  /** Server CPU while everyone sits idle (heartbeats, pings), fraction of a core. */
  readonly idleCore: number;
  readonly connectMs: number;
  readonly busy: boolean;
  readonly notes: string[];
}

/** N idle, authenticated connections in N/2 rooms: memory per connection after GC. */
export async function runIdle(kind: ServerKind, connections: number, rep: number, pairs: readonly TypingPair[], idleMs: number): Promise<IdleResult> {
  const rooms = Math.ceil(connections / 2);
  const plans = planClients({
    format: wireFormatOf(kind),
    rooms,
    pairs,
    updatesPerClient: new Int32Array(rooms * 2),
    presencePerClient: new Int32Array(rooms * 2),
    seed: 7_000 + rep,
  });
  const server = await startServer({ kind, durable: true });
  const notes: string[] = [];
  let clients: Awaited<ReturnType<typeof connectAll>> = [];
  try {
    await sleep(200);
    // RSS is read right after a forced GC (by the probe), before and after: allocator retention
    // from the handshakes would otherwise count as per-connection memory.
    const base = await server.heap();
    const rssBase = base.rss;
    const noop = (): void => undefined;
    const t0 = performance.now();
    clients = await connectAll(kind, server.port, plans, () => ({ update: noop, presence: noop, ack: noop }));
    const connectMs = performance.now() - t0;
    await sleep(500);
    const cpu = new CpuWindow(server);
    cpu.start();
    await sleep(idleMs);
    cpu.stop();
    const heap = await server.heap();
    const rss = heap.rss;
    const busy = cpu.foreignCore > FOREIGN_BUSY_LIMIT;
    if (busy) notes.push(`machine busy: other processes used ${(cpu.foreignCore * 100).toFixed(0)} % of a core`);
    return {
      workload: 'W7',
      server: kind,
      connections: plans.length,
      rep,
      rssPerConnectionKb: (rss - rssBase) / plans.length / 1024,
      heapPerConnectionKb: (heap.heapUsed - base.heapUsed) / plans.length / 1024,
      rssBaseMb: rssBase / 2 ** 20,
      rssMb: rss / 2 ** 20,
      heapMb: heap.heapUsed / 2 ** 20,
      idleCore: cpu.serverCore,
      connectMs,
      busy,
      notes,
    };
  } finally {
    await closeAll(clients);
    await server.stop();
  }
}
