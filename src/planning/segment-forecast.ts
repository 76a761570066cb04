import type { Channel, Tier } from '../core/index.ts';
import {
  type DayVolumes,
  defaultCandidates,
  type ForecastCalendar,
  type ForecastMethod,
  periodAccuracy,
  profileRegression,
  weekdayOf,
} from './forecast.ts';

// The forecast of the weeks ahead per subsidiary × language × channel × tier, top-down: each
// subsidiary × channel total is forecast from its history by a method of forecast.ts, then split
// by each segment's share of that total in the history. Pure: counts in, volumes out.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1440;

/** The validation period for choosing a method, and the history it needs before it. */
const VALIDATION_DAYS = 14;
const MIN_DAYS_TO_CHOOSE = 35;
/**
 * A channel with fewer contacts a day than this is forecast pooled with the subsidiary's other
 * sparse channels, and a pool still below it by the interval-of-week mean. The methods of
 * forecast.ts leave out days beyond 70–130% of their weekday's median: on a few contacts a day
 * that keeps only the days near the median (one busy Monday in eight quiet ones is dropped,
 * and with it every contact of that Monday).
 */
export const MIN_DAILY_CONTACTS = 10;

export interface SegmentKey {
  subsidiaryId: string;
  language: string;
  channel: Channel;
  tier: Tier;
}

export interface SegmentForecast extends SegmentKey {
  /** Expected contacts in each interval from `start`. */
  volumes: number[];
  /** Mean handling time measured in the history; null when the history does not allow it. */
  ahtSeconds: number | null;
}

export interface SegmentForecastSet {
  /** ISO instant, UTC: the start of the first interval. */
  start: string;
  intervalMinutes: number;
  intervals: number;
  segments: SegmentForecast[];
  method: string;
  history: { from: string; to: string; contacts: number };
}

/** A subsidiary whose history was read: its time zone and the local days read, first and last included. */
export interface SubsidiaryHistory {
  id: string;
  code: string;
  timeZone: string;
  firstDay: string;
  lastDay: string;
}

/** Contacts of one segment in the interval starting at `minute` of local `date` (the subsidiary's wall time). */
export interface SegmentCount extends SegmentKey {
  date: string;
  minute: number;
  contacts: number;
}

/** A segment's mean handling time and how many contacts it was measured on. */
export interface SegmentHandlingTime extends SegmentKey {
  ahtSeconds: number;
  samples: number;
}

export interface ContactHistory {
  intervalMinutes: number;
  subsidiaries: SubsidiaryHistory[];
  counts: SegmentCount[];
  handlingTimes: SegmentHandlingTime[];
  /** The instants the history spans: the earliest local midnight read, and the end of the last day. */
  from: Date;
  to: Date;
}

// ——— Wall-clock time in a time zone ———

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local date and minute of the day of an instant in a time zone. */
export function wallClock(at: number, timeZone: string): { date: string; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The instant at which a local date begins in a time zone (its first existing minute). */
export function localMidnight(date: string, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const offsetAt = (at: number) => {
    const local = wallClock(at, timeZone);
    return (
      Date.parse(`${local.date}T00:00:00Z`) +
      local.minute * MINUTE_MS -
      Math.floor(at / MINUTE_MS) * MINUTE_MS
    );
  };
  let at = wall - offsetAt(wall);
  at = wall - offsetAt(at);
  // A day that starts inside a daylight-saving gap begins at the first minute after it.
  while (wallClock(at, timeZone).date < date) at += 30 * MINUTE_MS;
  return at;
}

export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The local dates from `first` to `last`, both included. */
export function datesBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

// ——— The forecast ———

const segmentId = (s: SegmentKey) => `${s.subsidiaryId}|${s.channel}|${s.language}|${s.tier}`;
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The default when the history is too short to choose on: recent weeks weighted, no trend. */
export const DEFAULT_METHOD: ForecastMethod = profileRegression({ halfLifeWeeks: 4, trend: false });

/**
 * The method for one series: with five weeks or more, every candidate of forecast.ts is fitted on
 * the history before the last two weeks and the one with the lowest interval WAPE on those two
 * weeks is chosen; with less, or when those weeks had no contacts, the default.
 */
export function chooseMethod(days: DayVolumes[], calendar: ForecastCalendar): ForecastMethod {
  if (days.length < MIN_DAYS_TO_CHOOSE) return DEFAULT_METHOD;
  const cut = addDays(days[days.length - 1]?.date ?? '', -VALIDATION_DAYS + 1);
  const fit = days.filter((d) => d.date < cut);
  const validation = days.filter((d) => d.date >= cut);
  if (sum(validation.map((d) => sum(d.values))) === 0) return DEFAULT_METHOD;
  let best: { method: ForecastMethod; wape: number } | undefined;
  for (const family of defaultCandidates()) {
    for (const method of family.variants) {
      const forecast = method.forecast(
        fit,
        validation.map((d) => d.date),
        calendar,
      );
      const { wape } = periodAccuracy(validation, forecast).byInterval;
      if (Number.isFinite(wape) && (!best || wape < best.wape)) best = { method, wape };
    }
  }
  return best?.method ?? DEFAULT_METHOD;
}

/**
 * For totals too sparse for the methods: each interval as its mean over every day of the history
 * with the same weekday, no day left out, equal weights.
 */
export const intervalOfWeekMean: ForecastMethod = {
  name: 'interval-of-week mean',
  settings: 'every day of the history, equal weights',
  forecast(history, targets) {
    const byWeekday = new Map<number, { values: number[]; days: number }>();
    for (const day of history) {
      const found = byWeekday.get(day.weekday) ?? { values: day.values.map(() => 0), days: 0 };
      day.values.forEach((v, i) => {
        found.values[i] = (found.values[i] ?? 0) + v;
      });
      found.days += 1;
      byWeekday.set(day.weekday, found);
    }
    const slots = history[0]?.values.length ?? 0;
    return targets.map((date) => {
      const found = byWeekday.get(weekdayOf(date));
      return found ? found.values.map((v) => v / found.days) : new Array<number>(slots).fill(0);
    });
  },
};

/** Where an interval of instants falls on a subsidiary's local slots: each slot and the share of the interval in it. */
function localPieces(
  start: number,
  intervalMinutes: number,
  timeZone: string,
): Array<{ date: string; slot: number; fraction: number }> {
  const pieces: Array<{ date: string; slot: number; fraction: number }> = [];
  const end = start + intervalMinutes * MINUTE_MS;
  let at = start;
  while (at < end) {
    const { date, minute } = wallClock(at, timeZone);
    const slot = Math.floor(minute / intervalMinutes);
    const take = Math.min((slot + 1) * intervalMinutes - minute, (end - at) / MINUTE_MS);
    pieces.push({ date, slot, fraction: take / intervalMinutes });
    at += take * MINUTE_MS;
  }
  return pieces;
}

/** The local forecast of one subsidiary × channel total: local date → one value per slot of the day. */
function forecastTotal(days: DayVolumes[], targets: string[]): Map<string, number[]> {
  const byDate = new Map<string, number[]>();
  // A weekday without a single contact in the history is a weekday this work does not come.
  const working = new Set(days.filter((d) => sum(d.values) > 0).map((d) => d.weekday));
  if (working.size === 0) return byDate;
  const history = days.filter((d) => working.has(d.weekday));
  const calendar: ForecastCalendar = { holidays: new Set(), workingWeekdays: working };
  const daily = sum(history.map((d) => sum(d.values))) / days.length;
  const method = daily >= MIN_DAILY_CONTACTS ? chooseMethod(history, calendar) : intervalOfWeekMean;
  const open = targets.filter((date) => working.has(weekdayOf(date)));
  const rows = method.forecast(history, open, calendar);
  open.forEach((date, i) => {
    byDate.set(
      date,
      (rows[i] ?? []).map((v) => (Number.isFinite(v) && v > 0 ? v : 0)),
    );
  });
  return byDate;
}

/** Segments in a stable order: subsidiary (as listed), channel, language, tier. */
function compareKeys(a: SegmentKey, b: SegmentKey, order?: Map<string, number>): number {
  const bySubsidiary = (order?.get(a.subsidiaryId) ?? 0) - (order?.get(b.subsidiaryId) ?? 0);
  if (bySubsidiary !== 0) return bySubsidiary;
  for (const field of ['channel', 'language', 'tier'] as const) {
    if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
  }
  return 0;
}

/**
 * The totals a subsidiary is forecast in: each channel with enough contacts on its own, and the
 * channels too sparse for the methods' weekday medians pooled into one total.
 */
function forecastGroups(
  segments: Array<SegmentKey & { contacts: number }>,
  historyDays: number,
): Channel[][] {
  const perChannel = new Map<Channel, number>();
  for (const s of segments) perChannel.set(s.channel, (perChannel.get(s.channel) ?? 0) + s.contacts);
  const dense: Channel[][] = [];
  const sparse: Channel[] = [];
  for (const [channel, contacts] of [...perChannel.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (contacts / historyDays >= MIN_DAILY_CONTACTS) dense.push([channel]);
    else sparse.push(channel);
  }
  return sparse.length > 0 ? [...dense, sparse] : dense;
}

export const METHOD_DESCRIPTION =
  "top-down, in each subsidiary's local time: each subsidiary × channel total, channels with under " +
  `${MIN_DAILY_CONTACTS} contacts a day pooled into one total, is forecast by the method of forecast.ts with ` +
  'the lowest interval WAPE on the last two weeks of its history (under five weeks of history: profile ' +
  `regression, half-life 4 weeks, no trend; a pool still under ${MIN_DAILY_CONTACTS} a day: the ` +
  'interval-of-week mean), then split among its segments by their shares of that total in the history';

/**
 * The forecast of `weeks` weeks of `history.intervalMinutes` intervals from `start` (an instant on
 * an interval boundary, after the history) for every segment with contacts in the history.
 */
export function forecastSegments(
  history: ContactHistory,
  options: { start: Date; weeks: number },
): SegmentForecastSet {
  const minutes = history.intervalMinutes;
  const slotsPerDay = MINUTES_PER_DAY / minutes;
  const intervals = (options.weeks * 7 * MINUTES_PER_DAY) / minutes;
  const start = options.start.getTime();
  const end = start + intervals * minutes * MINUTE_MS;

  const segments = new Map<string, SegmentKey & { contacts: number }>();
  const series = new Map<string, Map<string, number[]>>();
  for (const c of history.counts) {
    const key = segmentId(c);
    const segment = segments.get(key) ?? {
      subsidiaryId: c.subsidiaryId,
      language: c.language,
      channel: c.channel,
      tier: c.tier,
      contacts: 0,
    };
    segment.contacts += c.contacts;
    segments.set(key, segment);
    const totalKey = `${c.subsidiaryId}|${c.channel}`;
    const days = series.get(totalKey) ?? new Map<string, number[]>();
    series.set(totalKey, days);
    const values = days.get(c.date) ?? new Array<number>(slotsPerDay).fill(0);
    days.set(c.date, values);
    const slot = Math.floor(c.minute / minutes);
    values[slot] = (values[slot] ?? 0) + c.contacts;
  }

  const handling = new Map(history.handlingTimes.map((h) => [segmentId(h), h.ahtSeconds]));
  const order = new Map(history.subsidiaries.map((s, i) => [s.id, i]));
  const out: SegmentForecast[] = [];
  for (const subsidiary of history.subsidiaries) {
    const historyDates = datesBetween(subsidiary.firstDay, subsidiary.lastDay);
    const lastTarget = wallClock(end - MINUTE_MS, subsidiary.timeZone).date;
    const targets = datesBetween(addDays(subsidiary.lastDay, 1), lastTarget);
    const pieces = Array.from({ length: intervals }, (_, k) =>
      localPieces(start + k * minutes * MINUTE_MS, minutes, subsidiary.timeZone),
    );
    const own = [...segments.values()]
      .filter((s) => s.subsidiaryId === subsidiary.id)
      .sort((a, b) => compareKeys(a, b));
    for (const channels of forecastGroups(own, historyDates.length)) {
      const days: DayVolumes[] = historyDates.map((date) => {
        const values = new Array<number>(slotsPerDay).fill(0);
        for (const channel of channels) {
          series
            .get(`${subsidiary.id}|${channel}`)
            ?.get(date)
            ?.forEach((v, i) => {
              values[i] = (values[i] ?? 0) + v;
            });
        }
        return { date, weekday: weekdayOf(date), values };
      });
      const byDate = forecastTotal(days, targets);
      const totals = pieces.map((ps) => sum(ps.map((p) => (byDate.get(p.date)?.[p.slot] ?? 0) * p.fraction)));
      const members = own.filter((s) => channels.includes(s.channel));
      const groupContacts = sum(members.map((s) => s.contacts));
      for (const segment of members) {
        const share = segment.contacts / groupContacts;
        out.push({
          subsidiaryId: segment.subsidiaryId,
          language: segment.language,
          channel: segment.channel,
          tier: segment.tier,
          volumes: totals.map((t) => round(t * share)),
          ahtSeconds: handling.get(segmentId(segment)) ?? null,
        });
      }
    }
  }
  out.sort((a, b) => compareKeys(a, b, order));
  return {
    start: options.start.toISOString(),
    intervalMinutes: minutes,
    intervals,
    segments: out,
    method: METHOD_DESCRIPTION,
    history: {
      from: history.from.toISOString(),
      to: history.to.toISOString(),
      contacts: sum(history.counts.map((c) => c.contacts)),
    },
  };
}
