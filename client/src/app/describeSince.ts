const DAY_MS = 24 * 60 * 60 * 1000;
/** Within this many days a weekday name is unambiguous ("since Tuesday"). */
const WEEKDAY_RANGE_DAYS = 6;

function startOfDay(at: number): number {
  const date = new Date(at);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/**
 * "since 14:05 today", "since yesterday at 09:30", "since Tuesday", "since 3 March": when possibly
 * missing changes start, in words a person uses (a warning that names when is one a user can act
 * on: "did Sam write on Tuesday?"). Uses the device's locale for times and names.
 */
export function describeSince(at: number, now: number): string {
  const time = new Date(at).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  const days = Math.round((startOfDay(now) - startOfDay(at)) / DAY_MS);
  if (days <= 0) return `since ${time} today`;
  if (days === 1) return `since yesterday at ${time}`;
  if (days <= WEEKDAY_RANGE_DAYS) return `since ${new Date(at).toLocaleDateString(undefined, { weekday: 'long' })}`;
  return `since ${new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'long' })}`;
}
