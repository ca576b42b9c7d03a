import { join } from 'node:path';
import Database from 'better-sqlite3';
import { toHex } from '@seen/shared/protocol';
import { Random } from '../lib/random.ts';
import { buildPoissonSchedule } from '../lib/schedule.ts';
import { startServer } from '../lib/serverProcess.ts';
import type { TypingPair } from '../lib/traces.ts';
import type { BenchClient } from '../clients/benchClient.ts';
import { closeAll, connectAll, sleep } from './common.ts';
import { planClients } from './rooms.ts';
import { EVENT, runSchedule } from '../lib/schedule.ts';

export interface CrashResult {
  readonly workload: 'W9';
  readonly server: 'seen';
  readonly sync: 'NORMAL' | 'FULL';
  readonly rep: number;
  readonly sentBeforeKill: number;
  readonly ackedBeforeKill: number;
  /** Acknowledged to the sender but absent from the log after restart: must be 0. */
  readonly ackedMissing: number;
  /** Stored although never acknowledged (in flight at the kill): allowed. */
  readonly storedUnacked: number;
  readonly killAtMs: number;
  readonly restartToServingMs: number;
  readonly logRows: number;
  readonly appendsPerSecond: number;
  readonly notes: string[];
}

/**
 * W9: typing load at `ratePerSecond` over `rooms` rooms; SIGKILL the relay at a seeded random time;
 * restart it on the same data; every update the relay acknowledged must be in the log.
 */
export async function runCrash(options: {
  sync: 'NORMAL' | 'FULL';
  rep: number;
  rooms: number;
  ratePerSecond: number;
  pairs: readonly TypingPair[];
  seed: number;
}): Promise<CrashResult> {
  const random = new Random(options.seed + options.rep * 31 + (options.sync === 'FULL' ? 7 : 0));
  const killAtMs = random.uniform(1500, 3500);
  const schedule = buildPoissonSchedule({ clients: options.rooms * 2, durationMs: 6000, ratePerSecond: options.ratePerSecond, seed: options.seed + options.rep });
  const plans = planClients({
    format: 'seen',
    rooms: options.rooms,
    pairs: options.pairs,
    updatesPerClient: schedule.updatesPerClient,
    presencePerClient: schedule.presencePerClient,
    seed: options.seed + 17 + options.rep,
  });
  const server = await startServer({ kind: 'seen', sqliteSync: options.sync, dataDir: undefined });
  const dataDir = server.dataDir;
  const acked = plans.map(() => new Set<number>());
  let sent = 0;
  let clients: BenchClient[] = [];
  let killed = false;
  const notes: string[] = [];
  let restarted: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    clients = await connectAll('seen', server.port, plans, (i) => ({
      update: () => undefined,
      presence: () => undefined,
      ack: (seq) => {
        if (!killed) acked[i]!.add(seq);
      },
    }));
    const startAt = performance.now() + 20;
    const run = runSchedule(
      schedule,
      (client, kind, index) => {
        if (killed || kind !== EVENT.UPDATE) return;
        clients[client]!.send(plans[client]!.updates[index]!);
        sent++;
      },
      { startAt },
    );
    await sleep(killAtMs);
    // Freeze the ack record first: an ACK read after the kill was still sent before it, but we
    // only count what the generator had seen by the time it pulled the plug.
    killed = true;
    await server.kill();
    void run;
    const ackedBeforeKill = acked.reduce((sum, set) => sum + set.size, 0);
    await closeAll(clients);
    clients = [];
    restarted = await startServer({ kind: 'seen', sqliteSync: options.sync, dataDir, port: server.port });
    const db = new Database(join(dataDir, 'seen-relay.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT lower(hex(session)) AS s, seq FROM envelopes').all() as { s: string; seq: number }[];
    db.close();
    const stored = new Map<string, Set<number>>();
    for (const row of rows) {
      let set = stored.get(row.s);
      if (set === undefined) stored.set(row.s, (set = new Set()));
      set.add(row.seq);
    }
    let ackedMissing = 0;
    let storedUnacked = 0;
    plans.forEach((plan, i) => {
      const mine = stored.get(toHex(plan.identity!.sessionId)) ?? new Set<number>();
      for (const seq of acked[i]!) if (!mine.has(seq)) ackedMissing++;
      for (const seq of mine) if (!acked[i]!.has(seq)) storedUnacked++;
    });
    if (ackedMissing > 0) notes.push(`${ackedMissing} acknowledged updates were missing after the crash`);
    return {
      workload: 'W9',
      server: 'seen',
      sync: options.sync,
      rep: options.rep,
      sentBeforeKill: sent,
      ackedBeforeKill,
      ackedMissing,
      storedUnacked,
      killAtMs,
      restartToServingMs: restarted.startupMs,
      logRows: rows.length,
      appendsPerSecond: rows.length / (killAtMs / 1000),
      notes,
    };
  } finally {
    await closeAll(clients);
    if (restarted !== null) await restarted.stop();
    await server.stop();
  }
}
