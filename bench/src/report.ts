import type { LatencyResult } from './workloads/w1Latency.ts';
import type { TypingResult } from './workloads/w2Typing.ts';
import type { ThroughputStep } from './workloads/w4Throughput.ts';
import type { JoinRunResult } from './workloads/w5Runner.ts';
import type { StormResult } from './workloads/w6Storm.ts';
import type { IdleResult } from './workloads/w7Idle.ts';
import type { CrashResult } from './workloads/w9Crash.ts';
import type { BundleResult } from './workloads/clientSide.ts';
import type { LogBytesResult } from './workloads/logBytes.ts';
import type { RevealResult } from './workloads/revealLatency.ts';
import { LIGHTHOUSE_PAGES, type LighthouseRun } from './workloads/lighthouse.ts';
import type { ClusterIngestResult } from './workloads/clusterIngest.ts';
import type { ClusterStormResult } from './workloads/clusterStorm.ts';
import type { ClusterLayout, ClusterPingResult, ClusterTypingResult } from './workloads/clusterTyping.ts';

export interface YearJoinResult {
  readonly updates: number;
  readonly keystrokes: number;
  readonly answers: number;
  readonly snapshotKb: number;
  readonly tail: number;
  readonly syncedMs: number[];
  readonly streamMs: number[];
  readonly buildMs: number;
}

export interface Meta {
  readonly date: string;
  readonly node: string;
  readonly cores: number;
  readonly cpuModel: string;
  readonly kernel: string;
  readonly memoryGb: number;
  readonly commit: string;
  readonly dirty: boolean;
  readonly quick: boolean;
  readonly reps: number;
  /** Repetitions per workload, as run. */
  readonly repsByWorkload: string;
  readonly w4Rooms: number;
  readonly seed: number;
  readonly pinning: string;
  readonly durationS: number;
  readonly loadAverageAtStart: number;
  readonly busyRuns: number;
  readonly totalRuns: number;
}

export interface Results {
  w1: LatencyResult[];
  w2: TypingResult[];
  w4: ThroughputStep[];
  w5: JoinRunResult[];
  w6: StormResult[];
  w7: IdleResult[];
  w9: CrashResult[];
  bundle: BundleResult | null;
  year: YearJoinResult | null;
  log: LogBytesResult[];
  reveal: RevealResult[];
  lighthouse: LighthouseRun[];
  /** Several relays on PostgreSQL + Redis, next to one relay on SQLite measured in the same run. */
  cluster: { w2: ClusterTypingResult[]; w1: ClusterPingResult[]; ingest: ClusterIngestResult[]; storm: ClusterStormResult[] };
  failures: { workload: string; server: string; error: string }[];
}

export interface Target {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  readonly status: 'met' | 'missed' | 'n/a';
  readonly why?: string;
}

// ---- numbers --------------------------------------------------------------------------------

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(Math.min(1, digits));
  return value.toFixed(digits);
}

/** "median (min–max)" over repetitions, or the single value. */
function spread(values: readonly number[], digits = 2): string {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return '–';
  if (v.length === 1) return fmt(v[0]!, digits);
  return `${fmt(median(v), digits)} (${fmt(Math.min(...v), digits)}–${fmt(Math.max(...v), digits)})`;
}

const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : '–');

function table(headers: string[], rows: string[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const flags = (runs: readonly { valid?: boolean; busy?: boolean }[]): string => {
  const out: string[] = [];
  if (runs.some((r) => r.valid === false)) out.push('⚠ gen');
  if (runs.some((r) => r.busy === true)) out.push('busy');
  return out.join(', ');
};

const SERVER_NAME: Record<string, string> = {
  seen: 'Seen',
  'seen-raised': 'Seen*',
  floor: 'ws floor',
  yws: 'y-ws-server',
  hocus: 'Hocuspocus',
};
const name = (kind: string): string => SERVER_NAME[kind] ?? kind;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    map.set(k, [...(map.get(k) ?? []), item]);
  }
  return map;
}

// ---- targets --------------------------------------------------------------------------------

export function evaluateTargets(r: Results, quick: boolean): Target[] {
  const targets: Target[] = [];
  const w1 = (kind: string, size: number): number => median(r.w1.filter((x) => x.server === kind && x.payloadBytes === size).map((x) => x.hop.p50));
  const seenHop = w1('seen-raised', 32);
  const floorHop = w1('floor', 32);
  if (Number.isFinite(seenHop) && Number.isFinite(floorHop)) {
    const q = seenHop / floorHop;
    targets.push({ id: 'L1', target: 'W1 hop p50 ≤ 1.25× the bare ws hop (32 B)', measured: `${(seenHop * 1000).toFixed(0)} µs vs ${(floorHop * 1000).toFixed(0)} µs = ${q.toFixed(2)}×`, status: q <= 1.25 ? 'met' : 'missed' });
  }
  for (const rooms of [...new Set(r.w2.map((x) => x.rooms))].sort((a, b) => a - b)) {
    const cpu = (kind: string): number => median(r.w2.filter((x) => x.server === kind && x.rooms === rooms).map((x) => x.serverCpuUsPerUpdate));
    const seen = cpu('seen');
    const yws = cpu('yws');
    const hocus = cpu('hocus');
    if (Number.isFinite(seen) && Number.isFinite(yws)) {
      targets.push({ id: 'C1', target: `W2 N=${rooms}: CPU per delivered update ≤ 0.5× @y/websocket-server (durable)`, measured: `${fmt(seen)} vs ${fmt(yws)} µs = ${(seen / yws).toFixed(2)}×`, status: seen / yws <= 0.5 ? 'met' : 'missed' });
    }
    if (Number.isFinite(seen) && Number.isFinite(hocus)) {
      targets.push({ id: 'C1', target: `W2 N=${rooms}: CPU per delivered update ≤ 0.4× Hocuspocus (durable)`, measured: `${fmt(seen)} vs ${fmt(hocus)} µs = ${(seen / hocus).toFixed(2)}×`, status: seen / hocus <= 0.4 ? 'met' : 'missed' });
    }
  }
  const seenHeap = r.w5.filter((x) => x.server === 'seen').flatMap((x) => x.heapByHistoryMb);
  if (seenHeap.length > 0) {
    const sizes = [...new Set(seenHeap.map((h) => h.updates))].sort((a, b) => a - b);
    const at = (u: number): number => median(seenHeap.filter((h) => h.updates === u).map((h) => h.heapDeltaMb));
    const small = at(sizes[0]!);
    const large = at(sizes[sizes.length - 1]!);
    targets.push({ id: 'M2', target: 'Memory flat as edit history grows (server heap holding one room)', measured: `${fmt(small)} MB at ${sizes[0]} updates, ${fmt(large)} MB at ${sizes[sizes.length - 1]}`, status: Math.max(large, 0) - Math.max(small, 0) < 1 ? 'met' : 'missed' });
  }
  const seenSteps = r.w4.filter((x) => x.server === 'seen');
  if (seenSteps.length > 0) {
    const byRate = groupBy(seenSteps, (x) => String(x.nominalPerSecond));
    let sustained = 0;
    for (const runs of byRate.values()) {
      const ok = runs.filter((x) => x.reach >= 0.999 && x.e2e.p99 <= 50 && x.serverCore < 0.97);
      if (ok.length * 2 > runs.length) sustained = Math.max(sustained, median(runs.map((x) => x.deliveredPerSecond)));
    }
    // Where the relay's own core runs out: the first step at which it is ≥ 90 % busy.
    const saturated = [...byRate.values()]
      .map((runs) => ({ rate: median(runs.map((x) => x.nominalPerSecond)), core: median(runs.map((x) => x.serverCore)) }))
      .filter((x) => x.core >= 0.9)
      .sort((a, b) => a.rate - b.rate)[0];
    const saturation = saturated === undefined ? 'the relay stayed below 90 % of its core at every step' : `the relay's core is ≥ 90 % busy from ${fmt(saturated.rate)}/s`;
    targets.push({ id: 'T2', target: '≥ 50k durable messages/s on one core (W4)', measured: `sustained ${fmt(sustained)}/s (reach ≥ 99.9 %, p99 ≤ 50 ms, relay < 97 % of its core); ${saturation}`, status: sustained >= 50_000 ? 'met' : 'missed' });
  }
  const seenJoins = r.w5.filter((x) => x.server === 'seen').flatMap((x) => x.joins);
  for (const snapshot of [true, false]) {
    const runs = seenJoins.filter((j) => j.updates === 10_000 && j.snapshot === snapshot);
    if (runs.length === 0) continue;
    const ms = median(runs.map((j) => (Number.isFinite(j.syncedMs) ? j.syncedMs : j.coldSyncedMs)));
    const limit = snapshot ? 50 : 200;
    targets.push({ id: 'J1', target: `W5 10k-update room joins in ≤ ${limit} ms ${snapshot ? 'with' : 'without'} a snapshot (real client, decrypt + apply)`, measured: `${fmt(ms)} ms`, status: ms <= limit ? 'met' : 'missed' });
  }
  if (r.w6.length > 0) {
    const clients = r.w6[0]!.clients;
    const ms = median(r.w6.map((x) => x.resyncedMs));
    const lost = r.w6.reduce((s, x) => s + x.lost + x.duplicated, 0);
    const scaled = clients < 10_000 ? ` (${clients} clients in --quick)` : '';
    targets.push({ id: 'R1', target: 'W6 10k clients resynced ≤ 3 s, nothing lost or duplicated', measured: `${fmt(ms / 1000)} s for ${clients}${scaled}; lost + duplicated = ${lost}`, status: ms <= 3000 && lost === 0 && clients >= 10_000 ? 'met' : clients < 10_000 && ms <= 3000 && lost === 0 ? 'n/a' : 'missed' });
  }
  const w7 = r.w7.filter((x) => x.server === 'seen');
  if (w7.length > 0) {
    const kb = median(w7.map((x) => x.rssPerConnectionKb));
    targets.push({ id: 'M1', target: 'W7 ≤ 10 KB RSS per idle connection', measured: `${fmt(kb)} KB (heap ${fmt(median(w7.map((x) => x.heapPerConnectionKb)))} KB)`, status: kb <= 10 ? 'met' : 'missed' });
  }
  if (r.w9.length > 0) {
    const missing = r.w9.reduce((s, x) => s + x.ackedMissing, 0);
    const acked = r.w9.reduce((s, x) => s + x.ackedBeforeKill, 0);
    targets.push({ id: 'D1', target: 'W9 SIGKILL under load: 0 acknowledged updates missing', measured: `${missing} of ${acked} acknowledged (${r.w9.length} kills, NORMAL and FULL)`, status: missing === 0 ? 'met' : 'missed' });
  }
  targets.push(...evaluateClusterTargets(r));
  for (const page of LIGHTHOUSE_PAGES) {
    const runs = r.lighthouse.filter((x) => x.page === page);
    if (runs.length === 0) continue;
    const perf = median(runs.map((x) => x.performance));
    const cls = median(runs.map((x) => x.cls));
    const tbt = median(runs.map((x) => x.tbtMs));
    const a11y = median(runs.map((x) => x.accessibility));
    targets.push({
      id: 'P1',
      target: `Lighthouse mobile, ${page} page: performance ≥ 90, CLS ≤ 0.05, TBT ≤ 200 ms, accessibility 100 (medians)`,
      measured: `performance ${fmt(perf, 0)}, CLS ${cls.toFixed(3)}, TBT ${fmt(tbt, 0)} ms, accessibility ${fmt(a11y, 0)}`,
      status: perf >= 90 && cls <= 0.05 && tbt <= 200 && a11y === 100 ? 'met' : 'missed',
    });
  }
  void quick;
  return targets;
}

/** The issue's cluster targets at W2 N = 1,000; a smaller N (--quick) can only show a miss, not a pass. */
const CLUSTER_TARGET_ROOMS = 1000;
const CROSS_P50_LIMIT_MS = 10;
const CROSS_P99_LIMIT_MS = 50;
const PG_INGEST_TARGET = 15_000;

function evaluateClusterTargets(r: Results): Target[] {
  const targets: Target[] = [];
  const c = r.cluster;
  for (const rooms of [...new Set(c.w2.map((x) => x.rooms))].sort((a, b) => a - b)) {
    const runs = c.w2.filter((x) => x.layout === 'cross' && x.rooms === rooms);
    if (runs.length === 0) continue;
    const p50 = median(runs.map((x) => x.e2e.p50));
    const p99 = median(runs.map((x) => x.e2e.p99));
    const within = p50 <= CROSS_P50_LIMIT_MS && p99 <= CROSS_P99_LIMIT_MS && runs.every((x) => x.reach >= 0.999);
    const scaled = rooms < CLUSTER_TARGET_ROOMS ? ` (N=${rooms} in --quick)` : '';
    targets.push({
      id: 'X1',
      target: `W2 N=${CLUSTER_TARGET_ROOMS.toLocaleString('en-US')}, partners on different relays: delivery p50 ≤ ${CROSS_P50_LIMIT_MS} ms, p99 ≤ ${CROSS_P99_LIMIT_MS} ms`,
      measured: `p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms at N=${rooms}${scaled}; reach ${fmt(median(runs.map((x) => x.reach * 100)), 1)} %`,
      status: !within ? 'missed' : rooms >= CLUSTER_TARGET_ROOMS ? 'met' : 'n/a',
    });
  }
  const pgOne = c.ingest.filter((x) => x.layout === 'pg-one');
  if (pgOne.length > 0) {
    const rate = median(pgOne.map((x) => x.ackedPerSecond));
    const two = c.ingest.filter((x) => x.layout === 'cross');
    const twoText = two.length > 0 ? `; two relays together ${fmt(median(two.map((x) => x.ackedPerSecond)), 0)}/s` : '';
    targets.push({
      id: 'X2',
      target: `Durable ingest on PostgreSQL ≥ ${PG_INGEST_TARGET.toLocaleString('en-US')} updates/s per relay (acknowledged after COMMIT)`,
      measured: `${fmt(rate, 0)}/s on one relay${twoText}`,
      status: rate >= PG_INGEST_TARGET ? 'met' : 'missed',
    });
  }
  if (c.storm.length > 0) {
    const lost = c.storm.reduce((s, x) => s + x.lost, 0);
    const duplicated = c.storm.reduce((s, x) => s + x.duplicated, 0);
    const unresynced = c.storm.reduce((s, x) => s + (x.clients - x.resynced), 0);
    targets.push({
      id: 'X3',
      target: '0 acknowledged updates lost or duplicated when a relay is SIGKILLed mid-storm (its clients resync on another)',
      measured: `lost ${lost}, duplicated ${duplicated}, not resynced ${unresynced} (${c.storm.length} kill${c.storm.length === 1 ? '' : 's'}, ${c.storm[0]!.clients} clients)`,
      status: lost === 0 && duplicated === 0 && unresynced === 0 ? 'met' : 'missed',
    });
  }
  return targets;
}

// ---- Markdown -------------------------------------------------------------------------------

export function renderMarkdown(meta: Meta, r: Results, targets: Target[]): string {
  const out: string[] = [];
  out.push(`### Run of ${meta.date}${meta.quick ? ' (`--quick`)' : ''}`);
  out.push('');
  out.push(
    `Machine: ${meta.cores} × ${meta.cpuModel}, ${meta.memoryGb} GiB, Linux ${meta.kernel}, Node ${meta.node}. Commit \`${meta.commit.slice(0, 12)}\`${meta.dirty ? ' (+ uncommitted changes)' : ''}. ` +
      `${meta.pinning} Repetitions: ${meta.repsByWorkload}; servers interleaved (the order rotates each repetition); values are medians (min–max) over repetitions. ` +
      `Run time ${Math.round(meta.durationS)} s. Load average at start ${meta.loadAverageAtStart.toFixed(2)}; ${meta.busyRuns} of ${meta.totalRuns} runs saw other processes use > 15 % of a core ("busy").`,
  );
  out.push('');
  out.push('#### Targets');
  out.push('');
  out.push(table(['id', 'target', 'measured', 'status'], targets.map((t) => [t.id, t.target, t.measured, t.status === 'met' ? '✅ met' : t.status === 'missed' ? '❌ missed' : 'n/a'])));

  if (r.w1.length > 0) {
    out.push('', '#### W1 latency floor (1 room, ping-pong; one hop = half a round trip)', '');
    const rows: string[][] = [];
    for (const [key, runs] of groupBy(r.w1, (x) => `${x.payloadBytes}|${x.server}`)) {
      const [size] = key.split('|');
      const floor = r.w1.filter((x) => x.server === 'floor' && x.payloadBytes === Number(size));
      rows.push([
        `${size} B`,
        name(runs[0]!.server),
        String(runs[0]!.wireBytes),
        spread(runs.map((x) => x.hop.p50 * 1000), 0),
        spread(runs.map((x) => x.hop.p99 * 1000), 0),
        ratio(median(runs.map((x) => x.hop.p50)), median(floor.map((x) => x.hop.p50))),
        flags(runs),
      ]);
    }
    out.push(table(['payload', 'server', 'wire B', 'hop p50 µs', 'hop p99 µs', 'p50 vs floor', 'flags'], rows));
  }

  if (r.w2.length > 0) {
    out.push('', '#### W2 human typing (rooms × 2 people typing in bursts, with presence; all servers durable)', '');
    const rows: string[][] = [];
    for (const [, runs] of groupBy(r.w2, (x) => `${String(x.rooms).padStart(6, '0')}|${x.server}`)) {
      const x0 = runs[0]!;
      rows.push([
        String(x0.rooms),
        name(x0.server),
        fmt(median(runs.map((x) => x.updatesPerSecond)), 0),
        spread(runs.map((x) => x.e2e.p50)),
        spread(runs.map((x) => x.e2e.p99)),
        spread(runs.map((x) => x.transit.p50)),
        spread(runs.map((x) => x.serverCpuUsPerUpdate), 0),
        spread(runs.map((x) => x.serverCore * 100), 1),
        spread(runs.map((x) => x.rssEndMb), 0),
        spread(runs.map((x) => x.heapEndMb), 1),
        spread(runs.map((x) => x.eventLoopP99Ms), 1),
        fmt(median(runs.map((x) => x.reach * 100)), 1),
        spread(runs.map((x) => x.generatorCore * 100), 0),
        flags(runs),
      ]);
    }
    out.push(table(['rooms', 'server', 'upd/s', 'e2e p50 ms', 'e2e p99 ms', 'transit p50 ms', 'CPU µs/update', 'server CPU %', 'RSS MB', 'heap MB', 'loop p99 ms', 'reach %', 'gen CPU %', 'flags'], rows));
    out.push('');
    const ratioRows: string[][] = [];
    for (const rooms of [...new Set(r.w2.map((x) => x.rooms))].sort((a, b) => a - b)) {
      const m = (kind: string, f: (x: TypingResult) => number): number => median(r.w2.filter((x) => x.server === kind && x.rooms === rooms).map(f));
      for (const base of ['floor', 'yws', 'hocus']) {
        if (!r.w2.some((x) => x.server === base && x.rooms === rooms) || !r.w2.some((x) => x.server === 'seen' && x.rooms === rooms)) continue;
        ratioRows.push([
          String(rooms),
          `Seen ÷ ${name(base)}`,
          ratio(m('seen', (x) => x.serverCpuUsPerUpdate), m(base, (x) => x.serverCpuUsPerUpdate)),
          ratio(m('seen', (x) => x.e2e.p50), m(base, (x) => x.e2e.p50)),
          ratio(m('seen', (x) => x.e2e.p99), m(base, (x) => x.e2e.p99)),
          ratio(m('seen', (x) => x.rssEndMb - x.rssIdleMb), m(base, (x) => x.rssEndMb - x.rssIdleMb)),
          ratio(m('seen', (x) => x.heapEndMb), m(base, (x) => x.heapEndMb)),
        ]);
      }
    }
    if (ratioRows.length > 0) out.push(table(['rooms', 'ratio', 'CPU/update', 'e2e p50', 'e2e p99', 'RSS growth while typing', 'heap after GC'], ratioRows));
  }

  if (r.w4.length > 0) {
    out.push('', `#### W4 durable throughput (open-loop Poisson over ${meta.w4Rooms.toLocaleString('en-US')} rooms × 2, keystroke envelopes, default per-connection limits)`, '');
    const rows: string[][] = [];
    for (const [, runs] of groupBy(r.w4, (x) => `${String(x.nominalPerSecond).padStart(7, '0')}|${x.server}`)) {
      rows.push([
        fmt(median(runs.map((x) => x.nominalPerSecond)), 0),
        name(runs[0]!.server),
        fmt(median(runs.map((x) => x.deliveredPerSecond)), 0),
        fmt(median(runs.map((x) => x.reach * 100)), 1),
        spread(runs.map((x) => x.e2e.p50)),
        spread(runs.map((x) => x.e2e.p99)),
        spread(runs.map((x) => x.serverCore * 100), 0),
        spread(runs.map((x) => x.serverCpuUsPerUpdate), 0),
        fmt(median(runs.map((x) => x.acksPerSecond)), 0),
        spread(runs.map((x) => x.generatorCore * 100), 0),
        flags(runs),
      ]);
    }
    out.push(table(['rate/s', 'server', 'delivered/s', 'reach %', 'e2e p50 ms', 'e2e p99 ms', 'server CPU %', 'CPU µs/update', 'acks/s', 'gen CPU %', 'flags'], rows));
  }

  if (r.w5.length > 0) {
    out.push('', '#### W5 long-history join (automerge-paper keystrokes; cold = first join after the room left memory)', '');
    const rows: string[][] = [];
    const joins = r.w5.flatMap((x) => x.joins);
    for (const [, runs] of groupBy(joins, (j) => `${j.server}|${String(j.updates).padStart(7, '0')}|${j.snapshot}`)) {
      const j0 = runs[0]!;
      const seen10k = joins.filter((j) => j.server === 'seen' && j.updates === j0.updates && j.snapshot === j0.snapshot);
      void seen10k;
      rows.push([
        name(j0.server),
        j0.updates.toLocaleString('en-US'),
        j0.server === 'seen' ? (j0.snapshot ? `snapshot + ${Math.min(250, j0.updates)}` : 'none') : 'server merges',
        spread(runs.map((j) => j.coldSyncedMs), 1),
        spread(runs.map((j) => j.syncedMs), 1),
        spread(runs.map((j) => j.streamMs), 1),
        fmt(median(runs.map((j) => j.bytes / 1024)), 0),
      ]);
    }
    out.push(table(['server', 'updates', 'compaction', 'cold join ms', 'join ms', 'stream ms (no client work)', 'KB sent'], rows));
    out.push('');
    const bg: string[][] = [];
    for (const [kind, runs] of groupBy(r.w5, (x) => x.server)) {
      bg.push([
        name(kind),
        spread(runs.map((x) => x.backgroundBetween.p99)),
        spread(runs.map((x) => x.backgroundDuring.p99)),
        spread(runs.map((x) => x.eventLoopMaxMs), 1),
        runs[0]!.heapByHistoryMb.map((h) => `${h.updates.toLocaleString('en-US')}: ${fmt(median(runs.map((x) => x.heapByHistoryMb.find((y) => y.updates === h.updates)?.heapDeltaMb ?? NaN)))}`).join(', '),
        flags(runs),
      ]);
    }
    out.push(table(['server', 'other rooms p99 ms, between joins', 'other rooms p99 ms, during joins', 'event-loop max ms', 'heap MB holding one room, by updates (GC noise ±1 MB)', 'flags'], bg));
  }

  if (r.w6.length > 0) {
    out.push('', '#### W6 reconnect storm (Seen; every socket drops with 0–3 unacknowledged updates each; reconnect with 0–1 s jitter)', '');
    out.push(
      table(
        ['clients', 'pending at drop', 'all resynced s', 'p50 s', 'lost', 'duplicated', 'server CPU %', 'gen CPU %', 'loop max ms', 'RSS peak MB', 'retries', 'flags'],
        [
          [
            String(r.w6[0]!.clients),
            fmt(median(r.w6.map((x) => x.pendingAtDrop)), 0),
            spread(r.w6.map((x) => x.resyncedMs / 1000)),
            spread(r.w6.map((x) => x.resyncedP50Ms / 1000)),
            String(r.w6.reduce((s, x) => s + x.lost, 0)),
            String(r.w6.reduce((s, x) => s + x.duplicated, 0)),
            spread(r.w6.map((x) => x.serverCoreDuringStorm * 100), 0),
            spread(r.w6.map((x) => x.generatorCoreDuringStorm * 100), 0),
            spread(r.w6.map((x) => x.eventLoopMaxMs), 0),
            spread(r.w6.map((x) => x.rssPeakMb), 0),
            String(r.w6.reduce((s, x) => s + x.reconnectFailures, 0)),
            flags(r.w6),
          ],
        ],
      ),
    );
    out.push('', `Initial connect rate (128 concurrent handshakes): ${spread(r.w6.map((x) => x.initialConnectPerSecond), 0)} connections/s.`);
  }

  if (r.w7.length > 0) {
    out.push('', '#### W7 idle memory per connection (authenticated/synced, two per room)', '');
    const rows: string[][] = [];
    for (const [kind, runs] of groupBy(r.w7, (x) => x.server)) {
      rows.push([
        name(kind),
        String(runs[0]!.connections),
        spread(runs.map((x) => x.rssPerConnectionKb), 1),
        spread(runs.map((x) => x.heapPerConnectionKb), 1),
        spread(runs.map((x) => x.idleCore * 100), 1),
        spread(runs.map((x) => (runs[0]!.connections / x.connectMs) * 1000), 0),
        flags(runs),
      ]);
    }
    out.push(table(['server', 'connections', 'RSS KB/conn', 'heap KB/conn', 'idle CPU %', 'connects/s', 'flags'], rows));
  }

  if (r.w9.length > 0) {
    out.push('', '#### W9 crash durability (SIGKILL under 5k updates/s, restart on the same data)', '');
    const rows: string[][] = [];
    for (const [sync, runs] of groupBy(r.w9, (x) => x.sync)) {
      rows.push([
        sync,
        String(runs.length),
        String(runs.reduce((s, x) => s + x.sentBeforeKill, 0)),
        String(runs.reduce((s, x) => s + x.ackedBeforeKill, 0)),
        String(runs.reduce((s, x) => s + x.ackedMissing, 0)),
        String(runs.reduce((s, x) => s + x.storedUnacked, 0)),
        spread(runs.map((x) => x.restartToServingMs), 0),
      ]);
    }
    out.push(table(['synchronous', 'kills', 'sent', 'acknowledged', 'acknowledged but missing', 'stored, ack lost in the crash', 'restart → serving ms'], rows));
  }

  if (r.bundle !== null || r.year !== null) {
    out.push('', '#### Client side', '');
    const rows: string[][] = [];
    if (r.bundle !== null) {
      rows.push(['initial JS (gzip -9, entry + preloads)', r.bundle.built ? `${fmt(r.bundle.initialJsGzipKb, 1)} KB (${fmt(r.bundle.initialJsKb, 1)} KB raw); all JS ${fmt(r.bundle.allJsGzipKb, 1)} KB gzip${r.bundle.note ? `; ${r.bundle.note}` : ''}` : r.bundle.note]);
    }
    if (r.year !== null) {
      rows.push([
        `open a room with a year of history (Node client, decrypt + apply)`,
        `${spread(r.year.syncedMs, 1)} ms to synced (relay stream ${spread(r.year.streamMs, 1)} ms): ${r.year.answers} answers, ${r.year.keystrokes.toLocaleString('en-US')} keystrokes, ${r.year.updates.toLocaleString('en-US')} updates, compacted to a ${fmt(r.year.snapshotKb, 0)} KB snapshot + ${r.year.tail} updates`,
      ]);
    }
    out.push(table(['measure', 'result'], rows));
  }

  if (r.log.length > 0) {
    out.push('', "#### log: the relay's log per typed character (real keystrokes at W2's human typing times)", '');
    out.push(
      table(
        ['trace', 'merge window', 'keystrokes', 'envelopes', 'log bytes', 'B per typed char', 'B per char of final text', 'final snapshot: Yjs / sealed (powers of two) / sealed (old buckets)'],
        r.log.map((x) => [
          x.trace,
          `${x.windowMs} ms`,
          x.keystrokes.toLocaleString('en-US'),
          x.envelopes.toLocaleString('en-US'),
          x.logBytes.toLocaleString('en-US'),
          fmt(x.bytesPerTypedChar, 1),
          fmt(x.bytesPerFinalChar, 1),
          `${fmt(x.snapshotBytes / 1024, 1)} / ${fmt(x.snapshotSealedPow2 / 1024, 1)} / ${fmt(x.snapshotSealedOldBuckets / 1024, 1)} KB`,
        ]),
      ),
    );
  }

  if (r.reveal.length > 0) {
    out.push('', '#### log: live-mode reveal latency against the draft merge window (share after a 12-keystroke burst; real relay, two @seen/sync sessions)', '');
    out.push(table(['draft window', 'reveals', 'p50 ms', 'max ms'], r.reveal.map((x) => [`${x.windowMs} ms`, String(x.reveals), fmt(x.p50Ms, 2), fmt(x.maxMs, 2)])));
  }

  if (r.lighthouse.length > 0) {
    out.push('', `#### Lighthouse, mobile preset (simulated slow 4G, 4× CPU slowdown), median (min–max) of ${Math.max(...r.lighthouse.map((x) => x.rep)) + 1}`, '');
    const rows: string[][] = [];
    for (const page of LIGHTHOUSE_PAGES) {
      const runs = r.lighthouse.filter((x) => x.page === page);
      if (runs.length === 0) continue;
      rows.push([
        page,
        spread(runs.map((x) => x.performance), 0),
        spread(runs.map((x) => x.fcpMs), 0),
        spread(runs.map((x) => x.lcpMs), 0),
        spread(runs.map((x) => x.tbtMs), 0),
        spread(runs.map((x) => x.cls), 3),
        spread(runs.map((x) => x.speedIndexMs), 0),
        spread(runs.map((x) => x.scriptKb), 0),
        spread(runs.map((x) => x.observedLongTasksMs), 0),
        `${fmt(median(runs.map((x) => x.accessibility)), 0)} / ${fmt(median(runs.map((x) => x.bestPractices)), 0)} / ${fmt(median(runs.map((x) => x.seo)), 0)}`,
      ]);
    }
    out.push(table(['page', 'performance', 'FCP ms', 'LCP ms', 'TBT ms', 'CLS', 'Speed Index ms', 'script KB on the wire', 'long tasks ms', 'a11y / BP / SEO'], rows));
  }

  out.push(...renderCluster(r));

  const notes = [
    ...r.w1.flatMap((x) => x.notes.filter((n) => !n.startsWith('machine busy')).map((n) => `W1 ${name(x.server)} ${x.payloadBytes} B rep ${x.rep}: ${n}`)),
    ...r.w2.flatMap((x) => x.notes.filter((n) => !n.startsWith('machine busy')).map((n) => `W2 ${name(x.server)} N=${x.rooms} rep ${x.rep}: ${n}`)),
    ...r.w4.flatMap((x) => x.notes.filter((n) => !n.startsWith('machine busy')).map((n) => `W4 ${name(x.server)} ${fmt(x.nominalPerSecond, 0)}/s rep ${x.rep}: ${n}`)),
    ...r.w6.flatMap((x) => x.notes.filter((n) => !n.startsWith('machine busy')).map((n) => `W6 rep ${x.rep}: ${n}`)),
    ...r.w9.flatMap((x) => x.notes.map((n) => `W9 ${x.sync} rep ${x.rep}: ${n}`)),
    ...r.cluster.w2.flatMap((x) => x.notes.filter((n) => !n.startsWith('machine busy')).map((n) => `cluster W2 ${x.layout} N=${x.rooms} rep ${x.rep}: ${n}`)),
    ...r.cluster.w1.flatMap((x) => x.notes.filter((n) => !n.startsWith('machine busy')).map((n) => `cluster W1 ${x.layout} ${x.payloadBytes} B rep ${x.rep}: ${n}`)),
    ...r.cluster.ingest.flatMap((x) => x.notes.filter((n) => !n.startsWith('machine busy')).map((n) => `cluster ingest ${x.layout} rep ${x.rep}: ${n}`)),
    ...r.cluster.storm.flatMap((x) => x.notes.filter((n) => !n.startsWith('machine busy')).map((n) => `cluster W6 rep ${x.rep}: ${n}`)),
    ...r.failures.map((f) => `FAILED ${f.workload} ${f.server}: ${f.error}`),
  ];
  if (notes.length > 0) {
    out.push('', '#### Notes from this run', '');
    for (const note of notes.slice(0, 40)) out.push(`- ${note}`);
    if (notes.length > 40) out.push(`- … ${notes.length - 40} more in bench/results/latest.json`);
  }
  out.push('', 'Flags: "⚠ gen" = the load generator used > 70 % of its core or fell > 5 ms behind schedule (that run measures the generator, not the server); "busy" = other processes on the machine used > 15 % of a core during the run.');
  return out.join('\n');
}

const LAYOUT_NAME: Record<ClusterLayout | 'pg-one', string> = {
  single: '1 relay, SQLite',
  same: '2 relays, same relay',
  cross: '2 relays, different relays',
  'pg-one': '1 relay, PostgreSQL',
};

/** "r0 / r1" of per-relay medians over repetitions. */
function perRelay<T>(runs: readonly T[], pick: (run: T) => number[], digits = 0): string {
  const lists = runs.map(pick);
  const relays = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: relays }, (_, i) => fmt(median(lists.map((l) => l[i] ?? NaN)), digits)).join(' / ');
}

function renderCluster(r: Results): string[] {
  const c = r.cluster;
  const out: string[] = [];
  if (c.w2.length === 0 && c.w1.length === 0 && c.ingest.length === 0 && c.storm.length === 0) return out;
  out.push('', '#### Several relays (PostgreSQL + Redis), next to one relay on SQLite in the same run');
  if (c.w2.length > 0) {
    out.push('', 'W2 human typing (2 people per room, presence); per-relay CPU = the relay\'s CPU ÷ the updates its own clients sent; PostgreSQL + Redis CPU ÷ delivered updates:', '');
    const rows: string[][] = [];
    for (const [, runs] of groupBy(c.w2, (x) => `${String(x.rooms).padStart(6, '0')}|${CLUSTER_ORDER.indexOf(x.layout)}`)) {
      const x0 = runs[0]!;
      rows.push([
        String(x0.rooms),
        LAYOUT_NAME[x0.layout],
        fmt(median(runs.map((x) => x.updatesPerSecond)), 0),
        spread(runs.map((x) => x.e2e.p50)),
        spread(runs.map((x) => x.e2e.p99)),
        spread(runs.map((x) => x.transit.p50)),
        spread(runs.map((x) => x.ack.p50)),
        spread(runs.map((x) => x.ack.p99)),
        perRelay(runs, (x) => x.relayCpuUsPerUpdate),
        spread(runs.map((x) => x.relaysCpuUsPerUpdate), 0),
        spread(runs.map((x) => x.engineCpuUsPerUpdate), 0),
        perRelay(runs, (x) => x.relayCore.map((v) => v * 100), 1),
        fmt(median(runs.map((x) => x.reach * 100)), 1),
        spread(runs.map((x) => x.generatorCore * 100), 0),
        flags(runs),
      ]);
    }
    out.push(
      table(
        ['rooms', 'layout', 'upd/s', 'e2e p50 ms', 'e2e p99 ms', 'transit p50 ms', 'ACK p50 ms', 'ACK p99 ms', 'CPU µs/update per relay', 'all relays µs/update', 'PG + Redis µs/update', 'relay CPU %', 'reach %', 'gen CPU %', 'flags'],
        rows,
      ),
    );
  }
  if (c.w1.length > 0) {
    out.push('', 'W1 ping-pong (1 room, one message in flight; one hop = half a round trip):', '');
    const rows: string[][] = [];
    for (const [, runs] of groupBy(c.w1, (x) => `${String(x.payloadBytes).padStart(6, '0')}|${CLUSTER_ORDER.indexOf(x.layout)}`)) {
      const x0 = runs[0]!;
      const single = c.w1.filter((x) => x.layout === 'single' && x.payloadBytes === x0.payloadBytes);
      rows.push([
        `${x0.payloadBytes} B`,
        LAYOUT_NAME[x0.layout],
        spread(runs.map((x) => x.hop.p50 * 1000), 0),
        spread(runs.map((x) => x.hop.p99 * 1000), 0),
        ratio(median(runs.map((x) => x.hop.p50)), median(single.map((x) => x.hop.p50))),
        String(runs.reduce((s, x) => s + x.roundTrips, 0)),
        flags(runs),
      ]);
    }
    out.push(table(['payload', 'layout', 'hop p50 µs', 'hop p99 µs', 'p50 vs 1 relay', 'round trips', 'flags'], rows));
  }
  if (c.ingest.length > 0) {
    const x0 = c.ingest[0]!;
    out.push('', `Durable ingest (${x0.rooms} rooms × 2 writers, ${x0.window} unacknowledged PUTs each, raised per-connection limits; every update committed before its ACK):`, '');
    const rows: string[][] = [];
    for (const [, runs] of groupBy(c.ingest, (x) => String(INGEST_ORDER.indexOf(x.layout)))) {
      const y0 = runs[0]!;
      rows.push([
        LAYOUT_NAME[y0.layout],
        spread(runs.map((x) => x.ackedPerSecond), 0),
        perRelay(runs, (x) => x.ackedPerSecondByRelay),
        spread(runs.map((x) => x.ack.p50)),
        spread(runs.map((x) => x.ack.p99)),
        perRelay(runs, (x) => x.relayCpuUsPerUpdate),
        spread(runs.map((x) => x.engineCpuUsPerUpdate), 0),
        perRelay(runs, (x) => x.relayCore.map((v) => v * 100), 0),
        spread(runs.map((x) => x.engineCore * 100), 0),
        spread(runs.map((x) => x.generatorCore * 100), 0),
        flags(runs),
      ]);
    }
    out.push(table(['layout', 'acknowledged/s', 'per relay', 'ACK p50 ms', 'ACK p99 ms', 'CPU µs/update per relay', 'PG + Redis µs/update', 'relay CPU %', 'PG + Redis CPU %', 'gen CPU %', 'flags'], rows));
  }
  if (c.storm.length > 0) {
    const s0 = c.storm[0]!;
    out.push('', `W6 storm on two relays, one SIGKILLed once ${fmt(s0.killAtLiveShare * 100, 0)} % of its clients were back on it (${spread(c.storm.map((x) => x.killAfterMs / 1000))} s after the drop; every socket drops with 0–3 unacknowledged updates each; reconnect with 0–${fmt(s0.jitterMs / 1000)} s jitter; the killed relay's clients move to the other and resend):`, '');
    out.push(
      table(
        ['clients', 'moved to the survivor', 'live on the killed relay at the kill', 'pending at drop', 'drop → all resynced s', 'kill → all resynced s', 'lost', 'duplicated', 'own updates echoed', 'survivor CPU %', 'PG + Redis CPU %', 'retries', 'flags'],
        [
          [
            String(s0.clients),
            fmt(median(c.storm.map((x) => x.moved)), 0),
            fmt(median(c.storm.map((x) => x.liveOnVictimAtKill)), 0),
            fmt(median(c.storm.map((x) => x.pendingAtDrop)), 0),
            spread(c.storm.map((x) => x.resyncedMs / 1000)),
            spread(c.storm.map((x) => x.resyncedAfterKillMs / 1000)),
            String(c.storm.reduce((s, x) => s + x.lost, 0)),
            String(c.storm.reduce((s, x) => s + x.duplicated, 0)),
            String(c.storm.reduce((s, x) => s + x.ownEchoes, 0)),
            spread(c.storm.map((x) => x.survivorCore * 100), 0),
            spread(c.storm.map((x) => x.engineCore * 100), 0),
            String(c.storm.reduce((s, x) => s + x.reconnectFailures, 0)),
            flags(c.storm),
          ],
        ],
      ),
    );
  }
  return out;
}

const CLUSTER_ORDER: readonly string[] = ['single', 'same', 'cross'];
const INGEST_ORDER: readonly string[] = ['single', 'pg-one', 'cross'];
