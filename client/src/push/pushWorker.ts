// Web Push in the service worker, loaded into the generated sw.js with Workbox's importScripts
// (client/vite.config.ts builds this file alone into /push-worker.js). A push carries the room id as
// text and nothing else; the words come from this device's notice book (SPEC WEB-9). Chrome only
// accepts userVisibleOnly subscriptions, so every push shows a notification, whatever it carries.
import { readNotice, type NoticeRecord } from './noticeBook.ts';
import { describeNotice, noticeUrl, readPushedRoomId } from './noticeWords.ts';

// The client's TypeScript lib is the DOM's, not the worker's: the little of the worker's API used
// here, spelled out.
interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface PushEventLike extends ExtendableEventLike {
  readonly data: { text(): string } | null;
}
interface NotificationEventLike extends ExtendableEventLike {
  readonly notification: Notification;
}
interface WindowClientLike {
  readonly url: string;
  focus(): Promise<WindowClientLike>;
  navigate(url: string): Promise<WindowClientLike | null>;
}
interface WorkerScope {
  readonly location: Location;
  readonly registration: ServiceWorkerRegistration;
  readonly clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowClientLike[]>;
    openWindow(url: string): Promise<WindowClientLike | null>;
  };
  addEventListener(type: 'push', listener: (event: PushEventLike) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEventLike) => void): void;
}

const worker = self as unknown as WorkerScope;
const ICON = '/icons/icon-192.png';

interface NoticeData {
  readonly roomId: string | null;
  readonly url: string;
}

async function lookUp(roomId: string | null): Promise<NoticeRecord | null> {
  if (!roomId) return null;
  // A damaged or blocked store still gets a notification, with the generic words.
  return readNotice(roomId).catch(() => null);
}

async function showNotice(payload: string | null): Promise<void> {
  const roomId = readPushedRoomId(payload);
  const record = await lookUp(roomId);
  const words = describeNotice(record);
  const data: NoticeData = { roomId, url: noticeUrl(roomId, record !== null) };
  await worker.registration.showNotification(words.title, {
    body: words.body,
    // One notification per room: a second nudge replaces the first instead of piling up.
    tag: roomId ?? 'seen',
    icon: ICON,
    lang: 'en',
    data,
  });
}

function readPayload(event: PushEventLike): string | null {
  try {
    return event.data?.text() ?? null;
  } catch {
    return null;
  }
}

async function openNotice(data: NoticeData): Promise<void> {
  const target = new URL(data.url, worker.location.origin);
  const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const onRoom = windows.find((client) => new URL(client.url).pathname === target.pathname);
  if (onRoom) {
    await onRoom.focus();
    return;
  }
  const open = windows[0];
  if (open) {
    const focused = await open.focus();
    // navigate() needs a window this worker controls; otherwise a new window opens the room.
    const moved = await focused.navigate(target.href).catch(() => null);
    if (moved) return;
  }
  await worker.clients.openWindow(target.href);
}

/** Only the app's own pages: the room list, or a room's page. */
const SAFE_URL = /^\/(?:r\/[A-Za-z0-9_-]{4,64})?$/;

function readData(notification: Notification): NoticeData {
  const data = notification.data as Partial<NoticeData> | null;
  return { roomId: typeof data?.roomId === 'string' ? data.roomId : null, url: typeof data?.url === 'string' && SAFE_URL.test(data.url) ? data.url : '/' };
}

worker.addEventListener('push', (event) => {
  event.waitUntil(showNotice(readPayload(event)));
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openNotice(readData(event.notification)));
});
