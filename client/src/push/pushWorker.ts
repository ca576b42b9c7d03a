// Web Push in the service worker, loaded into the generated sw.js with Workbox's importScripts
// (client/vite.config.ts builds this file alone into /push-worker.js). A push carries the room id as
// text and nothing else; the words come from this device's notice book (SPEC WEB-9).
import { openNoticeTarget, readNoticeData, showPushNotice, type NoticeScope, type WindowClientLike } from './noticeHandlers.ts';

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

const scope: NoticeScope = {
  origin: worker.location.origin,
  showNotification: (title, options) => worker.registration.showNotification(title, options),
  matchWindows: () => worker.clients.matchAll({ type: 'window', includeUncontrolled: true }),
  openWindow: (url) => worker.clients.openWindow(url),
};

function readPayload(event: PushEventLike): string | null {
  try {
    return event.data?.text() ?? null;
  } catch {
    return null;
  }
}

worker.addEventListener('push', (event) => {
  event.waitUntil(showPushNotice(scope, readPayload(event)));
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openNoticeTarget(scope, readNoticeData(event.notification.data)));
});
