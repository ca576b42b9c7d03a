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

const CPU_SLOWDOWN = 4;
/** How long after `load` the profile keeps recording: the room's sync and first paint of the cards. */
const SETTLE_MS = 6_000;

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
  rmSync(profileDir, { recursive: true, force: true });
  await server.stop();
}
