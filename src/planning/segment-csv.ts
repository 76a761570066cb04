import { Channel, DomainError, type FieldIssue, IsoDate, invalid, LanguageTag, Tier } from '../core/index.ts';
import {
  checkOptions,
  DEFAULT_HISTORY_WEEKS,
  type HistoryForecastOptions,
  MAX_FORECAST_WEEKS,
  MIN_INTERVAL_MINUTES,
} from './history.ts';
import {
  addDays,
  type ContactHistory,
  forecastSegments,
  localMidnight,
  type SegmentCount,
  type SegmentForecast,
  type SegmentForecastSet,
  type SegmentHandlingTime,
  type SegmentKey,
  type SubsidiaryHistory,
  wallClock,
} from './segment-forecast.ts';

// Volumes per subsidiary × language × channel × tier and interval read from a CSV file in the
// columns `relais forecast build` writes: past volumes to forecast from, or a forecast to plan
// on. Every bad line is refused naming its line and column. Pure: text in, history or forecast out.

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1440;

/** The columns, in the order `relais forecast build` writes them; aht_seconds may be left out. */
export const SEGMENT_CSV_COLUMNS = [
  'interval_start',
  'subsidiary',
  'language',
  'channel',
  'tier',
  'volume',
  'aht_seconds',
] as const;
type Column = (typeof SEGMENT_CSV_COLUMNS)[number];
const OPTIONAL: ReadonlySet<Column> = new Set(['aht_seconds']);

/** The most problems one refusal lists: a wholly wrong file would otherwise print every line. */
const MAX_ISSUES = 20;
/** The largest volume of one segment in one interval, as a plan's input takes it. */
const MAX_VOLUME = 1_000_000;

export const METHOD_IMPORTED = 'imported: the volumes of a CSV file, read as they are';

/** A subsidiary the file may name by its code, with the time zone its local days are counted in. */
export interface CsvSubsidiary {
  id: string;
  code: string;
  timeZone: string;
}

interface VolumeRow extends SegmentKey {
  line: number;
  at: number;
  volume: number;
  ahtSeconds: number | null;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant with Z or an offset, as milliseconds; null when it is not one. */
function instantOf(value: string): number | null {
  const m = INSTANT.exec(value);
  if (!m) return null;
  const [, date = '', hours, minutes, seconds = '00', fraction = '', zone = ''] = m;
  if (!IsoDate.safeParse(date).success || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59)
    return null;
  const at = Date.parse(`${date}T${hours}:${minutes}:${seconds}${fraction}${zone}`);
  return Number.isNaN(at) ? null : at;
}

function remembered<T>(read: (value: string) => T): (value: string) => T {
  const seen = new Map<string, T>();
  return (value) => {
    if (seen.has(value)) return seen.get(value) as T;
    const found = read(value);
    seen.set(value, found);
    return found;
  };
}

/** wallClock remembered: a file repeats each instant for every segment. */
function localClock(): (at: number, timeZone: string) => { date: string; minute: number } {
  const seen = new Map<string, { date: string; minute: number }>();
  return (at, timeZone) => {
    const key = `${timeZone}|${at}`;
    let found = seen.get(key);
    if (!found) {
      found = wallClock(at, timeZone);
      seen.set(key, found);
    }
    return found;
  };
}

const unquote = (cell: string): string => {
  const c = cell.trim();
  return c.startsWith('"') || c.endsWith('"') ? c.replace(/^"|"$/g, '') : c;
};
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const segmentId = (s: SegmentKey) => `${s.subsidiaryId}|${s.language}|${s.channel}|${s.tier}`;

/** Problems found so far; thrown together, at most MAX_ISSUES of them. */
class Issues {
  readonly list: FieldIssue[] = [];
  private more = 0;
  add(path: string, message: string): void {
    if (this.list.length < MAX_ISSUES) this.list.push({ path, message });
    else this.more += 1;
  }
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const issues =
      this.more > 0
        ? [...this.list, { path: 'csv', message: `and ${this.more} more problems not listed` }]
        : this.list;
    throw new DomainError(
      'validation_failed',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    );
  }
}

/** The header's columns by position; unknown, repeated or missing columns are refused. */
function readHeader(line: string): Map<Column, number> {
  const issues = new Issues();
  const names = line.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const at = new Map<Column, number>();
  names.forEach((name, i) => {
    const column = SEGMENT_CSV_COLUMNS.find((c) => c === name);
    if (!column)
      issues.add('line 1', `unknown column "${name}" (the columns are ${SEGMENT_CSV_COLUMNS.join(', ')})`);
    else if (at.has(column)) issues.add('line 1', `column ${column} appears twice`);
    else at.set(column, i);
  });
  for (const column of SEGMENT_CSV_COLUMNS)
    if (!at.has(column) && !OPTIONAL.has(column)) issues.add('line 1', `column ${column} is missing`);
  issues.throwIfAny();
  return at;
}

/**
 * Every row of the file, checked: an instant on a 15-minute boundary, a subsidiary's code, a
 * language tag, a channel, a tier, a volume of 0 or more, a handling time above 0 or empty, and
 * no interval and segment twice.
 */
function readRows(text: string, subsidiaries: readonly CsvSubsidiary[]): VolumeRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if ((lines[0] ?? '').trim() === '')
    throw invalid(
      'line 1',
      `the file is empty; its first line names the columns ${SEGMENT_CSV_COLUMNS.join(',')}`,
    );
  const header = readHeader(lines[0] ?? '');
  const byCode = new Map(subsidiaries.map((s) => [s.code.toLowerCase(), s]));
  const codes = subsidiaries.map((s) => s.code).join(', ') || 'there are none';
  // A file repeats its instants, languages, channels and tiers on every line: each is read once.
  const instantAt = remembered(instantOf);
  const languageOf = remembered((v) => LanguageTag.safeParse(v).data ?? null);
  const channelOf = remembered((v) => Channel.safeParse(v).data ?? null);
  const tierOf = remembered((v) => Tier.safeParse(v).data ?? null);
  const issues = new Issues();
  const rows: VolumeRow[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const number = i + 1;
    const cells = line.split(',').map(unquote);
    if (cells.length !== header.size) {
      issues.add(`line ${number}`, `has ${cells.length} fields; the header has ${header.size}`);
      continue;
    }
    const cell = (column: Column) => cells[header.get(column) ?? -1] ?? '';
    const refuse = (column: Column, message: string) => {
      issues.add(`line ${number}, ${column}`, message);
      return null;
    };
    const start = cell('interval_start');
    const instant = instantAt(start);
    const at =
      instant === null
        ? refuse(
            'interval_start',
            `"${start}" is not an instant such as 2026-11-23T08:30:00Z (date, time and Z or an offset)`,
          )
        : instant % (MIN_INTERVAL_MINUTES * MINUTE_MS) !== 0
          ? refuse(
              'interval_start',
              `${start} is not the start of a ${MIN_INTERVAL_MINUTES}-minute interval (:00, :15, :30 or :45, whole minutes)`,
            )
          : instant;
    const code = cell('subsidiary');
    const subsidiary =
      byCode.get(code.toLowerCase()) ??
      refuse('subsidiary', `no subsidiary has the code "${code}" (${codes})`);
    const language =
      languageOf(cell('language')) ??
      refuse('language', `"${cell('language')}" is not a language tag such as fr, ar or pt-BR`);
    const channel =
      channelOf(cell('channel')) ??
      refuse('channel', `unknown channel "${cell('channel')}" (${Channel.options.join(', ')})`);
    const tier =
      tierOf(cell('tier')) ?? refuse('tier', `unknown tier "${cell('tier')}" (${Tier.options.join(', ')})`);
    const volumeText = cell('volume');
    const volumeNumber = Number(volumeText);
    const volume =
      volumeText === '' || !Number.isFinite(volumeNumber)
        ? refuse('volume', `"${volumeText}" is not a number`)
        : volumeNumber < 0
          ? refuse('volume', `${volumeText} is negative; a volume is 0 or more`)
          : volumeNumber > MAX_VOLUME
            ? refuse('volume', `${volumeText} is more than ${MAX_VOLUME} contacts in one interval`)
            : volumeNumber;
    const ahtText = cell('aht_seconds');
    const ahtNumber = Number(ahtText);
    const aht =
      ahtText === ''
        ? null
        : !Number.isFinite(ahtNumber)
          ? refuse('aht_seconds', `"${ahtText}" is not a number of seconds`)
          : ahtNumber <= 0 || ahtNumber > 86_400
            ? refuse(
                'aht_seconds',
                `${ahtText} is not a handling time: above 0 and at most 86400 seconds, or empty`,
              )
            : ahtNumber;
    if (
      at === null ||
      !subsidiary ||
      language === null ||
      channel === null ||
      tier === null ||
      volume === null
    )
      continue;
    if (ahtText !== '' && aht === null) continue;
    const row: VolumeRow = {
      line: number,
      at,
      subsidiaryId: subsidiary.id,
      language,
      channel,
      tier,
      volume,
      ahtSeconds: aht,
    };
    const key = `${at}|${segmentId(row)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      refuse(
        'interval_start',
        `${start} ${subsidiary.code} ${language} ${channel} ${tier} is already on line ${first}`,
      );
      continue;
    }
    seen.set(key, number);
    rows.push(row);
  }
  issues.throwIfAny();
  if (rows.length === 0) throw invalid('line 2', 'the file has no rows of volumes');
  return rows;
}

/** Volume-weighted mean handling time per segment over the rows that give one. */
function handlingTimes(rows: VolumeRow[]): SegmentHandlingTime[] {
  const bySegment = new Map<string, SegmentHandlingTime & { weighted: number }>();
  for (const r of rows) {
    if (r.ahtSeconds === null || r.volume <= 0) continue;
    const key = segmentId(r);
    const found = bySegment.get(key) ?? {
      subsidiaryId: r.subsidiaryId,
      language: r.language,
      channel: r.channel,
      tier: r.tier,
      ahtSeconds: 0,
      samples: 0,
      weighted: 0,
    };
    found.weighted += r.ahtSeconds * r.volume;
    found.samples += r.volume;
    bySegment.set(key, found);
  }
  return [...bySegment.values()].map(({ weighted, ...h }) => ({
    ...h,
    ahtSeconds: Math.round(weighted / h.samples),
    samples: Math.round(h.samples * 10_000) / 10_000,
  }));
}

export interface CsvHistoryOptions {
  /** The history's interval: a multiple of the file's own step, dividing the day. */
  intervalMinutes: number;
  /** Only the whole local days before the local day of this instant. */
  before?: Date;
  /** Only the last this many whole local days the file has (before `before`), per subsidiary. */
  days?: number;
  /** Only these subsidiaries (ids): rows of others are left out. */
  subsidiaryIds?: readonly string[];
}

/**
 * Past volumes from a CSV file as a contact history: each row's instant placed in its
 * subsidiary's local time and summed into `intervalMinutes` intervals. Only whole local days
 * inside the file's span count (a day cut by the file's first or last instant would read as a
 * quiet day). Refuses every bad line, naming its line and column, and an interval finer than the file's rows.
 */
export function parseHistoryCsv(
  text: string,
  subsidiaries: readonly CsvSubsidiary[],
  options: CsvHistoryOptions,
): ContactHistory {
  const { intervalMinutes } = options;
  const rows = readRows(text, subsidiaries);
  const byId = new Map(subsidiaries.map((s) => [s.id, s]));
  // The file's step: the finest alignment of its instants, in UTC and in each subsidiary's time.
  let step = MINUTES_PER_DAY;
  const local = localClock();
  for (const r of rows) {
    const zone = byId.get(r.subsidiaryId)?.timeZone ?? 'UTC';
    step = gcd(step, local(r.at, zone).minute);
    step = gcd(step, Math.floor(r.at / MINUTE_MS) % MINUTES_PER_DAY);
  }
  if (intervalMinutes % step !== 0)
    throw invalid(
      'intervalMinutes',
      `the file's volumes are per ${step} minutes: ${intervalMinutes}-minute intervals cannot be made of them (${step} minutes or a multiple of it can)`,
    );
  const first = rows.reduce((m, r) => Math.min(m, r.at), Number.POSITIVE_INFINITY);
  const end = rows.reduce((m, r) => Math.max(m, r.at), first) + step * MINUTE_MS;
  const wanted = options.subsidiaryIds ? new Set(options.subsidiaryIds) : null;
  const present = new Set(rows.map((r) => r.subsidiaryId));

  const histories: SubsidiaryHistory[] = [];
  for (const s of subsidiaries) {
    if (!present.has(s.id) || (wanted && !wanted.has(s.id))) continue;
    const opening = wallClock(first, s.timeZone).date;
    let firstDay = localMidnight(opening, s.timeZone) === first ? opening : addDays(opening, 1);
    let lastDay = addDays(wallClock(end, s.timeZone).date, -1);
    if (firstDay > lastDay)
      throw invalid(
        'csv',
        `the file's ${new Date(first).toISOString()} … ${new Date(end).toISOString()} holds no whole day of ${s.code} (${s.timeZone})`,
      );
    if (options.before) {
      const beforeDay = addDays(wallClock(options.before.getTime(), s.timeZone).date, -1);
      if (beforeDay < lastDay) lastDay = beforeDay;
    }
    if (options.days !== undefined) {
      const earliest = addDays(lastDay, -(options.days - 1));
      if (earliest > firstDay) firstDay = earliest;
    }
    if (firstDay > lastDay) continue;
    histories.push({ id: s.id, code: s.code, timeZone: s.timeZone, firstDay, lastDay });
  }

  const days = new Map(histories.map((h) => [h.id, h]));
  const kept: VolumeRow[] = [];
  const counts = new Map<string, SegmentCount>();
  for (const r of rows) {
    const h = days.get(r.subsidiaryId);
    if (!h) continue;
    const { date, minute } = local(r.at, h.timeZone);
    if (date < h.firstDay || date > h.lastDay) continue;
    kept.push(r);
    // forecastSegments shares a total among its segments by their contacts: a zero adds nothing.
    if (r.volume === 0) continue;
    const slot = minute - (minute % intervalMinutes);
    const key = `${segmentId(r)}|${date}|${slot}`;
    const found = counts.get(key);
    if (found) found.contacts += r.volume;
    else
      counts.set(key, {
        subsidiaryId: r.subsidiaryId,
        language: r.language,
        channel: r.channel,
        tier: r.tier,
        date,
        minute: slot,
        contacts: r.volume,
      });
  }
  const from = histories.map((h) => localMidnight(h.firstDay, h.timeZone));
  const to = histories.map((h) => localMidnight(addDays(h.lastDay, 1), h.timeZone));
  const fallback = options.before?.getTime() ?? first;
  return {
    intervalMinutes,
    subsidiaries: histories,
    counts: [...counts.values()],
    handlingTimes: handlingTimes(kept),
    from: new Date(from.length > 0 ? Math.min(...from) : fallback),
    to: new Date(to.length > 0 ? Math.max(...to) : fallback),
  };
}

/**
 * The forecast of the weeks ahead from past volumes in a CSV file, as forecastFromHistory makes
 * it from the store: the last `historyWeeks` weeks of whole local days the file has before
 * `start`, per subsidiary. Refuses bad options, bad lines, and a file without contacts before `start`.
 */
export function forecastFromCsv(
  text: string,
  subsidiaries: readonly CsvSubsidiary[],
  options: HistoryForecastOptions & { subsidiaryIds?: readonly string[] },
): SegmentForecastSet {
  checkOptions(options);
  const historyWeeks = options.historyWeeks ?? DEFAULT_HISTORY_WEEKS;
  const history = parseHistoryCsv(text, subsidiaries, {
    intervalMinutes: options.intervalMinutes,
    before: options.start,
    days: historyWeeks * 7,
    ...(options.subsidiaryIds ? { subsidiaryIds: options.subsidiaryIds } : {}),
  });
  if (history.counts.length === 0)
    throw invalid(
      'csv',
      `no contacts in the file's whole days before ${options.start.toISOString().slice(0, 10)}${options.subsidiaryIds ? ' for the subsidiaries asked' : ''}: nothing to forecast from`,
    );
  const set = forecastSegments(history, { start: options.start, weeks: options.weeks });
  // Volumes of a file may have fractions: their sum is kept to the precision the CSV writes.
  return {
    ...set,
    history: { ...set.history, contacts: Math.round(set.history.contacts * 10_000) / 10_000 },
  };
}

/**
 * A forecast of the weeks ahead read from a CSV file in the format `relais forecast build` writes:
 * the period runs from the first interval_start to the last, in intervals of the rows' step (at
 * least 15 minutes, dividing the day, at most 8 weeks); an interval without a row for a segment
 * has no contacts; a segment's handling time is the volume-weighted mean of its rows' aht_seconds,
 * or null when none is given. The file says nothing of the history: `history` is empty, at `start`.
 */
export function parseForecastCsv(
  text: string,
  subsidiaries: readonly CsvSubsidiary[],
  options: { subsidiaryIds?: readonly string[] } = {},
): SegmentForecastSet {
  const wanted = options.subsidiaryIds ? new Set(options.subsidiaryIds) : null;
  const rows = readRows(text, subsidiaries).filter((r) => !wanted || wanted.has(r.subsidiaryId));
  if (rows.length === 0) throw invalid('csv', 'the file has no rows for the subsidiaries asked');
  const instants = [...new Set(rows.map((r) => r.at))].sort((a, b) => a - b);
  const start = instants[0] ?? 0;
  const last = instants[instants.length - 1] ?? start;
  if (instants.length < 2)
    throw invalid('csv', 'the file has one interval_start only: the length of its intervals cannot be told');
  const intervalMinutes = instants.reduce((g, at) => gcd(g, (at - start) / MINUTE_MS), 0);
  if (MINUTES_PER_DAY % intervalMinutes !== 0)
    throw invalid(
      'csv',
      `its rows are ${intervalMinutes} minutes apart: intervals must divide the day (15, 30 or 60 minutes)`,
    );
  const intervals = (last - start) / (intervalMinutes * MINUTE_MS) + 1;
  const maxIntervals = (MAX_FORECAST_WEEKS * 7 * MINUTES_PER_DAY) / intervalMinutes;
  if (intervals > maxIntervals)
    throw invalid(
      'csv',
      `${new Date(start).toISOString()} … ${new Date(last).toISOString()} is ${intervals} intervals of ${intervalMinutes} minutes: more than ${MAX_FORECAST_WEEKS} weeks`,
    );
  const order = new Map(subsidiaries.map((s, i) => [s.id, i]));
  const segments = new Map<string, SegmentForecast>();
  for (const r of rows) {
    const key = segmentId(r);
    const found = segments.get(key) ?? {
      subsidiaryId: r.subsidiaryId,
      language: r.language,
      channel: r.channel,
      tier: r.tier,
      volumes: new Array<number>(intervals).fill(0),
      ahtSeconds: null,
    };
    found.volumes[(r.at - start) / (intervalMinutes * MINUTE_MS)] = r.volume;
    segments.set(key, found);
  }
  // Handling time weighted by volume; a segment whose rows give it on no contacts: their plain mean.
  const aht = new Map<string, { weighted: number; volume: number; sum: number; given: number }>();
  for (const r of rows) {
    if (r.ahtSeconds === null) continue;
    const key = segmentId(r);
    const found = aht.get(key) ?? { weighted: 0, volume: 0, sum: 0, given: 0 };
    found.weighted += r.ahtSeconds * r.volume;
    found.volume += r.volume;
    found.sum += r.ahtSeconds;
    found.given += 1;
    aht.set(key, found);
  }
  for (const [key, segment] of segments) {
    const a = aht.get(key);
    segment.ahtSeconds = !a ? null : Math.round(a.volume > 0 ? a.weighted / a.volume : a.sum / a.given);
  }
  const sorted = [...segments.values()].sort((a, b) => {
    const bySubsidiary = (order.get(a.subsidiaryId) ?? 0) - (order.get(b.subsidiaryId) ?? 0);
    if (bySubsidiary !== 0) return bySubsidiary;
    for (const field of ['channel', 'language', 'tier'] as const)
      if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
    return 0;
  });
  const at = new Date(start).toISOString();
  return {
    start: at,
    intervalMinutes,
    intervals,
    segments: sorted,
    method: METHOD_IMPORTED,
    history: { from: at, to: at, contacts: 0 },
  };
}
