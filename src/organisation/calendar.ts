import { z } from 'zod';
import { ClockTime, IsoDate, Text } from '../core/index.ts';
import type { ShiftInterval, SiteCalendar } from '../store/index.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A shift: `end` at or before `start` means it runs past midnight into the next day. */
export const Shift = z
  .object({ start: ClockTime, end: ClockTime })
  .strict()
  .refine((s) => s.start !== s.end && s.start !== '24:00', {
    message: 'a shift needs a start before 24:00 and an end different from its start',
  });

/** A day's shifts must not overlap (split shifts are fine: 08:00–12:00 and 14:00–18:00). */
const DayShifts = z
  .array(Shift)
  .max(8)
  .superRefine((shifts, ctx) => {
    const spans = shifts
      .map((s) => {
        const start = toMinutes(s.start);
        const end = toMinutes(s.end);
        return [start, end > start ? end : end + 1440] as const;
      })
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) {
      const prev = spans[i - 1];
      const cur = spans[i];
      if (prev && cur && cur[0] < prev[1]) ctx.addIssue({ code: 'custom', message: 'shifts overlap' });
    }
  });

export const Calendar = z
  .object({
    weekly: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, DayShifts.optional()]))).strict(),
    holidays: z
      .array(z.object({ date: IsoDate, name: Text(120) }).strict())
      .max(500)
      .default([]),
    exceptions: z
      .array(z.object({ date: IsoDate, intervals: DayShifts, reason: Text(200).optional() }).strict())
      .max(500)
      .default([]),
  })
  .strict();

interface LocalTime {
  date: string;
  weekday: Weekday;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(at: Date, timeZone: string): LocalTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: String(parts.weekday).toLowerCase().slice(0, 3) as Weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const previousDate = (date: string): string => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
};

const previousWeekday = (day: Weekday): Weekday => WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] ?? 'sun';

/** The shifts that start on a local date: an exception replaces the week, a holiday closes it. */
function shiftsStarting(calendar: SiteCalendar, date: string, weekday: Weekday): ShiftInterval[] {
  const exception = calendar.exceptions.find((e) => e.date === date);
  if (exception) return exception.intervals;
  if (calendar.holidays.some((h) => h.date === date)) return [];
  return calendar.weekly[weekday] ?? [];
}

/**
 * Whether a site is open at an instant, read in the site's own time zone. A shift that
 * runs past midnight belongs to the day it starts: a holiday on Tuesday does not cut
 * Monday's night shift short.
 */
export function isSiteOpen(calendar: SiteCalendar, timeZone: string, at: Date): boolean {
  const local = localTime(at, timeZone);
  for (const shift of shiftsStarting(calendar, local.date, local.weekday)) {
    const start = toMinutes(shift.start);
    const end = toMinutes(shift.end);
    if (end > start ? local.minutes >= start && local.minutes < end : local.minutes >= start) return true;
  }
  const yesterday = shiftsStarting(calendar, previousDate(local.date), previousWeekday(local.weekday));
  for (const shift of yesterday) {
    const start = toMinutes(shift.start);
    const end = toMinutes(shift.end);
    if (end <= start && local.minutes < end) return true;
  }
  return false;
}
