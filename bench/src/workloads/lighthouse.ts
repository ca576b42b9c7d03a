// Lighthouse (mobile preset: simulated slow 4G and a 4× slower CPU) on the built app as the relay
// serves it: the home page, the start page and a real room. One Chromium with one profile: the
// room is created through the app (Playwright over CDP) so its secret sits in that profile's
// IndexedDB, where the room page finds it. Lighthouse clears the HTTP cache and the service-worker
// and cache storage before each run but keeps IndexedDB (its default `clearStorageTypes`), so every
// run is a cold load of the code with the room still remembered.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { CLIENT_DIST, RESULTS_DIR } from '../lib/paths.ts';
import { freePort, startServer } from '../lib/serverProcess.ts';

export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu'];
export const QUIET_FLAGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-default-browser-check'];

/** `room`: Alex's weekly room with Sam in it and this week's cards drawn; `room-alone`: nobody joined yet. */
export type LighthousePage = 'home' | 'start' | 'room' | 'room-alone';
export const LIGHTHOUSE_PAGES: readonly LighthousePage[] = ['home', 'start', 'room', 'room-alone'];

export interface LighthouseRun {
  readonly page: LighthousePage;
  readonly rep: number;
  readonly performance: number;
  readonly accessibility: number;
  readonly bestPractices: number;
  readonly seo: number;
  readonly fcpMs: number;
  readonly lcpMs: number;
  readonly tbtMs: number;
  readonly cls: number;
  readonly speedIndexMs: number;
  /** Bytes of script transferred (what the wire carried, compressed or not). */
  readonly scriptKb: number;
  /** Main-thread long tasks as Lighthouse reports them (its throttled estimate), summed. */
  readonly observedLongTasksMs: number;
}

export async function waitForDevtools(port: number, chrome: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (chrome.exitCode !== null) throw new Error(`Chromium exited with ${chrome.exitCode} before DevTools answered`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/json/version`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`Chromium's DevTools did not answer on port ${port} within 30 s`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}

/**
 * Creates a weekly room through the app and draws its first cards; with `partner`, Sam joins it
 * from another browser context (another device) through the invite link first. Returns the room's
 * address on Alex's device.
 */
export async function createRoomThroughApp(devtoolsPort: number, origin: string, options: { partner: boolean }): Promise<string> {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${devtoolsPort}`);
  try {
    const context = browser.contexts()[0];
    if (context === undefined) throw new Error('Chromium has no default context');
    const page = await context.newPage();
    await page.goto(`${origin}/new`);
    await page.getByLabel('Your name').fill('Alex');
    await page.getByLabel('Room name').fill('Sunday evenings');
    await page.getByRole('radio').first().waitFor();
    await page.getByRole('button', { name: 'Create the room' }).click();
    await page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/, { timeout: 30_000 });
    if (options.partner) {
      // The fragment of the invite link holds the room secret; it stays inside this browser.
      const invite = await page.getByLabel('Invite link').inputValue();
      const samDevice = await browser.newContext();
      const sam = await samDevice.newPage();
      await sam.goto(invite);
      await sam.getByLabel('Your name').fill('Sam');
      await sam.getByRole('button', { name: 'Join the room' }).click();
      await sam.waitForURL(/\/r\/[A-Za-z0-9_-]+$/, { timeout: 30_000 });
      await sam.locator('.statusline .sync', { hasText: /^Saved/ }).waitFor({ timeout: 30_000 });
      await samDevice.close();
      await page.getByText(/You and Sam/).waitFor({ timeout: 30_000 });
    }
    await page.getByRole('button', { name: 'Draw the cards' }).click({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'This week’s cards' }).waitFor({ timeout: 30_000 });
    // Let the relay acknowledge the drawn cards before the tab goes away.
    await page.locator('.statusline .sync', { hasText: /^Saved/ }).waitFor({ timeout: 30_000 });
    const url = page.url();
    await page.close();
    return url;
  } finally {
    // Disconnects Playwright only; the browser keeps running for Lighthouse.
    await browser.close();
  }
}

function readRun(page: LighthousePage, rep: number, lhr: NonNullable<Awaited<ReturnType<typeof lighthouse>>>['lhr']): LighthouseRun {
  const score = (id: string): number => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const numeric = (id: string): number => lhr.audits[id]?.numericValue ?? Number.NaN;
  const resourceItems = (lhr.audits['resource-summary']?.details as { items?: { resourceType: string; transferSize: number }[] } | undefined)?.items ?? [];
  const script = resourceItems.find((item) => item.resourceType === 'script');
  const longTasks = (lhr.audits['long-tasks']?.details as { items?: { duration: number }[] } | undefined)?.items ?? [];
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${page}: ${lhr.runtimeError.message}`);
  return {
    page,
    rep,
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    seo: score('seo'),
    fcpMs: numeric('first-contentful-paint'),
    lcpMs: numeric('largest-contentful-paint'),
    tbtMs: numeric('total-blocking-time'),
    cls: numeric('cumulative-layout-shift'),
    speedIndexMs: numeric('speed-index'),
    scriptKb: (script?.transferSize ?? 0) / 1024,
    observedLongTasksMs: longTasks.reduce((sum, task) => sum + task.duration, 0),
  };
}

/**
 * `reps` Lighthouse runs of each page, interleaved (home, start, room, home, …) so a busy moment on
 * the machine does not land on one page only. The relay serves client/dist as `pnpm start` does.
 */
export async function runLighthouse(options: { reps: number; log: (message: string) => void }): Promise<LighthouseRun[]> {
  // SEEN_CLIENT_DIST measures another build (e.g. an older commit's, with SEEN_RELAY_MAIN for its relay).
  const server = await startServer({ kind: 'seen', staticDir: process.env.SEEN_CLIENT_DIST ?? CLIENT_DIST });
  const origin = `http://127.0.0.1:${server.port}`;
  const profile = mkdtempSync(join(tmpdir(), 'seen-bench-lighthouse-'));
  const devtoolsPort = await freePort();
  const chrome = spawn(CHROME_PATH, [...CHROME_FLAGS, ...QUIET_FLAGS, `--remote-debugging-port=${devtoolsPort}`, `--user-data-dir=${profile}`, 'about:blank'], { stdio: 'ignore' });
  const chromeExit = new Promise<void>((resolveExit) => chrome.once('exit', () => resolveExit()));
  try {
    await waitForDevtools(devtoolsPort, chrome);
    options.log('lighthouse: creating two rooms through the app (one with a partner)');
    const roomUrl = await createRoomThroughApp(devtoolsPort, origin, { partner: true });
    const aloneUrl = await createRoomThroughApp(devtoolsPort, origin, { partner: false });
    const urls: Record<LighthousePage, string> = { home: `${origin}/`, start: `${origin}/new`, room: roomUrl, 'room-alone': aloneUrl };
    const runs: LighthouseRun[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      for (const page of LIGHTHOUSE_PAGES) {
        options.log(`lighthouse ${page} rep ${rep + 1}/${options.reps}`);
        const result = await lighthouse(urls[page], { port: devtoolsPort, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'] });
        if (result === undefined) throw new Error(`Lighthouse returned nothing for ${page}`);
        runs.push(readRun(page, rep, result.lhr));
        // The full report of the last repetition, for the why behind a number (e.g. its bootup-time,
        // long-tasks and mainthread-work-breakdown audits): open it in the Lighthouse viewer.
        if (rep === options.reps - 1) {
          mkdirSync(RESULTS_DIR, { recursive: true });
          writeFileSync(join(RESULTS_DIR, `lighthouse-${page}.json`), JSON.stringify(result.lhr));
        }
      }
    }
    return runs;
  } finally {
    chrome.kill('SIGTERM');
    await chromeExit;
    rmSync(profile, { recursive: true, force: true });
    await server.stop();
  }
}
