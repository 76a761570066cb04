import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, loadConfig } from '../core/index.ts';
import {
  compareScenarios,
  type PlanInput,
  type PlanResult,
  parseForecastCsv,
  parsePlanInput,
  planInputFromStore,
  type ScenarioRow,
  type SegmentForecastSet,
  type SolveOptions,
  sampleInstance,
  solvePlan,
  staffCsv,
  type WhatIf,
} from '../planning/index.ts';
import { storeFor } from '../server/index.ts';
import { migrate } from '../store/index.ts';
import type { Command } from './commands.ts';
import { EXIT, UsageError } from './exit.ts';
import { aboutCsv, actorFor, csvRefusal, csvSubsidiaries, readText, startOf } from './forecast-build.ts';

type Values = Record<string, string | boolean | string[] | undefined>;

const text = (values: Values, flag: string): string | undefined => {
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
};

function readJson(flag: string, path: string): unknown {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--${flag} ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new UsageError(`--${flag} ${path}: not JSON (${(error as Error).message})`);
  }
}

/** A plan input's problems, each with its field, as a usage error (exit 2). */
function refused(flag: string, error: unknown): never {
  if (error instanceof DomainError && error.code === 'validation_failed') {
    const lines =
      error.issues.length > 0 ? error.issues.map((i) => `  ${i.path}: ${i.message}`) : [`  ${error.message}`];
    throw new UsageError(`${flag} is not a plan relais can solve:\n${lines.join('\n')}`);
  }
  throw error;
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0))
    throw new UsageError(`--${flag} must be a number above 0, got "${value}"`);
  return n;
}

/** "+10%", "1.1", "-5%" → a factor. */
function factor(flag: string, value: string): number {
  const match = /^([+-]?\d+(?:\.\d+)?)(%?)$/.exec(value.trim());
  if (!match)
    throw new UsageError(
      `--what-if ${flag}: "${value}" is not a change such as +10% or a factor such as 1.1`,
    );
  const n = Number(match[1]);
  const f = match[2] === '%' ? 1 + n / 100 : n;
  if (!(f >= 0)) throw new UsageError(`--what-if ${flag}: "${value}" leaves less than nothing`);
  return f;
}

/**
 * What-ifs on the command line:
 *   site-cost=CAS:+10%          a site's cost per hour changes
 *   volume=+30%[@FROM[..TO]]    volumes change (in a period: dates or instants)
 *   language=SUB:TAG:SHARE:LIKE a new language in a subsidiary, SHARE of LIKE's volumes
 *   new-site=FILE.json          a site more (the plan input's site format)
 */
export function parseWhatIf(spec: string): WhatIf {
  const eq = spec.indexOf('=');
  const kind = eq > 0 ? spec.slice(0, eq) : spec;
  const rest = eq > 0 ? spec.slice(eq + 1) : '';
  switch (kind) {
    case 'site-cost': {
      const [site, change] = rest.split(':');
      if (!site || !change)
        throw new UsageError(`--what-if site-cost=SITE:CHANGE, such as site-cost=CAS:+10%; got "${spec}"`);
      return { kind: 'site_cost', site, factor: factor('site-cost', change) };
    }
    case 'volume': {
      const [change = '', period] = rest.split('@');
      const [from, to] = period ? period.split('..') : [];
      const whatIf: WhatIf = { kind: 'volume', factor: factor('volume', change) };
      if (from) whatIf.from = from;
      if (to) whatIf.to = to;
      return whatIf;
    }
    case 'language': {
      const [subsidiary, language, share, like] = rest.split(':');
      if (!subsidiary || !language || !share || !like)
        throw new UsageError(
          `--what-if language=SUBSIDIARY:LANGUAGE:SHARE:LIKE, such as language=FR:pt:0.1:fr; got "${spec}"`,
        );
      return { kind: 'new_language', subsidiary, language, like, share: factor('language', share) };
    }
    case 'new-site':
      if (!rest) throw new UsageError(`--what-if new-site=FILE.json; got "${spec}"`);
      return { kind: 'new_site', site: readJson('what-if new-site', rest) as never };
    default:
      throw new UsageError(`--what-if takes site-cost=, volume=, language= or new-site=; got "${spec}"`);
  }
}

/** "30m", "1h" → minutes. */
function intervalMinutes(value: string): number {
  const match = /^(\d+)(m|h)$/.exec(value.trim());
  if (!match) throw new UsageError(`--interval must be a duration such as 15m, 30m or 1h, got "${value}"`);
  return Number(match[1]) * (match[2] === 'h' ? 60 : 1);
}

/**
 * The plan of what the store knows: its sites and the forecast of its conversation history, or
 * with --volumes the weeks ahead already forecast in a file of the forecast build format.
 */
async function inputFromHistory(values: Values, env: Record<string, string | undefined>): Promise<PlanInput> {
  const volumesPath = text(values, 'volumes');
  if (volumesPath !== undefined) {
    const period = ['start', 'weeks', 'interval'].filter((flag) => values[flag] !== undefined);
    if (period.length > 0)
      throw new UsageError(
        `--volumes gives the period to plan (its intervals): ${period.map((f) => `--${f}`).join(', ')} cannot go with it`,
      );
  }
  const imported =
    volumesPath === undefined ? undefined : { path: volumesPath, text: readText('volumes', volumesPath) };
  const weeksText = text(values, 'weeks') ?? '1';
  if (!/^\d+$/.test(weeksText)) throw new UsageError(`--weeks ${weeksText}: must be a whole number of weeks`);
  const now = new Date();
  const start = startOf(text(values, 'start'), now);
  const minutes = intervalMinutes(text(values, 'interval') ?? '30m');
  const merged = { ...env };
  if (typeof values['data-dir'] === 'string') merged.RELAIS_DATA_DIR = values['data-dir'];
  const config = loadConfig(merged);
  if (!config.DATABASE_URL && (config.RELAIS_MEMORY || !existsSync(join(config.RELAIS_DATA_DIR, 'store'))))
    throw new UsageError(
      `--data-dir ${config.RELAIS_DATA_DIR}: no store there to plan from (relais serve or relais demo makes one; DATABASE_URL reads PostgreSQL)`,
    );
  const store = await storeFor(config);
  try {
    await migrate(store.db);
    const actor = await actorFor(store.db, text(values, 'subsidiary'));
    if (imported) {
      const { subsidiaries, visible } = await csvSubsidiaries(store.db, actor);
      let forecast: SegmentForecastSet;
      try {
        forecast = parseForecastCsv(
          imported.text,
          subsidiaries,
          visible.length < subsidiaries.length ? { subsidiaryIds: visible } : {},
        );
      } catch (error) {
        if (error instanceof DomainError && aboutCsv(error))
          throw csvRefusal('volumes', imported.path, error);
        throw error;
      }
      return await planInputFromStore(
        store.db,
        { actor, now },
        {
          start: new Date(forecast.start),
          weeks: Math.ceil((forecast.intervals * forecast.intervalMinutes) / (7 * 1440)),
          intervalMinutes: forecast.intervalMinutes,
          forecast,
        },
      );
    }
    return await planInputFromStore(
      store.db,
      { actor, now },
      { start, weeks: Number(weeksText), intervalMinutes: minutes },
    );
  } catch (error) {
    return refused('--from-history', error);
  } finally {
    await store.close();
  }
}

async function loadInput(values: Values, env: Record<string, string | undefined>): Promise<PlanInput> {
  const path = text(values, 'input');
  const sources = [path !== undefined, values.sample === true, values['from-history'] === true].filter(
    Boolean,
  );
  if (sources.length > 1) throw new UsageError('give one of --input FILE, --sample or --from-history');
  if (values.volumes !== undefined && !values['from-history'])
    throw new UsageError(
      '--volumes goes with --from-history: the store gives the sites, the file the volumes',
    );
  if (values['from-history']) return inputFromHistory(values, env);
  if (path !== undefined) {
    try {
      return parsePlanInput(readJson('input', path));
    } catch (error) {
      return refused(`--input ${path}`, error);
    }
  }
  if (values.sample) {
    const days = text(values, 'days');
    if (days !== undefined && !/^[1-7]$/.test(days)) throw new UsageError(`--days is 1 to 7, got "${days}"`);
    return parsePlanInput(sampleInstance({ days: days ? Number(days) : 7 }));
  }
  throw new UsageError(`relais plan needs --input FILE, --sample or --from-history\n\n${planCommand.usage}`);
}

const money = (amount: number, currency: string) =>
  `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }).format(amount)} ${currency}`;
const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);
const pad = (cells: string[], widths: number[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [
    pad(header, widths),
    pad(
      widths.map((w) => '-'.repeat(w)),
      widths,
    ),
    ...rows.map((r) => pad(r, widths)),
  ].join('\n');
}

export function formatPlan(result: PlanResult): string {
  const out: string[] = [];
  const t = result.totals;
  if (result.status === 'no_plan') {
    out.push('No plan is possible:');
    for (const r of result.reasons) out.push(`  - ${r.message}`);
    out.push('');
  }
  out.push(
    `Plan from ${result.start}, ${result.intervals} intervals of ${result.intervalMinutes} min (${result.placement})`,
    `Cost ${money(t.cost, result.currency)} · ${Math.round(t.agentHours)} agent hours (${Math.round(t.scheduledHours)} scheduled) · ${Math.round(t.contacts)} contacts`,
    `Service level ${percent(t.serviceLevel)} · abandonment ${percent(t.abandonment)} · quality ${t.quality ?? '—'} · onshore ${percent(t.onshoreShare)}`,
    `Solved by ${result.solver.method} in ${result.solver.seconds.toFixed(2)} s (${result.solver.status}${result.solver.gap !== null ? `, gap ${percent(result.solver.gap)}` : ''})`,
    '',
    table(
      ['site', 'name', 'country', 'operator', 'share', 'agent h', 'cost', 'peak/seats'],
      result.sites.map((s) => [
        s.code,
        s.name,
        s.country,
        s.partnerName ?? 'in house',
        percent(s.share),
        String(Math.round(s.agentHours)),
        money(s.cost, result.currency),
        `${Math.ceil(s.peakScheduled)}/${s.seats}`,
      ]),
    ),
  );
  if (result.warnings.length > 0)
    out.push('', 'Warnings:', ...result.warnings.map((w) => `  - ${w.message}`));
  return `${out.join('\n')}\n`;
}

export function formatScenarios(rows: ScenarioRow[], currency: string): string {
  return `${table(
    ['scenario', 'status', 'cost', 'vs bestshore', 'service level', 'abandonment', 'quality', 'onshore'],
    rows.map((r) => {
      if (r.status !== 'planned') return [r.name, 'no plan', '—', '—', '—', '—', '—', '—'];
      return [
        r.name,
        'planned',
        money(r.cost, currency),
        r.againstBestshore === null
          ? '—'
          : `${r.againstBestshore >= 1 ? '+' : ''}${((r.againstBestshore - 1) * 100).toFixed(1)}%`,
        percent(r.serviceLevel),
        percent(r.abandonment),
        r.quality === null ? '—' : String(r.quality),
        percent(r.onshoreShare),
      ];
    }),
  )}\n${rows
    .filter((r) => r.status !== 'planned')
    .map((r) => `\n${r.name}: no plan\n${r.reasons.map((m) => `  - ${m}`).join('\n')}`)
    .join('')}\n`;
}

function emit(values: Values, content: string): void {
  const out = text(values, 'out');
  if (out === undefined) process.stdout.write(content);
  else {
    writeFileSync(out, content);
    process.stderr.write(`written to ${out}\n`);
  }
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'the site mix: staff per site, interval, language and tier at least cost (HiGHS)',
  usage: `Usage: relais plan (--input FILE | --sample | --from-history [--volumes FILE]) [options]

Places each interval's work (per subsidiary, language, tier and channel) on the sites at the
least cost that still meets the service level, the languages, the opening hours in each
site's time zone, the seats and the rules (work kept onshore, data residency, partner
shares, a quality floor). When no plan is possible it says which constraint binds, where and
when. With --input or --sample it needs no store. The input format and the model are in
docs/planning.md.

Options:
  --input FILE        the plan's input (JSON): period, sites, work, rules
  --sample            a generated multinational week: 10 sites, 12 languages, 3 tiers, 3 channels
  --days N            with --sample, plan N days (1–7, default 7)
  --from-history      the store's sites and subsidiaries, and the forecast of their
                      conversation history (as relais forecast build makes it)
  --start DATE        with --from-history, the first day (00:00 UTC; default next Monday)
  --weeks N           with --from-history, weeks to plan (1–8, default 1)
  --interval D        with --from-history, 15m, 30m (default) or 1h
  --volumes FILE      with --from-history, the volumes of the weeks ahead from a CSV file in
                      the format relais forecast build writes (interval_start, subsidiary,
                      language, channel, tier, volume, aht_seconds) instead of the forecast of
                      the store's history; the file gives the period (no --start, --weeks or
                      --interval)
  --subsidiary CODE   with --from-history, plan this subsidiary only
  --data-dir DIR      embedded store directory (default ./.relais); DATABASE_URL uses PostgreSQL
  --format F          table (default), json (the whole plan) or csv (staff per site,
                      interval, subsidiary, language, tier and channel)
  --scenarios         compare bestshore, all onshore, all offshore and the what-ifs
  --what-if SPEC      a what-if for --scenarios (repeatable):
                        site-cost=CAS:+10%   volume=+30%@2026-11-30..2026-12-01
                        language=FR:pt:0.1:fr (new language pt in FR at 10% of fr)
                        new-site=FILE.json
  --placement P       bestshore (default), onshore or offshore
  --greedy            the greedy baseline (cheapest open site) instead of the program
  --gap F             stop at this relative optimality gap (default 0.005)
  --time-limit S      stop the solver after S seconds (default 60)
  --out PATH          write the output to a file

Exit codes: 0 a plan; 1 no plan is possible (the reasons are printed); 2 bad input.`,
  options: {
    input: { type: 'string' },
    sample: { type: 'boolean' },
    'from-history': { type: 'boolean' },
    volumes: { type: 'string' },
    start: { type: 'string' },
    weeks: { type: 'string' },
    interval: { type: 'string' },
    subsidiary: { type: 'string' },
    'data-dir': { type: 'string' },
    days: { type: 'string' },
    format: { type: 'string' },
    scenarios: { type: 'boolean' },
    'what-if': { type: 'string', multiple: true },
    placement: { type: 'string' },
    greedy: { type: 'boolean' },
    gap: { type: 'string' },
    'time-limit': { type: 'string' },
    out: { type: 'string' },
  },
  async run(values, env) {
    const format = text(values, 'format') ?? 'table';
    if (!['table', 'json', 'csv'].includes(format))
      throw new UsageError(`--format is table, json or csv, got "${format}"`);
    const placement = text(values, 'placement') ?? 'bestshore';
    if (placement !== 'bestshore' && placement !== 'onshore' && placement !== 'offshore')
      throw new UsageError(`--placement is bestshore, onshore or offshore, got "${placement}"`);
    const whatIfs = ((values['what-if'] as string[] | undefined) ?? []).map(parseWhatIf);
    if (whatIfs.length > 0 && !values.scenarios) throw new UsageError('--what-if goes with --scenarios');
    const gap = positiveNumber('gap', text(values, 'gap'));
    const timeLimit = positiveNumber('time-limit', text(values, 'time-limit'));
    const options: SolveOptions = {
      placement,
      ...(gap !== undefined ? { relativeGap: gap } : {}),
      ...(timeLimit !== undefined ? { timeLimitSeconds: timeLimit } : {}),
      ...(values.greedy ? { method: 'greedy' as const } : {}),
    };
    const input = await loadInput(values, env);
    if (values.scenarios) {
      if (format === 'csv') throw new UsageError('--scenarios prints a table or JSON, not CSV');
      let compared: Awaited<ReturnType<typeof compareScenarios>>;
      try {
        compared = await compareScenarios(input, whatIfs, options);
      } catch (error) {
        return refused('--what-if', error);
      }
      emit(
        values,
        format === 'json'
          ? `${JSON.stringify({ scenarios: compared.rows }, null, 2)}\n`
          : formatScenarios(compared.rows, input.currency),
      );
      return compared.bestshore.status === 'planned' ? EXIT.ok : EXIT.failure;
    }
    const result = await solvePlan(input, options);
    if (result.status === 'no_plan' && format !== 'json') {
      process.stderr.write(formatPlan(result));
      return EXIT.failure;
    }
    emit(
      values,
      format === 'json'
        ? `${JSON.stringify(result, null, 2)}\n`
        : format === 'csv'
          ? staffCsv(result)
          : formatPlan(result),
    );
    return result.status === 'planned' ? EXIT.ok : EXIT.failure;
  },
};
