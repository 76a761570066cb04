import type { DayVolumes } from './forecast.ts';

// What each day of history may teach a forecast: closures, outlier days and the day after a closure.
// Shared by every forecasting method; pure.

const DAY_MS = 86_400_000;

export const weekdayOf = (date: string): number => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
};

export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export const total = (values: number[]) => values.reduce((s, v) => s + v, 0);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** What a method knows of the calendar: days the centre is closed or that are unusual by decree. */
export interface ForecastCalendar {
  /** Dates given as holidays: never trained on; the open day after one is a "day after closure". */
  holidays: ReadonlySet<string>;
  /** Weekdays the centre works (those present in the data). */
  workingWeekdays: ReadonlySet<number>;
}

/** True when the working day before `date` was a closure (a holiday, or a working weekday without data). */
export function followsClosure(
  date: string,
  known: ReadonlySet<string>,
  calendar: ForecastCalendar,
): boolean {
  let previous = addDays(date, -1);
  for (let guard = 0; guard < 7 && !calendar.workingWeekdays.has(weekdayOf(previous)); guard++)
    previous = addDays(previous, -1);
  return calendar.holidays.has(previous) || !known.has(previous);
}

/** How far a day's total may stray from its weekday's median before it is treated as an outlier. */
export const OUTLIER_LOW = 0.7;
export const OUTLIER_HIGH = 1.3;

export interface PreparedHistory {
  /** Days fit to learn the usual pattern: not holidays, not outliers, not right after a closure. */
  clean: DayVolumes[];
  /** Open days right after a closure, with nothing else unusual: they teach the catch-up effect. */
  afterClosure: DayVolumes[];
}

export function prepare(history: DayVolumes[], calendar: ForecastCalendar): PreparedHistory {
  const known = new Set(history.map((d) => d.date));
  const medians = new Map<number, number>();
  for (const w of new Set(history.map((d) => d.weekday)))
    medians.set(w, median(history.filter((d) => d.weekday === w).map((d) => total(d.values))));
  const clean: DayVolumes[] = [];
  const afterClosure: DayVolumes[] = [];
  const first = history[0]?.date;
  for (const day of history) {
    if (calendar.holidays.has(day.date)) continue;
    const ratio = total(day.values) / (medians.get(day.weekday) || 1);
    const after = day.date !== first && followsClosure(day.date, known, calendar);
    if (after) afterClosure.push(day);
    else if (ratio >= OUTLIER_LOW && ratio <= OUTLIER_HIGH) clean.push(day);
  }
  return { clean, afterClosure };
}
