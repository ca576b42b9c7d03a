import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { FULL, QUICK, type BenchConfig } from './config.ts';
import { REPO_ROOT, RESULTS_DIR, requireTraces } from './lib/paths.ts';
import { buildLaunchers, setUpPinning, type ServerKind } from './lib/serverProcess.ts';
import { loadAnswerEdits, loadLongHistory, loadTypingPairs, ownEditsByAgent } from './lib/traces.ts';
import { measureLogBytes } from './workloads/logBytes.ts';
import { measureRevealLatency } from './workloads/revealLatency.ts';
import { DRAFT_COALESCE_MS } from '../../client/src/app/coalesceWindow.ts';
import { DEFAULT_COALESCE_MS } from '../../sync/src/UpdateCoalescer.ts';
import { evaluateTargets, renderMarkdown, type Meta, type Results } from './report.ts';
import { buildYearRoom, measureClientBundle } from './workloads/clientSide.ts';
import { preparePingPong, runPingPong } from './workloads/w1Latency.ts';
import { prepareTyping, runTyping } from './workloads/w2Typing.ts';
import { runThroughputStep } from './workloads/w4Throughput.ts';
import { joinSeenRoom, joinerDevice, preloadSeenHistory, sameStateAs, textLengthIs, SNAPSHOT_TAIL } from './workloads/w5Join.ts';
import { runJoins } from './workloads/w5Runner.ts';
import { runStorm } from './workloads/w6Storm.ts';
import { runIdle } from './workloads/w7Idle.ts';
import { runCrash } from './workloads/w9Crash.ts';
import { runLighthouse } from './workloads/lighthouse.ts';
import { startServer } from './lib/serverProcess.ts';
import { runClusterWorkloads } from './workloads/runClusterWorkloads.ts';

const WORKLOADS = ['W1', 'W2', 'W4', 'W5', 'W6', 'W7', 'W9', 'client', 'log', 'lighthouse', 'cluster'] as const;
/** Workloads that replay the editing traces (the others run without them). */
const TRACE_WORKLOADS: readonly Workload[] = ['W1', 'W2', 'W4', 'W5', 'W6', 'W7', 'W9', 'client', 'log', 'cluster'];
type Workload = (typeof WORKLOADS)[number];

/** Keystrokes per person for the log workload (both traces have more). */
const LOG_KEYSTROKES = 2_000;
/** Live-mode reveals per merge window (each after a 12-keystroke burst). */
const REVEALS = 25;

const USAGE = `pnpm bench [-- options]
  --quick              a smaller version of every workload (< 5 minutes)
  --only W1,W2,...     run only these (${WORKLOADS.join(', ')})
  --reps N             repetitions (default: 3; --quick uses fewer for the long workloads)
  --servers a,b,...    only these servers (seen, floor, yws, hocus); W1 uses seen-raised for seen
  --seed N             seed for every schedule and key
  --cpu-prof DIR       write V8 CPU profiles of Seen's relay (W2 at the largest N, W4, W6) into DIR
  --no-client-build    measure the existing client/dist instead of building it (client, lighthouse)
  --help`;

interface Args {
  quick: boolean;
  only: Set<Workload>;
  reps: number | null;
  seed: number | null;
  cpuProf: string | null;
  clientBuild: boolean;
  servers: Set<string> | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: new Set(WORKLOADS), reps: null, seed: null, cpuProf: null, clientBuild: true, servers: null };
  // pnpm forwards a literal `--` when called as `pnpm bench -- --quick`.
  const list = argv.filter((a) => a !== '--');
  for (let i = 0; i < list.length; i++) {
    const arg = list[i]!;
    const value = (): string => {
      const next = list[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only') {
      const wanted = value().split(',').map((w) => w.trim());
      const unknown = wanted.filter((w) => !(WORKLOADS as readonly string[]).includes(w));
      if (unknown.length > 0) throw new Error(`unknown workload ${unknown.join(', ')}\n${USAGE}`);
      args.only = new Set(wanted as Workload[]);
    } else if (arg === '--reps') args.reps = Math.max(1, Number(value()));
    else if (arg === '--seed') args.seed = Number(value());
    else if (arg === '--cpu-prof') args.cpuProf = value();
    else if (arg === '--no-client-build') args.clientBuild = false;
    else if (arg === '--servers') {
      const wanted = value().split(',').map((w) => w.trim());
      const unknown = wanted.filter((w) => !['seen', 'floor', 'yws', 'hocus'].includes(w));
      if (unknown.length > 0) throw new Error(`unknown server ${unknown.join(', ')}\n${USAGE}`);
      args.servers = new Set(wanted);
    }
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return args;
}

function withOverrides(base: BenchConfig, args: Args): BenchConfig {
  if (args.reps === null && args.seed === null) return base;
  const reps = args.reps;
  const set = <T extends { reps: number }>(w: T): T => (reps === null ? w : { ...w, reps });
  return {
    ...base,
    reps: reps ?? base.reps,
    seed: args.seed ?? base.seed,
    w1: set(base.w1),
    w2: set(base.w2),
    w4: set(base.w4),
    w5: set(base.w5),
    w6: set(base.w6),
    w7: set(base.w7),
    cluster: set(base.cluster),
  };
}

/** Rotates the server order each repetition (ABCD, BCDA, …) so no server always runs first. */
const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);

let serverFilter: Set<string> | null = null;
/** The servers to run, rotated for repetition `rep`; `seen-raised` counts as `seen` for --servers. */
const order = (kinds: readonly ServerKind[], rep: number): ServerKind[] =>
  rotate(kinds.filter((k) => serverFilter === null || serverFilter.has(k === 'seen-raised' ? 'seen' : k)), rep);

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = withOverrides(args.quick ? QUICK : FULL, args);
  serverFilter = args.servers;
  const needsTraces = TRACE_WORKLOADS.some((w) => args.only.has(w));
  if (needsTraces) requireTraces();
  const started = performance.now();
  const loadAverageAtStart = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  const pins = setUpPinning();
  const pinning = pins.available
    ? `Servers pinned to CPU ${pins.serverCpu} and the load generator to CPU ${pins.generatorCpu} with taskset.`
    : 'taskset is not available: servers and the load generator were NOT pinned (results are noisier).';
  log(pinning);
  if (loadAverageAtStart > 0.5) log(`note: load average ${loadAverageAtStart} at start, other processes are running`);
  await buildLaunchers();
  const results: Results = {
    w1: [],
    w2: [],
    w4: [],
    w5: [],
    w6: [],
    w7: [],
    w9: [],
    bundle: null,
    year: null,
    log: [],
    reveal: [],
    lighthouse: [],
    cluster: { w2: [], w1: [], ingest: [], storm: [] },
    failures: [],
  };
  const attempt = async <T>(workload: string, server: string, run: () => Promise<T>, into: T[]): Promise<void> => {
    try {
      into.push(await run());
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      log(`  ${workload} ${server} FAILED: ${message}`);
      results.failures.push({ workload, server, error: message });
    }
  };
  const seenOnly: readonly Workload[] = ['W6', 'W9', 'client', 'log', 'lighthouse', 'cluster'];
  const wants = (w: Workload): boolean => args.only.has(w) && (!seenOnly.includes(w) || serverFilter === null || serverFilter.has('seen'));
  const baselines: ServerKind[] = ['seen', 'floor', 'yws', 'hocus'];

  if (needsTraces) log('loading editing traces (josephg/editing-traces, CC BY 4.0)');
  const pairs = needsTraces ? loadTypingPairs(2000) : [];

  if (wants('W1')) {
    for (const size of config.w1.sizes) {
      const count = (size >= 4096 ? config.w1.roundTrips4k : config.w1.roundTrips) + config.w1.warmup;
      const plan = preparePingPong(size, count, config.seed + size);
      for (let rep = 0; rep < config.w1.reps; rep++) {
        for (const kind of order(['seen-raised', 'floor', 'yws', 'hocus'], rep)) {
          log(`W1 ${size} B ${kind} rep ${rep + 1}/${config.w1.reps}`);
          await attempt('W1', kind, () => runPingPong(plan, kind, rep, config.w1.warmup), results.w1);
        }
      }
    }
  }

  if (wants('W2')) {
    for (const rooms of config.w2.rooms) {
      log(`W2 preparing ${rooms} rooms (sealing and framing every update up front)`);
      const setup = prepareTyping({ rooms, durationMs: config.w2.durationMs, warmupMs: config.w2.warmupMs, seed: config.seed + rooms, pairs, formats: ['seen', 'yws', 'hocus'] });
      for (let rep = 0; rep < config.w2.reps; rep++) {
        for (const kind of order(baselines, rep)) {
          log(`W2 N=${rooms} ${kind} rep ${rep + 1}/${config.w2.reps}`);
          const profile = args.cpuProf !== null && kind === 'seen' && rooms === Math.max(...config.w2.rooms) && rep === 0 ? args.cpuProf : undefined;
          await attempt('W2', kind, () => runTyping(setup, kind, rep, { cpuProfDir: profile }), results.w2);
        }
      }
    }
  }

  if (wants('W4')) {
    for (let rep = 0; rep < config.w4.reps; rep++) {
      for (const rate of config.w4.rates) {
        for (const kind of order(['seen', 'floor'], rep)) {
          log(`W4 ${rate}/s ${kind} rep ${rep + 1}/${config.w4.reps}`);
          const profile = args.cpuProf !== null && kind === 'seen' && rep === 0 && rate === config.w4.rates[0] ? args.cpuProf : undefined;
          await attempt(
            'W4',
            kind,
            () => runThroughputStep({ kind, rep, rooms: config.w4.rooms, ratePerSecond: rate, durationMs: config.w4.durationMs, pairs, seed: config.seed + rate + rep, cpuProfDir: profile }),
            results.w4,
          );
        }
      }
    }
  }

  if (wants('W5')) {
    const largest = Math.max(...config.w5.sizes);
    log(`W5 building ${largest.toLocaleString('en-US')} keystroke updates from automerge-paper`);
    const { updates: history } = loadLongHistory(largest);
    const lengths = new Map<number, number>();
    const replay = new Y.Doc();
    history.forEach((update, i) => {
      Y.applyUpdate(replay, update);
      if (config.w5.sizes.includes(i + 1)) lengths.set(i + 1, replay.getText('paper').length);
    });
    replay.destroy();
    const seenDataDir = mkdtempSync(join(tmpdir(), 'seen-bench-w5-'));
    try {
      log('W5 writing the Seen rooms (sealed envelopes, with and without a snapshot) into the relay database');
      const seenRooms = await preloadSeenHistory({
        dataDir: seenDataDir,
        seed: config.seed + 5,
        rooms: config.w5.sizes.flatMap((updates) =>
          [false, true].map((snapshot) => ({ label: `${updates}${snapshot ? '+snapshot' : ''}`, updates: history.slice(0, updates), snapshot, check: textLengthIs('paper', lengths.get(updates)!) })),
        ),
      });
      // Long enough to cover one server's joins; every update of it is sealed up front, so not longer.
      const backgroundMs = config.quick ? 60_000 : 120_000;
      const device = joinerDevice();
      for (let rep = 0; rep < config.w5.reps; rep++) {
        // New background rooms and sessions each repetition: Seen's relay keeps its database across
        // repetitions (the history rooms), and would take a repeated (session, seq) for a resend,
        // acknowledging it without forwarding anything.
        const background = prepareTyping({ rooms: config.w5.backgroundRooms, durationMs: backgroundMs, warmupMs: 1000, seed: config.seed + 55 + rep, pairs, formats: ['seen', 'yws', 'hocus'], roomPrefix: `bg${rep}` });
        for (const kind of order(['seen', 'yws', 'hocus'], rep)) {
          log(`W5 ${kind} rep ${rep + 1}/${config.w5.reps}`);
          await attempt(
            'W5',
            kind,
            () =>
              runJoins(kind, rep, {
                sizes: config.w5.sizes,
                baselineSizes: config.w5.baselineSizes,
                history,
                expectedLength: (n) => lengths.get(n)!,
                seenRooms,
                seenDataDir,
                joinsPerRoom: config.w5.joinsPerRoom,
                background,
                device,
              }),
            results.w5,
          );
        }
      }
    } finally {
      rmSync(seenDataDir, { recursive: true, force: true });
    }
  }

  if (wants('W6')) {
    for (let rep = 0; rep < config.w6.reps; rep++) {
      log(`W6 reconnect storm, ${config.w6.clients} clients, rep ${rep + 1}/${config.w6.reps}`);
      await attempt('W6', 'seen', () => runStorm({ clients: config.w6.clients, rep, jitterMs: config.w6.jitterMs, pairs, seed: config.seed + 6, cpuProfDir: args.cpuProf !== null && rep === 0 ? args.cpuProf : undefined }), results.w6);
    }
  }

  if (wants('W7')) {
    for (let rep = 0; rep < config.w7.reps; rep++) {
      for (const kind of order(baselines, rep)) {
        log(`W7 ${config.w7.connections} idle connections ${kind} rep ${rep + 1}/${config.w7.reps}`);
        await attempt('W7', kind, () => runIdle(kind, config.w7.connections, rep, pairs, config.w7.idleMs), results.w7);
      }
    }
  }

  if (wants('W9')) {
    for (let kill = 0; kill < config.w9.kills; kill++) {
      for (const sync of ['NORMAL', 'FULL'] as const) {
        log(`W9 SIGKILL ${kill + 1}/${config.w9.kills}, synchronous=${sync}`);
        await attempt('W9', 'seen', () => runCrash({ sync, rep: kill, rooms: config.w9.rooms, ratePerSecond: config.w9.ratePerSecond, pairs, seed: config.seed + 9 }), results.w9);
      }
    }
  }

  if (wants('cluster')) {
    await runClusterWorkloads({ config, pairs, results, attempt, log });
  }

  if (wants('client')) {
    log(args.clientBuild ? 'client: building with `pnpm --filter @seen/client build`' : 'client: measuring the existing build');
    results.bundle = measureClientBundle({ build: args.clientBuild });
    log(`client: ${results.bundle.built ? `${results.bundle.initialJsGzipKb} KB initial JS (gzip)` : results.bundle.note}`);
    try {
      log(`client: a year of history (${config.client.sessions} sessions × ${config.client.cardsPerSession} cards × 2 answers typed from the trace)`);
      const t0 = performance.now();
      const year = buildYearRoom({ edits: loadAnswerEdits(), sessions: config.client.sessions, cardsPerSession: config.client.cardsPerSession, keystrokesPerAnswer: config.client.keystrokesPerAnswer });
      const buildMs = performance.now() - t0;
      const dataDir = mkdtempSync(join(tmpdir(), 'seen-bench-year-'));
      try {
        const [room] = await preloadSeenHistory({ dataDir, seed: config.seed + 52, rooms: [{ label: 'year', updates: year.updates, snapshot: true, check: sameStateAs(year.finalDoc) }] });
        const server = await startServer({ kind: 'seen', dataDir });
        const device = joinerDevice();
        const syncedMs: number[] = [];
        const streamMs: number[] = [];
        try {
          for (let i = 0; i < 3; i++) {
            const timing = await joinSeenRoom(server.port, room!, device);
            syncedMs.push(timing.syncedMs);
            streamMs.push(timing.streamMs);
          }
        } finally {
          await server.stop();
        }
        results.year = { updates: year.updates.length, keystrokes: year.keystrokes, answers: year.answers, snapshotKb: room!.snapshotBytes / 1024, tail: Math.min(SNAPSHOT_TAIL, year.updates.length), syncedMs, streamMs, buildMs };
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      log(`client year-of-history FAILED: ${message}`);
      results.failures.push({ workload: 'client', server: 'seen', error: message });
    }
  }

  if (wants('log')) {
    // One person's real keystrokes (the most active agent of each two-person trace) at W2's human
    // typing times: one envelope per keystroke, the library's default window, the app's draft window.
    for (const trace of ['friendsforever', 'clownschool'] as const) {
      const edits = ownEditsByAgent(trace).sort((a, b) => b.length - a.length)[0]!;
      for (const windowMs of [0, DEFAULT_COALESCE_MS, DRAFT_COALESCE_MS]) {
        const result = measureLogBytes({ trace, edits, keystrokes: LOG_KEYSTROKES, windowMs, seed: config.seed + 10 });
        results.log.push(result);
        log(`log ${trace} window ${windowMs} ms: ${result.bytesPerTypedChar.toFixed(1)} B per typed character (${result.envelopes} envelopes)`);
      }
    }
    for (const windowMs of [0, DRAFT_COALESCE_MS]) {
      await attempt('log', 'seen', async () => {
        const reveal = await measureRevealLatency({ windowMs, reveals: REVEALS });
        log(`log reveal latency, draft window ${windowMs} ms: p50 ${reveal.p50Ms.toFixed(2)} ms, max ${reveal.maxMs.toFixed(2)} ms`);
        return reveal;
      }, results.reveal);
    }
  }

  if (wants('lighthouse')) {
    // The client workload has just built the client; otherwise build it here (unless told not to).
    if (args.clientBuild && !wants('client')) {
      log('lighthouse: building the client with `pnpm --filter @seen/client build`');
      execFileSync('pnpm', ['--filter', '@seen/client', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
    }
    try {
      results.lighthouse = await runLighthouse({ reps: config.reps, log });
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      log(`lighthouse FAILED: ${message}`);
      results.failures.push({ workload: 'lighthouse', server: 'seen', error: message });
    }
  }

  const allRuns = [
    ...results.w1,
    ...results.w2,
    ...results.w4,
    ...results.w5,
    ...results.w6,
    ...results.w7,
    ...results.cluster.w2,
    ...results.cluster.w1,
    ...results.cluster.ingest,
    ...results.cluster.storm,
  ];
  const meta: Meta = {
    date: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    kernel: release(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    commit: git(['rev-parse', 'HEAD']),
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    quick: config.quick,
    reps: config.reps,
    repsByWorkload: `W1 ${config.w1.reps}, W2 ${config.w2.reps}, W4 ${config.w4.reps}, W5 ${config.w5.reps}, W6 ${config.w6.reps}, W7 ${config.w7.reps}, W9 ${config.w9.kills} kill${config.w9.kills === 1 ? '' : 's'} per mode, Lighthouse ${config.reps} per page, cluster ${config.cluster.reps}`,
    w4Rooms: config.w4.rooms,
    seed: config.seed,
    pinning,
    durationS: (performance.now() - started) / 1000,
    loadAverageAtStart,
    busyRuns: allRuns.filter((r) => 'busy' in r && r.busy).length,
    totalRuns: allRuns.length,
  };
  const targets = evaluateTargets(results, config.quick);
  const markdown = renderMarkdown(meta, results, targets);
  console.log(markdown);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify({ meta, config, targets, results }, null, 1));
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown + '\n');
  log(`wrote bench/results/latest.json and latest.md in ${Math.round(meta.durationS)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
