import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RelayLimits } from '@seen/shared/protocol';
import { startRelay } from '../../../server/src/startRelay.ts';
import { createSqliteStorage } from '../../../server/src/storage/SqliteStorage.ts';
import { createLogger } from '../../../server/src/log.ts';

// Seen's relay with raised limits, for workloads the defaults would rate-limit (W1 ping-pong sends
// thousands of PUTs per second on one connection). Same code as server/src/main.ts — startRelay +
// SQLite storage — bundled by esbuild with the server's own flags; only the limits differ, read
// from RELAY_LIMITS_JSON (the env knob the bench asks main.ts to support).
const env = process.env;
const dataDir = resolve(env.DATA_DIR ?? './data');
mkdirSync(dataDir, { recursive: true });
const limits = JSON.parse(env.RELAY_LIMITS_JSON ?? '{}') as Partial<RelayLimits>;
const storage = createSqliteStorage({
  path: join(dataDir, 'seen-relay.sqlite'),
  synchronous: env.SQLITE_SYNC === 'FULL' ? 'FULL' : 'NORMAL',
});
const running = await startRelay({
  storage,
  host: env.HOST ?? '127.0.0.1',
  port: Number(env.PORT ?? 8080),
  logger: createLogger({ level: 'silent' }),
  limits,
});
console.log(`seen launcher ready at ${running.httpUrl}`);
process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
