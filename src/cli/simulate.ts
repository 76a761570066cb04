import { readFileSync } from 'node:fs';
import { invalid } from '../core/index.ts';
import { demoOrganisation } from '../demo/index.ts';
import {
  curveFromCsv,
  type IntradayCurve,
  type SimulationResult,
  type SimWorld,
  simulate,
} from '../routing/index.ts';
import type { Command } from './commands.ts';
import { EXIT, UsageError } from './exit.ts';

/** The demo world's customers: the languages they write and call in, and each subsidiary's share of contacts. */
const DEMO_TRAFFIC: Record<string, { share: number; languages: Record<string, number> }> = {
  FR: { share: 0.45, languages: { fr: 0.94, en: 0.06 } },
  MA: { share: 0.2, languages: { ar: 0.65, fr: 0.35 } },
  SN: { share: 0.1, languages: { fr: 0.55, wo: 0.45 } },
  MG: { share: 0.08, languages: { mg: 0.6, fr: 0.4 } },
  EG: { share: 0.17, languages: { ar: 0.85, en: 0.15 } },
};

/** A contact is costed as six minutes of a seat at the site's hourly cost. */
const MINUTES_PER_CONTACT = 6;
const DEMO_SEED = 20261122;
const DEFAULT_START = '2026-11-23';

/** The demo organisation (same generator and seed as `relais demo`) as a simulation world. */
export function demoSimWorld(): SimWorld {
  const org = demoOrganisation(DEMO_SEED, new Date(Date.parse(`${DEFAULT_START}T00:00:00Z`)));
  return {
    sites: org.sites.map((s) => ({
      id: s.id,
      name: s.name,
      timeZone: s.timeZone,
      calendar: s.calendar,
      subsidiaryIds: s.subsidiaryIds,
      costPerContact: Math.round((s.costPerHourMinor * MINUTES_PER_CONTACT) / 60),
      qualityIndex: s.qualityIndex,
    })),
    subsidiaries: org.subsidiaries.map((s) => ({
      id: s.code,
      timeZone: s.timeZone,
      share: DEMO_TRAFFIC[s.code]?.share ?? 0.1,
      languages: DEMO_TRAFFIC[s.code]?.languages ?? { [s.defaultLanguage]: 1 },
      homeSiteId: org.sites.find((site) => site.country === s.country && site.subsidiaryIds.includes(s.code))
        ?.id,
    })),
    agents: org.agents.map((a) => ({ ...a, presence: 'available' as const, shift: null })),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const money = (minor: number) => `€${(minor / 100).toFixed(2)}`;

/** The result as a table: one column per policy. */
export function formatSimulation(result: SimulationResult): string {
  const ps = result.policies;
  const rows: Array<[string, ...string[]]> = [
    ['policy', ...ps.map((p) => p.name)],
    ['contacts offered', ...ps.map((p) => String(p.offered))],
    ['answered', ...ps.map((p) => String(p.answered))],
    ['service level', ...ps.map((p) => pct(p.serviceLevel))],
    ['abandonment', ...ps.map((p) => pct(p.abandonment))],
    ['average wait', ...ps.map((p) => `${p.avgWaitSeconds.toFixed(0)} s`)],
    ['p90 wait', ...ps.map((p) => `${p.p90WaitSeconds.toFixed(0)} s`)],
    ['in the customer’s language', ...ps.map((p) => pct(p.languageMatch))],
    ['cost per contact', ...ps.map((p) => money(p.costPerContact))],
    ['SLA breaches', ...ps.map((p) => String(p.slaBreaches))],
  ];
  for (const site of ps[0]?.sites ?? [])
    rows.push([
      `occupancy ${site.name}`,
      ...ps.map((p) => {
        const s = p.sites.find((x) => x.siteId === site.siteId);
        return s ? `${pct(s.occupancy)} (${s.contacts})` : '';
      }),
    ]);
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  const header = `${result.days} day${result.days > 1 ? 's' : ''} from ${result.start.slice(0, 10)}, ${result.contacts} contacts, seed ${result.seed}`;
  return `${header}\n\n${rows.map(line).join('\n')}\n\noccupancy: handling time over open capacity (contacts answered there)\n`;
}

function wholeNumber(
  name: string,
  value: string | boolean | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${String(value)}"`);
  return n;
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'play a day or a week of traffic against round-robin, skills-only and bestshore routing',
  usage: `Usage: relais simulate [--days N | --week] [--seed N] [--volume N] [--csv PATH] [--json]

Plays simulated traffic against the demo world (five subsidiaries, seven sites, about
80 agents, in simulated time) with three routing policies side by side: round-robin
within a team, skills-only (the router without cost, quality and shares), and bestshore
(the router with its default weights). Prints service level, abandonment, average and
p90 wait, contacts answered in the customer's language, cost per contact, SLA breaches
and occupancy per site. Needs no store.

Options:
  --days N         days to simulate (default 1)
  --week           seven days
  --start DATE     first day, YYYY-MM-DD (default ${DEFAULT_START}, a Monday)
  --seed N         seed of the traffic (default 1): the same seed gives the same result
  --volume N       contacts on an average weekday across the group (default 4000)
  --csv PATH       intraday curve from a CSV with columns DateTime and Calls
                   (e.g. a call-centre's calls per five minutes), scaled to --volume
  --json           print one JSON object with a "policies" array`,
  options: {
    days: { type: 'string' },
    week: { type: 'boolean' },
    start: { type: 'string' },
    seed: { type: 'string' },
    volume: { type: 'string' },
    csv: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values) {
    if (values.week && values.days !== undefined) throw new UsageError('give --days or --week, not both');
    const days = values.week ? 7 : wholeNumber('days', values.days, 1, 1);
    if (days > 31) throw new UsageError(`--days must be at most 31, got ${days}`);
    const seed = wholeNumber('seed', values.seed, 1, 0);
    const volume = wholeNumber('volume', values.volume, 4000, 0);
    const startText = typeof values.start === 'string' ? values.start : DEFAULT_START;
    const start = Date.parse(`${startText}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(startText) || Number.isNaN(start))
      throw new UsageError(`--start must be a date YYYY-MM-DD, got "${startText}"`);
    let curve: IntradayCurve | undefined;
    if (typeof values.csv === 'string') {
      let text: string;
      try {
        text = readFileSync(values.csv, 'utf8');
      } catch (error) {
        throw invalid('csv', `cannot read ${values.csv}: ${(error as Error).message}`);
      }
      try {
        curve = curveFromCsv(text);
      } catch (error) {
        throw invalid('csv', `${values.csv}: ${(error as Error).message.replace(/^csv: /, '')}`);
      }
    }
    const result = simulate(demoSimWorld(), { seed, start, days, volume, curve });
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatSimulation(result));
    return EXIT.ok;
  },
};
