import { createInProcessHub } from '../src/bus/InProcessBus.ts';
import { createRedisBus } from '../src/bus/RedisBus.ts';
import type { BusMessage, RoomBus } from '../src/bus/RoomBus.ts';
import { startRelay, type PushOptions, type RunningRelay } from '../src/startRelay.ts';
import { createMemoryStorage } from '../src/storage/MemoryStorage.ts';
import { createPostgresStorage } from '../src/storage/PostgresStorage.ts';
import type { RelayStorage } from '../src/storage/RelayStorage.ts';
import type { RelayLimits } from '@seen/shared/protocol';
import { startPostgres, type TestPostgres } from './engines/startPostgres.ts';
import { startRedis, type TestRedis } from './engines/startRedis.ts';

/** What several relays share: a database and a bus, each relay with its own connections to both. */
export interface ClusterBackend {
  readonly name: string;
  createStorage(): Promise<RelayStorage>;
  createBus(): Promise<RoomBus>;
  /** A second handle on the database, for the test to read the log directly. */
  readonly inspect: RelayStorage;
  remove(): Promise<void>;
  readonly postgres: TestPostgres | null;
  readonly redis: TestRedis | null;
}

/** Relays in this process sharing one in-memory store (shared sequencing) and an in-process bus. */
export function createMemoryBackend(): ClusterBackend {
  const storage = createMemoryStorage({ sharedSequencing: true });
  const hub = createInProcessHub();
  // Every relay gets the same store; closing one relay must not close it for the others.
  const shared: RelayStorage = { ...storage, close: async () => undefined };
  return {
    name: 'memory + in-process bus',
    createStorage: async () => shared,
    createBus: async () => hub.connect(),
    inspect: shared,
    remove: async () => undefined,
    postgres: null,
    redis: null,
  };
}

/** Throwaway PostgreSQL and Redis servers, started for the test and removed after it. */
export async function createEngineBackend(): Promise<ClusterBackend> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const inspect = await createPostgresStorage({ connectionString: postgres.connectionString });
  const opened: RelayStorage[] = [inspect];
  return {
    name: 'PostgreSQL + Redis',
    async createStorage() {
      const storage = await createPostgresStorage({ connectionString: postgres.connectionString });
      opened.push(storage);
      return storage;
    },
    createBus: async () => createRedisBus({ url: redis.url }),
    inspect,
    async remove() {
      await Promise.allSettled(opened.map((storage) => storage.close()));
      await Promise.allSettled([postgres.remove(), redis.remove()]);
    },
    postgres,
    redis,
  };
}

/**
 * A bus that loses the messages `drop` picks (what Redis pub/sub may do when a subscriber falls
 * behind or reconnects): the relays must notice and repair from the database.
 */
export function createLossyBus(bus: RoomBus, drop: (message: BusMessage) => boolean): RoomBus {
  return {
    relayId: bus.relayId,
    join: (roomId) => bus.join(roomId),
    leave: (roomId) => bus.leave(roomId),
    publish: (message) => {
      if (!drop(message)) bus.publish(message);
    },
    onMessage: (handler) => bus.onMessage(handler),
    onReconnect: (handler) => bus.onReconnect(handler),
    close: () => bus.close(),
  };
}

export async function startClusterRelays(
  backend: ClusterBackend,
  count: number,
  options: { limits?: Partial<RelayLimits>; wrapBus?: (bus: RoomBus, index: number) => RoomBus; push?: PushOptions } = {},
): Promise<RunningRelay[]> {
  const relays: RunningRelay[] = [];
  for (let index = 0; index < count; index++) {
    const bus = await backend.createBus();
    relays.push(
      await startRelay({
        storage: await backend.createStorage(),
        bus: options.wrapBus?.(bus, index) ?? bus,
        port: 0,
        limits: options.limits,
        push: options.push,
      }),
    );
  }
  return relays;
}
