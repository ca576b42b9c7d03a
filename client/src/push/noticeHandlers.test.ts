import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { writeNotice } from './noticeBook.ts';
import { openNoticeTarget, readNoticeData, showPushNotice, type NoticeScope, type WindowClientLike } from './noticeHandlers.ts';

const ORIGIN = 'https://seen.example';
const ROOM_ID = 'Hq7-LunchRoom_01';

/** A service worker's scope as the handlers see it, recording what they did. */
function recordingScope(windowUrls: readonly string[] = [], controlled = true) {
  const shown: { title: string; options: NotificationOptions }[] = [];
  const actions: string[] = [];
  const makeWindow = (url: string): WindowClientLike => {
    const client: WindowClientLike = {
      url,
      focus: () => {
        actions.push(`focus ${new URL(url).pathname}`);
        return Promise.resolve(client);
      },
      navigate: (to) => {
        if (!controlled) return Promise.reject(new TypeError('not controlled'));
        actions.push(`navigate ${new URL(to).pathname}`);
        return Promise.resolve(makeWindow(to));
      },
    };
    return client;
  };
  const scope: NoticeScope = {
    origin: ORIGIN,
    showNotification: (title, options) => {
      shown.push({ title, options });
      return Promise.resolve();
    },
    matchWindows: () => Promise.resolve(windowUrls.map((url) => makeWindow(`${ORIGIN}${url}`))),
    openWindow: (url) => {
      actions.push(`open ${new URL(url).pathname}`);
      return Promise.resolve(null);
    },
  };
  return { scope, shown, actions };
}

describe('the service worker’s push and tap (WEB-9)', () => {
  it('WEB-9 a push for a known room is worded from the notice book, tagged with the room, and leads to its page', async () => {
    await writeNotice({ roomId: ROOM_ID, roomName: 'Deep lunch', others: ['Maya', 'Jon'], partners: false, groupSize: 3, ritual: null });
    const { scope, shown } = recordingScope();
    await showPushNotice(scope, ROOM_ID);
    expect(shown).toEqual([
      { title: 'Deep lunch', options: { body: 'Maya or Jon added something in Deep lunch', tag: ROOM_ID, icon: '/icons/icon-192.png', lang: 'en', data: { roomId: ROOM_ID, url: `/r/${ROOM_ID}` } } },
    ]);
  });

  it('WEB-9 a push for an unknown room, or with no room at all, still shows a notification that names nothing', async () => {
    const { scope, shown } = recordingScope();
    await showPushNotice(scope, 'NotARoomHere');
    await showPushNotice(scope, null);
    expect(shown.map((entry) => [entry.title, entry.options.body, entry.options.tag, (entry.options.data as { url: string }).url])).toEqual([
      ['Seen', 'Something new in one of your rooms', 'NotARoomHere', '/'],
      ['Seen', 'Something new in one of your rooms', 'seen', '/'],
    ]);
  });

  it('WEB-9 a tap brings forward a window on the room, else takes an open window there, else opens the room', async () => {
    const data = readNoticeData({ roomId: ROOM_ID, url: `/r/${ROOM_ID}` });
    const onRoom = recordingScope(['/', `/r/${ROOM_ID}/history`, `/r/${ROOM_ID}`]);
    await openNoticeTarget(onRoom.scope, data);
    expect(onRoom.actions).toEqual([`focus /r/${ROOM_ID}`]);

    const elsewhere = recordingScope(['/r/OtherRoom1']);
    await openNoticeTarget(elsewhere.scope, data);
    expect(elsewhere.actions).toEqual(['focus /r/OtherRoom1', `navigate /r/${ROOM_ID}`]);

    const uncontrolled = recordingScope(['/r/OtherRoom1'], false);
    await openNoticeTarget(uncontrolled.scope, data);
    expect(uncontrolled.actions).toEqual(['focus /r/OtherRoom1', `open /r/${ROOM_ID}`]);

    const none = recordingScope([]);
    await openNoticeTarget(none.scope, data);
    expect(none.actions).toEqual([`open /r/${ROOM_ID}`]);
  });

  it('WEB-9 a tap only ever leads to one of the app’s own pages', () => {
    for (const url of ['https://evil.example/', '//evil.example', '/join#k=secret', '/r/../x', 42]) {
      expect(readNoticeData({ roomId: ROOM_ID, url }).url).toBe('/');
    }
    expect(readNoticeData(null)).toEqual({ roomId: null, url: '/' });
  });
});
