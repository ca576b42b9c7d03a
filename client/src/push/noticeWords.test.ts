import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { forgetNotice, parseNoticeRecord, readNotice, writeNotice, type NoticeRecord } from './noticeBook.ts';
import { describeNotice, describeRitual, noticeUrl, readPushedRoomId, UNKNOWN_ROOM_WORDS } from './noticeWords.ts';

const ROOM_ID = 'Xq3_k9-ZpL0aBcDeFgHiJw';
const US: NoticeRecord = { roomId: ROOM_ID, roomName: 'Us', others: ['Alex'], partners: true, groupSize: 2, ritual: null };

describe('the notification words, from the device (WEB-9)', () => {
  it('WEB-9 two partners: the room as the title, the partner by name, nothing of what happened', () => {
    expect(describeNotice(US)).toEqual({ title: 'Us', body: 'Alex has something new for you in Us' });
  });

  it('WEB-9 three friends: either of the others, as the push cannot say which', () => {
    const lunch: NoticeRecord = { ...US, roomName: 'Deep lunch', others: ['Maya', 'Jon'], partners: false, groupSize: 3 };
    expect(describeNotice(lunch)).toEqual({ title: 'Deep lunch', body: 'Maya or Jon added something in Deep lunch' });
    expect(describeNotice({ ...lunch, others: ['Maya', 'Jon', 'Lee'], groupSize: 4 }).body).toBe('Maya, Jon or Lee added something in Deep lunch');
  });

  it('WEB-9 the ritual time follows the words, as the room shows it', () => {
    const sundays = { ...US, ritual: { weekday: 0, hour: 19, minute: 0 } };
    expect(describeNotice(sundays).body).toBe('Alex has something new for you in Us · Sundays at 19:00');
    expect(describeRitual({ weekday: 3, hour: 7, minute: 5 })).toBe('Wednesdays at 07:05');
  });

  it('WEB-9 an unknown room, or one nobody else joined yet, gets words that name nothing', () => {
    expect(describeNotice(null)).toEqual({ title: 'Seen', body: 'Something new in one of your rooms' });
    expect(UNKNOWN_ROOM_WORDS.body).not.toMatch(/Alex|Us/);
    expect(describeNotice({ ...US, others: [] })).toEqual({ title: 'Us', body: 'Something new in Us' });
    expect(describeNotice({ ...US, roomName: '' })).toEqual({ title: 'Seen', body: 'Alex has something new for you in your room' });
  });

  it('WEB-9 only a room id is read from a push; a tap opens that room’s page or the room list', () => {
    expect(readPushedRoomId(` ${ROOM_ID}\n`)).toBe(ROOM_ID);
    for (const junk of ['', null, 'a/b', '../../x', 'https://evil.example', 'x'.repeat(65), '{"roomId":"abc"}']) expect(readPushedRoomId(junk)).toBeNull();
    expect(noticeUrl(ROOM_ID, true)).toBe(`/r/${ROOM_ID}`);
    expect(noticeUrl(ROOM_ID, false)).toBe('/');
    expect(noticeUrl(null, false)).toBe('/');
  });
});

describe('the notice book (APP-32)', () => {
  it('APP-32 keeps one record per room in IndexedDB and forgets it when the room is left', async () => {
    await writeNotice(US);
    expect(await readNotice(ROOM_ID)).toEqual(US);
    expect(await readNotice('other-room')).toBeNull();
    await forgetNotice(ROOM_ID);
    expect(await readNotice(ROOM_ID)).toBeNull();
  });

  it('APP-32 a damaged record is read field by field: odd values never reach the words', () => {
    expect(parseNoticeRecord(null)).toBeNull();
    expect(parseNoticeRecord({ roomName: 'Us' })).toBeNull();
    const odd = parseNoticeRecord({ roomId: ROOM_ID, roomName: 42, others: ['Alex', 7, '  '], partners: 'yes', groupSize: -1, ritual: { weekday: 9, hour: 1, minute: 0 } });
    expect(odd).toEqual({ roomId: ROOM_ID, roomName: '', others: ['Alex'], partners: false, groupSize: 2, ritual: null });
  });
});
