import { startCluster, withRelayLogs, type ClusterEngines } from '../lib/clusterEngines.ts';
import { Random } from '../lib/random.ts';
import type { TypingPair } from '../lib/traces.ts';
import { loopbackAddressFor } from '../clients/benchClient.ts';
import { CpuWindow, closeAll, sleep, waitUntil, type CpuSource } from './common.ts';
import { CLUSTER_RELAYS } from './clusterTyping.ts';
import { planClients } from './rooms.ts';
import { dropMidSend, reviewStormCpu, StormClient, tallyStorm } from './w6Storm.ts';

export interface ClusterStormResult {
  readonly workload: 'cluster-W6';
  readonly clients: number;
  readonly rep: number;
  readonly jitterMs: number;
  /** Share of the doomed relay's clients live on it again when it was killed (mid-storm). */
  readonly killAtLiveShare: number;
  /** Drop → SIGKILL. */
  readonly killAfterMs: number;
  /** Clients of the killed relay: all end up on the survivor. */
  readonly moved: number;
  /** Of those, the ones live on it at the kill (they had already reconnected to it)… */
  readonly liveOnVictimAtKill: number;
  /** …and the ones whose socket close the client saw (each reconnected to the survivor). */
  readonly cutByKill: number;
  readonly pendingAtDrop: number;
  /** Drop → every client re-authenticated, caught up, its outbox acknowledged, its partner's updates in. */
  readonly resyncedMs: number;
  /** SIGKILL → the same. */
  readonly resyncedAfterKillMs: number;
  readonly resynced: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly replayed: number;
  /** Clients' own updates sent back to them live by a relay (never by a single relay). */
  readonly ownEchoes: number;
  readonly reconnectFailures: number;
  readonly survivorCore: number;
  readonly engineCore: number;
  readonly generatorCore: number;
  readonly valid: boolean;
  readonly busy: boolean;
  readonly notes: string[];
}

/** The relay that dies: its clients move to relay 0. */
const VICTIM = 1;
/** Reconnect attempts per client before it gives up (a refused handshake, a relay that died mid-way). */
const MAX_ATTEMPTS = 40;
/** The longest wait for the doomed relay's clients to come back before killing it anyway. */
const KILL_WAIT_MS = 20_000;

/**
 * A CPU source that keeps its last reading once the process is gone (a killed relay reads 0),
 * so the window counts what it used until it died.
 */
function lastKnown(source: CpuSource): CpuSource {
  let last = 0;
  return {
    cpuMicros: () => {
      const now = source.cpuMicros();
      if (now > 0) last = now;
      return last;
    },
  };
}

/**
 * W6 on two relays: every socket drops with 0–3 unacknowledged updates each and reconnects to its
 * relay within `jitterMs`; once `killAtLiveShare` of relay 1's clients are live on it again (mid-storm,
 * whatever the machine's speed) relay 1 is SIGKILLed. Its clients (live or
 * mid-handshake) reconnect to relay 0 with the same jitter and resend their outbox under the same
 * (session, seq). Half the rooms have a partner on each relay, half have both on relay 1. Nothing
 * acknowledged may be lost and nothing stored twice.
 */
export async function runClusterStorm(options: {
  engines: ClusterEngines;
  clients: number;
  rep: number;
  jitterMs: number;
  killAtLiveShare: number;
  pairs: readonly TypingPair[];
  seed: number;
}): Promise<ClusterStormResult> {
  const rooms = Math.ceil(options.clients / 2);
  const random = new Random(options.seed + options.rep);
  const warm = 2;
  const plans = planClients({
    format: 'seen',
    rooms,
    pairs: options.pairs,
    updatesPerClient: new Int32Array(rooms * 2).fill(warm + 3),
    presencePerClient: new Int32Array(rooms * 2),
    seed: options.seed + 100 + options.rep,
  });
  const relayOf = (c: number): number => ((c >> 1) % 2 === 0 ? (c & 1) % CLUSTER_RELAYS : VICTIM);
  const cluster = await startCluster(options.engines, CLUSTER_RELAYS);
  const [survivor, victim] = cluster.relays as [NonNullable<(typeof cluster.relays)[0]>, NonNullable<(typeof cluster.relays)[1]>];
  const notes: string[] = [];
  let killed = false;
  const portFor = (c: number): number => (killed || relayOf(c) !== VICTIM ? survivor.port : victim.port);
  const clients = plans.map((plan, i) => new StormClient(plan, portFor(i), loopbackAddressFor(i, plans.length)));
  try {
    // One partner of every room first, then the other: two first handshakes of one room on one
    // relay can race (see connectAll).
    for (const side of [0, 1]) {
      const firstJoins = clients.filter((_, i) => i % 2 === side);
      let next = 0;
      await Promise.all(
        Array.from({ length: 128 }, async () => {
          while (next < firstJoins.length) {
            await firstJoins[next++]!.connect().catch((error: unknown) => {
              throw withRelayLogs(error, cluster.relays);
            });
          }
        }),
      );
    }
    for (let k = 0; k < warm; k++) for (const client of clients) client.sendNext();
    if (!(await waitUntil(() => clients.every((c) => c.outbox.size === 0 && c.fromPartner.size === warm), 60_000))) {
      notes.push('the first exchange (before the drop) did not complete within 60 s');
    }
    const { pendingAtDrop, dropAt } = dropMidSend(clients, random);
    const cpu = new CpuWindow([survivor, lastKnown(victim), options.engines]);
    cpu.start();
    let failures = 0;
    const cut = new Set<number>();
    const reconnect = async (client: StormClient, index: number): Promise<void> => {
      await sleep(random.uniform(0, options.jitterMs));
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        client.port = portFor(index);
        try {
          await client.connect();
          return;
        } catch {
          failures++;
          await sleep(100 + random.uniform(0, 400));
        }
      }
    };
    const reconnects: Promise<void>[] = [];
    clients.forEach((client, i) => {
      // A socket that dies under a client (its relay killed) is a reconnect like any other.
      client.onLost = () => {
        cut.add(i);
        reconnects.push(reconnect(client, i));
      };
      reconnects.push(reconnect(client, i));
    });
    const victimClients = clients.filter((_, i) => relayOf(i) === VICTIM).length;
    const countLiveOnVictim = (): number => clients.filter((c) => c.socket !== null && c.caughtUp && c.port === victim.port).length;
    if (!(await waitUntil(() => countLiveOnVictim() >= options.killAtLiveShare * victimClients, KILL_WAIT_MS, 2))) {
      notes.push(`only ${countLiveOnVictim()} of ${victimClients} clients were back on relay 1 after ${KILL_WAIT_MS / 1000} s: killed it then`);
    }
    const liveOnVictim = countLiveOnVictim();
    killed = true;
    const killAt = performance.now();
    await victim.kill();
    let remaining = clients.length;
    const resyncedAt = new Float64Array(clients.length);
    await waitUntil(
      () => {
        const now = performance.now();
        for (let i = 0; i < clients.length; i++) {
          if (resyncedAt[i] !== 0) continue;
          if (clients[i]!.hasResynced(clients[i ^ 1]!)) {
            resyncedAt[i] = now;
            remaining--;
          }
        }
        return remaining === 0;
      },
      90_000,
      10,
    );
    await Promise.race([Promise.all(reconnects), sleep(1000)]);
    cpu.stop();
    const { lost, duplicated, replayed, resynced } = tallyStorm(clients);
    const last = Math.max(...resyncedAt.map((t) => (t === 0 ? Infinity : t)));
    const { valid, busy } = reviewStormCpu(cpu, notes);
    if (cut.size < liveOnVictim) notes.push(`only ${cut.size} of the ${liveOnVictim} clients live on relay 1 saw their socket close`);
    if (failures > 0) notes.push(`${failures} reconnect attempts failed and were retried`);
    if (resynced < clients.length) {
      const stuck = clients
        .map((client, i) => ({ client, i, partner: clients[i ^ 1]! }))
        .filter(({ client, partner }) => !client.hasResynced(partner))
        .slice(0, 3)
        .map(({ client, i, partner }) => `client ${i} (relay ${relayOf(i)}): ${client.caughtUp ? 'connected' : 'not connected'}, outbox ${client.outbox.size}, has ${client.fromPartner.size}/${partner.sent} of its partner's`);
      notes.push(`${clients.length - resynced} clients not resynced within 90 s: ${stuck.join('; ')}`);
    }
    const samples = clients.flatMap((client, i) => client.duplicateSamples.map((text) => `client ${i} (relay ${relayOf(i)}, partner on relay ${relayOf(i ^ 1)}) ${text}`));
    if (samples.length > 0) notes.push(`the same partner update under two relaySeqs: ${samples.slice(0, 4).join('; ')}`);
    return {
      workload: 'cluster-W6',
      clients: clients.length,
      rep: options.rep,
      jitterMs: options.jitterMs,
      killAtLiveShare: options.killAtLiveShare,
      killAfterMs: killAt - dropAt,
      moved: clients.filter((_, i) => relayOf(i) === VICTIM).length,
      liveOnVictimAtKill: liveOnVictim,
      cutByKill: cut.size,
      pendingAtDrop,
      resyncedMs: last - dropAt,
      resyncedAfterKillMs: last - killAt,
      resynced,
      lost,
      duplicated,
      replayed,
      ownEchoes: clients.reduce((sum, client) => sum + client.ownEchoes, 0),
      reconnectFailures: failures,
      survivorCore: cpu.sourceCore(0),
      engineCore: cpu.sourceCore(2),
      generatorCore: cpu.generatorCore,
      valid,
      busy,
      notes,
    };
  } finally {
    for (const client of clients) client.onLost = null;
    await closeAll(clients.map((c) => c.socket ?? undefined));
    await cluster.stop();
  }
}
