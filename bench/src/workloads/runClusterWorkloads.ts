import type { BenchConfig } from '../config.ts';
import { startClusterEngines, type ClusterEngines } from '../lib/clusterEngines.ts';
import type { TypingPair } from '../lib/traces.ts';
import type { Results } from '../report.ts';
import { runClusterIngest, INGEST_LAYOUTS } from './clusterIngest.ts';
import { runClusterStorm } from './clusterStorm.ts';
import { CLUSTER_LAYOUTS, runClusterPingPong, runClusterTyping, type ClusterLayout } from './clusterTyping.ts';
import { preparePingPong } from './w1Latency.ts';
import { prepareTyping } from './w2Typing.ts';

export type Attempt = <T>(workload: string, server: string, run: () => Promise<T>, into: T[]) => Promise<void>;

/** Rotates the layouts each repetition, as runBench rotates servers, so none always runs first. */
const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);

const LAYOUT_LOG: Record<ClusterLayout, string> = { single: 'one relay (SQLite)', same: 'two relays, partners on the same relay', cross: 'two relays, partners on different relays' };

/**
 * The cluster workload: one throwaway PostgreSQL + Redis for all of it (a fresh database per run),
 * removed at the end whatever happens; each run starts and stops its own relays.
 */
export async function runClusterWorkloads(options: {
  config: BenchConfig;
  pairs: readonly TypingPair[];
  results: Results;
  attempt: Attempt;
  log: (message: string) => void;
}): Promise<void> {
  const { config, pairs, results, attempt, log } = options;
  const c = config.cluster;
  log('cluster: starting a throwaway PostgreSQL and Redis');
  let engines: ClusterEngines;
  try {
    engines = await startClusterEngines();
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    log(`cluster FAILED to start its engines: ${message}`);
    results.failures.push({ workload: 'cluster', server: 'seen-cluster', error: message });
    return;
  }
  try {
    for (const rooms of c.rooms) {
      log(`cluster W2 preparing ${rooms} rooms`);
      const setup = prepareTyping({ rooms, durationMs: c.durationMs, warmupMs: c.warmupMs, seed: config.seed + 11 + rooms, pairs, formats: ['seen'] });
      for (let rep = 0; rep < c.reps; rep++) {
        for (const layout of rotate(CLUSTER_LAYOUTS, rep)) {
          log(`cluster W2 N=${rooms} ${LAYOUT_LOG[layout]} rep ${rep + 1}/${c.reps}`);
          await attempt('cluster W2', layout, () => runClusterTyping(setup, layout, rep, engines), results.cluster.w2);
        }
      }
    }
    for (const size of c.pingSizes) {
      const plan = preparePingPong(size, c.roundTrips + c.pingWarmup, config.seed + 11 + size);
      for (let rep = 0; rep < c.reps; rep++) {
        for (const layout of rotate(CLUSTER_LAYOUTS, rep)) {
          log(`cluster W1 ${size} B ${LAYOUT_LOG[layout]} rep ${rep + 1}/${c.reps}`);
          await attempt('cluster W1', layout, () => runClusterPingPong(plan, layout, rep, c.pingWarmup, engines), results.cluster.w1);
        }
      }
    }
    for (let rep = 0; rep < c.reps; rep++) {
      for (const layout of rotate(INGEST_LAYOUTS, rep)) {
        log(`cluster ingest ${layout}, ${c.ingestRooms} rooms × 2 writers, rep ${rep + 1}/${c.reps}`);
        await attempt(
          'cluster ingest',
          layout,
          () => runClusterIngest({ layout, engines, rooms: c.ingestRooms, window: c.ingestWindow, durationMs: c.ingestMs, pairs, seed: config.seed + 12, rep }),
          results.cluster.ingest,
        );
      }
    }
    for (let rep = 0; rep < c.reps; rep++) {
      log(`cluster W6 storm, ${c.stormClients} clients on two relays, one SIGKILLed once ${c.killAtLiveShare * 100} % of its clients are back, rep ${rep + 1}/${c.reps}`);
      await attempt(
        'cluster W6',
        'seen-cluster',
        () => runClusterStorm({ engines, clients: c.stormClients, rep, jitterMs: c.jitterMs, killAtLiveShare: c.killAtLiveShare, pairs, seed: config.seed + 13 }),
        results.cluster.storm,
      );
    }
  } finally {
    log('cluster: removing PostgreSQL and Redis');
    await engines.remove();
  }
}
