import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { encodeSecret, generateRoomSecret, inviteLinkFor, roomIdFor } from './invite.ts';
import { buildRitualCalendar } from './ritualCalendar.ts';

const ORIGIN = 'https://seen.example.org';
// Monday 7 December 2026, local time; the ritual is Sundays at 19:00.
const NOW = new Date(2026, 11, 7, 12).getTime();

function parseEvent(text: string) {
  const component = new ICAL.Component(ICAL.parse(text));
  const vevent = component.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT in the calendar file');
  return { vevent, event: new ICAL.Event(vevent) };
}

/** Every way the secret could be written down: the app's own encoding, base64, hex, the invite link. */
function secretEncodings(secret: Uint8Array): string[] {
  const bytes = Buffer.from(secret);
  const base64 = bytes.toString('base64');
  return [
    encodeSecret(secret),
    base64,
    base64.replace(/=+$/, ''),
    encodeURIComponent(base64),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    inviteLinkFor(secret, ORIGIN),
    `#k=${encodeSecret(secret)}`,
  ];
}

describe('the ritual in a calendar', () => {
  it('APP-31 the .ics parses, recurs weekly on the ritual’s day and starts at its local time', () => {
    const text = buildRitualCalendar({ ritual: { weekday: 0, hour: 19, minute: 0 }, roomName: 'Our Sundays', origin: ORIGIN, now: NOW });
    const { vevent, event } = parseEvent(text);
    expect(event.summary).toBe('Seen: Our Sundays');
    expect(event.isRecurring()).toBe(true);
    const rule = vevent.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rule.freq).toBe('WEEKLY');
    expect(rule.parts.BYDAY).toEqual(['SU']);
    // Floating local time (no zone, no Z): 19:00 on the next Sunday, wherever the calendar is.
    expect(event.startDate.zone).toBe(ICAL.Timezone.localTimezone);
    expect(vevent.getFirstProperty('dtstart')?.toICALString()).toBe('DTSTART:20261213T190000');
    expect([event.startDate.year, event.startDate.month, event.startDate.day, event.startDate.hour, event.startDate.minute]).toEqual([2026, 12, 13, 19, 0]);
    expect(event.startDate.dayOfWeek()).toBe(ICAL.Time.SUNDAY);
    const iterator = event.iterator();
    const [first, second] = [iterator.next(), iterator.next()];
    expect(second?.subtractDate(first!).toSeconds()).toBe(7 * 24 * 3600);
    expect(event.description).toContain(`${ORIGIN}/`);
  });

  it('APP-31 a Thursday ritual at 07:30 gets BYDAY=TH and 07:30', () => {
    const { vevent, event } = parseEvent(buildRitualCalendar({ ritual: { weekday: 4, hour: 7, minute: 30 }, roomName: '', origin: ORIGIN, now: NOW }));
    expect((vevent.getFirstPropertyValue('rrule') as ICAL.Recur).parts.BYDAY).toEqual(['TH']);
    expect([event.startDate.day, event.startDate.hour, event.startDate.minute]).toEqual([10, 7, 30]);
  });

  it('APP-31 PRIV-1 the .ics holds no room secret in any encoding, nor the room link; it links to the app’s front page', () => {
    const secret = generateRoomSecret();
    const text = buildRitualCalendar({ ritual: { weekday: 0, hour: 19, minute: 0 }, roomName: 'Our Sundays', origin: ORIGIN, now: NOW });
    // Long lines are folded in .ics: check the unfolded text too, so a split secret is still found.
    const unfolded = text.replace(/\r?\n[ \t]/g, '');
    for (const encoded of [...secretEncodings(secret), roomIdFor(secret), '#k=', '/join', '/r/']) {
      expect(text).not.toContain(encoded);
      expect(unfolded).not.toContain(encoded);
    }
    const { event, vevent } = parseEvent(text);
    expect(vevent.getFirstPropertyValue('url')).toBe(`${ORIGIN}/`);
    expect(event.description).not.toMatch(/#/);
  });
});
