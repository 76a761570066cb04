import type { PlanResult } from './types.ts';

const HOUR_MS = 3_600_000;

/** Scheduled agents of each site in each hour of the plan. */
export interface HourlyStaffing {
  /** The sites that schedule anyone, in the plan's order. */
  sites: Array<{ id: string; code: string; name: string }>;
  /** The first instant of each hour (ms). */
  hours: number[];
  /** values[hour][site]: agents on the schedule, on average over the hour. */
  values: number[][];
  /** The largest total of one hour. */
  peak: number;
}

/**
 * A plan's staff by hour: an hour's value is the mean of its intervals' scheduled agents
 * (for intervals longer than an hour, each of its hours takes the interval's value).
 */
export function hourlyStaffing(result: PlanResult): HourlyStaffing {
  const start = Date.parse(result.start);
  const minutes = result.intervalMinutes;
  const hourCount = Math.ceil((result.intervals * minutes) / 60);
  const perHour = Math.max(1, 60 / minutes);
  const order = result.sites.filter((s) => result.staff.some((r) => r.siteId === s.id && r.scheduled > 0));
  const column = new Map(order.map((s, i) => [s.id, i]));
  const values = Array.from({ length: hourCount }, () => new Array<number>(order.length).fill(0));
  for (const row of result.staff) {
    const s = column.get(row.siteId);
    if (s === undefined) continue;
    const first = Math.floor((row.interval * minutes) / 60);
    const last = minutes > 60 ? Math.floor(((row.interval + 1) * minutes) / 60) - 1 : first;
    for (let h = first; h <= last && h < hourCount; h++) {
      const cells = values[h];
      if (cells) cells[s] = (cells[s] ?? 0) + (minutes > 60 ? row.scheduled : row.scheduled / perHour);
    }
  }
  const peak = Math.max(0, ...values.map((v) => v.reduce((a, b) => a + b, 0)));
  return {
    sites: order.map((s) => ({ id: s.id, code: s.code, name: s.name })),
    hours: values.map((_, h) => start + h * HOUR_MS),
    values,
    peak,
  };
}

/** The viewer's time zone (IANA) and its name in their language ("Central European Standard Time"). */
export function viewerZone(locale: string, at: number): { zone: string; name: string } {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const parts = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'long' }).formatToParts(at);
  return { zone, name: parts.find((p) => p.type === 'timeZoneName')?.value ?? zone };
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();
/** The hour of the day (0–23) of an instant on the viewer's clock. */
export function localHour(at: number): number {
  let f = hourFormats.get('h');
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23' });
    hourFormats.set('h', f);
  }
  return Number(f.formatToParts(at).find((p) => p.type === 'hour')?.value ?? 0);
}

/** A nice step for an axis from 0 to `max` in about `ticks` steps (1, 2 or 5 times a power of ten). */
export function niceStep(max: number, ticks = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

/** The next Monday after today, as YYYY-MM-DD (a plan starts at 00:00 UTC of its first day). */
export function nextMonday(now = new Date()): string {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const weekday = new Date(day).getUTCDay();
  const ahead = weekday === 1 ? 7 : (8 - weekday) % 7;
  return new Date(day + ahead * 86_400_000).toISOString().slice(0, 10);
}
