// A CPU profile of a room's first load on a slow phone, for the why behind Lighthouse's TBT: the
// built app served by the relay, a room made through the app (as the lighthouse workload does),
// then a cold load of the room page (HTTP cache off) with the CPU slowed 4× like Lighthouse's
// mobile preset. Writes DIR/room-load.cpuprofile (and room-alone-load.cpuprofile) and prints the
// main thread's long tasks with what ran in each. Usage (from bench/):
// tsx src/tools/profileRoomLoad.ts DIR [loads]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CLIENT_DIST } from '../lib/paths.ts';
import { freePort, startServer } from '../lib/serverProcess.ts';
import { CHROME_FLAGS, CHROME_PATH, QUIET_FLAGS, createRoomThroughApp, waitForDevtools } from '../workloads/lighthouse.ts';
import { describeBusyStretches, summarizeProfile } from './summarizeProfile.ts';

const CPU_SLOWDOWN = Number(process.env.CPU_SLOWDOWN ?? 4);
/** With TRACE=1: a Chromium trace instead, tasks listed with what ran inside them. */
const TRACE = process.env.TRACE === '1';
/** Lighthouse's simulation multiplies observed tasks by 4: above this they count as long. */
const TRACE_LONG_TASK_MS = 50 / 4;
/** How long after `load` the profile keeps recording: the room's sync and first paint of the cards. */
const SETTLE_MS = 6_000;

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { data?: { url?: string; functionName?: string; type?: string; frame?: string } };
}

/** The renderer main thread's tasks above TRACE_LONG_TASK_MS, each with its biggest inner events. */
function describeTraceTasks(trace: { traceEvents: TraceEvent[] }): string {
  const events = trace.traceEvents;
  // The navigation may move the page to another renderer: the busiest renderer main thread is the page's.
  const mains = events.filter((event) => event.name === 'thread_name' && (event.args as { name?: string } | undefined)?.name === 'CrRendererMain');
  const busy = (thread: TraceEvent) =>
    events.filter((event) => event.pid === thread.pid && event.tid === thread.tid && event.name === 'RunTask').reduce((sum, event) => sum + (event.dur ?? 0), 0);
  const main = mains.sort((a, b) => busy(b) - busy(a))[0];
  const onMain = events.filter((event) => main && event.pid === main.pid && event.tid === main.tid && event.ph === 'X' && event.dur !== undefined);
  const navigation = events.find((event) => main && event.pid === main.pid && event.name === 'navigationStart');
  const zero = navigation?.ts ?? onMain[0]?.ts ?? 0;
  const tasks = onMain.filter((event) => event.name === 'RunTask' && event.dur! / 1000 > TRACE_LONG_TASK_MS);
  const lines: string[] = [];
  let blocking = 0;
  for (const task of tasks) {
    const ms = task.dur! / 1000;
    blocking += Math.max(0, ms * 4 - 50);
    lines.push(`task at ${((task.ts - zero) / 1000).toFixed(0)} ms: ${ms.toFixed(1)} ms (×4 = ${(ms * 4).toFixed(0)})`);
    const inner = onMain
      .filter((event) => event !== task && event.ts >= task.ts && event.ts + event.dur! <= task.ts + task.dur! && event.dur! / 1000 >= 1)
      .filter((event) => ['FunctionCall', 'EvaluateScript', 'v8.compileModule', 'v8.evaluateModule', 'TimerFire', 'EventDispatch', 'FireAnimationFrame', 'ParseHTML', 'UpdateLayoutTree', 'Layout', 'Paint', 'FireIdleCallback', 'RunMicrotasks', 'v8.run', 'V8.GCScavenger', 'MajorGC', 'MinorGC'].includes(event.name))
      .slice(0, 8);
    for (const event of inner) {
      const data = event.args?.data;
      const what = [data?.functionName, data?.url?.split('/').pop(), data?.type].filter(Boolean).join(' ');
      lines.push(`    ${(event.dur! / 1000).toFixed(1).padStart(6)} ms  ${event.name} ${what}`);
    }
  }
  lines.push(`tasks over ${TRACE_LONG_TASK_MS} ms: ${tasks.length}; blocking if ×4: ${blocking.toFixed(0)} ms (all of the load, not only after FCP)`);
  return lines.join('\n');
}

const outDir = resolve(process.argv[2] ?? join(tmpdir(), 'seen-room-profile'));
const loads = Number(process.argv[3] ?? 1);
mkdirSync(outDir, { recursive: true });

const server = await startServer({ kind: 'seen', staticDir: process.env.SEEN_CLIENT_DIST ?? CLIENT_DIST });
const origin = `http://127.0.0.1:${server.port}`;
const profileDir = mkdtempSync(join(tmpdir(), 'seen-room-profile-'));
const devtoolsPort = await freePort();
const chrome = spawn(CHROME_PATH, [...CHROME_FLAGS, ...QUIET_FLAGS, `--remote-debugging-port=${devtoolsPort}`, `--user-data-dir=${profileDir}`, 'about:blank'], { stdio: 'ignore' });
const chromeExit = new Promise<void>((resolveExit) => chrome.once('exit', () => resolveExit()));
try {
  await waitForDevtools(devtoolsPort, chrome);
  const rooms = {
    room: await createRoomThroughApp(devtoolsPort, origin, { partner: true }),
    'room-alone': await createRoomThroughApp(devtoolsPort, origin, { partner: false }),
  };
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${devtoolsPort}`);
  const context = browser.contexts()[0]!;
  for (let load = 0; load < loads; load++) {
    for (const [name, url] of Object.entries(rooms)) {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      // As Lighthouse does before each run: a cold load of the code, the room still in IndexedDB.
      await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'service_workers,cache_storage' });
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await page.addInitScript(() => {
        const tasks: { start: number; duration: number }[] = [];
        (globalThis as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
        }).observe({ type: 'longtask', buffered: true });
      });
      if (TRACE) {
        await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'disabled-by-default-v8.cpu_profiler'] });
        await page.goto(url, { waitUntil: 'load' });
        await page.waitForTimeout(SETTLE_MS);
        const trace = await browser.stopTracing();
        writeFileSync(join(outDir, `${name}-load${load === 0 ? '' : load}.trace.json`), trace);
        console.log(`\n=== ${name} load ${load + 1} (trace, CPU ×${CPU_SLOWDOWN})`);
        console.log(describeTraceTasks(JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }));
        await page.close();
        continue;
      }
      await cdp.send('Profiler.start');
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForTimeout(SETTLE_MS);
      const { profile } = await cdp.send('Profiler.stop');
      const tasks = await page.evaluate(() => (globalThis as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks);
      const navStart = await page.evaluate(() => performance.timeOrigin);
      const file = join(outDir, `${name}-load${load === 0 ? '' : load}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      // Profile time is in µs on the monotonic clock; the page's timeOrigin is wall-clock ms.
      const profileStartMs = profile.startTime / 1000;
      const tbt = tasks.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0);
      console.log(`\n=== ${name} load ${load + 1}: ${tasks.length} long tasks (4× CPU), blocking ${tbt.toFixed(0)} ms; timeOrigin ${navStart.toFixed(0)}`);
      for (const task of tasks) console.log(`  task at ${task.start.toFixed(0)} ms, ${task.duration.toFixed(0)} ms`);
      void profileStartMs;
      console.log(summarizeProfile(file, 30));
      console.log(describeBusyStretches(file));
      await page.close();
    }
  }
  await browser.close();
} finally {
  chrome.kill('SIGTERM');
  await chromeExit;
  try {
    rmSync(profileDir, { recursive: true, force: true, maxRetries: 5 });
  } catch {
    // Chromium's helpers may still be writing into the profile; it is a temp folder.
  }
  await server.stop();
}
