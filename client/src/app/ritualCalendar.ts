// "Add to calendar" for the weekly ritual (APP-31): an .ics event that repeats every week at the
// ritual's wall-clock time. The file is for the person's calendar, which syncs to other services,
// so it links to the app's front page (the room list on their devices), never to a room: the room
// secret lives in an invite link's fragment and must not reach a calendar.
import { createEvent } from 'ics';
import type { RitualTime } from '@seen/shared/doc';
import { nextRitualAt } from './ritual.ts';

/** iCalendar's two-letter weekday codes, indexed like `Date.prototype.getDay`. */
const ICS_WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const RITUAL_LENGTH_MINUTES = 60;

export const RITUAL_CALENDAR_FILE = 'seen-weekly-ritual.ics';

export function buildRitualCalendar(options: {
  readonly ritual: Pick<RitualTime, 'weekday' | 'hour' | 'minute'>;
  readonly roomName: string;
  /** The app's origin, e.g. https://seen.example.org: the link goes to the room list, not a room. */
  readonly origin: string;
  readonly now: number;
}): string {
  const first = new Date(nextRitualAt(options.ritual, options.now));
  const link = new URL('/', options.origin).href;
  const { error, value } = createEvent({
    productId: 'seen/ritual',
    title: `Seen: ${options.roomName || 'our weekly cards'}`,
    description: `Time for this week's cards. Open Seen and choose your room: ${link}`,
    url: link,
    // Floating local time: 19:00 on the ritual's day wherever the calendar is, as in the app.
    start: [first.getFullYear(), first.getMonth() + 1, first.getDate(), first.getHours(), first.getMinutes()],
    startInputType: 'local',
    startOutputType: 'local',
    duration: { minutes: RITUAL_LENGTH_MINUTES },
    recurrenceRule: `FREQ=WEEKLY;BYDAY=${ICS_WEEKDAYS[options.ritual.weekday] ?? 'SU'}`,
  });
  if (error || !value) throw new Error(`The calendar file could not be made (${error?.message ?? 'no content'}). Please try again.`);
  return value;
}
