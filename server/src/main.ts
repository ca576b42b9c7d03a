import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type LogLevel } from './log.ts';
import { parseLimitOverrides } from './parseLimitOverrides.ts';
import { startRelay } from './startRelay.ts';
import type { RelayStorage } from './storage/RelayStorage.ts';
import { createSqliteStorage } from './storage/SqliteStorage.ts';

// The only file that reads the environment (README "Self-hosting" lists these variables).
const env = process.env;
const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(env.DATA_DIR ?? './data');
const staticDir = resolve(env.STATIC_DIR ?? join(here, '../../client/dist'));
const logger = createLogger({ level: (env.LOG_LEVEL as LogLevel | undefined) ?? 'info' });
const GC_INTERVAL_MS = 60 * 60 * 1000;

const limitOverrides = env.RELAY_LIMITS_JSON === undefined ? { ok: true as const, value: {} } : parseLimitOverrides(env.RELAY_LIMITS_JSON);
if (!limitOverrides.ok) {
  console.error(limitOverrides.error);
  process.exit(2);
}

const pushContact = env.PUSH_CONTACT === '' ? undefined : env.PUSH_CONTACT;
if (pushContact !== undefined && !/^(mailto:|https:\/\/)\S+$/.test(pushContact)) {
  console.error('PUSH_CONTACT must be a mailto: address or an https: URL where push services can reach the operator (for example mailto:you@example.com).');
  process.exit(2);
}

const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
const redisUrl = env.REDIS_URL === '' ? undefined : env.REDIS_URL;
if (redisUrl !== undefined && databaseUrl === undefined) {
  console.error(
    'REDIS_URL is set but DATABASE_URL is not: relays can only share rooms through one PostgreSQL database. Set DATABASE_URL on every relay too, or unset REDIS_URL to run a single relay on SQLite.',
  );
  process.exit(2);
}

const fail = (what: string, error: unknown): never => {
  // A sentence for the operator, not a stack; nothing is changed.
  console.error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
};

async function openStorage(): Promise<RelayStorage> {
  if (databaseUrl !== undefined) {
    try {
      // Loaded only when asked for: a relay on SQLite carries neither pg nor ioredis in its heap.
      const { createPostgresStorage } = await import('./storage/PostgresStorage.ts');
      return await createPostgresStorage({ connectionString: databaseUrl, logger });
    } catch (error) {
      return fail('Seen could not open its PostgreSQL database (DATABASE_URL)', error);
    }
  }
  const path = join(dataDir, 'seen-relay.sqlite');
  try {
    mkdirSync(dataDir, { recursive: true });
    return createSqliteStorage({ path, synchronous: env.SQLITE_SYNC === 'FULL' ? 'FULL' : 'NORMAL' });
  } catch (error) {
    return fail(`Seen could not open its data file ${path}`, error);
  }
}
const storage = await openStorage();
const bus = redisUrl === undefined ? undefined : (await import('./bus/RedisBus.ts')).createRedisBus({ url: redisUrl, logger });
const running = await startRelay({
  storage,
  host: env.HOST ?? '127.0.0.1',
  port: Number(env.PORT ?? 8080),
  staticDir,
  publicOrigin: env.PUBLIC_ORIGIN,
  trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
  logger,
  bus,
  push: {
    ...(env.PUSH_ALLOWED_HOSTS === undefined || env.PUSH_ALLOWED_HOSTS === ''
      ? {}
      : { allowedHosts: env.PUSH_ALLOWED_HOSTS.split(',').map((host) => host.trim()).filter((host) => host !== '') }),
    allowPrivateAddresses: env.PUSH_ALLOW_PRIVATE_ADDRESSES === '1',
    ...(pushContact === undefined ? {} : { contact: pushContact }),
  },
  limits: {
    ...(env.ROOM_QUOTA_BYTES === undefined ? {} : { roomQuotaBytes: Number(env.ROOM_QUOTA_BYTES) }),
    ...(env.MAX_CONNECTIONS_PER_IP === undefined ? {} : { maxConnectionsPerIp: Number(env.MAX_CONNECTIONS_PER_IP) }),
    ...limitOverrides.value,
  },
});
console.log(`Seen is running at ${running.httpUrl} (data in ${databaseUrl === undefined ? dataDir : 'PostgreSQL'}${bus === undefined ? '' : ', with the relays on Redis'})`);

const gcTimer = setInterval(() => {
  running.relay.collectGarbage().then(
    (removed) => logger.log('info', 'garbage collected', { removed }),
    (error: unknown) => logger.log('error', 'garbage collection failed', { error: String(error) }),
  );
}, GC_INTERVAL_MS);
gcTimer.unref();

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  logger.log('info', 'draining', { signal });
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
