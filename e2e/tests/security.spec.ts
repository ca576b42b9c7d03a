import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { answerBox, closePartners, createRoom, drawCards, joinRoom, openPartner, syncStatus, type Partner } from '../fixtures/seen.ts';
import { indexedDbHolding } from '../fixtures/storage.ts';

// SPEC WEB-1…WEB-4: what the web client gives away, checked in a real Chromium against the real
// relay. Every request, header, WebSocket frame and console line of both partners is recorded
// while they create a room, join by link and answer; none may carry the room secret or a canary
// typed into an answer, and the secret may live only in this origin's IndexedDB.

interface Recorder {
  readonly requests: { url: string; headers: Record<string, string>; body: string }[];
  readonly frames: Buffer[];
  readonly console: string[];
  readonly violations: string[];
}

/** Records everything a browser context sends (and its WebSocket frames both ways). */
function record(context: BrowserContext): Recorder {
  const recorder: Recorder = { requests: [], frames: [], console: [], violations: [] };
  context.on('request', (request) => {
    const keep = (headers: Record<string, string>): void => void recorder.requests.push({ url: request.url(), headers, body: request.postData() ?? '' });
    // A service worker's request can outlive its worker (stopped when idle or at the end): its URL
    // and body are still checked, its headers can no longer be read.
    void request.allHeaders().then(keep, () => keep({}));
  });
  const watch = (page: Page): void => {
    page.on('console', (message) => recorder.console.push(message.text()));
    page.on('websocket', (socket) => {
      recorder.requests.push({ url: socket.url(), headers: {}, body: '' });
      const keep = ({ payload }: { payload: string | Buffer }): void => void recorder.frames.push(Buffer.isBuffer(payload) ? payload : Buffer.from(payload));
      socket.on('framesent', keep);
      socket.on('framereceived', keep);
    });
    page.on('pageerror', (error) => recorder.console.push(String(error)));
  };
  context.on('page', watch);
  for (const page of context.pages()) watch(page);
  return recorder;
}

/** CSP violations are reported to the page; collect them from the first script on. */
async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
}

/** Every form in which a string could show up in bytes: UTF-8, UTF-16, base64, base64url, hex. */
function needlesFor(text: string): Buffer[] {
  const utf8 = Buffer.from(text, 'utf8');
  return [utf8, Buffer.from(text, 'utf16le'), Buffer.from(utf8.toString('base64').slice(0, -4)), Buffer.from(utf8.toString('base64url').slice(0, -4)), Buffer.from(utf8.toString('hex'))];
}

const containsAny = (haystack: Buffer, needles: Buffer[]): boolean => needles.some((needle) => haystack.includes(needle));

/** Everything this origin keeps outside IndexedDB: web storage, cookies, Cache Storage. */
async function nonIndexedDbStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const dump = (storage: Storage): string[] => Array.from({ length: storage.length }, (_, i) => `${storage.key(i)}=${storage.getItem(storage.key(i)!)}`);
    const cached: string[] = [];
    if ('caches' in window) for (const name of await caches.keys()) cached.push(name);
    return JSON.stringify({ local: dump(localStorage), session: dump(sessionStorage), cookie: document.cookie, cached });
  });
}

test('WEB-1: the app is served with a strict CSP, no inline script and no third-party origin', async ({ request, baseURL }) => {
  const response = await request.get('/');
  expect(response.ok()).toBe(true);
  const headers = response.headers();
  const csp = headers['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/|\*/);
  expect(headers['referrer-policy']).toBe('no-referrer');
  const html = await response.text();
  // Every script has a src on this origin; no inline code, handlers or javascript: URLs.
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attributes, body] of scripts) {
    expect(attributes).toMatch(/\bsrc="\/[^/]/);
    expect(body!.trim()).toBe('');
  }
  expect(html).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/=\s*["']?\s*javascript:/i);
  for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(new URL(url!, baseURL).origin).toBe(new URL(baseURL!).origin);
});

test('WEB-2, WEB-3, WEB-4: no request, header, frame or log carries the secret or an answer; the link fragment is gone; the secret lives only in IndexedDB', async ({ browser, baseURL }, testInfo) => {
  const alex: Partner = await openPartner(browser, testInfo, 'Alex');
  const sam: Partner = await openPartner(browser, testInfo, 'Sam');
  await Promise.all([watchCsp(alex.context), watchCsp(sam.context)]);
  const alexRecorder = record(alex.context);
  const samRecorder = record(sam.context);
  const canary = `CANARY-${Math.random().toString(36).slice(2)}-${Date.now()}`;

  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Private things' });
  const secret = link.split('#k=')[1]!;
  expect(secret).toHaveLength(43);
  await joinRoom(sam.page, link, 'Sam');
  // WEB-3: read once, then gone from the address bar and from this tab's history entry.
  expect(await sam.page.evaluate(() => location.href)).not.toContain('#');
  expect(await sam.page.evaluate(() => location.href)).not.toContain(secret);

  await drawCards(alex.page);
  await alex.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
  await answerBox(alex.page).fill(`Alex wrote ${canary}`);
  await alex.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(syncStatus(alex.page)).toHaveText(/^Saved/);
  await sam.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
  await answerBox(sam.page).fill(`Sam wrote ${canary}`);
  await sam.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(sam.page.getByText(`Alex wrote ${canary}`)).toBeVisible();
  await expect(alex.page.getByText(`Sam wrote ${canary}`)).toBeVisible();
  await expect(syncStatus(sam.page)).toHaveText(/^Saved/);

  const needles = [...needlesFor(canary), ...needlesFor(secret), Buffer.from(secret, 'base64url')];
  const origin = new URL(baseURL!).host;
  for (const recorder of [alexRecorder, samRecorder]) {
    expect(recorder.requests.length).toBeGreaterThan(3);
    expect(recorder.frames.length).toBeGreaterThan(10);
    for (const { url, headers, body } of recorder.requests) {
      // WEB-2: same origin only; nothing secret in the URL, any header or any body; no Referer at all.
      expect(new URL(url).host).toBe(origin);
      expect(containsAny(Buffer.from(url), needles), url).toBe(false);
      expect(containsAny(Buffer.from(JSON.stringify(headers)), needles), `headers of ${url}`).toBe(false);
      expect(containsAny(Buffer.from(body), needles), `body of ${url}`).toBe(false);
      // The service worker's precache requests for files the page already holds are answered from
      // the HTTP cache, and Chromium reports them with an empty Referer: empty is nothing sent.
      expect(headers.referer ?? '', `Referer on ${url}`).toBe('');
    }
    for (const frame of recorder.frames) expect(containsAny(frame, needles), 'a WebSocket frame').toBe(false);
    for (const line of recorder.console) expect(containsAny(Buffer.from(line), needles), `console: ${line}`).toBe(false);
  }
  // The scan itself works: the canary is findable where it really is.
  expect(containsAny(Buffer.from(`x${canary}x`), needles)).toBe(true);

  for (const page of [alex.page, sam.page]) {
    // WEB-4: the secret is in this origin's IndexedDB and nowhere else the page can store things.
    expect(await nonIndexedDbStorage(page)).not.toContain(secret);
    expect(await indexedDbHolding(page, secret)).toContain('seen-rooms/rooms');
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
  }
  await closePartners(alex, sam);
});

/** ENV = 0x83 | relaySeq u64 | envelope; the envelope's clear header: ver, type, room 16, session 16, seq u32. */
const FRAME_ENV = 0x83;
const FRAME_BACKLOG_END = 0x84;
function storedEnvelopeKey(bytes: Buffer): string | null {
  if (bytes[0] !== FRAME_ENV || bytes.length < 9 + 39) return null;
  const session = bytes.subarray(9 + 18, 9 + 34).toString('hex');
  return `${session}:${bytes.readUInt32BE(9 + 34)}`;
}

test('WEB-5: when the relay withholds a partner’s change, the room says in words that something may be missing, and since when', async ({ browser }, testInfo) => {
  const alex = await openPartner(browser, testInfo, 'Alex');
  const sam = await openPartner(browser, testInfo, 'Sam');
  const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Withheld' });
  // Sam's browser talks to a hostile relay: the real one, behind Playwright's WebSocket routing.
  // Once Alex starts typing live, it withholds one of Alex's stored changes from Sam, for good.
  const live = new WeakSet<object>();
  let withheld: string | null = null;
  const firstSeen = new Map<string, number>();
  await sam.context.routeWebSocket(/\/v1$/, (client) => {
    const server = client.connectToServer();
    client.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message);
      if (bytes[0] === FRAME_BACKLOG_END) live.add(client);
      const key = storedEnvelopeKey(bytes);
      if (key !== null) {
        const [session, seq] = key.split(':') as [string, string];
        if (live.has(client) && withheld === null && firstSeen.has(session) && Number(seq) >= firstSeen.get(session)! + 1) withheld = key;
        if (!firstSeen.has(session) && live.has(client)) firstSeen.set(session, Number(seq));
        if (key === withheld) return;
      }
      client.send(message);
    });
  });
  await joinRoom(sam.page, link, 'Sam');
  await drawCards(alex.page);
  await alex.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
  // Draft typing leaves in one envelope after a pause (SPEC SYNC-24): type, let it save, type more.
  // A change is only seen to be missing once a later one arrives, so the withheld one is never the last.
  await answerBox(alex.page).pressSequentially('one keystroke', { delay: 30 });
  await expect(syncStatus(alex.page)).toHaveText(/^Saved/);
  await answerBox(alex.page).pressSequentially(' at a time', { delay: 30 });
  await alex.page.getByRole('button', { name: 'Share my answer' }).click();
  await expect(syncStatus(alex.page)).toHaveText(/^Saved/);
  await expect.poll(() => withheld, { message: 'the hostile relay to pick a change to withhold' }).not.toBeNull();
  // The grace period, one automatic re-read that cannot find it either, then the sentence.
  await expect(sam.page.getByText(/^Some changes from your partner since .+ may be missing\. Nothing on this device is lost/)).toBeVisible({ timeout: 20_000 });
  await closePartners(alex, sam);
});
