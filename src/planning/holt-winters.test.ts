import { describe, expect, it } from 'vitest';
import {
  accuracy,
  type DayVolumes,
  defaultCandidates,
  evaluateForecast,
  type ForecastCalendar,
  type IntervalSeries,
  seasonalNaive,
  weekdayOf,
} from './forecast.ts';
import { doubleSeasonalHoltWinters } from './holt-winters.ts';

const DAY_MS = 86_400_000;
const SLOTS = Array.from({ length: 20 }, (_, i) => 480 + 30 * i); // 08:00 … 17:30

/** Intraday shape: a morning and an afternoon peak. */
const intraday = (slot: number) => {
  const hour = slot / 60;
  return 0.3 + Math.exp(-((hour - 10.5) ** 2) / 2) + 0.8 * Math.exp(-((hour - 14.5) ** 2) / 3);
};

/** Weekly shape on top of it: Mondays busier all day, Friday afternoons busier still. */
const weekly = (weekday: number, slot: number) =>
  (weekday === 1 ? 1.3 : weekday === 4 ? 0.9 : 1) * (weekday === 5 && slot >= 780 ? 1.4 : 1);

/**
 * Weekdays from Monday 2024-01-01 for `weeks` weeks: each interval is level × intraday × weekly,
 * the level growing by `slope` per interval of the working days (closed days count, as they pass).
 */
function generated(
  weeks: number,
  options: { level?: number; slope?: number; closed?: string[]; noise?: number } = {},
): DayVolumes[] {
  const { level = 100, slope = 0, closed = [], noise = 0 } = options;
  const days: DayVolumes[] = [];
  let position = 0;
  for (let i = 0; i < weeks * 7; i++) {
    const date = new Date(Date.parse('2024-01-01T00:00:00Z') + i * DAY_MS).toISOString().slice(0, 10);
    const weekday = weekdayOf(date);
    if (weekday > 5) continue;
    const values = SLOTS.map(
      (slot, s) =>
        (level + slope * (position + s)) *
        intraday(slot) *
        weekly(weekday, slot) *
        (1 + noise * Math.sin(i * 7.3 + s * 1.7)),
    );
    position += SLOTS.length;
    if (!closed.includes(date)) days.push({ date, weekday, values });
  }
  return days;
}

const calendarOf = (days: DayVolumes[], holidays: string[] = []): ForecastCalendar => ({
  holidays: new Set(holidays),
  workingWeekdays: new Set(days.map((d) => d.weekday)),
});

const historyBefore = (days: DayVolumes[], date: string) => days.filter((d) => d.date < date);
const daysFrom = (days: DayVolumes[], date: string) => days.filter((d) => d.date >= date);

/** The largest relative error of a forecast over every interval of every day. */
function worstError(forecast: number[][], actual: DayVolumes[]): number {
  expect(forecast).toHaveLength(actual.length);
  let worst = 0;
  forecast.forEach((row, d) => {
    row.forEach((v, i) => {
      const a = actual[d]?.values[i] ?? 0;
      worst = Math.max(worst, Math.abs(v - a) / a);
    });
  });
  return worst;
}

describe("Taylor's double-seasonal Holt-Winters", () => {
  it('recovers the intraday pattern, the weekly pattern and the trend of a generated series', () => {
    // 100 → about 140 calls per unit of shape over 14 weeks (steep enough to matter, gentle enough
    // that no day strays 30% from its weekday's median and is left out as an outlier).
    const days = generated(14, { slope: 0.03 });
    const history = historyBefore(days, '2024-03-25');
    const future = daysFrom(days, '2024-03-25');
    const targets = future.map((d) => d.date);
    const settings = { alpha: 0.05, gamma: 0.01, delta: 0.05, omega: 0.05 };
    const method = doubleSeasonalHoltWinters({ ...settings, trend: true });
    expect(worstError(method.forecast(history, targets, calendarOf(days)), future)).toBeLessThan(0.005);
    // Without the trend the same smoothing falls behind the growth.
    const flat = doubleSeasonalHoltWinters({ ...settings, trend: false });
    expect(worstError(flat.forecast(history, targets, calendarOf(days)), future)).toBeGreaterThan(0.03);
  });

  it('keeps the weekly season aligned across a closed day and forecasts the catch-up after one', () => {
    // Closed on two Wednesdays in history and one in the target weeks; the Thursday after each brings 25% more.
    const closed = ['2024-01-24', '2024-02-21', '2024-03-27'];
    const days = generated(14, { closed }).map((d) =>
      ['2024-01-25', '2024-02-22', '2024-03-28'].includes(d.date)
        ? { ...d, values: d.values.map((v) => v * 1.25) }
        : d,
    );
    const history = historyBefore(days, '2024-03-25');
    const future = daysFrom(days, '2024-03-25');
    const method = doubleSeasonalHoltWinters({
      alpha: 0.05,
      trend: false,
      gamma: 0,
      delta: 0.05,
      omega: 0.05,
    });
    const forecast = method.forecast(
      history,
      future.map((d) => d.date),
      calendarOf(days),
    );
    expect(worstError(forecast, future)).toBeLessThan(0.01);
  });

  it('with α = γ = δ = ω = 0 learns nothing after the first weeks: their pattern, repeated', () => {
    const still = { alpha: 0, trend: false, gamma: 0, delta: 0, omega: 0 };
    const days = generated(12, { noise: 0.1 });
    // The same first two weeks, then 20% more calls: the forecast does not move.
    const busier = days.map((d) =>
      d.date >= '2024-01-15' ? { ...d, values: d.values.map((v) => v * 1.2) } : d,
    );
    const targets = daysFrom(days, '2024-03-11').map((d) => d.date);
    const forecast = doubleSeasonalHoltWinters(still).forecast(
      historyBefore(days, '2024-03-11'),
      targets,
      calendarOf(days),
    );
    expect(
      doubleSeasonalHoltWinters(still).forecast(
        historyBefore(busier, '2024-03-11'),
        targets,
        calendarOf(days),
      ),
    ).toEqual(forecast);
    // Each interval is the mean of the same weekday's same interval over the first two weeks.
    targets.forEach((date, t) => {
      const same = days.filter((d) => d.date < '2024-01-15' && d.weekday === weekdayOf(date));
      SLOTS.forEach((_, i) => {
        const mean = same.reduce((s, d) => s + (d.values[i] ?? 0), 0) / same.length;
        expect(forecast[t]?.[i]).toBeCloseTo(mean, 9);
      });
    });
    // With the trend on, the line through the first two weeks is carried on as it is.
    const growing = generated(12, { slope: 0.05 });
    const line = doubleSeasonalHoltWinters({ ...still, trend: true }).forecast(
      historyBefore(growing, '2024-03-11'),
      targets,
      calendarOf(growing),
    );
    const mondays = line.filter((_, t) => weekdayOf(targets[t] ?? '') === 1).map((row) => row[0] ?? 0);
    expect(mondays[1]).toBeGreaterThan(mondays[0] ?? 0);
    expect(worstError(line, daysFrom(growing, '2024-03-11'))).toBeLessThan(0.05);
  });

  it('adds the AR(1) adjustment φ^k·e of the last error, fading over the first steps ahead', () => {
    // The last day of history runs 10% above the pattern.
    const days = generated(10).map((d) =>
      d.date === '2024-03-01' ? { ...d, values: d.values.map((v) => v * 1.1) } : d,
    );
    const history = historyBefore(days, '2024-03-04');
    const targets = ['2024-03-04', '2024-03-05'];
    const settings = { alpha: 0.01, trend: false, gamma: 0, delta: 0.01, omega: 0.01 };
    const without = doubleSeasonalHoltWinters(settings).forecast(history, targets, calendarOf(days));
    const withAr = doubleSeasonalHoltWinters({ ...settings, phi: 0.5 }).forecast(
      history,
      targets,
      calendarOf(days),
    );
    const lift = (withAr[0] ?? []).map((v, i) => v - (without[0]?.[i] ?? 0));
    expect(lift[0]).toBeGreaterThan(1);
    expect((lift[1] ?? 0) / (lift[0] ?? 1)).toBeCloseTo(0.5, 9);
    expect((lift[2] ?? 0) / (lift[1] ?? 1)).toBeCloseTo(0.5, 9);
    // The next morning, 20 intervals on, what is left of it is 0.5^20 of the first step's: nothing to speak of.
    (withAr[1] ?? []).forEach((v, i) => {
      expect(v - (without[1]?.[i] ?? 0)).toBeCloseTo((lift[0] ?? 0) * 0.5 ** (20 + i), 9);
    });
  });

  it('forecasts intervals that have no contacts without NaN, and about zero where there never are any', () => {
    // Closed for lunch (12:00–13:30 always zero), and zero now and then elsewhere, also in the first weeks.
    const lunch = new Set([720, 750, 780]);
    const days = generated(12, { level: 4, noise: 0.5 }).map((d, n) => ({
      ...d,
      values: d.values.map((v, i) =>
        lunch.has(SLOTS[i] ?? 0) || (n * 7 + i * 3) % 11 === 0 ? 0 : Math.round(v),
      ),
    }));
    const history = historyBefore(days, '2024-03-11');
    const targets = daysFrom(days, '2024-03-11').map((d) => d.date);
    for (const trend of [false, true]) {
      const forecast = doubleSeasonalHoltWinters({
        alpha: 0.05,
        trend,
        gamma: 0.01,
        delta: 0.2,
        omega: 0.2,
        phi: 0.9,
      }).forecast(history, targets, calendarOf(days));
      for (const row of forecast) {
        for (const v of row) {
          expect(Number.isFinite(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
        }
        SLOTS.forEach((slot, i) => {
          if (lunch.has(slot)) expect(row[i]).toBeLessThan(0.5);
        });
      }
    }
  });

  it('is one of the candidate families and plugs into evaluateForecast', () => {
    const family = defaultCandidates().find((f) => f.name === 'double-seasonal holt-winters');
    expect(family?.variants.length).toBeGreaterThan(1);
    expect(new Set(family?.variants.map((v) => v.settings)).size).toBe(family?.variants.length);

    // Noise that repeats neither daily nor weekly, so that no method is exact.
    const series: IntervalSeries = { intervalMinutes: 30, slots: SLOTS, days: generated(16, { noise: 0.1 }) };
    const report = evaluateForecast(series, { candidates: family ? [family] : [] });
    expect(report.methods).toHaveLength(1);
    const [method] = report.methods;
    expect(method).toMatchObject({ name: 'double-seasonal holt-winters', chosen: true });
    expect(report.chosen).toBe('double-seasonal holt-winters');
    expect(method?.test.byInterval.points).toBe(20 * SLOTS.length);
    expect(method?.test.byInterval.wape).toBeLessThan(report.baseline.test.byInterval.wape);
    // The settings reported are the variant that did best on validation.
    const onValidation = family?.variants.map((v) => {
      const fit = series.days.filter((d) => d.date < report.validation.from);
      const target = series.days.filter(
        (d) => d.date >= report.validation.from && d.date <= report.validation.to,
      );
      const forecast = v.forecast(
        fit,
        target.map((d) => d.date),
        calendarOf(series.days),
      );
      return {
        settings: v.settings,
        wape: accuracy(
          target.flatMap((d) => d.values),
          forecast.flat(),
        ).wape,
      };
    });
    const best = onValidation?.sort((a, b) => a.wape - b.wape)[0];
    expect(method?.settings).toBe(best?.settings);
    expect(seasonalNaive.name).toBe(report.baseline.name);
  });
});
