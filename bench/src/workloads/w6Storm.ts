import { SIZE } from '@seen/shared/protocol';
import { Random } from '../lib/random.ts';
import { startServer } from '../lib/serverProcess.ts';
import type { TypingPair } from '../lib/traces.ts';
import { loopbackAddressFor, openClient, type BenchClient } from '../clients/benchClient.ts';
import { ENV_SEQ_OFFSET, ENV_SESSION_OFFSET } from '../clients/seenKeys.ts';
import { CpuWindow, FOREIGN_BUSY_LIMIT, GENERATOR_CPU_LIMIT, closeAll, sleep, waitUntil } from './common.ts';
import { planClients, type ClientPlan } from './rooms.ts';

export interface StormResult {
  readonly workload: 'W6';
  readonly server: 'seen';
  readonly clients: number;
  readonly rep: number;
  readonly jitterMs: number;
  readonly initialConnectPerSecond: number;
  /** Drop → every client re-authenticated, caught up, its outbox acknowledged, its partner's updates in. */
  readonly resyncedMs: number;
  readonly resyncedP50Ms: number;
  readonly resynced: number;
  readonly pendingAtDrop: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly replayed: number;
  readonly reconnectFailures: number;
  readonly serverCoreDuringStorm: number;
  readonly generatorCoreDuringStorm: number;
  readonly eventLoopMaxMs: number;
  readonly rssPeakMb: number;
  readonly valid: boolean;
  readonly busy: boolean;
  readonly notes: string[];
}

/** One partner's device: an outbox of unacknowledged updates and a catch-up cursor, like SyncEngine. */
export class StormClient {
  cursor = 0;
  readonly outbox = new Map<number, Uint8Array>();
  /** seq → relaySeq of each partner update received. */
  readonly fromPartner = new Map<number, number>();
  duplicated = 0;
  /** Our own updates the relay sent back to us live (a single relay never does; see BENCHMARKS). */
  ownEchoes = 0;
  /** The first few duplicates, for diagnosis: "seq: relaySeq a then b (live|backlog)". */
  readonly duplicateSamples: string[] = [];
  replayed = 0;
  sent = 0;
  socket: BenchClient | null = null;
  caughtUp = false;
  resyncedAt = 0;
  /** Called when the live socket closes without drop() (its relay died); not for a failed handshake. */
  onLost: (() => void) | null = null;

  /** Caught up, nothing unacknowledged, and holding every update its partner sent. */
  hasResynced(partner: StormClient): boolean {
    return this.caughtUp && this.outbox.size === 0 && this.fromPartner.size === partner.sent;
  }

  constructor(
    readonly plan: ClientPlan,
    /** The relay the next connect() goes to (a client moves when its relay dies). */
    public port: number,
    private readonly localAddress: string,
  ) {}

  private isOwn(sessionId: Uint8Array): boolean {
    return Buffer.compare(Buffer.from(sessionId.buffer, sessionId.byteOffset, sessionId.length), Buffer.from(this.plan.identity!.sessionId)) === 0;
  }

  /** Closes the socket on purpose: onLost is not called for it. */
  drop(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.terminate();
  }

  private receive(seq: number, relaySeq: number, via: 'live' | 'backlog' = 'live'): void {
    if (relaySeq <= this.cursor) this.replayed++;
    if (relaySeq > this.cursor) this.cursor = relaySeq;
    const previous = this.fromPartner.get(seq);
    if (previous !== undefined) {
      // The same (session, seq) under another relaySeq means the relay stored it twice.
      if (previous !== relaySeq) {
        this.duplicated++;
        if (this.duplicateSamples.length < 3) this.duplicateSamples.push(`seq ${seq}: relaySeq ${previous} then ${relaySeq} (${via})`);
      }
      return;
    }
    this.fromPartner.set(seq, relaySeq);
  }

  async connect(): Promise<void> {
    this.caughtUp = false;
    let opened: BenchClient | null = null;
    this.socket = opened = await openClient({
      kind: 'seen',
      port: this.port,
      roomName: '',
      identity: this.plan.identity,
      fromRelaySeq: this.cursor,
      localAddress: this.localAddress,
      sink: {
        update: (seq, relaySeq, frame) => {
          if (frame !== undefined && this.isOwn(frame.subarray(ENV_SESSION_OFFSET, ENV_SESSION_OFFSET + SIZE.SESSION_ID))) {
            this.ownEchoes++;
            if (relaySeq > this.cursor) this.cursor = relaySeq;
            return;
          }
          this.receive(seq, relaySeq);
        },
        backlog: (relaySeq, envelope) => {
          const sessionOffset = ENV_SEQ_OFFSET - 9 - SIZE.SESSION_ID;
          if (this.isOwn(envelope.subarray(sessionOffset, sessionOffset + SIZE.SESSION_ID))) {
            if (relaySeq > this.cursor) this.cursor = relaySeq;
            return;
          }
          this.receive(Buffer.from(envelope.buffer, envelope.byteOffset, envelope.length).readUInt32BE(ENV_SEQ_OFFSET - 9), relaySeq, 'backlog');
        },
        presence: () => undefined,
        ack: (seq) => {
          this.outbox.delete(seq);
        },
        closed: () => {
          if (opened !== null && opened === this.socket) {
            this.socket = null;
            this.caughtUp = false;
            this.onLost?.();
          }
        },
      },
    });
    this.caughtUp = true;
    // After BACKLOG_END: resend every unacknowledged update with its original (session, seq).
    for (const frame of this.outbox.values()) opened.send(frame);
  }

  sendNext(): void {
    const frame = this.plan.updates[this.sent]!;
    this.outbox.set(this.sent, frame);
    this.sent++;
    this.socket?.send(frame);
  }
}

/**
 * W6: `clients` connected clients (two per room) each send 0–3 updates and, in the same tick,
 * every socket drops. All reconnect within `jitterMs` (uniform), catch up from their cursor and
 * resend their outbox. Nothing may be lost or stored twice.
 */
/**
 * The storm's drop: 0–3 new updates from every client (so some are unacknowledged), then every
 * socket goes, in the same tick. Returns how many were pending and when the drop happened.
 */
/** What a storm cost: updates lost (sent but never received, or never acknowledged), stored twice, replayed, and clients resynced. */
export function tallyStorm(clients: readonly StormClient[]): { lost: number; duplicated: number; replayed: number; resynced: number } {
  let lost = 0;
  let duplicated = 0;
  let replayed = 0;
  let resynced = 0;
  for (let i = 0; i < clients.length; i++) {
    const client = clients[i]!;
    const partner = clients[i ^ 1]!;
    for (let seq = 0; seq < partner.sent; seq++) if (!client.fromPartner.has(seq)) lost++;
    lost += client.outbox.size; // never acknowledged
    duplicated += client.duplicated;
    replayed += client.replayed;
    if (client.hasResynced(partner)) resynced++;
  }
  return { lost, duplicated, replayed, resynced };
}

/** A storm run is valid unless the generator saturated (it signs handshakes: the result is then an upper bound); busy if other processes took CPU. */
export function reviewStormCpu(cpu: CpuWindow, notes: string[]): { valid: boolean; busy: boolean } {
  const valid = cpu.generatorCore <= GENERATOR_CPU_LIMIT;
  if (!valid) notes.push(`generator saturated during the storm: ${(cpu.generatorCore * 100).toFixed(0)} % CPU (handshakes are signed here; the result is an upper bound)`);
  const busy = cpu.foreignCore > FOREIGN_BUSY_LIMIT;
  if (busy) notes.push(`machine busy: other processes used ${(cpu.foreignCore * 100).toFixed(0)} % of a core`);
  return { valid, busy };
}

export function dropMidSend(clients: readonly StormClient[], random: Random): { pendingAtDrop: number; dropAt: number } {
  let pendingAtDrop = 0;
  for (const client of clients) {
    const extra = random.int(0, 4);
    for (let k = 0; k < extra; k++) client.sendNext();
    pendingAtDrop += extra;
  }
  const dropAt = performance.now();
  for (const client of clients) client.drop();
  return { pendingAtDrop, dropAt };
}

export async function runStorm(options: { clients: number; rep: number; jitterMs: number; pairs: readonly TypingPair[]; seed: number; cpuProfDir?: string }): Promise<StormResult> {
  const rooms = Math.ceil(options.clients / 2);
  const random = new Random(options.seed + options.rep);
  // Updates 0..1 are sent while connected (and acknowledged); then 0–3 more are in flight at the drop.
  const warm = 2;
  const perClient = new Int32Array(rooms * 2).fill(warm + 3);
  const plans = planClients({ format: 'seen', rooms, pairs: options.pairs, updatesPerClient: perClient, presencePerClient: new Int32Array(rooms * 2), seed: options.seed + 100 + options.rep });
  const server = await startServer({ kind: 'seen', cpuProfDir: options.cpuProfDir });
  const notes: string[] = [];
  const clients = plans.map((plan, i) => new StormClient(plan, server.port, loopbackAddressFor(i, plans.length)));
  let rssPeak = 0;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, server.rssBytes())), 50);
  try {
    // Connect everyone (bounded concurrency), then a first exchange that is fully acknowledged.
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 128 }, async () => {
        while (next < clients.length) await clients[next++]!.connect();
      }),
    );
    const connectPerSecond = clients.length / ((performance.now() - t0) / 1000);
    for (let k = 0; k < warm; k++) for (const client of clients) client.sendNext();
    await waitUntil(() => clients.every((c) => c.outbox.size === 0 && c.fromPartner.size === warm), 60_000);
    const { pendingAtDrop, dropAt } = dropMidSend(clients, random);
    await server.eventLoopDelay(true);
    const cpu = new CpuWindow(server);
    cpu.start();
    let failures = 0;
    // Reconnect everyone with jitter; a refused handshake (the relay sheds load with OVERLOADED
    // once too many are waiting to authenticate) is retried after a short random backoff.
    const reconnects = clients.map(async (client) => {
      await sleep(random.uniform(0, options.jitterMs));
      for (let attempt = 0; attempt < 40; attempt++) {
        try {
          await client.connect();
          return;
        } catch {
          failures++;
          await sleep(100 + random.uniform(0, 400));
        }
      }
    });
    // One poll over all clients (not one timer per client: 10k timers would load the generator).
    let remaining = clients.length;
    await waitUntil(() => {
      const now = performance.now() - dropAt;
      for (let i = 0; i < clients.length; i++) {
        const client = clients[i]!;
        if (client.resyncedAt === 0 && client.hasResynced(clients[i ^ 1]!)) {
          client.resyncedAt = now;
          remaining--;
        }
      }
      return remaining === 0;
    }, 90_000, 10);
    await Promise.race([Promise.all(reconnects), sleep(1000)]);
    cpu.stop();
    const eld = await server.eventLoopDelay();
    const { lost, duplicated, replayed, resynced } = tallyStorm(clients);
    const times = clients.map((c) => (c.resyncedAt === 0 ? Infinity : c.resyncedAt)).sort((a, b) => a - b);
    const { valid, busy } = reviewStormCpu(cpu, notes);
    if (failures > 0) notes.push(`${failures} reconnect attempts failed and were retried`);
    return {
      workload: 'W6',
      server: 'seen',
      clients: clients.length,
      rep: options.rep,
      jitterMs: options.jitterMs,
      initialConnectPerSecond: connectPerSecond,
      resyncedMs: times[times.length - 1] ?? 0,
      resyncedP50Ms: times[Math.floor(times.length / 2)] ?? 0,
      resynced,
      pendingAtDrop,
      lost,
      duplicated,
      replayed,
      reconnectFailures: failures,
      serverCoreDuringStorm: cpu.serverCore,
      generatorCoreDuringStorm: cpu.generatorCore,
      eventLoopMaxMs: eld.max,
      rssPeakMb: rssPeak / 2 ** 20,
      valid,
      busy,
      notes,
    };
  } finally {
    clearInterval(rssTimer);
    await closeAll(clients.map((c) => c.socket ?? undefined));
    if (options.cpuProfDir !== undefined) await server.requestExit();
    await server.stop();
  }
}
