import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './findFreePort.ts';
import { killOnExit } from './killOnExit.ts';

/** A throwaway Redis for one test file: no persistence, loopback only, removed afterwards. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stop the server (as a restart's first half); the port stays reserved for start(). */
  stop(): Promise<void>;
  /** Start it again on the same port and wait until it answers. */
  start(): Promise<void>;
  /** SIGSTOP: connections stay open, nothing is answered. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Kill the server and delete its folder. */
  remove(): Promise<void>;
}

const REDIS_SERVER_CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];
const READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 25;
const PING_TIMEOUT_MS = 500;
const STOP_TIMEOUT_MS = 5_000;

function findRedisServer(): string {
  const found = REDIS_SERVER_CANDIDATES.find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(
      'redis-server was not found (looked in /usr/bin and /usr/local/bin). Install the Debian package redis-server (apt-get install redis-server), or run scripts/ensureEngines.sh as root.',
    );
  }
  return found;
}

/** One PING over a raw socket: true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PING_TIMEOUT_MS, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

export async function startRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'seen-redis-'));
  const port = await findFreePort();
  let child: ChildProcess | null = null;
  let output = '';

  async function start(): Promise<void> {
    if (child !== null) throw new Error('The test Redis is already running: stop() it before start().');
    output = '';
    const spawned = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = spawned;
    // A test run that dies (or forgets remove()) must not leave redis-server behind.
    const forget = spawned.pid === undefined ? () => false : killOnExit(spawned.pid);
    const collect = (data: Buffer): void => {
      if (output.length < 4096) output += data.toString();
    };
    spawned.stdout?.on('data', collect);
    spawned.stderr?.on('data', collect);
    let exited = false;
    spawned.once('exit', () => {
      exited = true;
      forget();
      if (child === spawned) child = null;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await ping(port))) {
      if (exited) throw new Error(`redis-server exited during start-up on port ${port}: ${output.trim() || 'no output'}`);
      if (Date.now() > deadline) {
        spawned.kill('SIGKILL');
        throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms: ${output.trim() || 'no output'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const running = child;
    if (running === null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    // A paused server handles SIGTERM only once it runs again.
    running.kill('SIGCONT');
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop: () => stop('SIGTERM'),
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async remove() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
