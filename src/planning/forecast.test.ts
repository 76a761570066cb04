import { describe, expect, it } from 'vitest';
import {
  accuracy,
  aggregateVolumes,
  type DayVolumes,
  evaluateForecast,
  type ForecastCalendar,
  holtWinters,
  type IntervalSeries,
  parseVolumeCsv,
  periodAccuracy,
  profileRegression,
  seasonalNaive,
  weekdayOf,
} from './forecast.ts';

const DAY_MS = 86_400_000;
const SLOTS = Array.from({ length: 20 }, (_, i) => 480 + 30 * i); // 08:00 … 17:30
const WEEKDAY_FACTOR: Record<number, number> = { 1: 1.3, 2: 1.0, 3: 0.95, 4: 0.9, 5: 1.05 };

/** A known shape: a morning and an afternoon peak, the afternoon stronger on Fridays. */
function shape(weekday: number, slot: number): number {
  const hour = slot / 60;
  const morning = Math.exp(-((hour - 10.5) ** 2) / 2);
  const afternoon = (weekday === 5 ? 1.2 : 0.8) * Math.exp(-((hour - 14.5) ** 2) / 3);
  return 0.2 + morning + afternoon;
}

/** Weekdays from Monday 2024-01-01 for `weeks` weeks; a day's total = level(day) × weekday factor + extra(day), spread by shape. */
function synthetic(
  weeks: number,
  level: (dayIndex: number) => number,
  skip: string[] = [],
  extra: (dayIndex: number) => number = () => 0,
): DayVolumes[] {
  const days: DayVolumes[] = [];
  for (let i = 0; i < weeks * 7; i++) {
    const date = new Date(Date.parse('2024-01-01T00:00:00Z') + i * DAY_MS).toISOString().slice(0, 10);
    const weekday = weekdayOf(date);
    if (weekday > 5 || skip.includes(date)) continue;
    const raw = SLOTS.map((s) => shape(weekday, s));
    const sum = raw.reduce((a, b) => a + b, 0);
    const daily = level(i) * (WEEKDAY_FACTOR[weekday] ?? 1) + extra(i);
    days.push({ date, weekday, values: raw.map((r) => (r / sum) * daily) });
  }
  return days;
}

const calendarOf = (days: DayVolumes[], holidays: string[] = []): ForecastCalendar => ({
  holidays: new Set(holidays),
  workingWeekdays: new Set(days.map((d) => d.weekday)),
});

function split(days: DayVolumes[], firstTarget: string): [DayVolumes[], DayVolumes[]] {
  return [days.filter((d) => d.date < firstTarget), days.filter((d) => d.date >= firstTarget)];
}

function expectClose(forecast: number[][], actual: DayVolumes[], tolerance: number) {
  expect(forecast).toHaveLength(actual.length);
  forecast.forEach((row, d) => {
    row.forEach((v, i) => {
      const a = actual[d]?.values[i] ?? 0;
      expect(Math.abs(v - a) / a).toBeLessThan(tolerance);
    });
  });
}

describe('reading a volume file', () => {
  it('reads five-minute counts, finds the step and sums them into intervals', () => {
    const csv = [
      'rownames,DateTime,Calls',
      '1,2003-03-03T07:00:00Z,10',
      '2,2003-03-03T07:05:00Z,20',
      '3,2003-03-03T07:10:00Z,30',
      '4,2003-03-03T07:15:00Z,40',
      '5,2003-03-04T07:00:00Z,1',
      '',
    ].join('\n');
    const file = parseVolumeCsv(csv);
    expect(file.stepMinutes).toBe(5);
    const series = aggregateVolumes(file, 15);
    expect(series.slots).toEqual([420, 435]);
    expect(series.days).toEqual([
      { date: '2003-03-03', weekday: 1, values: [60, 40] },
      { date: '2003-03-04', weekday: 2, values: [1, 0] },
    ]);
  });

  it('names the line of a malformed row, a negative count, a duplicate, and a bad header', () => {
    const head = 'DateTime,Calls\n2003-03-03T07:00:00Z,10\n';
    expect(() => parseVolumeCsv(`${head}2003-03-03 7h05,3\n`)).toThrow(/line 3: .*not a date and time/);
    expect(() => parseVolumeCsv(`${head}2003-03-03T07:05:00Z,-4\n`)).toThrow(/line 3: count -4 is negative/);
    expect(() => parseVolumeCsv(`${head}2003-03-03T07:05:00Z,many\n`)).toThrow(/line 3: count "many"/);
    expect(() => parseVolumeCsv(`${head}2003-03-03T07:05:00Z\n`)).toThrow(/line 3: expected 2 fields/);
    expect(() => parseVolumeCsv(`${head}2003-03-03T07:00:00Z,3\n`)).toThrow(/line 3: .*appears twice/);
    expect(() => parseVolumeCsv('when,what\n1,2\n')).toThrow(/line 1: the header needs/);
  });

  it('refuses an interval that does not divide the day or is finer than the data', () => {
    const file = parseVolumeCsv('DateTime,Calls\n2003-03-03T07:00:00Z,10\n2003-03-03T07:05:00Z,10\n');
    expect(() => aggregateVolumes(file, 7)).toThrow(/does not divide the day/);
    expect(() => aggregateVolumes(file, 3)).toThrow(/not a multiple of the data's 5-minute step/);
    expect(aggregateVolumes(file, 60).days[0]?.values).toEqual([20]);
  });
});

describe('accuracy', () => {
  it('computes WAPE over all points and MAPE over the non-zero actuals only', () => {
    const a = accuracy([100, 0, 50], [90, 5, 60]);
    expect(a.wape).toBeCloseTo(25 / 150, 12);
    expect(a.mape).toBeCloseTo((0.1 + 0.2) / 2, 12);
    expect(a.zeroActualsSkipped).toBe(1);
  });

  it('scores a period per interval, per day and per time of day', () => {
    const actual: DayVolumes[] = [
      { date: '2024-01-01', weekday: 1, values: [10, 30] },
      { date: '2024-01-02', weekday: 2, values: [20, 40] },
    ];
    const scored = periodAccuracy(actual, [
      [12, 30],
      [20, 36],
    ]);
    expect(scored.byInterval.wape).toBeCloseTo(6 / 100, 12);
    expect(scored.byDay.wape).toBeCloseTo((2 + 4) / 100, 12);
    expect(scored.byDay.mape).toBeCloseTo((2 / 40 + 4 / 60) / 2, 12);
    expect(scored.byTimeOfDay.map((a) => a.wape)).toEqual([2 / 30, 4 / 70]);
  });
});

describe('forecast methods on data with known seasonality', () => {
  const flat = synthetic(12, () => 1000);
  const [history, future] = split(flat, '2024-03-04'); // the last 2 weeks are the target

  it('the seasonal naive baseline repeats the same weekday of the last week of history', () => {
    const history2 = history.map((d) => ({
      ...d,
      values: d.values.map((v) => v * (d.date >= '2024-02-26' ? 2 : 1)),
    }));
    const forecast = seasonalNaive.forecast(
      history2,
      future.map((d) => d.date),
      calendarOf(flat),
    );
    future.forEach((d, i) => {
      const lastSameWeekday = history2.filter((h) => h.weekday === d.weekday).at(-1);
      expect(lastSameWeekday?.date).toMatch(/^2024-0(2-2[6-9]|3-01)$/);
      expect(forecast[i]).toEqual(lastSameWeekday?.values);
    });
  });

  it('profile regression and Holt-Winters recover the intraday and weekly pattern', () => {
    const targets = future.map((d) => d.date);
    expectClose(
      profileRegression({ halfLifeWeeks: 4, trend: false }).forecast(history, targets, calendarOf(flat)),
      future,
      1e-6,
    );
    expectClose(
      holtWinters({ alpha: 0.2, gamma: 0.2, delta: 0.2 }).forecast(history, targets, calendarOf(flat)),
      future,
      1e-6,
    );
  });

  it('profile regression with a trend follows growing volumes', () => {
    const growing = synthetic(
      12,
      () => 1000,
      [],
      (i) => 10 * i,
    );
    const [h, f] = split(growing, '2024-03-04');
    const targets = f.map((d) => d.date);
    expectClose(
      profileRegression({ halfLifeWeeks: Number.POSITIVE_INFINITY, trend: true }).forecast(
        h,
        targets,
        calendarOf(growing),
      ),
      f,
      1e-6,
    );
    const without = profileRegression({ halfLifeWeeks: Number.POSITIVE_INFINITY, trend: false }).forecast(
      h,
      targets,
      calendarOf(growing),
    );
    expect(
      accuracy(
        f.flatMap((d) => d.values),
        without.flat(),
      ).wape,
    ).toBeGreaterThan(0.05);
  });

  it('leaves a holiday and an outlier day out of training', () => {
    const damaged = history.map((d) => {
      if (d.date === '2024-02-14') return { ...d, values: d.values.map((v) => v * 0.1) }; // far below: outlier
      if (d.date === '2024-02-22') return { ...d, values: d.values.map((v) => v * 0.9) }; // declared holiday
      return d;
    });
    const targets = future.map((d) => d.date);
    const calendar = calendarOf(flat, ['2024-02-22']);
    expectClose(
      profileRegression({ halfLifeWeeks: 4, trend: false }).forecast(damaged, targets, calendar),
      future,
      1e-6,
    );
    expectClose(
      holtWinters({ alpha: 0.2, gamma: 0.2, delta: 0.2 }).forecast(damaged, targets, calendar),
      future,
      1e-6,
    );
  });

  it('forecasts the catch-up after a closure from the catch-ups seen in history', () => {
    // Closed on two Mondays; the Tuesday after each brings 30% more calls. The target weeks close on a Monday too.
    const closed = ['2024-01-15', '2024-02-12', '2024-03-04'];
    const days = synthetic(12, () => 1000, closed).map((d) =>
      ['2024-01-16', '2024-02-13', '2024-03-05'].includes(d.date)
        ? { ...d, values: d.values.map((v) => v * 1.3) }
        : d,
    );
    const [h, f] = split(days, '2024-03-04');
    const targets = f.map((d) => d.date);
    for (const method of [
      profileRegression({ halfLifeWeeks: 4, trend: false }),
      holtWinters({ alpha: 0.1, gamma: 0.1, delta: 0.1 }),
    ]) {
      expectClose(method.forecast(h, targets, calendarOf(days)), f, 1e-6);
    }
  });
});

describe('evaluateForecast', () => {
  it('holds out the last weeks, chooses on validation inside training, and reports the baseline beside', () => {
    // Noise that repeats neither daily nor weekly, so that no method is exact.
    const days = synthetic(16, () => 1000).map((d, n) => ({
      ...d,
      values: d.values.map((v, i) => v * (1 + 0.1 * Math.sin(n * 7.3 + i * 1.7))),
    }));
    const series: IntervalSeries = { intervalMinutes: 30, slots: SLOTS, days };
    const report = evaluateForecast(series);
    expect(report.test).toEqual({ from: '2024-03-25', to: '2024-04-19', days: 20 });
    expect(report.validation).toEqual({ from: '2024-02-26', to: '2024-03-22', days: 20 });
    expect(report.train.to).toBe('2024-03-22');
    expect(report.methods.map((m) => m.name)).toEqual([
      'profile regression',
      'holt-winters',
      'double-seasonal holt-winters',
    ]);
    expect(report.methods.filter((m) => m.chosen)).toHaveLength(1);
    const chosen = report.methods.find((m) => m.chosen);
    expect(chosen?.name).toBe(report.chosen);
    const bestOnValidation = Math.min(...report.methods.map((m) => m.validation.byInterval.wape));
    expect(chosen?.validation.byInterval.wape).toBe(bestOnValidation);
    // Averaging over weeks beats copying one noisy week.
    expect(chosen?.test.byInterval.wape).toBeLessThan(report.baseline.test.byInterval.wape);
    expect(report.baseline.test.byInterval.points).toBe(20 * SLOTS.length);
  });

  it('refuses a history too short to fit, validate and test', () => {
    const series: IntervalSeries = { intervalMinutes: 30, slots: SLOTS, days: synthetic(6, () => 100) };
    expect(() => evaluateForecast(series)).toThrow(/too few/);
  });
});
