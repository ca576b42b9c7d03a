import { execFile, spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findFreePort } from './findFreePort.ts';

const run = promisify(execFile);

/** A throwaway PostgreSQL server on a loopback port, owned by one test process. */
export interface TestPostgres {
  /** The `postgres` database as superuser (trust auth on loopback). */
  readonly connectionString: string;
  readonly port: number;
  /** The server's data folder (heap files, WAL): the plaintext canary scans it. */
  readonly dataDir: string;
  /** 'fast' disconnects clients and shuts down cleanly; 'immediate' is a crash (recovery on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts again on the same port and data folder. */
  start(): Promise<void>;
  /** Stops the server and deletes its folder. */
  remove(): Promise<void>;
  /** Creates a fresh, empty database and returns its connection string. */
  createDatabase(): Promise<string>;
}

/** Debian keeps each major version's server binaries in /usr/lib/postgresql/<major>/bin. */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
/** How often the watchdog checks that the test process is alive. */
const WATCHDOG_INTERVAL_SECONDS = 1;

function findPostgresBin(): string {
  const fromEnv = process.env.POSTGRES_BIN;
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const versions = existsSync(DEBIAN_POSTGRES_ROOT)
    ? readdirSync(DEBIAN_POSTGRES_ROOT)
        .filter((name) => existsSync(join(DEBIAN_POSTGRES_ROOT, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `The tests need PostgreSQL's server binaries (initdb) and found none in ${DEBIAN_POSTGRES_ROOT}/*/bin: run 'bash scripts/ensureEngines.sh' as root, or 'sudo apt-get install -y postgresql', or set POSTGRES_BIN.`,
    );
  }
  return join(DEBIAN_POSTGRES_ROOT, versions[0]!, 'bin');
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` OS user. */
const asRoot = process.getuid?.() === 0;
function runAsServerUser(command: string, args: readonly string[]): Promise<unknown> {
  return asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, [...args]);
}

/**
 * A detached shell that outlives this process: once it is gone (a crashed or killed test run), the
 * watchdog stops the server and deletes its folder, so no PostgreSQL lingers.
 */
function startWatchdog(dir: string, dataDir: string): number {
  const script = `
    while kill -0 ${process.pid} 2>/dev/null; do sleep ${WATCHDOG_INTERVAL_SECONDS}; done
    if [ -f "${dataDir}/postmaster.pid" ]; then
      pid=$(head -n 1 "${dataDir}/postmaster.pid")
      kill -QUIT "$pid" 2>/dev/null
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
    rm -rf "${dir}"
  `;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog.pid!;
}

let databaseCount = 0;

/** initdb into a temporary folder and start a server on a free loopback port (fsync on). */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'seen-postgres-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (asRoot) await run('chown', ['-R', 'postgres:postgres', dir]);
  else chmodSync(dir, 0o700);
  const watchdogPid = startWatchdog(dir, dataDir);
  const port = await findFreePort();
  try {
    // --no-sync only skips flushing initdb's own files; the server below runs with fsync on.
    await runAsServerUser(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      [
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'fsync = on',
        'synchronous_commit = on',
        'max_connections = 200',
        'shared_buffers = 64MB',
        '',
      ].join('\n'),
    );
  } catch (error) {
    process.kill(watchdogPid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const pgCtl = (...args: string[]): Promise<unknown> => runAsServerUser(join(bin, 'pg_ctl'), ['-D', dataDir, ...args]);
  const connectionString = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const start = async (): Promise<void> => {
    await pgCtl('-l', logFile, '-w', '-t', '60', 'start');
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    await pgCtl('-m', mode, '-w', '-t', '60', 'stop');
  };
  await start();

  return {
    connectionString,
    port,
    dataDir,
    start,
    stop,
    async remove() {
      await stop('immediate').catch(() => undefined);
      try {
        process.kill(watchdogPid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    },
    async createDatabase() {
      const name = `seen_test_${process.pid}_${++databaseCount}`;
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
  };
}
