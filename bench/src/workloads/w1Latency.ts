import * as Y from 'yjs';
import { LatencyHistogram, type LatencySummary } from '../lib/histogram.ts';
import { Random } from '../lib/random.ts';
import { startServer, type ServerKind } from '../lib/serverProcess.ts';
import { TYPING_CLIENT_IDS } from '../lib/traces.ts';
import { openClient, type BenchClient } from '../clients/benchClient.ts';
import { makeBenchRoomKeys, sealPut, signingKeyFromSeed, type BenchIdentity } from '../clients/seenKeys.ts';
import { syncUpdateMessage } from '../clients/yFrames.ts';
import { CpuWindow, FOREIGN_BUSY_LIMIT, closeAll, type CpuSource } from './common.ts';
import { wireFormatOf } from './rooms.ts';

export interface LatencyResult {
  readonly workload: 'W1';
  readonly server: ServerKind;
  readonly payloadBytes: number;
  /** Bytes on the wire per message for this server (Seen pads and seals; the floor forwards Seen's bytes). */
  readonly wireBytes: number;
  readonly rep: number;
  readonly roundTrips: number;
  /** One hop = half a round trip A→server→B→server→A. */
  readonly hop: LatencySummary;
  readonly busy: boolean;
  readonly notes: string[];
}

/**
 * Real Yjs updates that each insert `payloadBytes` characters at the end of a text: what a paste of
 * that size sends. Two streams (A and B), `count` each.
 */
function buildPayloadUpdates(payloadBytes: number, count: number, side: 0 | 1): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = TYPING_CLIENT_IDS[side];
  const text = doc.getText('answer');
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  // Each update carries ~20 B of Yjs framing (ids, origin, length); the string makes up the rest.
  const chunk = 'x'.repeat(Math.max(1, payloadBytes - 20));
  for (let i = 0; i < count; i++) text.insert(text.length, chunk);
  doc.destroy();
  return updates;
}

export interface PingPongPlan {
  readonly payloadBytes: number;
  readonly count: number;
  readonly frames: Map<'seen' | 'yws' | 'hocus', [Uint8Array[], Uint8Array[]]>;
  readonly identities: [BenchIdentity, BenchIdentity];
}

export function preparePingPong(payloadBytes: number, count: number, seed: number): PingPongPlan {
  const random = new Random(seed);
  const room = makeBenchRoomKeys(random);
  const identities: [BenchIdentity, BenchIdentity] = [0, 1].map(() => ({
    room,
    device: signingKeyFromSeed(random.bytes(32)),
    sessionId: random.bytes(16),
  })) as [BenchIdentity, BenchIdentity];
  const updates = [buildPayloadUpdates(payloadBytes, count, 0), buildPayloadUpdates(payloadBytes, count, 1)] as const;
  const frames = new Map<'seen' | 'yws' | 'hocus', [Uint8Array[], Uint8Array[]]>();
  frames.set('seen', [0, 1].map((side) => updates[side as 0 | 1].map((u, k) => sealPut(identities[side as 0 | 1], k, u))) as [Uint8Array[], Uint8Array[]]);
  frames.set('yws', [0, 1].map((side) => updates[side as 0 | 1].map((u) => syncUpdateMessage(null, u))) as [Uint8Array[], Uint8Array[]]);
  frames.set('hocus', [0, 1].map((side) => updates[side as 0 | 1].map((u) => syncUpdateMessage('pingpong', u))) as [Uint8Array[], Uint8Array[]]);
  return { payloadBytes, count, frames, identities };
}

/** Limits for thousands of PUTs per second on one socket: far above the per-connection default (100/s). */
export const PING_PONG_LIMITS = { putsPerSecond: 1_000_000, putBurst: 1_000_000, roomQuotaBytes: 1e12 };

/**
 * Ping-pong in one room: A sends, B answers as soon as it receives, A times the round trip. Closed
 * loop on purpose (one message in flight): this is the latency floor, not a load test.
 */
export async function runPingPong(plan: PingPongPlan, kind: ServerKind, rep: number, warmup: number): Promise<LatencyResult> {
  const format = wireFormatOf(kind);
  const [framesA] = plan.frames.get(format)!;
  const server = await startServer({
    kind,
    durable: true,
    limits: kind === 'seen-raised' ? PING_PONG_LIMITS : undefined,
  });
  try {
    const { hop, roundTrips, cpu } = await pingPong(plan, kind, [server.port, server.port], warmup, [server]);
    const notes: string[] = [];
    if (roundTrips < plan.count - warmup) notes.push(`only ${roundTrips + warmup}/${plan.count} round trips completed`);
    const busy = cpu.foreignCore > FOREIGN_BUSY_LIMIT;
    if (busy) notes.push(`machine busy: other processes used ${(cpu.foreignCore * 100).toFixed(0)} % of a core`);
    return {
      workload: 'W1',
      server: kind,
      payloadBytes: plan.payloadBytes,
      wireBytes: framesA[0]!.length,
      rep,
      roundTrips,
      hop: hop.summary(),
      busy,
      notes,
    };
  } finally {
    await server.stop();
  }
}

/**
 * The ping-pong itself, A on `ports[0]` and B on `ports[1]` (the same server, or two relays serving
 * the room). `cpuOf` are the processes the CPU window counts as the server's.
 */
export async function pingPong(
  plan: PingPongPlan,
  kind: ServerKind,
  ports: readonly [number, number],
  warmup: number,
  cpuOf: readonly CpuSource[],
): Promise<{ hop: LatencyHistogram; roundTrips: number; cpu: CpuWindow }> {
  const format = wireFormatOf(kind);
  const [framesA, framesB] = plan.frames.get(format)!;
  const clients: BenchClient[] = [];
  const hop = new LatencyHistogram();
  try {
    let k = 0;
    let sentAt = 0;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((r) => (finish = r));
    let a: BenchClient | null = null;
    let b: BenchClient | null = null;
    const sendNext = (): void => {
      if (k >= plan.count) return finish();
      sentAt = performance.now();
      a!.send(framesA[k]!);
    };
    const noop = (): void => undefined;
    b = await openClient({
      kind,
      port: ports[1],
      roomName: 'pingpong',
      identity: plan.identities[1],
      ownClientId: TYPING_CLIENT_IDS[1],
      sink: { update: () => b!.send(framesB[k]!), presence: noop, ack: noop },
    });
    clients.push(b);
    a = await openClient({
      kind,
      port: ports[0],
      roomName: 'pingpong',
      identity: plan.identities[0],
      ownClientId: TYPING_CLIENT_IDS[0],
      sink: {
        update: () => {
          if (k >= warmup) hop.recordMs((performance.now() - sentAt) / 2);
          k++;
          // Next turn of the loop, so the server's ACK and echo frames for this round are read first.
          setImmediate(sendNext);
        },
        presence: noop,
        ack: noop,
      },
    });
    clients.push(a);
    const cpu = new CpuWindow(cpuOf);
    cpu.start();
    sendNext();
    const timeout = setTimeout(finish, 120_000);
    await done;
    clearTimeout(timeout);
    cpu.stop();
    return { hop, roundTrips: Math.max(0, k - warmup), cpu };
  } finally {
    await closeAll(clients);
  }
}
