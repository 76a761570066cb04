import { readFileSync } from 'node:fs';
import { DomainError } from '../core/index.ts';
import {
  aggregateVolumes,
  type EvaluationReport,
  evaluateForecast,
  type MethodReport,
  parseVolumeCsv,
} from '../planning/index.ts';
import type { Command } from './commands.ts';
import { EXIT, UsageError } from './exit.ts';
import { buildForecast } from './forecast-build.ts';

type Values = Record<string, string | boolean | undefined>;

const text = (values: Values, flag: string): string | undefined => {
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
};

/** "30m", "15m", "1h" → minutes. */
function intervalMinutes(value: string): number {
  const match = /^(\d+)(m|h)$/.exec(value.trim());
  if (!match) throw new UsageError(`--interval must be a duration such as 15m, 30m or 1h, got "${value}"`);
  return Number(match[1]) * (match[2] === 'h' ? 60 : 1);
}

/** "2003-07-04,2003-09-01" → dates. */
function holidays(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map((d) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
        throw new UsageError(`--holidays takes dates such as 2003-07-04,2003-09-01, got "${d}"`);
      return d;
    });
}

function wholeWeeks(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new UsageError(`--${flag} must be a whole number of weeks, at least 1, got "${value}"`);
  return Number(value);
}

function evaluate(values: Values): EvaluationReport {
  const path = text(values, 'csv');
  if (path === undefined)
    throw new UsageError(`relais forecast evaluate needs --csv PATH\n\n${forecastCommand.usage}`);
  const minutes = intervalMinutes(text(values, 'interval') ?? '30m');
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--csv ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    const series = aggregateVolumes(parseVolumeCsv(content), minutes);
    return evaluateForecast(series, {
      holidays: holidays(text(values, 'holidays')),
      testWeeks: wholeWeeks('test-weeks', text(values, 'test-weeks'), 4),
    });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'validation_failed') {
      const issue = error.issues[0];
      const where = issue?.path ?? '';
      if (where === 'interval')
        throw new UsageError(`--interval ${text(values, 'interval') ?? '30m'}: ${issue?.message}`);
      throw new UsageError(
        `--csv ${path}: ${where === 'csv' ? '' : `${where}: `}${issue?.message ?? error.message}`,
      );
    }
    throw error;
  }
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const round = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(4)) : null);

/** The report as a table: one row per method, WAPE and MAPE per interval and per day, on the test weeks. */
export function formatEvaluation(report: EvaluationReport): string {
  const rows = [...report.methods, report.baseline].map((m: MethodReport) => [
    `${m.name}${m.chosen ? ' (chosen)' : ''}`,
    pct(m.test.byInterval.wape),
    pct(m.test.byInterval.mape),
    pct(m.test.byDay.wape),
    pct(m.test.byDay.mape),
    pct(m.validation.byInterval.wape),
    m.settings,
  ]);
  const header = [
    'method',
    'WAPE interval',
    'MAPE interval',
    'WAPE day',
    'MAPE day',
    'validation WAPE',
    'settings',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const zeros = report.baseline.test.byInterval.zeroActualsSkipped;
  const chosen = report.methods.find((m) => m.chosen);
  const byTime = chosen
    ? `\nWAPE by time of day on the test weeks, ${chosen.name} against seasonal naive:\n` +
      report.slots
        .map(
          (slot, i) =>
            `  ${clock(slot)}  ${pct(chosen.test.byTimeOfDay[i]?.wape ?? Number.NaN).padStart(6)}  ${pct(report.baseline.test.byTimeOfDay[i]?.wape ?? Number.NaN).padStart(6)}`,
        )
        .join('\n') +
      '\n'
    : '';
  return (
    `Forecast accuracy, ${report.intervalMinutes}-minute intervals\n` +
    `trained on ${report.train.from} … ${report.train.to} (${report.train.days} days); ` +
    `settings and method chosen on ${report.validation.from} … ${report.validation.to} (${report.validation.days} days, inside the training data)\n` +
    `tested on ${report.test.from} … ${report.test.to} (${report.test.days} days), forecast once from the end of training\n\n` +
    `${line(header)}\n${rows.map(line).join('\n')}\n\n` +
    `WAPE = Σ|actual − forecast| ÷ Σ actual. MAPE = mean |actual − forecast| ÷ actual, ` +
    `skipping intervals whose actual is zero (${zeros} skipped in the test weeks).\n` +
    byTime
  );
}

const methodJson = (m: MethodReport, slots: number[]) => ({
  name: m.name,
  settings: m.settings,
  chosen: m.chosen,
  test: {
    byInterval: {
      ...m.test.byInterval,
      wape: round(m.test.byInterval.wape),
      mape: round(m.test.byInterval.mape),
    },
    byDay: { ...m.test.byDay, wape: round(m.test.byDay.wape), mape: round(m.test.byDay.mape) },
    byTimeOfDay: m.test.byTimeOfDay.map((a, i) => ({
      start: clock(slots[i] ?? 0),
      ...a,
      wape: round(a.wape),
      mape: round(a.mape),
    })),
  },
  validation: {
    byInterval: {
      ...m.validation.byInterval,
      wape: round(m.validation.byInterval.wape),
      mape: round(m.validation.byInterval.mape),
    },
    byDay: {
      ...m.validation.byDay,
      wape: round(m.validation.byDay.wape),
      mape: round(m.validation.byDay.mape),
    },
  },
});

export function evaluationJson(report: EvaluationReport): Record<string, unknown> {
  return {
    intervalMinutes: report.intervalMinutes,
    train: report.train,
    validation: report.validation,
    test: report.test,
    chosen: report.chosen,
    methods: report.methods.map((m) => methodJson(m, report.slots)),
    baseline: methodJson(report.baseline, report.slots),
  };
}

export const forecastCommand: Command = {
  name: 'forecast',
  summary:
    'forecast contact volumes: `forecast build` from history or past volumes, `forecast evaluate` measures accuracy',
  usage: `Usage: relais forecast evaluate --csv PATH [--interval 30m] [--holidays DATES] [--json]
       relais forecast build [--csv PAST.csv] [--weeks 1] [--interval 30m] [--start YYYY-MM-DD]
                             [--subsidiary CODE] [--history-weeks 8] [--json] [--out PATH]

evaluate reads past volumes (a CSV with a time column such as DateTime and a count column
such as Calls), sums them into intervals, trains on every week before the last four and
reports the accuracy on those four: WAPE and MAPE per interval and per day, for each
candidate method, the one chosen (by accuracy on the last weeks of the training data,
never on the test weeks) and the seasonal-naive baseline. Needs no store.

build forecasts the weeks ahead from the store's conversation history, per subsidiary ×
language × channel × tier, with each segment's measured handling time: a CSV of
interval_start, subsidiary, language, channel, tier, volume, aht_seconds (empty when not
measured), or with --json the forecast set the site-mix planner reads. It reads the
embedded store (--data-dir), or PostgreSQL when DATABASE_URL is set. With --csv it forecasts
from past volumes in that same CSV format instead of the store's conversations (the store
then gives only the subsidiaries' codes and time zones). See docs/planning.md.

Options of evaluate:
  --csv PATH          past volumes, one row per time step
  --interval DURATION interval to forecast: 15m, 30m (default) or any that divides the
                      day and is a multiple of the data's step
  --holidays DATES    comma-separated dates (2003-07-04,2003-09-01) to leave out of
                      training; the day after one is forecast with the catch-up effect
  --test-weeks N      weeks held out for the test (default 4)
  --json              print one JSON object with the same figures

Options of build:
  --csv PATH          past volumes per segment instead of the store's conversations: the
                      columns interval_start (an instant), subsidiary (a code), language,
                      channel, tier, volume and, if known, aht_seconds
  --weeks N           weeks ahead, 1 (default) to 8
  --interval DURATION 15m, 30m (default), 1h, or any of at least 15 minutes that divides the day
  --start DATE        first day, from 00:00 UTC (default: the coming Monday)
  --subsidiary CODE   only this subsidiary (FR, MA…); default: every subsidiary
  --history-weeks N   weeks of history before the start (or before today) to learn from (default 8);
                      with --csv, the last N weeks of whole days the file has before the start
  --json              the forecast as JSON instead of CSV
  --out PATH          write to this file instead of standard output
  --data-dir DIR      embedded store directory (default ./.relais; env RELAIS_DATA_DIR)`,
  positionals: true,
  options: {
    csv: { type: 'string' },
    interval: { type: 'string' },
    holidays: { type: 'string' },
    'test-weeks': { type: 'string' },
    json: { type: 'boolean' },
    weeks: { type: 'string' },
    start: { type: 'string' },
    subsidiary: { type: 'string' },
    'history-weeks': { type: 'string' },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  async run(values, env, positionals = []) {
    if (positionals.length === 1 && positionals[0] === 'build')
      return buildForecast(values, env, intervalMinutes);
    if (positionals[0] !== 'evaluate' || positionals.length > 1)
      throw new UsageError(
        `relais forecast takes one subcommand, evaluate or build; got "${positionals.join(' ')}"\n\n${forecastCommand.usage}`,
      );
    const report = evaluate(values);
    process.stdout.write(
      values.json ? `${JSON.stringify(evaluationJson(report), null, 2)}\n` : formatEvaluation(report),
    );
    return EXIT.ok;
  },
};
