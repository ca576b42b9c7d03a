import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BENCH_DIST, BENCH_ROOT, REPO_ROOT, SERVER_MAIN } from './paths.ts';
import { readCpuMicros, readRssBytes } from './procStats.ts';
import { findFreePort } from '../../../server/test/engines/findFreePort.ts';

/**
 * The servers a run compares. `seen` is the built relay; `seen-raised` the same code with raised
 * limits; `seen-cluster` the same code on PostgreSQL + Redis (DATABASE_URL, REDIS_URL), one of
 * several relays serving the same rooms.
 */
export type ServerKind = 'seen' | 'seen-raised' | 'seen-cluster' | 'floor' | 'yws' | 'hocus';

/** Every kind that runs Seen's relay (and so speaks Seen's protocol). */
export function isSeenKind(kind: ServerKind): boolean {
  return kind === 'seen' || kind === 'seen-raised' || kind === 'seen-cluster';
}

export const SERVER_LABEL: Record<ServerKind, string> = {
  seen: 'Seen relay (SQLite)',
  'seen-raised': 'Seen relay (SQLite, raised limits)',
  'seen-cluster': 'Seen relay (PostgreSQL + Redis, one of several)',
  floor: 'bare ws forwarder',
  yws: '@y/websocket-server 0.1.1',
  hocus: '@hocuspocus/server 3.4.4',
};

export interface CpuPinning {
  readonly available: boolean;
  readonly serverCpu: number;
  readonly generatorCpu: number;
}

let pinning: CpuPinning | null = null;

/** Pins this process (the load generator, every thread) to CPU 0; servers go to CPU 1. */
export function setUpPinning(): CpuPinning {
  if (pinning !== null) return pinning;
  const which = spawnSync('which', ['taskset'], { encoding: 'utf8' });
  const available = which.status === 0 && which.stdout.trim() !== '';
  if (available) {
    const result = spawnSync('taskset', ['-a', '-pc', '0', String(process.pid)], { encoding: 'utf8' });
    pinning = { available: result.status === 0, serverCpu: 1, generatorCpu: 0 };
  } else {
    pinning = { available: false, serverCpu: -1, generatorCpu: -1 };
  }
  return pinning;
}

let bundled = false;

/** Bundles the small server launchers with esbuild (same flags as the server's own build). */
export async function buildLaunchers(): Promise<void> {
  if (bundled) return;
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(`${SERVER_MAIN} is missing: build it first with \`pnpm --filter @seen/server build\` (\`pnpm bench\` does).`);
  }
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    logLevel: 'error' as const,
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    external: ['better-sqlite3', 'ws', '@hocuspocus/*', 'yjs', 'y-protocols', 'lib0', 'lib0/*'],
  };
  await build({
    ...common,
    entryPoints: {
      floor: resolve(BENCH_ROOT, 'src/servers/floorServer.ts'),
      hocus: resolve(BENCH_ROOT, 'src/servers/hocusServer.ts'),
    },
    outdir: BENCH_DIST,
    outExtension: { '.js': '.mjs' },
  });
  bundled = true;
}

/** The server tests' free-port finder (loopback, nobody listening right now). */
export { findFreePort as freePort };

function httpAlive(port: number): Promise<boolean> {
  return new Promise((resolveAlive) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: 500 }, (res) => {
      res.resume();
      resolveAlive(true);
    });
    req.on('error', () => resolveAlive(false));
    req.on('timeout', () => {
      req.destroy();
      resolveAlive(false);
    });
    req.end();
  });
}

export interface StartServerOptions {
  readonly kind: ServerKind;
  /** Persist to a temp folder (Seen always does; yws uses y-leveldb, hocus its SQLite extension). */
  readonly durable?: boolean;
  /** Reuse a data folder (crash/restart tests). */
  readonly dataDir?: string;
  readonly sqliteSync?: 'NORMAL' | 'FULL';
  readonly limits?: Record<string, number>;
  /** Write a V8 CPU profile into this folder when the server exits. */
  readonly cpuProfDir?: string;
  readonly port?: number;
  /** Serve this built client (Seen only); by default the relay serves no static files. */
  readonly staticDir?: string;
  /** seen-cluster only: the shared PostgreSQL database and Redis. */
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
}

export interface ServerHandle {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly port: number;
  readonly dataDir: string;
  /** Milliseconds from spawn until the server answered HTTP. */
  readonly startupMs: number;
  cpuMicros(): number;
  rssBytes(): number;
  heap(): Promise<{ heapUsed: number; external: number; arrayBuffers: number; rss: number }>;
  eventLoopDelay(reset?: boolean): Promise<{ p50: number; p99: number; max: number }>;
  /** Asks the probe to exit cleanly (so --cpu-prof writes its profile) and waits for the exit. */
  requestExit(): Promise<void>;
  /** SIGKILL, no cleanup of the data folder. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), then removes the temp data folder unless it was given. */
  stop(): Promise<void>;
  readonly output: string[];
}

const PROBE = pathToFileURL(resolve(BENCH_ROOT, 'src/servers/probe.mjs')).href;

function commandFor(kind: ServerKind): { script: string; cwd: string } {
  switch (kind) {
    case 'seen':
      // SEEN_RELAY_MAIN benchmarks a candidate relay build (e.g. a patched bundle) in place of
      // server/dist/main.js, with the same environment.
      return { script: process.env.SEEN_RELAY_MAIN ?? SERVER_MAIN, cwd: REPO_ROOT };
    case 'seen-raised':
    case 'seen-cluster':
      // The same built relay; raised limits arrive through RELAY_LIMITS_JSON, the engines through
      // DATABASE_URL and REDIS_URL.
      return { script: process.env.SEEN_RELAY_MAIN ?? SERVER_MAIN, cwd: REPO_ROOT };
    case 'floor':
      return { script: join(BENCH_DIST, 'floor.mjs'), cwd: BENCH_ROOT };
    case 'hocus':
      return { script: join(BENCH_DIST, 'hocus.mjs'), cwd: BENCH_ROOT };
    case 'yws':
      return { script: resolve(BENCH_ROOT, 'node_modules/@y/websocket-server/src/server.js'), cwd: BENCH_ROOT };
  }
}

/**
 * The flags in the root package.json's `start` script. A 2 MB young generation: after a burst of
 * handshakes V8 otherwise keeps a grown nursery for 10–20 s, ~10 KB of RSS per connection (M1).
 */
const RELAY_NODE_FLAGS = ['--max-semi-space-size=2'];

export async function startServer(options: StartServerOptions): Promise<ServerHandle> {
  await buildLaunchers();
  const pins = setUpPinning();
  const port = options.port ?? (await findFreePort());
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `seen-bench-${options.kind}-`));
  const { script, cwd } = commandFor(options.kind);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'error',
    NODE_ENV: 'production',
  };
  const seenLike = isSeenKind(options.kind);
  if (options.kind === 'seen-cluster') {
    if (options.databaseUrl === undefined || options.redisUrl === undefined) throw new Error('seen-cluster needs databaseUrl and redisUrl (start the engines first).');
    env.DATABASE_URL = options.databaseUrl;
    env.REDIS_URL = options.redisUrl;
  }
  if (seenLike) {
    env.DATA_DIR = dataDir;
    env.SQLITE_SYNC = options.sqliteSync ?? 'NORMAL';
    // No static client unless asked: the relay then answers only WebSocket and /healthz.
    env.STATIC_DIR = options.staticDir ?? join(dataDir, 'no-static');
    if (options.limits !== undefined) env.RELAY_LIMITS_JSON = JSON.stringify(options.limits);
  }
  if (options.durable === true && options.kind === 'yws') env.YPERSISTENCE = join(dataDir, 'leveldb');
  if (options.durable === true && options.kind === 'hocus') env.DATA_DIR = dataDir;
  // Seen runs with the V8 flags `pnpm start` gives it (RELAY_NODE_FLAGS); the others with their defaults.
  const nodeArgs = ['--expose-gc', '--import', PROBE, ...(seenLike ? RELAY_NODE_FLAGS : [])];
  if (options.cpuProfDir !== undefined) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  const argv = pins.available ? ['taskset', '-c', String(pins.serverCpu), process.execPath] : [process.execPath];
  const started = performance.now();
  const child: ChildProcess = spawn(argv[0]!, [...argv.slice(1), ...nodeArgs, script], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolveExit) => child.once('exit', () => {
    exited = true;
    resolveExit();
  }));
  // The probe answers on IPC; requests are matched by id.
  let nextId = 1;
  const waiting = new Map<number, (value: Record<string, number>) => void>();
  child.on('message', (message: Record<string, number>) => {
    const done = waiting.get(message.id ?? -1);
    if (done !== undefined) {
      waiting.delete(message.id!);
      done(message);
    }
  });
  const ask = (cmd: string, extra: Record<string, unknown> = {}): Promise<Record<string, number>> =>
    new Promise((resolveAsk, reject) => {
      if (exited) return reject(new Error('server exited'));
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`probe ${cmd} timed out`));
      }, 30_000);
      waiting.set(id, (value) => {
        clearTimeout(timer);
        resolveAsk(value);
      });
      child.send({ cmd, id, ...extra });
    });

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${options.kind} exited during startup:\n${output.join('')}`);
    if (await httpAlive(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.kind} did not answer on port ${port} within 30 s:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 15));
  }
  const startupMs = performance.now() - started;
  // taskset execs node in place, so the child's pid is the server's pid.
  const pid = child.pid!;
  const cleanup = (): void => {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    kind: options.kind,
    pid,
    port,
    dataDir,
    startupMs,
    output,
    cpuMicros: () => (exited ? 0 : readCpuMicros(pid)),
    rssBytes: () => (exited ? 0 : readRssBytes(pid)),
    heap: async () => {
      const answer = await ask('heap');
      return { heapUsed: answer.heapUsed!, external: answer.external!, arrayBuffers: answer.arrayBuffers!, rss: answer.rss! };
    },
    eventLoopDelay: async (reset = false) => {
      const answer = await ask('eld', { reset });
      return { p50: answer.p50!, p99: answer.p99!, max: answer.max! };
    },
    requestExit: async () => {
      if (exited) return;
      child.send({ cmd: 'exit', id: 0 });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
    kill: async () => {
      if (!exited) child.kill('SIGKILL');
      await exit;
    },
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}
