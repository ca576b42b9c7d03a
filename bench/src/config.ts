/** Everything that differs between `pnpm bench` and `pnpm bench --quick`. */
export interface BenchConfig {
  readonly quick: boolean;
  readonly reps: number;
  readonly seed: number;
  readonly w1: { sizes: number[]; roundTrips: number; roundTrips4k: number; warmup: number; reps: number };
  readonly w2: { rooms: number[]; durationMs: number; warmupMs: number; reps: number };
  readonly w4: { rooms: number; rates: number[]; durationMs: number; reps: number };
  readonly w5: { sizes: number[]; baselineSizes: number[]; joinsPerRoom: number; backgroundRooms: number; reps: number };
  readonly w6: { clients: number; jitterMs: number; reps: number };
  readonly w7: { connections: number; idleMs: number; reps: number };
  readonly w9: { rooms: number; ratePerSecond: number; kills: number };
  readonly client: { sessions: number; cardsPerSession: number; keystrokesPerAnswer: number };
  /**
   * Several relays on PostgreSQL + Redis: W2 typing (`rooms`, `durationMs`, `warmupMs`), W1
   * ping-pong (`pingSizes`, `roundTrips`, `pingWarmup`), durable ingest (`ingestRooms` × 2 writers,
   * `ingestWindow` unacknowledged PUTs each, `ingestMs`), a storm with a relay killed
   * (`stormClients`, `jitterMs`; the kill comes once `killAtLiveShare` of the doomed relay's
   * clients are live on it again).
   */
  readonly cluster: {
    rooms: number[];
    durationMs: number;
    warmupMs: number;
    pingSizes: number[];
    roundTrips: number;
    pingWarmup: number;
    ingestRooms: number;
    ingestWindow: number;
    ingestMs: number;
    stormClients: number;
    jitterMs: number;
    killAtLiveShare: number;
    reps: number;
  };
}

export const FULL: BenchConfig = {
  quick: false,
  reps: 3,
  seed: 20_261_125,
  w1: { sizes: [32, 256, 4096], roundTrips: 10_000, roundTrips4k: 3_000, warmup: 500, reps: 3 },
  w2: { rooms: [100, 1000], durationMs: 30_000, warmupMs: 5_000, reps: 3 },
  w4: { rooms: 1000, rates: [10_000, 15_000, 20_000, 25_000, 30_000, 40_000], durationMs: 4_000, reps: 3 },
  w5: { sizes: [1_000, 10_000, 100_000], baselineSizes: [1_000, 10_000, 100_000], joinsPerRoom: 3, backgroundRooms: 1000, reps: 3 },
  w6: { clients: 10_000, jitterMs: 1_000, reps: 3 },
  w7: { connections: 10_000, idleMs: 5_000, reps: 3 },
  w9: { rooms: 200, ratePerSecond: 5_000, kills: 3 },
  client: { sessions: 52, cardsPerSession: 3, keystrokesPerAnswer: 300 },
  cluster: { rooms: [1000], durationMs: 20_000, warmupMs: 5_000, pingSizes: [32, 4096], roundTrips: 2_000, pingWarmup: 300, ingestRooms: 16, ingestWindow: 32, ingestMs: 6_000, stormClients: 4_000, jitterMs: 1_000, killAtLiveShare: 0.5, reps: 2 },
};

export const QUICK: BenchConfig = {
  quick: true,
  reps: 3,
  seed: 20_261_125,
  w1: { sizes: [32, 4096], roundTrips: 1_000, roundTrips4k: 400, warmup: 200, reps: 3 },
  w2: { rooms: [100, 1000], durationMs: 7_000, warmupMs: 2_000, reps: 1 },
  w4: { rooms: 500, rates: [10_000, 25_000], durationMs: 2_500, reps: 1 },
  w5: { sizes: [1_000, 10_000, 100_000], baselineSizes: [1_000, 10_000], joinsPerRoom: 1, backgroundRooms: 100, reps: 1 },
  w6: { clients: 2_000, jitterMs: 1_000, reps: 1 },
  w7: { connections: 2_000, idleMs: 2_000, reps: 1 },
  w9: { rooms: 200, ratePerSecond: 5_000, kills: 1 },
  client: { sessions: 52, cardsPerSession: 3, keystrokesPerAnswer: 120 },
  cluster: { rooms: [200], durationMs: 7_000, warmupMs: 2_000, pingSizes: [32], roundTrips: 1_000, pingWarmup: 200, ingestRooms: 8, ingestWindow: 32, ingestMs: 3_000, stormClients: 1_000, jitterMs: 1_000, killAtLiveShare: 0.5, reps: 1 },
};
