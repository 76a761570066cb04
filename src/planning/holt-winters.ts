import type { DayVolumes, ForecastMethod } from './forecast.ts';
import {
  addDays,
  daysBetween,
  type ForecastCalendar,
  followsClosure,
  prepare,
  weekdayOf,
} from './forecast-calendar.ts';

// Taylor's double-seasonal Holt-Winters (J. W. Taylor, "Short-term electricity demand forecasting
// using double seasonal exponential smoothing", Journal of the Operational Research Society 54,
// 2003, pp. 799–805), run on the interval series itself: a level, a trend, an intraday season of
// one index per interval of the day and a weekly season of one index per interval of the trading
// week, multiplied together, with Taylor's optional AR(1) adjustment of the one-step error.

/**
 * Added to every count before smoothing and taken off every forecast. Multiplicative seasonality
 * divides by its indices; an interval with no contacts in the first weeks would get an index of
 * zero and every later division by it would give NaN or Infinity. Modelling count + 1 keeps every
 * index positive, lets a zero interval be forecast as (about) zero, and on volumes of tens or
 * hundreds per interval changes nothing that matters.
 */
export const COUNT_OFFSET = 1;

/** A level that a falling trend drives below this is held here, so that no division is by zero. */
const LEVEL_FLOOR = 1e-3;

export interface DoubleSeasonalOptions {
  /** Smoothing of the level (Taylor's α). */
  alpha: number;
  /** Whether the method has a trend; without one the level only moves by smoothing. */
  trend: boolean;
  /** Smoothing of the trend (Taylor's γ); ignored without a trend. */
  gamma: number;
  /** Smoothing of the intraday season, one index per interval of the day (Taylor's δ). */
  delta: number;
  /** Smoothing of the weekly season, one index per interval of the trading week (Taylor's ω). */
  omega: number;
  /** AR(1) adjustment of the one-step error (Taylor's φ); 0 leaves it out. */
  phi?: number;
  /** Weeks at the start of history that the initial level, trend and indices are averaged from. */
  initialWeeks?: number;
}

interface State {
  level: number;
  trend: number;
  /** Intraday indices, by interval of the day. */
  intraday: number[];
  /** Weekly indices, by working weekday (in `weekdays` order) × interval of the day. */
  weekly: number[];
  /** The latest one-step error before the AR adjustment (on count + offset). */
  error: number;
}

/** The working days of the calendar from `from` to `to`, both included, closures too. */
function workingDays(from: string, to: string, calendar: ForecastCalendar): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1))
    if (calendar.workingWeekdays.has(weekdayOf(date))) dates.push(date);
  return dates;
}

/**
 * The starting state, averaged from the first weeks of history: a line whose level is their
 * mean and whose slope is the change from the first of those weeks to the last (over the
 * weekdays both have); each observation divided by that line gives its interval-of-week index;
 * the intraday index of an interval is the mean of those indices over the weekdays, and the
 * weekly index is what remains of the interval-of-week index once the intraday one is divided out.
 */
function initialise(
  window: DayVolumes[],
  positionOf: (date: string) => number,
  first: string,
  weekdays: number[],
  slots: number,
  options: DoubleSeasonalOptions,
): State {
  const weeks = options.initialWeeks ?? 2;
  const weekOf = (d: DayVolumes) => Math.floor(daysBetween(first, d.date) / 7);
  const meanOf = (days: DayVolumes[]) => {
    const values = days.flatMap((d) => d.values.map((v) => v + COUNT_OFFSET));
    return values.reduce((s, v) => s + v, 0) / (values.length || 1);
  };
  let trend = 0;
  const lastWeek = Math.max(...window.map(weekOf));
  if (options.trend && lastWeek > 0 && weeks > 1) {
    const firstDays = window.filter((d) => weekOf(d) === 0);
    const lastDays = window.filter((d) => weekOf(d) === lastWeek);
    const common = new Set(
      firstDays.map((d) => d.weekday).filter((w) => lastDays.some((l) => l.weekday === w)),
    );
    if (common.size > 0) {
      // Same weekdays a whole number of weeks apart: the distance is that many trading weeks.
      const distance = lastWeek * weekdays.length * slots;
      trend =
        (meanOf(lastDays.filter((d) => common.has(d.weekday))) -
          meanOf(firstDays.filter((d) => common.has(d.weekday)))) /
        distance;
    }
  }
  const mean = meanOf(window);
  const positions = window.flatMap((d) => d.values.map((_, i) => positionOf(d.date) + i));
  const centre = positions.reduce((s, p) => s + p, 0) / (positions.length || 1);
  const line = (position: number) => Math.max(LEVEL_FLOOR, mean + trend * (position - centre));

  const byWeekday = weekdays.map(() => new Array<number>(slots).fill(0));
  const counts = weekdays.map(() => 0);
  for (const day of window) {
    const w = weekdays.indexOf(day.weekday);
    const sums = byWeekday[w];
    if (!sums) continue;
    counts[w] = (counts[w] ?? 0) + 1;
    day.values.forEach((v, i) => {
      sums[i] = (sums[i] ?? 0) + (v + COUNT_OFFSET) / line(positionOf(day.date) + i);
    });
  }
  const seen = weekdays.map((_, w) => w).filter((w) => (counts[w] ?? 0) > 0);
  const ofWeek = (w: number, i: number) => (byWeekday[w]?.[i] ?? 0) / (counts[w] || 1);
  const intraday = Array.from(
    { length: slots },
    (_, i) => seen.reduce((s, w) => s + ofWeek(w, i), 0) / (seen.length || 1),
  );
  const weekly = weekdays.flatMap((_, w) =>
    intraday.map((d, i) => ((counts[w] ?? 0) > 0 ? ofWeek(w, i) / d : 1)),
  );
  // The state just before the first interval of history, so that its first one-step forecast is the line's.
  return { level: line(-1), trend, intraday, weekly, error: 0 };
}

/**
 * Taylor's double-seasonal Holt-Winters with multiplicative seasonality and an additive trend
 * (Taylor 2003), on count + COUNT_OFFSET at each interval of the working days. Holidays,
 * outlier days and closures are missing values: the state moves on by its own forecast
 * (level + trend, indices unchanged, the error decaying by φ), so the weekly season stays
 * aligned. A day after a closure teaches only the catch-up factor (its total ÷ the day's
 * forecast from the state that morning). With α = γ = δ = ω = 0 nothing after the first weeks
 * is learnt: the forecast is the initial line carried forward times the first weeks' pattern.
 */
export function doubleSeasonalHoltWinters(options: DoubleSeasonalOptions): ForecastMethod {
  const { alpha, trend: withTrend, gamma, delta, omega } = options;
  const phi = options.phi ?? 0;
  const initialWeeks = options.initialWeeks ?? 2;
  return {
    name: 'double-seasonal holt-winters',
    settings:
      `α ${alpha} (level), ${withTrend ? `γ ${gamma} (trend)` : 'no trend'}, δ ${delta} (intraday), ` +
      `ω ${omega} (weekly), ${phi ? `φ ${phi} (AR error)` : 'no AR'}`,
    forecast(history, targets, calendar) {
      const first = history[0]?.date;
      const end = history[history.length - 1]?.date;
      const slots = history[0]?.values.length ?? 0;
      const { clean, afterClosure } = prepare(history, calendar);
      if (!first || !end || clean.length === 0) return targets.map(() => new Array<number>(slots).fill(0));
      const weekdays = [...calendar.workingWeekdays].sort((a, b) => a - b);
      const dates = workingDays(first, end, calendar);
      const dayIndex = new Map(dates.map((d, i) => [d, i]));
      const positionOf = (date: string) => (dayIndex.get(date) ?? 0) * slots;

      let window = clean.filter((d) => daysBetween(first, d.date) < 7 * initialWeeks);
      if (window.length === 0) window = clean.slice(0, weekdays.length * initialWeeks);
      const state = initialise(window, positionOf, first, weekdays, slots, options);
      const { intraday, weekly } = state;
      let { level, trend, error } = state;

      const moveOn = () => {
        level = Math.max(LEVEL_FLOOR, level + trend);
        error *= phi;
      };
      const usual = new Map(clean.map((d) => [d.date, d]));
      const catchUp = new Map(afterClosure.map((d) => [d.date, d]));
      const ratios: number[] = [];
      for (const date of dates) {
        const w = weekdays.indexOf(weekdayOf(date));
        const day = usual.get(date);
        const after = catchUp.get(date);
        if (after) {
          let expected = 0;
          for (let i = 0; i < slots; i++)
            expected += Math.max(
              0,
              (level + (i + 1) * trend) * (intraday[i] ?? 1) * (weekly[w * slots + i] ?? 1) - COUNT_OFFSET,
            );
          const actual = after.values.reduce((s, v) => s + v, 0);
          if (expected > 0) ratios.push(actual / expected);
        }
        if (!day) {
          for (let i = 0; i < slots; i++) moveOn();
          continue;
        }
        for (let i = 0; i < slots; i++) {
          // Taylor's (2003) level, trend, intraday and weekly updates, the observation being count + offset.
          const x = (day.values[i] ?? 0) + COUNT_OFFSET;
          const d = intraday[i] ?? 1;
          const s = weekly[w * slots + i] ?? 1;
          error = x - (level + trend) * d * s;
          const next = Math.max(LEVEL_FLOOR, alpha * (x / (d * s)) + (1 - alpha) * (level + trend));
          trend = withTrend ? gamma * (next - level) + (1 - gamma) * trend : 0;
          level = next;
          intraday[i] = delta * (x / (level * s)) + (1 - delta) * d;
          weekly[w * slots + i] = omega * (x / (level * d)) + (1 - omega) * s;
        }
      }
      const factor = ratios.length ? ratios.reduce((s, r) => s + r, 0) / ratios.length : 1;
      const known = new Set([...history.map((d) => d.date), ...targets]);
      return targets.map((date) => {
        const ahead = Math.max(1, workingDays(addDays(end, 1), date, calendar).length);
        const w = weekdays.indexOf(weekdayOf(date));
        const after = followsClosure(date, known, calendar) && daysBetween(end, date) > 0;
        return Array.from({ length: slots }, (_, i) => {
          // Taylor's (2003) k-step forecast, with the AR(1) adjustment φ^k·e of the last error.
          const k = (ahead - 1) * slots + i + 1;
          const seasonal = (intraday[i] ?? 1) * (w >= 0 ? (weekly[w * slots + i] ?? 1) : 1);
          const value = (level + k * trend) * seasonal + phi ** k * error - COUNT_OFFSET;
          return Math.max(0, value) * (after ? factor : 1);
        });
      });
    },
  };
}
