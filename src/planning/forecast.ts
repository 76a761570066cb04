import { invalid } from '../core/index.ts';
import {
  addDays,
  daysBetween,
  type ForecastCalendar,
  followsClosure,
  prepare,
  total,
  weekdayOf,
} from './forecast-calendar.ts';
import { doubleSeasonalHoltWinters } from './holt-winters.ts';

export { type ForecastCalendar, OUTLIER_HIGH, OUTLIER_LOW, weekdayOf } from './forecast-calendar.ts';

// Contact-volume forecasting: past counts per interval in, a forecast and its measured accuracy out.
// Pure: text and numbers in, numbers out; reading files is the caller's business.

const MINUTES_PER_DAY = 1440;

/** One row of a volume file: contacts counted in the step starting at `minute` of `date` (local wall time). */
export interface VolumeObservation {
  date: string;
  minute: number;
  count: number;
}

export interface VolumeFile {
  observations: VolumeObservation[];
  /** The data's own step in minutes (5 for five-minute counts): the largest that divides every start. */
  stepMinutes: number;
}

/** One day's volumes, one value per interval of `IntervalSeries.slots`. */
export interface DayVolumes {
  date: string;
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
  values: number[];
}

export interface IntervalSeries {
  intervalMinutes: number;
  /** Start of each interval, in minutes after midnight. */
  slots: number[];
  days: DayVolumes[];
}

const TIME_HEADERS = ['datetime', 'timestamp', 'time', 'date_time', 'start'];
const COUNT_HEADERS = ['calls', 'count', 'contacts', 'volume', 'arrivals'];

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Reads a CSV of past volumes: a header naming a time column (DateTime, timestamp…) and a count
 * column (Calls, count, contacts…). Times are read as written — the wall-clock time of the
 * centre — whatever offset follows them. Errors name the line.
 */
export function parseVolumeCsv(text: string): VolumeFile {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const timeAt = header.findIndex((h) => TIME_HEADERS.includes(h));
  const countAt = header.findIndex((h) => COUNT_HEADERS.includes(h));
  if (timeAt < 0 || countAt < 0)
    throw invalid(
      'line 1',
      `the header needs a time column (${TIME_HEADERS.join(', ')}) and a count column (${COUNT_HEADERS.join(', ')}), got "${lines[0] ?? ''}"`,
    );
  const observations: VolumeObservation[] = [];
  const seen = new Set<string>();
  let step = MINUTES_PER_DAY;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const where = `line ${i + 1}`;
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (cells.length !== header.length)
      throw invalid(where, `expected ${header.length} fields as in the header, got ${cells.length}`);
    const time = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(cells[timeAt] ?? '');
    const date = time?.[1];
    const hours = Number(time?.[2]);
    const minutes = Number(time?.[3]);
    if (!time || !date || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || hours > 23 || minutes > 59)
      throw invalid(where, `"${cells[timeAt] ?? ''}" is not a date and time such as 2003-03-03T07:00`);
    if (Number(time[4] ?? 0) !== 0) throw invalid(where, 'times must fall on whole minutes');
    const countText = cells[countAt] ?? '';
    const count = Number(countText);
    if (countText === '' || !Number.isFinite(count))
      throw invalid(where, `count "${countText}" is not a number`);
    if (count < 0) throw invalid(where, `count ${countText} is negative; volumes cannot be`);
    const minute = hours * 60 + minutes;
    const key = `${date} ${minute}`;
    if (seen.has(key)) throw invalid(where, `${date} ${cells[timeAt]} appears twice`);
    seen.add(key);
    step = gcd(step, minute);
    observations.push({ date, minute, count });
  }
  if (observations.length === 0) throw invalid('line 2', 'the file has no rows of volumes');
  return { observations, stepMinutes: step === 0 ? MINUTES_PER_DAY : step };
}

/** Sums the data's steps into intervals of `intervalMinutes`, which must divide the day and be a multiple of the step. */
export function aggregateVolumes(file: VolumeFile, intervalMinutes: number): IntervalSeries {
  if (!Number.isInteger(intervalMinutes) || intervalMinutes <= 0 || MINUTES_PER_DAY % intervalMinutes !== 0)
    throw invalid('interval', `${intervalMinutes} minutes does not divide the day (try 15m, 30m or 1h)`);
  if (intervalMinutes % file.stepMinutes !== 0)
    throw invalid(
      'interval',
      `${intervalMinutes} minutes is not a multiple of the data's ${file.stepMinutes}-minute step`,
    );
  const slots = [...new Set(file.observations.map((o) => o.minute - (o.minute % intervalMinutes)))].sort(
    (a, b) => a - b,
  );
  const slotIndex = new Map(slots.map((s, i) => [s, i]));
  const byDate = new Map<string, number[]>();
  for (const o of file.observations) {
    let values = byDate.get(o.date);
    if (!values) {
      values = slots.map(() => 0);
      byDate.set(o.date, values);
    }
    const i = slotIndex.get(o.minute - (o.minute % intervalMinutes)) ?? 0;
    values[i] = (values[i] ?? 0) + o.count;
  }
  const days = [...byDate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, values]) => ({ date, weekday: weekdayOf(date), values }));
  return { intervalMinutes, slots, days };
}

// ——— Methods ———

/** A forecasting method with its parameters fixed: history in, one row of interval values per target date out. */
export interface ForecastMethod {
  name: string;
  /** The parameters, in words, for the report. */
  settings: string;
  forecast(history: DayVolumes[], targets: string[], calendar: ForecastCalendar): number[][];
}

/** Seasonal naive: each interval as it was on the same weekday in the latest week of history. */
export const seasonalNaive: ForecastMethod = {
  name: 'seasonal naive',
  settings: 'same interval, same weekday, last week of history',
  forecast(history, targets) {
    return targets.map((date) => {
      const w = weekdayOf(date);
      const last = [...history].reverse().find((d) => d.weekday === w) ?? history[history.length - 1];
      return [...(last?.values ?? [])];
    });
  },
};

/** Weighted least squares by normal equations (small systems: one column per weekday plus a trend). */
function weightedLeastSquares(rows: number[][], ys: number[], weights: number[]): number[] {
  const k = rows[0]?.length ?? 0;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((x, r) => {
    const w = weights[r] ?? 0;
    for (let i = 0; i < k; i++) {
      const row = a[i] as number[];
      for (let j = 0; j < k; j++) row[j] = (row[j] ?? 0) + w * (x[i] ?? 0) * (x[j] ?? 0);
      row[k] = (row[k] ?? 0) + w * (x[i] ?? 0) * (ys[r] ?? 0);
    }
  });
  // Gauss–Jordan with partial pivoting; a tiny ridge keeps an unseen weekday's column solvable.
  for (let i = 0; i < k; i++) (a[i] as number[])[i] = ((a[i] as number[])[i] ?? 0) + 1e-9;
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]?.[c] ?? 0) > Math.abs(a[pivot]?.[c] ?? 0)) pivot = r;
    [a[c], a[pivot]] = [a[pivot] as number[], a[c] as number[]];
    const p = a[c] as number[];
    const div = p[c] || 1;
    for (let j = c; j <= k; j++) p[j] = (p[j] ?? 0) / div;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const row = a[r] as number[];
      const f = row[c] ?? 0;
      for (let j = c; j <= k; j++) row[j] = (row[j] ?? 0) - f * (p[j] ?? 0);
    }
  }
  return a.map((row) => row[k] ?? 0);
}

/** The mean share of each interval in its weekday's day, day `i` weighted by `weightOf(i)`. */
function intradayShares(days: DayVolumes[], weightOf: (day: DayVolumes) => number): Map<number, number[]> {
  const shares = new Map<number, number[]>();
  for (const w of new Set(days.map((d) => d.weekday))) {
    const own = days.filter((d) => d.weekday === w && total(d.values) > 0);
    const sum = new Array<number>(own[0]?.values.length ?? 0).fill(0);
    let weights = 0;
    for (const d of own) {
      const t = total(d.values);
      const wt = weightOf(d);
      weights += wt;
      d.values.forEach((v, i) => {
        sum[i] = (sum[i] ?? 0) + (wt * v) / t;
      });
    }
    shares.set(
      w,
      sum.map((s) => s / (weights || 1)),
    );
  }
  return shares;
}

/** Falls back to all weekdays' mean shares for a weekday the history has not seen. */
function sharesFor(shares: Map<number, number[]>, weekday: number): number[] {
  const own = shares.get(weekday);
  if (own) return own;
  const all = [...shares.values()];
  const n = all[0]?.length ?? 0;
  return Array.from({ length: n }, (_, i) => all.reduce((s, x) => s + (x[i] ?? 0), 0) / (all.length || 1));
}

/** Mean of actual ÷ expected over the days after closures; 1 when history has none. */
function catchUpFactor(afterClosure: DayVolumes[], expected: (day: DayVolumes) => number): number {
  const ratios = afterClosure.map((d) => total(d.values) / (expected(d) || 1)).filter(Number.isFinite);
  return ratios.length ? ratios.reduce((s, r) => s + r, 0) / ratios.length : 1;
}

/**
 * Regression on interval-of-week: the day's total from weekday effects plus an optional linear
 * trend (weighted least squares, recent weeks weighted by a half-life), times the weekday's
 * intraday profile (recency-weighted mean shares), times a catch-up factor on the day after a
 * closure. Holidays and outlier days are left out of the fit.
 */
export function profileRegression(options: { halfLifeWeeks: number; trend: boolean }): ForecastMethod {
  const { halfLifeWeeks, trend } = options;
  return {
    name: 'profile regression',
    settings: `half-life ${Number.isFinite(halfLifeWeeks) ? `${halfLifeWeeks} weeks` : 'none (equal weights)'}, ${trend ? 'linear trend' : 'no trend'}`,
    forecast(history, targets, calendar) {
      const { clean, afterClosure } = prepare(history, calendar);
      const end = history[history.length - 1]?.date ?? targets[0] ?? '1970-01-01';
      const weightOf = (d: DayVolumes) =>
        Number.isFinite(halfLifeWeeks) ? 0.5 ** (daysBetween(d.date, end) / (7 * halfLifeWeeks)) : 1;
      const weekdays = [...new Set(clean.map((d) => d.weekday))].sort();
      const features = (date: string) => {
        const w = weekdayOf(date);
        const x: number[] = weekdays.map((wd) => (wd === w ? 1 : 0));
        // Trend in weeks before the end of history, so that coefficients stay of similar size.
        if (trend) x.push(daysBetween(end, date) / 7);
        return x;
      };
      const beta = weightedLeastSquares(
        clean.map((d) => features(d.date)),
        clean.map((d) => total(d.values)),
        clean.map(weightOf),
      );
      const dayTotal = (date: string) => {
        const x = features(date);
        const known = weekdays.includes(weekdayOf(date));
        const level = known
          ? x.reduce((s, xi, i) => s + xi * (beta[i] ?? 0), 0)
          : beta.slice(0, weekdays.length).reduce((s, b) => s + b, 0) / (weekdays.length || 1) +
            (trend ? (beta[weekdays.length] ?? 0) * (x[x.length - 1] ?? 0) : 0);
        return Math.max(0, level);
      };
      const shares = intradayShares(clean, weightOf);
      const factor = catchUpFactor(afterClosure, (d) => dayTotal(d.date));
      const known = new Set([...history.map((d) => d.date), ...targets]);
      return targets.map((date) => {
        const after = followsClosure(date, known, calendar) && daysBetween(end, date) > 0;
        const t = dayTotal(date) * (after ? factor : 1);
        return sharesFor(shares, weekdayOf(date)).map((s) => s * t);
      });
    },
  };
}

/**
 * Holt-Winters on two time scales: the daily totals by multiplicative Holt-Winters with a
 * weekly season indexed by weekday (level α, season γ; no trend), and each weekday's intraday
 * profile by exponential smoothing of its shares (δ). A day's forecast is level × weekday
 * factor × profile, times the catch-up factor after a closure.
 */
export function holtWinters(options: { alpha: number; gamma: number; delta: number }): ForecastMethod {
  const { alpha, gamma, delta } = options;
  return {
    name: 'holt-winters',
    settings: `α ${alpha} (level), γ ${gamma} (weekday), δ ${delta} (intraday profile)`,
    forecast(history, targets, calendar) {
      const { clean, afterClosure } = prepare(history, calendar);
      const known = new Set([...history.map((d) => d.date), ...targets]);
      // Start from the first two weeks of clean days.
      const start = clean.filter((d) => daysBetween(clean[0]?.date ?? d.date, d.date) < 14);
      let level = start.reduce((s, d) => s + total(d.values), 0) / (start.length || 1) || 1;
      const season = new Map<number, number>();
      for (const w of new Set(start.map((d) => d.weekday))) {
        const own = start.filter((d) => d.weekday === w);
        season.set(w, own.reduce((s, d) => s + total(d.values), 0) / own.length / level);
      }
      const profile = intradayShares(start, () => 1);
      const ratios: number[] = [];
      const afterDates = new Set(afterClosure.map((d) => d.date));
      for (const day of [...clean, ...afterClosure].sort((a, b) => (a.date < b.date ? -1 : 1))) {
        const y = total(day.values);
        const s = season.get(day.weekday) ?? 1;
        if (afterDates.has(day.date)) {
          // A catch-up day teaches the catch-up factor, not the usual pattern.
          ratios.push(y / (level * s || 1));
          continue;
        }
        level = alpha * (y / s) + (1 - alpha) * level;
        season.set(day.weekday, gamma * (y / level) + (1 - gamma) * s);
        if (y > 0) {
          const shares = sharesFor(profile, day.weekday);
          profile.set(
            day.weekday,
            shares.map((p, i) => delta * ((day.values[i] ?? 0) / y) + (1 - delta) * p),
          );
        }
      }
      const factor = ratios.length ? ratios.reduce((s, r) => s + r, 0) / ratios.length : 1;
      const end = history[history.length - 1]?.date ?? '1970-01-01';
      return targets.map((date) => {
        const w = weekdayOf(date);
        const after = followsClosure(date, known, calendar) && daysBetween(end, date) > 0;
        const t = level * (season.get(w) ?? 1) * (after ? factor : 1);
        return sharesFor(profile, w).map((p) => p * t);
      });
    },
  };
}

// ——— Accuracy ———

export interface Accuracy {
  /** Σ|actual − forecast| ÷ Σ actual. */
  wape: number;
  /** Mean of |actual − forecast| ÷ actual over the points whose actual is not zero. */
  mape: number;
  /** Points scored, and those left out of MAPE because their actual was zero. */
  points: number;
  zeroActualsSkipped: number;
}

export function accuracy(actual: number[], forecast: number[]): Accuracy {
  let absError = 0;
  let sum = 0;
  let ape = 0;
  let apeCount = 0;
  actual.forEach((a, i) => {
    const e = Math.abs(a - (forecast[i] ?? 0));
    absError += e;
    sum += a;
    if (a !== 0) {
      ape += e / a;
      apeCount++;
    }
  });
  return {
    wape: sum > 0 ? absError / sum : Number.NaN,
    mape: apeCount ? ape / apeCount : Number.NaN,
    points: actual.length,
    zeroActualsSkipped: actual.length - apeCount,
  };
}

/** Accuracy of a forecast over some days: per interval, and per day (daily totals). */
export interface PeriodAccuracy {
  byInterval: Accuracy;
  byDay: Accuracy;
  /** Per time of day (interval index): where in the day the error lies. */
  byTimeOfDay: Accuracy[];
}

export function periodAccuracy(actual: DayVolumes[], forecast: number[][]): PeriodAccuracy {
  const slots = actual[0]?.values.length ?? 0;
  return {
    byInterval: accuracy(
      actual.flatMap((d) => d.values),
      forecast.flat(),
    ),
    byDay: accuracy(
      actual.map((d) => total(d.values)),
      forecast.map(total),
    ),
    byTimeOfDay: Array.from({ length: slots }, (_, i) =>
      accuracy(
        actual.map((d) => d.values[i] ?? 0),
        forecast.map((row) => row[i] ?? 0),
      ),
    ),
  };
}

// ——— Evaluation: choose on validation, report on the held-out weeks ———

export interface CandidateFamily {
  name: string;
  variants: ForecastMethod[];
}

/** The candidates Relais chooses from, each with its grid of settings. */
export function defaultCandidates(): CandidateFamily[] {
  return [
    {
      name: 'profile regression',
      variants: [2, 4, 8, Number.POSITIVE_INFINITY].flatMap((halfLifeWeeks) =>
        [false, true].map((trend) => profileRegression({ halfLifeWeeks, trend })),
      ),
    },
    {
      name: 'holt-winters',
      variants: [0.05, 0.1, 0.2, 0.4].flatMap((alpha) =>
        [0.05, 0.2].flatMap((gamma) => [0.05, 0.2].map((delta) => holtWinters({ alpha, gamma, delta }))),
      ),
    },
    {
      name: 'double-seasonal holt-winters',
      // Smoothing is per interval, hence small: α 0.001 at 30 minutes weighs roughly the last seven weeks.
      // No trend in the grid: a per-interval slope carried four weeks ahead lost to no trend at every
      // setting when forecasting from 14 origins in the bank's training weeks before validation (docs/planning.md).
      variants: [0.0005, 0.001, 0.002, 0.005, 0.01].flatMap((alpha) =>
        [0, 0.01, 0.05].flatMap((delta) =>
          [0.05, 0.1, 0.2].map((omega) =>
            doubleSeasonalHoltWinters({ alpha, trend: false, gamma: 0, delta, omega }),
          ),
        ),
      ),
    },
  ];
}

export interface MethodReport {
  name: string;
  settings: string;
  /** Accuracy on the validation weeks (inside the training data), which chose the settings and the method. */
  validation: PeriodAccuracy;
  /** Accuracy on the held-out test weeks. */
  test: PeriodAccuracy;
  chosen: boolean;
}

export interface EvaluationReport {
  intervalMinutes: number;
  /** Start of each interval of the day, in minutes after midnight. */
  slots: number[];
  train: { from: string; to: string; days: number };
  validation: { from: string; to: string; days: number };
  test: { from: string; to: string; days: number };
  methods: MethodReport[];
  baseline: MethodReport;
  chosen: string;
}

export interface EvaluationOptions {
  testWeeks?: number;
  validationWeeks?: number;
  holidays?: Iterable<string>;
  candidates?: CandidateFamily[];
}

function splitAt(days: DayVolumes[], weeks: number): [DayVolumes[], DayVolumes[]] {
  const last = days[days.length - 1]?.date ?? '';
  const from = addDays(last, -7 * weeks + 1);
  return [days.filter((d) => d.date < from), days.filter((d) => d.date >= from)];
}

const span = (days: DayVolumes[]) => ({
  from: days[0]?.date ?? '',
  to: days[days.length - 1]?.date ?? '',
  days: days.length,
});

/**
 * Trains on every week before the last `testWeeks`, chooses each family's settings and then the
 * method by interval WAPE on the last `validationWeeks` of the training data, and reports every
 * candidate and the seasonal-naive baseline on the test weeks. All forecasts are made once, at
 * the end of the training data, for the whole test period.
 */
export function evaluateForecast(series: IntervalSeries, options: EvaluationOptions = {}): EvaluationReport {
  const testWeeks = options.testWeeks ?? 4;
  const validationWeeks = options.validationWeeks ?? 4;
  const [train, test] = splitAt(series.days, testWeeks);
  const [fit, validation] = splitAt(train, validationWeeks);
  if (fit.length < 10 || test.length === 0 || validation.length === 0)
    throw invalid(
      'csv',
      `${series.days.length} days are too few: the evaluation needs at least two weeks to fit, ${validationWeeks} to validate and ${testWeeks} to test`,
    );
  const calendar: ForecastCalendar = {
    holidays: new Set(options.holidays ?? []),
    workingWeekdays: new Set(series.days.map((d) => d.weekday)),
  };
  const score = (method: ForecastMethod, history: DayVolumes[], target: DayVolumes[]) =>
    periodAccuracy(
      target,
      method.forecast(
        history,
        target.map((d) => d.date),
        calendar,
      ),
    );
  const methods: MethodReport[] = (options.candidates ?? defaultCandidates()).map((family) => {
    const scored = family.variants.map((method) => ({ method, validation: score(method, fit, validation) }));
    scored.sort((a, b) => a.validation.byInterval.wape - b.validation.byInterval.wape);
    const best = scored[0];
    if (!best) throw new Error(`candidate family ${family.name} has no variants`);
    return {
      name: family.name,
      settings: best.method.settings,
      validation: best.validation,
      test: score(best.method, train, test),
      chosen: false,
    };
  });
  const winner = [...methods].sort((a, b) => a.validation.byInterval.wape - b.validation.byInterval.wape)[0];
  if (winner) winner.chosen = true;
  const baseline: MethodReport = {
    name: seasonalNaive.name,
    settings: seasonalNaive.settings,
    validation: score(seasonalNaive, fit, validation),
    test: score(seasonalNaive, train, test),
    chosen: false,
  };
  return {
    intervalMinutes: series.intervalMinutes,
    slots: series.slots,
    train: span(train),
    validation: span(validation),
    test: span(test),
    methods,
    baseline,
    chosen: winner?.name ?? '',
  };
}
