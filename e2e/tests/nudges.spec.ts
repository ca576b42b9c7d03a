import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { startLocalPushService } from '../fixtures/localPushService.ts';
import { startOwnRelay } from '../fixtures/ownRelay.ts';
import { closeSessionWithCheckIns, openPairedRoom, revealFirstLiveCard, shareAnswer } from '../fixtures/pairedRoom.ts';
import { closePartners, createRoom, drawCards, expectAccessible, joinRoom, openPartner, snap } from '../fixtures/seen.ts';

// APP-32…APP-34 and WEB-9: Web Push nudges whose words come from the device. The relay only ever
// learns "something happened in this room"; the service worker words the notification from this
// device's notice book.

// Frame bytes (shared/PROTOCOL.md §3): NUDGE is its type byte alone; PUSH_STATUS is [type, the
// request type it answers, status].
const NUDGE_FRAME_TYPE = 0x08;
const PUSH_STATUS_FRAME_TYPE = 0x8a;
const PUSH_STATUS_OK = 0;

/** A subscription made outside the browser (a local push service's subscriber), as base64url. */
interface GivenSubscription {
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
}

/**
 * Headless Chromium here has no push service to reach (no network), so the real
 * PushManager.subscribe fails — the UI says so, and one test checks that sentence. Where a test needs
 * the path past the browser, this stands in for the browser's push service: a subscription with a
 * real P-256 key and auth secret — made here, or given (a local push service's subscriber, whose
 * private key then decrypts what the relay pushes). Everything after it — the relay's key, the
 * PUSH_SUBSCRIBE frame, the relay's answer, its push — is real.
 */
async function stubPushService(context: BrowserContext, given: GivenSubscription | null = null): Promise<void> {
  await context.addInitScript((fixed) => {
    const log = { subscribed: 0, unsubscribed: 0 };
    let current: PushSubscription | null = null;
    (window as unknown as { seenPushLog: typeof log }).seenPushLog = log;
    const bytesOf = (base64url: string) => Uint8Array.from(atob(base64url.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0)).buffer;
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      let keys: { endpoint: string; p256dh: ArrayBuffer; auth: ArrayBuffer };
      if (fixed) keys = { endpoint: fixed.endpoint, p256dh: bytesOf(fixed.p256dh), auth: bytesOf(fixed.auth) };
      else {
        const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
        // The e2e relay accepts this host (playwright.config.ts): it cannot look up a real push service's.
        keys = { endpoint: `https://localhost/seen-e2e/${crypto.randomUUID()}`, p256dh: await crypto.subtle.exportKey('raw', pair.publicKey), auth: crypto.getRandomValues(new Uint8Array(16)).buffer };
      }
      const subscription = {
        endpoint: keys.endpoint,
        expirationTime: null,
        options: { userVisibleOnly: true, applicationServerKey: options?.applicationServerKey ?? null },
        getKey: (name: string) => (name === 'p256dh' ? keys.p256dh : name === 'auth' ? keys.auth : null),
        toJSON: () => ({ endpoint: keys.endpoint }),
        unsubscribe: async () => {
          log.unsubscribed += 1;
          current = null;
          return true;
        },
      } as unknown as PushSubscription;
      log.subscribed += 1;
      current = subscription;
      return subscription;
    };
    PushManager.prototype.getSubscription = async function () {
      return current;
    };
  }, given);
}

function pushLog(page: Page): Promise<{ subscribed: number; unsubscribed: number }> {
  return page.evaluate(() => (window as unknown as { seenPushLog: { subscribed: number; unsubscribed: number } }).seenPushLog);
}

/** Waits until the app's service worker controls the page (it registers 5 s after load). */
async function workerReady(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');
}

function roomIdOf(page: Page): string {
  const match = /\/r\/([A-Za-z0-9_-]+)/.exec(new URL(page.url()).pathname);
  if (!match?.[1]) throw new Error(`roomIdOf: ${page.url()} is not a room's page.`);
  return match[1];
}

/** This device's notice-book record for the room (IndexedDB `seen-notices`), or null. */
function readNoticeRecord(page: Page, roomId: string): Promise<Record<string, unknown> | null> {
  return page.evaluate(
    (id) =>
      new Promise<Record<string, unknown> | null>((resolve, reject) => {
        const open = indexedDB.open('seen-notices');
        open.onupgradeneeded = () => open.result.createObjectStore('rooms');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('rooms').objectStore('rooms').get(id);
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            open.result.close();
            resolve((request.result as Record<string, unknown> | undefined) ?? null);
          };
        };
      }),
    roomId,
  );
}

/** The notifications this origin's worker shows now, as the person would read them. */
function shownNotifications(page: Page): Promise<{ title: string; body: string; tag: string }[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const notifications = await registration.getNotifications();
    return notifications.map((notification) => ({ title: notification.title, body: notification.body, tag: notification.tag }));
  });
}

/** Delivers a push message to the page's service worker through the DevTools protocol, as a push service would. */
async function deliverPush(page: Page, data: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  const { targetInfo } = await cdp.send('Target.getTargetInfo');
  // The registration whose worker controls this very page: other contexts of the same browser have
  // registrations for the same origin (every test serves the app from it), and a push delivered to
  // one of those shows nothing here.
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      const ours = versions.find((version) => version.controlledClients?.includes(targetInfo.targetId) && version.scriptURL.startsWith(`${origin}/`));
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: await registrationId, data });
  await cdp.detach();
}

const PUSH_ATTEMPTS = 4;
const PUSH_SHOWN_WITHIN_MS = 4_000;

/**
 * deliverPush, again if no notification with that tag appears within a few seconds: in a long run
 * Chromium sometimes drops a DevTools-delivered push (the worker was being stopped or restarted);
 * a push service retries the same way. Bounded; what the notification says is asserted after.
 */
async function deliverPushUntilShown(page: Page, data: string): Promise<void> {
  for (let attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
    await deliverPush(page, data);
    const shown = await expect
      .poll(async () => (await shownNotifications(page)).some((notification) => notification.tag === data), { timeout: PUSH_SHOWN_WITHIN_MS })
      .toBe(true)
      .then(
        () => true,
        () => false,
      );
    if (shown) return;
  }
}

/** NUDGE frames this page sends on its room socket from now on, and the relay's "ok" answers to them. */
function countNudges(page: Page): { readonly sent: () => number; readonly answeredOk: () => number } {
  let sent = 0;
  let answeredOk = 0;
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string' && payload.length === 1 && payload[0] === NUDGE_FRAME_TYPE) sent += 1;
    });
    socket.on('framereceived', ({ payload }) => {
      const bytes = typeof payload === 'string' ? null : payload;
      if (bytes?.length === 3 && bytes[0] === PUSH_STATUS_FRAME_TYPE && bytes[1] === NUDGE_FRAME_TYPE && bytes[2] === PUSH_STATUS_OK) answeredOk += 1;
    });
  });
  return { sent: () => sent, answeredOk: () => answeredOk };
}

const PROMPT_TITLE = 'Get a quiet nudge when Sam answers?';

test('APP-33 the quiet prompt: not on a first visit, offered once a session is completed; Turn on registers this device, Not now sends it away for good', async ({ browser }, testInfo) => {
  const room = await openPairedRoom(browser, testInfo, { roomName: 'Us, on Sundays', mode: 'live' });
  const { alex, sam } = room;
  await alex.context.grantPermissions(['notifications']);
  await stubPushService(alex.context);
  // A first visit offers nothing: the room is new, and nothing was completed here yet.
  await expect(alex.page.getByRole('button', { name: 'Draw the cards' })).toBeVisible();
  await expect(alex.page.getByRole('heading', { name: /Get a quiet nudge/ })).toHaveCount(0);
  // Reloaded so the stand-in push service is in the page (init scripts run on navigation).
  await alex.page.reload();

  await revealFirstLiveCard(room, { alex: 'Slowly, then all at once.', sam: 'The first warm evening.' });
  // Never during a card.
  await expect(alex.page.getByRole('heading', { name: /Get a quiet nudge/ })).toHaveCount(0);
  await closeSessionWithCheckIns(room, { alex: 4, sam: 5 });

  const prompt = alex.page.getByRole('region', { name: PROMPT_TITLE });
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText('Your notifications never say what was written');
  await expect(sam.page.getByRole('region', { name: 'Get a quiet nudge when Alex answers?' })).toBeVisible();
  await expectAccessible(alex.page, 'nudge prompt');
  await prompt.scrollIntoViewIfNeeded();
  await snap(alex.page, testInfo, '80-nudge-prompt');

  await workerReady(alex.page);
  await prompt.getByRole('button', { name: 'Turn on nudges' }).click();
  await expect(alex.page.getByRole('status').filter({ hasText: 'Nudges are on for this room on this device.' })).toBeVisible();
  expect((await pushLog(alex.page)).subscribed).toBe(1);

  await sam.page.getByRole('button', { name: 'Not now' }).click();
  await expect(sam.page.getByRole('heading', { name: /Get a quiet nudge/ })).toHaveCount(0);

  // Answered on each device, the offer does not come back.
  for (const partner of [alex, sam]) {
    await partner.page.reload();
    await expect(partner.page.getByRole('button', { name: 'Draw the cards' })).toBeVisible();
    await expect(partner.page.getByRole('heading', { name: /Get a quiet nudge/ })).toHaveCount(0);
  }
  await closePartners(alex, sam);
});

test('APP-34 Room & data: "Nudges on this device" turns on and off with one switch; without a push service it says so', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: 'Deep lunch' });
  await alex.context.grantPermissions(['notifications']);
  await sam.context.grantPermissions(['notifications']);
  await stubPushService(alex.context);
  await alex.page.reload();

  // Sam's browser is the real one: it has no push service to reach here, and the switch says so.
  await sam.page.getByRole('link', { name: 'Room & data' }).click();
  const samSwitch = sam.page.getByRole('switch', { name: 'Nudges on this device' });
  await expect(samSwitch).not.toBeChecked();
  await workerReady(sam.page);
  await samSwitch.click();
  await expect(sam.page.getByRole('alert')).toContainText('This browser’s push service couldn’t be reached, so nudges stay off.');
  await expect(samSwitch).not.toBeChecked();
  await expect(samSwitch).toBeEnabled();
  await expectAccessible(sam.page, 'nudges switch, failed');
  await sam.page.getByRole('heading', { name: 'Notifications' }).scrollIntoViewIfNeeded();
  await snap(sam.page, testInfo, '82-nudges-switch-failed');

  await alex.page.getByRole('link', { name: 'Room & data' }).click();
  const alexSwitch = alex.page.getByRole('switch', { name: 'Nudges on this device' });
  await expect(alexSwitch).not.toBeChecked();
  await expect(alex.page.getByText('A quiet notification on this device when Sam shares an answer, draws the week’s cards or asks to go deeper.', { exact: false })).toBeVisible();
  await expect(alex.page.getByText('Off: no notifications for this room on this device.')).toBeVisible();
  await workerReady(alex.page);
  await alexSwitch.click();
  await expect(alex.page.getByText('On for this room on this device.')).toBeVisible();
  await expect(alexSwitch).toBeChecked();
  await expectAccessible(alex.page, 'nudges switch');
  await alex.page.getByRole('heading', { name: 'Notifications' }).scrollIntoViewIfNeeded();
  await snap(alex.page, testInfo, '81-nudges-switch-on');

  // The choice is this device's: it is still on after a reload.
  await alex.page.reload();
  await expect(alexSwitch).toBeChecked();

  await alexSwitch.click();
  await expect(alex.page.getByText('Off: no notifications for this room on this device.')).toBeVisible();
  await expect(alexSwitch).not.toBeChecked();
  await expect(alex.page.getByRole('alert')).toHaveCount(0);
  // No other room on this device wants nudges, so the browser's subscription is cancelled too.
  expect((await pushLog(alex.page)).unsubscribed).toBe(1);
  await closePartners(alex, sam);
});

test('APP-32 a nudge goes to the relay after an answer only when the partner is away, never while they are here', async ({ browser }, testInfo) => {
  const room = await openPairedRoom(browser, testInfo, { roomName: 'Over the week' });
  const { alex, sam } = room;
  const nudges = countNudges(alex.page);
  // The socket is opened afresh, so its frames are counted from here.
  await alex.page.reload();
  await expect(alex.page.getByText('Sam is here')).toBeVisible();

  // Sam is here and sees the cards arrive: no nudge.
  await drawCards(alex.page);
  await expect(sam.page.getByRole('heading', { name: 'This week’s cards' })).toBeVisible();

  // Sam leaves the room (back to the room list); Alex's answer then nudges the relay, which wakes
  // Sam's devices that turned nudges on.
  await sam.page.getByRole('link', { name: 'Seen — your rooms' }).click();
  await expect(alex.page.getByText('Sam is here')).toHaveCount(0);
  expect(nudges.sent()).toBe(0);
  await alex.page.getByRole('list', { name: 'Session 1 cards' }).getByRole('button').first().click();
  await shareAnswer(alex.page, 'A quiet walk by the river.');
  await expect.poll(nudges.sent).toBe(1);
  await expect.poll(nudges.answeredOk).toBe(1);
  await closePartners(alex, sam);
});

test('WEB-9 a push delivered to the service worker shows a notification worded from this device, one per room, and generic for a room it does not know', async ({ browser }, testInfo) => {
  const { alex, sam } = await openPairedRoom(browser, testInfo, { roomName: 'Us' });
  await alex.context.grantPermissions(['notifications']);
  const roomId = roomIdOf(alex.page);

  await alex.page.getByRole('button', { name: 'Set a weekly time' }).click();
  await alex.page.getByLabel('Day', { exact: true }).selectOption({ label: 'Sunday' });
  await alex.page.getByLabel('Time', { exact: true }).fill('19:00');
  await alex.page.getByRole('button', { name: 'Save the time' }).click();
  await expect(alex.page.getByRole('heading', { name: 'Your ritual is on Sunday at 19:00' })).toBeVisible();
  // The notice book holds what the words need, and nothing secret.
  await expect
    .poll(() => readNoticeRecord(alex.page, roomId))
    .toEqual({ roomId, roomName: 'Us', others: ['Sam'], partners: true, groupSize: 2, ritual: { weekday: 0, hour: 19, minute: 0 } });
  await workerReady(alex.page);

  // The payload is the room id and nothing else, exactly as the relay sends it.
  await deliverPushUntilShown(alex.page, roomId);
  await expect.poll(() => shownNotifications(alex.page)).toEqual([{ title: 'Us', body: 'Sam has something new for you in Us · Sundays at 19:00', tag: roomId }]);
  // A second push for the room replaces the first.
  await deliverPush(alex.page, roomId);
  await deliverPushUntilShown(alex.page, 'NoRoomOnThisDevice');
  await expect
    .poll(async () => (await shownNotifications(alex.page)).sort((a, b) => a.tag.localeCompare(b.tag)))
    .toEqual(
      [
        { title: 'Us', body: 'Sam has something new for you in Us · Sundays at 19:00', tag: roomId },
        { title: 'Seen', body: 'Something new in one of your rooms', tag: 'NoRoomOnThisDevice' },
      ].sort((a, b) => a.tag.localeCompare(b.tag)),
    );
  await closePartners(alex, sam);
});

test('APP-32 WEB-9 end to end: Sam draws while Alex is away; the relay pushes only the room id to Alex’s push service, and Alex’s worker words it from Alex’s device', async ({ browser }, testInfo) => {
  const push = await startLocalPushService();
  const relay = await startOwnRelay({ env: push.relayEnv });
  try {
    const subscriber = push.subscriber('alex-phone');
    const alex = await openPartner(browser, testInfo, 'Alex', relay.url);
    const sam = await openPartner(browser, testInfo, 'Sam', relay.url);
    await alex.context.grantPermissions(['notifications']);
    const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
    await stubPushService(alex.context, { endpoint: subscriber.endpoint, p256dh: base64url(subscriber.p256dh), auth: base64url(subscriber.auth) });

    let alexSocketsOpen = 0;
    alex.page.on('websocket', (socket) => {
      alexSocketsOpen += 1;
      socket.on('close', () => (alexSocketsOpen -= 1));
    });
    const link = await createRoom(alex.page, { yourName: 'Alex', roomName: 'Us, on Sundays' });
    const roomId = roomIdOf(alex.page);
    await joinRoom(sam.page, link, 'Sam');
    await expect(alex.page.getByText('Sam is here')).toBeVisible();
    await alex.page.getByRole('link', { name: 'Room & data' }).click();
    await workerReady(alex.page);
    await alex.page.getByRole('switch', { name: 'Nudges on this device' }).click();
    await expect(alex.page.getByText('On for this room on this device.')).toBeVisible();

    // Alex goes back to the room list: away for Sam, and no socket in the room any more (the relay
    // never pushes to a device that is in the room).
    await alex.page.getByRole('link', { name: 'Seen — your rooms' }).click();
    await expect(sam.page.getByText('Alex is here')).toHaveCount(0);
    await expect.poll(() => alexSocketsOpen).toBe(0);
    await drawCards(sam.page);
    await expect(sam.page.getByRole('heading', { name: 'This week’s cards' })).toBeVisible();

    await expect.poll(() => push.endpoint.received.filter((received) => received.path === '/alex-phone').length).toBe(1);
    const [delivered] = push.endpoint.received.filter((received) => received.path === '/alex-phone');
    // All the push service (and the relay) carried: the room id, encrypted to Alex's device.
    const payload = subscriber.decrypt(delivered!.body);
    expect(payload).toBe(roomId);
    for (const word of ['Sam', 'Alex', 'Us, on Sundays', 'cards']) expect(JSON.stringify(delivered!.headers)).not.toContain(word);

    // The browser's push service would now wake Alex's worker with that payload.
    await deliverPushUntilShown(alex.page, payload);
    await expect.poll(() => shownNotifications(alex.page)).toEqual([{ title: 'Us, on Sundays', body: 'Sam has something new for you in Us, on Sundays', tag: roomId }]);
    await closePartners(alex, sam);
  } finally {
    await relay.dispose();
    await push.dispose();
  }
});
