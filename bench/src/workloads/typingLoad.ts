import { LatencyHistogram, type LatencySummary } from '../lib/histogram.ts';
import { EVENT, runSchedule, type Schedule } from '../lib/schedule.ts';
import type { ServerHandle } from '../lib/serverProcess.ts';
import type { BenchClient, ClientSink } from '../clients/benchClient.ts';
import { closeAll, connectAll, FOREIGN_BUSY_LIMIT, GENERATOR_CPU_LIMIT, SEND_LAG_P99_LIMIT_MS } from './common.ts';
import type { ClientPlan } from './rooms.ts';

/**
 * Rooms of two people typing, open loop from a seeded schedule. Each delivered update is matched
 * FIFO to its sender's k-th intended send time (every server delivers one sender's updates in order).
 * `bucketOf(intendedAt)` picks which latency histogram a delivery counts in (-1 = none).
 */
export class TypingLoad {
  readonly histograms: { e2e: LatencyHistogram; transit: LatencyHistogram }[];
  readonly sendLag = new LatencyHistogram();
  /** Send → the relay's ACK (Seen: after the commit), for updates sent inside a bucket's window. */
  readonly ackLatency = new LatencyHistogram();
  delivered = 0;
  presenceDelivered = 0;
  acks = 0;
  orderErrors = 0;
  startAt = Infinity;
  private clients: BenchClient[] = [];
  private readonly received: Int32Array;
  private readonly sentAt: Float64Array[];
  private stopped = false;

  constructor(
    private readonly schedule: Schedule,
    private readonly plans: readonly ClientPlan[],
    private readonly bucketOf: (intendedAt: number) => number,
    buckets: number,
  ) {
    this.histograms = Array.from({ length: buckets }, () => ({ e2e: new LatencyHistogram(), transit: new LatencyHistogram() }));
    this.received = new Int32Array(plans.length);
    this.sentAt = schedule.updateTimes.map((times) => new Float64Array(times.length));
  }

  get expectedTotal(): number {
    return this.schedule.updateTimes.reduce((sum, times) => sum + times.length, 0);
  }

  /**
   * `portOf` puts each client on its own relay (several relays serving the same rooms); then one
   * partner of every room connects before the other (see connectAll).
   */
  async connect(server: ServerHandle, portOf?: (client: number) => number): Promise<void> {
    const { schedule, received, sentAt } = this;
    this.clients = await connectAll(
      server.kind,
      portOf ?? server.port,
      this.plans,
      (i) => this.sinkFor(i, schedule, received, sentAt),
      undefined,
      portOf !== undefined,
    );
  }

  private sinkFor(i: number, schedule: Schedule, received: Int32Array, sentAt: Float64Array[]): ClientSink {
    const partner = i ^ 1;
    return {
      update: (seq) => {
        const now = performance.now();
        const k = received[partner]!++;
        if (seq >= 0 && seq !== k) this.orderErrors++;
        this.delivered++;
        const intended = this.startAt + schedule.updateTimes[partner]![k]!;
        const bucket = this.bucketOf(intended);
        if (bucket >= 0) {
          this.histograms[bucket]!.e2e.recordMs(now - intended);
          this.histograms[bucket]!.transit.recordMs(now - sentAt[partner]![k]!);
        }
      },
      presence: () => {
        this.presenceDelivered++;
      },
      ack: (seq) => {
        this.acks++;
        // Seen's ACK carries the seq we sent (the k-th update of this client); others carry none.
        if (seq < 0 || seq >= sentAt[i]!.length) return;
        if (this.bucketOf(this.startAt + schedule.updateTimes[i]![seq]!) >= 0) this.ackLatency.recordMs(performance.now() - sentAt[i]![seq]!);
      },
    };
  }

  /** Starts the schedule `delayMs` from now; resolves when the last send has been made. */
  run(delayMs: number, recordLagFrom = 0): Promise<void> {
    this.startAt = performance.now() + delayMs;
    return runSchedule(
      this.schedule,
      (client, kind, index) => {
        if (this.stopped) return;
        const plan = this.plans[client]!;
        if (kind === EVENT.UPDATE) {
          this.sentAt[client]![index] = performance.now();
          this.clients[client]!.send(plan.updates[index]!);
        } else {
          this.clients[client]!.send(plan.presence[index]!);
        }
      },
      {
        startAt: this.startAt,
        onLag: (lag) => {
          if (performance.now() >= this.startAt + recordLagFrom) this.sendLag.recordMs(lag);
        },
      },
    );
  }

  /** Clients whose partner has not yet received all they sent (for diagnostics). */
  /**
   * The run's verdict, the same for every typing workload: the generator kept up (else the run is
   * not valid), the machine was quiet (else it is flagged busy), nothing arrived out of order or
   * went missing. Each finding is added to `notes` in words.
   */
  review(cpu: { readonly generatorCore: number; readonly foreignCore: number }, notes: string[]): { lag: LatencySummary; e2e: LatencySummary; valid: boolean; busy: boolean } {
    const lag = this.sendLag.summary();
    const e2e = this.histograms[0]!.e2e.summary();
    const valid = cpu.generatorCore <= GENERATOR_CPU_LIMIT && lag.p99 <= SEND_LAG_P99_LIMIT_MS;
    if (!valid) notes.push(`generator saturated or late: ${(cpu.generatorCore * 100).toFixed(0)} % CPU, send lag p99 ${lag.p99} ms`);
    const busy = cpu.foreignCore > FOREIGN_BUSY_LIMIT;
    if (busy) notes.push(`machine busy: other processes used ${(cpu.foreignCore * 100).toFixed(0)} % of a core`);
    if (this.orderErrors > 0) notes.push(`${this.orderErrors} updates arrived out of order`);
    if (this.delivered < this.expectedTotal) notes.push(`undelivered: ${this.expectedTotal - this.delivered} (${this.shortfall().join(', ')})`);
    return { lag, e2e, valid, busy };
  }

  shortfall(limit = 5): string[] {
    const short: string[] = [];
    for (let c = 0; c < this.plans.length && short.length < limit; c++) {
      const expected = this.schedule.updateTimes[c]!.length;
      if (this.received[c]! < expected) short.push(`client ${c}: ${this.received[c]}/${expected}`);
    }
    return short;
  }

  stop(): void {
    this.stopped = true;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await closeAll(this.clients);
  }
}
