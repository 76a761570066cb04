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
 * Whether a calendar opens at all: some weekday has a shift, or some dated exception
 * has hours. A calendar without either keeps its site closed for ever.
 */
export function calendarEverOpens(calendar: SiteCalendar): boolean {
  const weekly = Object.values(calendar.weekly).some((shifts) => (shifts ?? []).length > 0);
  return weekly || calendar.exceptions.some((e) => e.intervals.length > 0);
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

/** An interval of instants, `start` included and `end` excluded. */
export interface OpenInterval {
  start: Date;
  end: Date;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds (local = UTC + offset). */
function utcOffset(at: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, Number(x.value)]));
  const local = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return local - Math.floor(at / 1000) * 1000;
}

const DAY = 86_400_000;

// Offsets per zone, per 12-hour bucket of UTC: the offset at the bucket's start and the change within it, if any.
const HALF_DAY = DAY / 2;
interface OffsetBucket {
  offset: number;
  change: { at: number; offset: number } | null;
}
const offsetBuckets = new Map<string, Map<number, OffsetBucket>>();

function offsetBucket(timeZone: string, index: number): OffsetBucket {
  let zone = offsetBuckets.get(timeZone);
  if (!zone || zone.size > 100_000) {
    zone = new Map();
    offsetBuckets.set(timeZone, zone);
  }
  const known = zone.get(index);
  if (known) return known;
  const start = index * HALF_DAY;
  const previous = zone.get(index - 1);
  const offset = previous ? (previous.change?.offset ?? previous.offset) : utcOffset(start, timeZone);
  const after = utcOffset(start + HALF_DAY, timeZone);
  let change: OffsetBucket['change'] = null;
  // Offsets change at most a few times a year, never twice within 12 hours.
  if (after !== offset) {
    let lo = start;
    let hi = start + HALF_DAY;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (utcOffset(mid, timeZone) === offset) lo = mid;
      else hi = mid;
    }
    change = { at: hi, offset: after };
  }
  const bucket = { offset, change };
  zone.set(index, bucket);
  return bucket;
}

/** Splits [from, to) where the zone's offset changes (found to the millisecond). */
function constantOffsetSpans(timeZone: string, from: number, to: number): Array<[number, number, number]> {
  const spans: Array<[number, number, number]> = [];
  const first = offsetBucket(timeZone, Math.floor(from / HALF_DAY));
  let start = from;
  let offset = first.change && first.change.at <= from ? first.change.offset : first.offset;
  for (let index = Math.floor(from / HALF_DAY); index * HALF_DAY < to; index++) {
    const change = offsetBucket(timeZone, index).change;
    if (change && change.at > start && change.at < to) {
      spans.push([start, change.at, offset]);
      start = change.at;
      offset = change.offset;
    }
  }
  spans.push([start, to, offset]);
  return spans;
}

const wallShiftCache = new WeakMap<SiteCalendar, Map<number, ReadonlyArray<readonly [number, number]>>>();

/** The shifts starting on a local day (given as its midnight in wall time read as UTC), sorted, in wall time. */
function wallShifts(calendar: SiteCalendar, day: number): ReadonlyArray<readonly [number, number]> {
  let days = wallShiftCache.get(calendar);
  if (!days || days.size > 10_000) {
    days = new Map();
    wallShiftCache.set(calendar, days);
  }
  const known = days.get(day);
  if (known) return known;
  const date = new Date(day).toISOString().slice(0, 10);
  const weekday = WEEKDAYS[(new Date(day).getUTCDay() + 6) % 7] ?? 'mon';
  const shifts = shiftsStarting(calendar, date, weekday)
    .map((s) => {
      const start = toMinutes(s.start);
      const end = toMinutes(s.end);
      return [day + start * 60_000, day + (end > start ? end : end + 1440) * 60_000] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  days.set(day, shifts);
  return shifts;
}

/**
 * The instants in [from, to) at which `isSiteOpen` says the calendar is open, as sorted,
 * disjoint, non-adjacent intervals. Wall times that a daylight-saving change skips or
 * repeats are read exactly as `isSiteOpen` reads them. A calendar is treated as immutable
 * (its days are cached per object): pass a new object when it changes.
 */
export function openIntervals(
  calendar: SiteCalendar,
  timeZone: string,
  from: Date,
  to: Date,
): OpenInterval[] {
  const result: OpenInterval[] = [];
  if (to.getTime() <= from.getTime()) return result;
  for (const [spanStart, spanEnd, offset] of constantOffsetSpans(timeZone, from.getTime(), to.getTime())) {
    // Within one span, local wall time is the instant shifted by `offset`: work on wall time as if UTC.
    const wallFrom = spanStart + offset;
    const wallTo = spanEnd + offset;
    for (let day = Math.floor(wallFrom / DAY) * DAY - DAY; day < wallTo; day += DAY) {
      for (const [openWall, closeWall] of wallShifts(calendar, day)) {
        const start = Math.max(openWall, wallFrom) - offset;
        const end = Math.min(closeWall, wallTo) - offset;
        if (end <= start) continue;
        const last = result[result.length - 1];
        if (last && last.end.getTime() >= start) {
          if (end > last.end.getTime()) last.end = new Date(end);
        } else result.push({ start: new Date(start), end: new Date(end) });
      }
    }
  }
  return result;
}
