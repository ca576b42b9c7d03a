import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RelayLimits } from '@seen/shared/protocol';
import { startRelay, type PushOptions, type RunningRelay } from '../src/startRelay.ts';
import { createMemoryStorage } from '../src/storage/MemoryStorage.ts';
import type { RelayStorage } from '../src/storage/RelayStorage.ts';
import { createSqliteStorage } from '../src/storage/SqliteStorage.ts';
import { createLogger, type Logger } from '../src/log.ts';
import type { RoomBus } from '../src/bus/RoomBus.ts';

export { createMemoryStorage, createSqliteStorage, startRelay, createLogger };
export type { RelayStorage, RunningRelay, Logger };

export interface TestRelay extends RunningRelay {
  readonly storage: RelayStorage;
  /** The SQLite file (sqlite storage only). */
  readonly dbPath: string | null;
  readonly dataDir: string;
  /** Every log line the relay wrote. */
  readonly logLines: string[];
}

/** A real relay on 127.0.0.1:0 with real SQLite in a temp folder (or memory). Call close() after. */
export async function startTestRelay(options: { storage?: 'sqlite' | 'memory'; limits?: Partial<RelayLimits>; dataDir?: string; customStorage?: RelayStorage; staticDir?: string; bus?: RoomBus; push?: PushOptions; clock?: () => number } = {}): Promise<TestRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'seen-relay-'));
  const dbPath = options.storage === 'memory' ? null : join(dataDir, 'relay.sqlite');
  const storage = options.customStorage ?? (dbPath === null ? createMemoryStorage() : createSqliteStorage({ path: dbPath }));
  const logLines: string[] = [];
  const running = await startRelay({
    storage,
    port: 0,
    limits: options.limits,
    staticDir: options.staticDir,
    bus: options.bus,
    push: options.push,
    clock: options.clock,
    logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
  });
  return {
    ...running,
    storage,
    dbPath,
    dataDir,
    logLines,
    async close() {
      await running.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { startTcpTap, type TcpTap } from './tcpTap.ts';
export { startPostgres, type TestPostgres } from './engines/startPostgres.ts';
export { startRedis, type TestRedis } from './engines/startRedis.ts';
export { createPostgresStorage } from '../src/storage/PostgresStorage.ts';
export { createRedisBus } from '../src/bus/RedisBus.ts';
export { startFrameProxy, type FrameProxy, type Direction } from './frameProxy.ts';
export { connectRawClient, type RawClient } from './rawClient.ts';
export { startHostileRelay, envelopeKey, type HostileRelay, type RelayedFrame, type ToClientRule } from './hostileRelay.ts';
export { connectFastClient, createFastRoom, pauseReading, resumeReading, type FastClient, type FastRoom } from './fastClient.ts';
export { startPushEndpoint, createPushSubscriber, type TestPushEndpoint, type PushSubscriber, type ReceivedPush } from './pushEndpoint.ts';
