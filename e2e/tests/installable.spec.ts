import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startOwnRelay } from '../fixtures/ownRelay.ts';
import { closePartners, createRoom, drawCards, expectAccessible, openPartner, snap, syncStatus } from '../fixtures/seen.ts';
import { shareAnswer } from '../fixtures/pairedRoom.ts';

// SPEC WEB-6…WEB-8: Seen installs like an app, opens with no network from its service worker, and
// offers a new version without ever reloading by itself.

interface ManifestIcon {
  readonly src: string;
  readonly sizes: string;
  readonly type: string;
  readonly purpose?: string;
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian). */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')), 'a PNG signature').toBe(true);
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

/** Waits until this page is controlled by an activated service worker; returns its script URL. */
async function controllingWorker(page: Page): Promise<string> {
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');
  return page.evaluate(() => navigator.serviceWorker.controller!.scriptURL);
}

test('WEB-6: the manifest is served and valid, its icons have their declared sizes, and the worker activates and controls the page', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const { page } = alex;
  await page.goto('/');
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(manifestHref).toBe('/manifest.webmanifest');

  const response = await page.request.get(manifestHref!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/manifest+json');
  const manifest = (await response.json()) as Record<string, unknown> & { icons: ManifestIcon[] };
  expect(manifest).toMatchObject({ name: 'Seen', short_name: 'Seen', start_url: '/', scope: '/', display: 'standalone', theme_color: '#f7f1e8', background_color: '#f7f1e8' });
  const declared = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose ?? 'any'}`).sort();
  expect(declared).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  const appleHref = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
  const icons = [...manifest.icons, { src: appleHref!, sizes: '180x180', type: 'image/png' }];
  for (const icon of icons) {
    const image = await page.request.get(icon.src);
    expect(image.status(), icon.src).toBe(200);
    expect(image.headers()['content-type']).toBe('image/png');
    expect(pngSize(await image.body()), icon.src).toBe(icon.sizes);
  }

  const worker = await page.request.get('/sw.js');
  expect(worker.headers()['content-type']).toBe('text/javascript; charset=utf-8');
  expect(worker.headers()['cache-control']).toBe('no-cache');
  expect(await controllingWorker(page)).toBe(new URL('/sw.js', page.url()).href);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(new URL('/', page.url()).href);
  await closePartners(alex);
});

test('WEB-7: after a first visit the app opens with the relay gone, from the worker, and the room shows what was written', async ({ browser }, testInfo) => {
  const relay = await startOwnRelay();
  try {
    const alex = await openPartner(browser, testInfo, 'Alex', relay.url);
    const { page } = alex;
    await createRoom(page, { yourName: 'Alex', roomName: 'Kept on this phone' });
    const roomUrl = page.url();
    await drawCards(page);
    await page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
    const answer = 'OFFLINE-KEPT: what I wrote before the signal went.';
    await shareAnswer(page, answer);
    await expect(page.getByRole('region', { name: 'Your answer' })).toContainText(answer);
    await expect(syncStatus(page)).toHaveText(/^Saved/);
    await controllingWorker(page);

    // No relay at all (Chromium's offline mode would leave an open WebSocket working), and no network.
    await relay.stop();
    await alex.context.setOffline(true);
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker(), 'the page came from the service worker').toBe(true);
    expect(page.url()).toBe(roomUrl);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('This week’s cards');
    await expect(page.getByText('Kept on this phone').first()).toBeVisible();
    await expect(syncStatus(page)).toHaveText(/^Offline|^Connecting/);
    await page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
    await expect(page.getByRole('region', { name: 'Your answer' })).toContainText(answer);

    // Another route of the app, opened afresh, is the same shell (navigation fallback).
    const home = await page.goto('/');
    expect(home?.fromServiceWorker()).toBe(true);
    await expect(page.getByText('Kept on this phone').first()).toBeVisible();
    await closePartners(alex);
  } finally {
    await relay.dispose();
  }
});

/**
 * Turns the served files into a "new build": index.html gains a marker and the worker a new
 * revision for it, so the browser's byte check of sw.js finds a new worker. The precompressed
 * copies of the changed files are removed, so the relay sends the new bytes.
 */
function publishNewBuild(staticDir: string, marker: string): void {
  const indexPath = join(staticDir, 'index.html');
  writeFileSync(indexPath, readFileSync(indexPath, 'utf8').replace('</head>', `<meta name="seen-build" content="${marker}"></head>`));
  const workerPath = join(staticDir, 'sw.js');
  const worker = readFileSync(workerPath, 'utf8');
  const updated = worker.replace(/(url:"index\.html",revision:")[0-9a-f]+"/, `$1${marker}"`);
  expect(updated, 'sw.js precaches index.html with a revision').not.toBe(worker);
  writeFileSync(workerPath, updated);
  for (const file of ['index.html', 'sw.js']) for (const suffix of ['.br', '.gz']) rmSync(join(staticDir, file + suffix), { force: true });
}

test('WEB-8: a new build raises "A new version of Seen is ready", nothing reloads under typing, and Reload brings the new version', async ({ browser }, testInfo) => {
  const relay = await startOwnRelay();
  try {
    const alex = await openPartner(browser, testInfo, 'Alex', relay.url);
    const { page } = alex;
    await page.goto('/new');
    await expect(page.getByRole('heading', { name: 'Start a room' })).toBeVisible();
    await controllingWorker(page);
    // Someone is typing when the new version arrives; a reload would lose this page's state.
    await page.evaluate(() => ((window as unknown as { seenPageMark: string }).seenPageMark = 'first load'));
    await page.getByLabel('Room name').fill('Half a tho');

    publishNewBuild(relay.staticDir, 'build-2');
    await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
    const banner = page.getByRole('complementary', { name: 'New version' });
    await expect(banner).toContainText('A new version of Seen is ready —');
    const reload = banner.getByRole('button', { name: 'Reload' });
    await expect(reload).toBeVisible();

    // The new worker waits; the page is the same page, the typing goes on undisturbed.
    await page.getByLabel('Room name').pressSequentially('ught');
    await expect(page.getByLabel('Room name')).toHaveValue('Half a thought');
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { mark: (window as unknown as { seenPageMark?: string }).seenPageMark, waiting: registration.waiting?.state ?? null };
    });
    expect(state).toEqual({ mark: 'first load', waiting: 'installed' });
    await expect(page.locator('meta[name="seen-build"]')).toHaveCount(0);
    await expectAccessible(page, 'update banner');
    await snap(page, testInfo, '40-update-banner');

    const navigated = page.waitForEvent('framenavigated');
    await reload.click();
    await navigated;
    await expect(page.locator('meta[name="seen-build"]')).toHaveAttribute('content', 'build-2');
    await expect(page.getByRole('complementary', { name: 'New version' })).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { seenPageMark?: string }).seenPageMark)).toBeUndefined();
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).waiting)).toBeNull();
    await closePartners(alex);
  } finally {
    await relay.dispose();
  }
});
