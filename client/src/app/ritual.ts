// The weekly ritual time (APP-31): when this week's cards are due, in the device's local time.
// Pure: the clock comes in as `now`, so tests state the day and hour they mean.
import type { RitualTime, SessionRecord } from '@seen/shared/doc';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const DAYS_PER_WEEK = 7;

export function weekdayName(weekday: number): string {
  return WEEKDAYS[weekday] ?? 'Sunday';
}

/** "19:00": a 24-hour clock, as the ritual is set. */
export function ritualClock(ritual: Pick<RitualTime, 'hour' | 'minute'>): string {
  return `${String(ritual.hour).padStart(2, '0')}:${String(ritual.minute).padStart(2, '0')}`;
}

/** The most recent ritual moment at or before `now`, in local time. */
export function latestRitualAt(ritual: Pick<RitualTime, 'weekday' | 'hour' | 'minute'>, now: number): number {
  const at = new Date(now);
  at.setDate(at.getDate() - ((at.getDay() - ritual.weekday + DAYS_PER_WEEK) % DAYS_PER_WEEK));
  at.setHours(ritual.hour, ritual.minute, 0, 0);
  // Today is the day but the hour has not come yet: the latest one was a week ago.
  if (at.getTime() > now) at.setDate(at.getDate() - DAYS_PER_WEEK);
  return at.getTime();
}

/** The next ritual moment strictly after `now`, in local time (a calendar event's first date). */
export function nextRitualAt(ritual: Pick<RitualTime, 'weekday' | 'hour' | 'minute'>, now: number): number {
  const latest = new Date(latestRitualAt(ritual, now));
  latest.setDate(latest.getDate() + DAYS_PER_WEEK);
  return latest.getTime();
}

export type RitualDecision = { readonly due: true; readonly at: number } | { readonly due: false };

/**
 * Whether opening the room now should draw this week's cards: the week's ritual moment has come,
 * the ritual was set before it, no session has started or closed since it (one closed after it
 * was this week's), and no session is still open (an unfinished week is never closed for anyone). `at`, the ritual moment itself, is the draw's
 * agreed time, so two devices drawing at once draw the same cards and write the same session.
 */
export function decideRitualDraw(input: { readonly ritual: RitualTime | null; readonly sessions: readonly SessionRecord[]; readonly now: number }): RitualDecision {
  const { ritual, sessions, now } = input;
  if (!ritual) return { due: false };
  const at = latestRitualAt(ritual, now);
  if (at < ritual.setAt) return { due: false };
  const latest = sessions.at(-1);
  if (latest && (latest.closedAt === null || latest.closedAt >= at || latest.startedAt >= at)) return { due: false };
  return { due: true, at };
}
