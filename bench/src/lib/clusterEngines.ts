import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '../../../server/test/engines/startPostgres.ts';
import { killOnExit } from '../../../server/test/engines/killOnExit.ts';
import { startRedis, type TestRedis } from '../../../server/test/engines/startRedis.ts';
import { readCpuMicros } from './procStats.ts';
import { setUpPinning, startServer, type ServerHandle } from './serverProcess.ts';

// Linux clock ticks per second for /proc/<pid>/stat (as in procStats.ts).
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * The throwaway PostgreSQL and Redis a cluster run shares (the servers' own test engines: initdb
 * into a temp folder, fsync and synchronous_commit on; Redis without persistence), plus the CPU
 * they use, so a cluster's cost per update is not hidden in processes nobody measures.
 */
export interface ClusterEngines {
  readonly postgres: TestPostgres;
  readonly redis: TestRedis;
  /** User + system CPU of PostgreSQL (the postmaster, its live backends and the ones that exited) and Redis. */
  cpuMicros(): number;
  /** Stops both and deletes their folders. */
  remove(): Promise<void>;
}

/** A process's CPU including its exited, waited-for children (cutime, cstime): PostgreSQL's short-lived backends. */
function readCpuWithChildrenMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** redis-server retitles itself "redis-server 127.0.0.1:<port>"; TestRedis does not expose its pid. */
function findRedisPid(port: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(join('/proc', entry, 'cmdline'), 'utf8');
      if (cmdline.includes('redis-server') && cmdline.includes(`:${port}`)) return Number(entry);
    } catch {
      // Gone while we looked.
    }
  }
  return null;
}

const safely = (read: () => number): number => {
  try {
    return read();
  } catch {
    return 0; // the process exited (a stopped engine)
  }
};

export async function startClusterEngines(): Promise<ClusterEngines> {
  const postgres = await startPostgres();
  let redis: TestRedis;
  try {
    redis = await startRedis();
  } catch (error) {
    await postgres.remove();
    throw error;
  }
  const postmasterPid = Number(readFileSync(join(postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const redisPid = findRedisPid(redis.port);
  // The engines are part of the server side: on the servers' core, like the relays, so the load
  // generator's core stays its own. Backends forked later inherit the postmaster's affinity.
  const pins = setUpPinning();
  if (pins.available) {
    for (const pid of [postmasterPid, ...childrenOf(postmasterPid), ...(redisPid === null ? [] : [redisPid])]) {
      spawnSync('taskset', ['-a', '-pc', String(pins.serverCpu), String(pid)], { stdio: 'ignore' });
    }
  }
  return {
    postgres,
    redis,
    cpuMicros: () => {
      let total = safely(() => readCpuWithChildrenMicros(postmasterPid));
      for (const child of childrenOf(postmasterPid)) total += safely(() => readCpuMicros(child));
      if (redisPid !== null) total += safely(() => readCpuMicros(redisPid));
      return total;
    },
    remove: async () => {
      await Promise.allSettled([postgres.remove(), redis.remove()]);
    },
  };
}

let signalHooksInstalled = false;

/**
 * Without a handler, a signal ends Node without running 'exit' hooks (those that kill leftover
 * relays and Redis); PostgreSQL's own watchdog notices the bench is gone and removes it.
 */
function exitOnSignals(): void {
  if (signalHooksInstalled) return;
  signalHooksInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
}

export interface Cluster {
  readonly relays: ServerHandle[];
  readonly databaseUrl: string;
  /** Stops every relay still running (the database stays until the engines are removed). */
  stop(): Promise<void>;
}

/**
 * `count` relays on a fresh database (each run starts from empty rooms: a repeated plan would
 * otherwise be taken as resends). They start one after another, so the first one creates the
 * schema alone.
 */
export async function startCluster(engines: ClusterEngines, count: number, limits?: Record<string, number>): Promise<Cluster> {
  exitOnSignals();
  const databaseUrl = await engines.postgres.createDatabase();
  const relays: ServerHandle[] = [];
  // Relays still running are killed if the bench exits early (an error, Ctrl-C): none may outlive it.
  const forgets: (() => void)[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(relays.map((relay) => relay.stop()));
    for (const forget of forgets.splice(0)) forget();
  };
  try {
    for (let i = 0; i < count; i++) {
      const relay = await startServer({ kind: 'seen-cluster', durable: true, databaseUrl, redisUrl: engines.redis.url, limits });
      relays.push(relay);
      forgets.push(killOnExit(relay.pid));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { relays, databaseUrl, stop };
}

/**
 * An error with the relays' own last log lines on the same line (the bench reports only an
 * error's first line), so a refused handshake says why the relay refused it.
 */
export function withRelayLogs(error: unknown, relays: readonly ServerHandle[]): Error {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  const logs = relays
    .map((relay, i) => {
      const lines = relay.output.join('').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('Seen is running'));
      return lines.length === 0 ? '' : `relay ${i}: ${lines.slice(-3).join(' / ').slice(0, 600)}`;
    })
    .filter((text) => text !== '');
  return new Error(logs.length === 0 ? message : `${message} (${logs.join('; ')})`);
}
