// What the service worker does with a push and with a tap on its notification (SPEC WEB-9), over
// the little of the worker's API it needs, so the same code runs in sw.js (./pushWorker.ts) and in
// the unit tests.
import { readNotice, type NoticeRecord } from './noticeBook.ts';
import { describeNotice, noticeUrl, readPushedRoomId } from './noticeWords.ts';

export interface WindowClientLike {
  readonly url: string;
  focus(): Promise<WindowClientLike>;
  navigate(url: string): Promise<WindowClientLike | null>;
}

export interface NoticeScope {
  readonly origin: string;
  showNotification(title: string, options: NotificationOptions): Promise<void>;
  matchWindows(): Promise<readonly WindowClientLike[]>;
  openWindow(url: string): Promise<WindowClientLike | null>;
}

/** What a notification carries for its tap: only where to go. */
export interface NoticeData {
  readonly roomId: string | null;
  readonly url: string;
}

const ICON = '/icons/icon-192.png';
/** Only the app's own pages: the room list, or a room's page. */
const SAFE_URL = /^\/(?:r\/[A-Za-z0-9_-]{4,64})?$/;

async function lookUp(roomId: string | null): Promise<NoticeRecord | null> {
  if (!roomId) return null;
  // A damaged or blocked store still gets a notification, with the generic words.
  return readNotice(roomId).catch(() => null);
}

/** Shows one notification for a push, whatever it carries: Chrome requires it of userVisibleOnly pushes. */
export async function showPushNotice(scope: NoticeScope, payload: string | null): Promise<void> {
  const roomId = readPushedRoomId(payload);
  const record = await lookUp(roomId);
  const words = describeNotice(record);
  const data: NoticeData = { roomId, url: noticeUrl(roomId, record !== null) };
  await scope.showNotification(words.title, {
    body: words.body,
    // One notification per room: a second nudge replaces the first instead of piling up.
    tag: roomId ?? 'seen',
    icon: ICON,
    lang: 'en',
    data,
  });
}

/** The notification's data, checked: a tap only ever leads to one of the app's own pages. */
export function readNoticeData(value: unknown): NoticeData {
  const data = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof NoticeData, unknown>>;
  return {
    roomId: typeof data.roomId === 'string' ? data.roomId : null,
    url: typeof data.url === 'string' && SAFE_URL.test(data.url) ? data.url : '/',
  };
}

/**
 * A tap: a window already on the room comes forward; else an open window of the app goes there;
 * else a new window opens the room (or the room list).
 */
export async function openNoticeTarget(scope: NoticeScope, data: NoticeData): Promise<void> {
  const target = new URL(data.url, scope.origin);
  const windows = await scope.matchWindows();
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
  await scope.openWindow(target.href);
}
