// What a notification says, worded on the device from its own notice book (./noticeBook.ts): the
// push names only the room, never who did what, so the words are personal but say nothing of the
// content (SPEC WEB-9). Pure, shared by the service worker and the tests.
import type { NoticeRecord, NoticeRitual } from './noticeBook.ts';

export interface NoticeWords {
  readonly title: string;
  readonly body: string;
}

/** The app's room route segment (../app/router.ts): a push naming anything else is not a room. */
const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{4,64}$/;
const WEEKDAYS_PLURAL = ['Sundays', 'Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays'] as const;
const EITHER_OF = new Intl.ListFormat('en-GB', { style: 'long', type: 'disjunction' });

export const UNKNOWN_ROOM_WORDS: NoticeWords = { title: 'Seen', body: 'Something new in one of your rooms' };

/** The room id a push carries, or null when it is not one (empty, too long, not base64url). */
export function readPushedRoomId(text: string | null | undefined): string | null {
  const roomId = (text ?? '').trim();
  return ROOM_ID_PATTERN.test(roomId) ? roomId : null;
}

/** "Sundays at 19:00": the ritual as the room shows it, in this device's local time (APP-31). */
export function describeRitual(ritual: NoticeRitual): string {
  const clock = `${String(ritual.hour).padStart(2, '0')}:${String(ritual.minute).padStart(2, '0')}`;
  return `${WEEKDAYS_PLURAL[ritual.weekday] ?? 'Sundays'} at ${clock}`;
}

/**
 * "Alex has something new for you in Us · Sundays at 19:00" for two partners (or one friend so far),
 * "Maya or Jon added something in Deep lunch" for a group: the push cannot say which of them it was.
 */
export function describeNotice(record: NoticeRecord | null): NoticeWords {
  if (!record) return UNKNOWN_ROOM_WORDS;
  const room = record.roomName || 'your room';
  const others = record.others;
  const what =
    others.length === 0
      ? `Something new in ${room}`
      : others.length === 1
        ? `${others[0]} has something new for you in ${room}`
        : `${EITHER_OF.format(others)} added something in ${room}`;
  return {
    title: record.roomName || 'Seen',
    body: record.ritual ? `${what} · ${describeRitual(record.ritual)}` : what,
  };
}

/** Where a tap on the notification leads: the room's own page, or the room list for an unknown room. */
export function noticeUrl(roomId: string | null, known: boolean): string {
  return roomId && known ? `/r/${roomId}` : '/';
}
