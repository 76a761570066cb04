/**
 * Forecast accuracy from many origins inside the training data: every Monday from the ninth week
 * on, each candidate forecasts the next four weeks from the weeks before, using only the data
 * before the validation weeks of `relais forecast evaluate` (so neither validation nor test
 * weeks are looked at). It is how the double-seasonal Holt-Winters grid was set (no trend); the
 * trend variants are scored beside it.
 *
 *   npm run bench -- forecast-origins [--csv ../shared/data/bank_calls.csv] [--interval 30]
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import {
  aggregateVolumes,
  type CandidateFamily,
  defaultCandidates,
  doubleSeasonalHoltWinters,
  type ForecastCalendar,
  parseVolumeCsv,
  periodAccuracy,
} from '../src/planning/index.ts';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    csv: { type: 'string', default: '../shared/data/bank_calls.csv' },
    interval: { type: 'string', default: '30' },
  },
});
const DAY_MS = 86_400_000;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

const series = aggregateVolumes(parseVolumeCsv(readFileSync(values.csv, 'utf8')), Number(values.interval));
const last = series.days[series.days.length - 1]?.date ?? '';
// As evaluateForecast splits: four test weeks, then four validation weeks before them.
const validationFrom = addDays(last, -56 + 1);
const days = series.days.filter((d) => d.date < validationFrom);
const calendar: ForecastCalendar = {
  holidays: new Set(),
  workingWeekdays: new Set(series.days.map((d) => d.weekday)),
};
const origins: string[] = [];
for (
  let origin = addDays(days[0]?.date ?? '', 56);
  addDays(origin, 28) <= validationFrom;
  origin = addDays(origin, 7)
)
  origins.push(origin);

const families: CandidateFamily[] = [
  ...defaultCandidates(),
  {
    name: 'double-seasonal holt-winters with trend',
    variants: [0.0005, 0.001, 0.002, 0.005, 0.01].flatMap((alpha) =>
      [0.001, 0.01].flatMap((gamma) =>
        [0, 0.01, 0.05].flatMap((delta) =>
          [0.05, 0.1, 0.2].map((omega) =>
            doubleSeasonalHoltWinters({ alpha, trend: true, gamma, delta, omega }),
          ),
        ),
      ),
    ),
  },
];

const started = Date.now();
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const results = families.map((family) => {
  const scored = family.variants.map((method) => {
    let interval = 0;
    let day = 0;
    for (const origin of origins) {
      const history = days.filter((d) => d.date < origin);
      const target = days.filter((d) => d.date >= origin && d.date < addDays(origin, 28));
      const accuracy = periodAccuracy(
        target,
        method.forecast(
          history,
          target.map((d) => d.date),
          calendar,
        ),
      );
      interval += accuracy.byInterval.wape;
      day += accuracy.byDay.wape;
    }
    return { settings: method.settings, interval: interval / origins.length, day: day / origins.length };
  });
  scored.sort((a, b) => a.interval - b.interval);
  const best = scored[0];
  const median = scored[Math.floor(scored.length / 2)];
  return {
    family: family.name,
    variants: scored.length,
    best: best && { settings: best.settings, wapeInterval: best.interval, wapeDay: best.day },
    medianWapeInterval: median?.interval ?? Number.NaN,
  };
});

console.log(
  `${series.intervalMinutes}-minute intervals; ${origins.length} origins, ${origins[0]} … ${origins[origins.length - 1]}, ` +
    `four weeks ahead each, data before ${validationFrom} only\n`,
);
for (const r of results)
  console.log(
    `${r.family.padEnd(42)} best ${pct(r.best?.wapeInterval ?? Number.NaN)} interval, ${pct(r.best?.wapeDay ?? Number.NaN)} day ` +
      `(${r.best?.settings}); median of ${r.variants} settings ${pct(r.medianWapeInterval)}`,
  );
console.log(
  JSON.stringify({
    benchmark: 'forecast-origins',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    intervalMinutes: series.intervalMinutes,
    origins: origins.length,
    dataBefore: validationFrom,
    seconds: (Date.now() - started) / 1000,
    families: results,
  }),
);
