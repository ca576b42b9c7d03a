import { Random } from './random.ts';

/**
 * An open-loop send schedule: every send has an intended time fixed before the run starts, so a
 * slow server cannot slow the senders down (no coordinated omission). Latency is measured from the
 * intended time.
 */
export interface Schedule {
  /** Intended send time, ms after the schedule starts; ascending. */
  readonly time: Float64Array;
  readonly client: Int32Array;
  /** 0 = stored update, 1 = presence. */
  readonly kind: Uint8Array;
  /** The k-th update (or presence) of that client. */
  readonly index: Int32Array;
  readonly updatesPerClient: Int32Array;
  readonly presencePerClient: Int32Array;
  /** Intended times of each client's updates, in order (for FIFO matching at the receiver). */
  readonly updateTimes: Float64Array[];
}

export const EVENT = { UPDATE: 0, PRESENCE: 1 } as const;

export interface TypingModel {
  /** Mean keystrokes per burst (exponential, at least 1). */
  readonly meanBurstKeys: number;
  /** Mean gap between keystrokes inside a burst (exponential, floor 40 ms): 200 ms ≈ 5 cps. */
  readonly meanKeyGapMs: number;
  /** Pause between bursts, uniform. */
  readonly pauseMs: readonly [number, number];
  /** Presence (cursor / "is writing") at most this often while typing, plus one when a burst ends. */
  readonly presenceEveryMs: number;
}

/** ≈ 5 cps inside a burst, 1–10 s pauses: a mean of ≈ 1.5 keystrokes per second per person. */
export const HUMAN_TYPING: TypingModel = { meanBurstKeys: 12, meanKeyGapMs: 200, pauseMs: [1000, 10_000], presenceEveryMs: 500 };

interface Event {
  t: number;
  client: number;
  kind: number;
  index: number;
}

function pack(events: Event[], clients: number): Schedule {
  events.sort((a, b) => a.t - b.t);
  const updatesPerClient = new Int32Array(clients);
  const presencePerClient = new Int32Array(clients);
  const perClientTimes: number[][] = Array.from({ length: clients }, () => []);
  for (const event of events) {
    if (event.kind === EVENT.UPDATE) {
      event.index = updatesPerClient[event.client]!++;
      perClientTimes[event.client]!.push(event.t);
    } else {
      event.index = presencePerClient[event.client]!++;
    }
  }
  return {
    time: Float64Array.from(events, (e) => e.t),
    client: Int32Array.from(events, (e) => e.client),
    kind: Uint8Array.from(events, (e) => e.kind),
    index: Int32Array.from(events, (e) => e.index),
    updatesPerClient,
    presencePerClient,
    updateTimes: perClientTimes.map((times) => Float64Array.from(times)),
  };
}

/** Human typing in bursts with presence, for `clients` clients over `durationMs`. */
export function buildTypingSchedule(options: { clients: number; durationMs: number; seed: number; model?: TypingModel }): Schedule {
  const model = options.model ?? HUMAN_TYPING;
  const random = new Random(options.seed);
  const events: Event[] = [];
  for (let client = 0; client < options.clients; client++) {
    const rng = random.fork(client);
    let t = rng.uniform(0, model.pauseMs[1]);
    while (t < options.durationMs) {
      const keys = 1 + Math.floor(rng.exponential(model.meanBurstKeys - 1));
      let lastPresence = -Infinity;
      for (let k = 0; k < keys && t < options.durationMs; k++) {
        t += Math.max(40, rng.exponential(model.meanKeyGapMs));
        if (t >= options.durationMs) break;
        events.push({ t, client, kind: EVENT.UPDATE, index: 0 });
        if (t - lastPresence >= model.presenceEveryMs) {
          events.push({ t: t + 0.01, client, kind: EVENT.PRESENCE, index: 0 });
          lastPresence = t;
        }
      }
      if (t + 300 < options.durationMs) events.push({ t: t + 300, client, kind: EVENT.PRESENCE, index: 0 });
      t += rng.uniform(model.pauseMs[0], model.pauseMs[1]);
    }
  }
  return pack(events, options.clients);
}

/** Constant-rate Poisson sends (updates only) spread over clients: for throughput steps. */
export function buildPoissonSchedule(options: { clients: number; durationMs: number; ratePerSecond: number; seed: number }): Schedule {
  const random = new Random(options.seed);
  const events: Event[] = [];
  const meanGap = 1000 / options.ratePerSecond;
  let t = 0;
  for (;;) {
    t += random.exponential(meanGap);
    if (t >= options.durationMs) break;
    events.push({ t, client: random.int(0, options.clients), kind: EVENT.UPDATE, index: 0 });
  }
  return pack(events, options.clients);
}

/** Runs a schedule against `fire`, open loop. Resolves when the last event has been fired. */
export function runSchedule(
  schedule: Schedule,
  fire: (client: number, kind: number, index: number, intendedAt: number) => void,
  options: { startAt: number; onLag?: (lagMs: number) => void },
): Promise<void> {
  const { time, client, kind, index } = schedule;
  const n = time.length;
  let i = 0;
  return new Promise((resolveRun) => {
    const tick = (): void => {
      const now = performance.now() - options.startAt;
      while (i < n && time[i]! <= now) {
        options.onLag?.(now - time[i]!);
        fire(client[i]!, kind[i]!, index[i]!, options.startAt + time[i]!);
        i++;
      }
      if (i >= n) return resolveRun();
      // Timers have 1 ms granularity; sleeping until the next intended time keeps the generator cheap
      // (no spinning). The lateness this adds is measured (send lag) and is the same for every server.
      const wait = time[i]! - (performance.now() - options.startAt);
      setTimeout(tick, Math.max(0, wait));
    };
    const first = (time[0] ?? 0) - (performance.now() - options.startAt);
    setTimeout(tick, Math.max(0, first));
  });
}
