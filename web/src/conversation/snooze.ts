/** When a snoozed conversation comes back: the presets the snooze dialog offers. */

/** The offset of a time zone from UTC at an instant, in milliseconds (Europe/Paris in summer: +2 h). */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The calendar date (year, month 1–12, day) an instant falls on in a time zone. */
function dateIn(instant: number, timeZone: string): { year: number; month: number; day: number } {
  const local = new Date(instant + offsetAt(instant, timeZone));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/**
 * The instant a wall-clock time on a date has in a time zone. A time the clocks skip
 * (a spring-forward gap) comes out an hour later, as the clocks show it.
 */
export function zonedInstant(
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  let instant = wall - offsetAt(wall, timeZone);
  // The offset at the guess may differ from the offset at the answer across a change of time.
  instant = wall - offsetAt(instant, timeZone);
  return new Date(instant);
}

/** Tomorrow at hh:mm on the clocks of a time zone, seen from `now`. */
export function tomorrowAt(now: Date, timeZone: string, hour = 9, minute = 0): Date {
  const today = dateIn(now.getTime(), timeZone);
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  return zonedInstant(
    { year: tomorrow.getUTCFullYear(), month: tomorrow.getUTCMonth() + 1, day: tomorrow.getUTCDate() },
    hour,
    minute,
    timeZone,
  );
}

/** An hour from now. */
export const inOneHour = (now: Date): Date => new Date(now.getTime() + 3_600_000);

/** Whether Intl knows a time zone by this name. */
export function knownTimeZone(timeZone: string | null | undefined): timeZone is string {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
