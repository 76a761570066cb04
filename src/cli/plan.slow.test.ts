import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanInputRaw } from '../planning/index.ts';

const BIN = new URL('../../bin/relais.js', import.meta.url).pathname;
const DIR = mkdtempSync(join(tmpdir(), 'relais-plan-'));

/** The environment without a database or broker: these commands use their own embedded store. */
function cleanEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, NATS_URL: _nats, ...rest } = process.env;
  return rest;
}

function relais(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'plan', ...args], { env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const everyDay = (start: string, end: string) => {
  const shifts = [{ start, end }];
  return {
    weekly: { mon: shifts, tue: shifts, wed: shifts, thu: shifts, fri: shifts, sat: shifts, sun: shifts },
  };
};

type Plan = PlanInputRaw;
const nth = <T>(items: T[], i: number): T => {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
};

/** One day from Monday midnight in Paris, French level-1 calls 10:00–18:00, Paris and Casablanca. */
function input(change: (plan: Plan) => void = () => {}): string {
  const plan: Plan = {
    start: '2026-11-29T23:00:00Z',
    intervalMinutes: 30,
    intervals: 48,
    currency: 'EUR',
    rates: { MAD: 0.092 },
    subsidiaries: [{ id: 'fr', code: 'FR', country: 'FR', timeZone: 'Europe/Paris' }],
    sites: [
      {
        id: 'par',
        code: 'PAR',
        name: 'Paris',
        country: 'FR',
        operator: 'in_house',
        timeZone: 'Europe/Paris',
        calendar: everyDay('08:00', '20:00'),
        languages: [{ tag: 'fr', proficiency: 5 }],
        tiers: ['level1', 'level2'],
        subsidiaryIds: ['fr'],
        cost: { amount: 48, currency: 'EUR' },
        qualityIndex: 90,
        seats: 100,
      },
      {
        id: 'cas',
        code: 'CAS',
        name: 'Casablanca',
        country: 'MA',
        operator: 'partner',
        partnerName: 'Atlas',
        timeZone: 'Africa/Casablanca',
        calendar: everyDay('07:00', '23:00'),
        languages: [{ tag: 'fr', proficiency: 5 }],
        tiers: ['level1'],
        subsidiaryIds: ['fr'],
        cost: { amount: 180, currency: 'MAD' },
        qualityIndex: 80,
        seats: 100,
      },
    ],
    segments: [
      {
        subsidiaryId: 'fr',
        language: 'fr',
        channel: 'voice',
        tier: 'level1',
        volumes: Array.from({ length: 48 }, (_, t) => (t >= 20 && t < 36 ? 40 : 0)),
        ahtSeconds: 300,
        target: { kind: 'live', serviceLevel: 0.8, withinSeconds: 20, patienceSeconds: 120 },
      },
    ],
  };
  change(plan);
  const path = join(DIR, `plan-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(plan));
  return path;
}

describe('relais plan, as a user runs it', () => {
  it('places the work on the cheaper site and prints the plan as a table, JSON and CSV', async () => {
    const path = input();
    const table = await relais(['--input', path]);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^CAS\s+Casablanca\s+MA\s+Atlas\s+100\.0%/m);
    expect(table.stdout).toMatch(/^PAR\s+Paris\s+FR\s+in house\s+0\.0%/m);

    const json = await relais(['--input', path, '--format', 'json']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan.status).toBe('planned');
    expect(plan.shares).toEqual({ fr: { cas: 1 } });
    expect(plan.totals.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(plan.totals.abandonment).toBeGreaterThan(0);
    expect(plan.staff).toHaveLength(16);

    const csv = await relais(['--input', path, '--format', 'csv']);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('start,site,subsidiary,language,tier,channel,contacts,agents,scheduled');
    expect(lines).toHaveLength(17);
    expect(lines[1]).toMatch(/^2026-11-30T09:00:00\.000Z,CAS,FR,fr,level1,voice,40,\d+,\d+(\.\d+)?$/);
  });

  it('says why when no plan is possible, and exits 1', async () => {
    const path = input((plan) => {
      Object.assign(nth(plan.segments, 0), { language: 'wo', tier: 'level2' });
      Object.assign(nth(plan.sites, 0), {
        languages: [{ tag: 'wo', proficiency: 5 }],
        calendar: everyDay('10:00', '12:00'),
      });
      plan.rules = { outOfHours: 'refuse' };
    });
    const { code, stdout, stderr } = await relais(['--input', path]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('No plan is possible:');
    expect(stderr).toContain(
      'no open site speaks Wolof at level 2 for FR voice on Monday 12:00–18:00 (Europe/Paris time; PAR closed)',
    );
  });

  it('refuses bad input with exit code 2, naming the field', async () => {
    const cases: Array<[(plan: Plan) => void, string]> = [
      [(p) => (nth(p.segments, 0).volumes[3] = -2), 'segments.0.volumes.3: a volume is 0 or more'],
      [
        (p) => (nth(p.segments, 0).target = { kind: 'live', serviceLevel: 1.5, withinSeconds: 20 }),
        'segments.0.target.serviceLevel: a service-level target is at most 100%',
      ],
      [
        (p) => (nth(p.segments, 0).ahtSeconds = 0),
        'segments.0.ahtSeconds: handling time must be above 0 seconds',
      ],
      [(p) => (nth(p.sites, 1).timeZone = 'Africa/Atlantis'), 'sites.1.timeZone: must be an IANA time zone'],
      [(p) => (p.intervalMinutes = 7), 'intervalMinutes: must divide the day'],
    ];
    for (const [change, message] of cases) {
      const { code, stderr } = await relais(['--input', input(change)]);
      expect(code, message).toBe(2);
      expect(stderr).toContain(message);
    }
    const missing = await relais(['--input', join(DIR, 'nowhere.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the file (ENOENT)');
    const whatIf = await relais(['--sample', '--days', '1', '--scenarios', '--what-if', 'site-cost=CAS']);
    expect(whatIf.code).toBe(2);
    expect(whatIf.stderr).toContain('--what-if site-cost=SITE:CHANGE');
  });

  it('compares bestshore, all onshore, all offshore and what-ifs on the sample week', async () => {
    const { code, stdout, stderr } = await relais([
      '--sample',
      '--days',
      '1',
      '--scenarios',
      '--what-if',
      'site-cost=CAS:+10%',
      '--what-if',
      'volume=+20%',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = stdout.split('\n');
    const costOf = (name: string) => {
      const line = rows.find((r) => r.startsWith(name));
      const cost = /planned\s+([\d,]+) EUR/.exec(line ?? '')?.[1];
      return Number(cost?.replaceAll(',', ''));
    };
    expect(costOf('bestshore')).toBeGreaterThan(0);
    expect(costOf('all onshore')).toBeGreaterThan(costOf('bestshore'));
    expect(costOf('CAS cost +10%')).toBeGreaterThanOrEqual(costOf('bestshore'));
    expect(costOf('volume +20%')).toBeGreaterThan(costOf('bestshore'));
    expect(rows.some((r) => r.startsWith('all offshore'))).toBe(true);
  });
});

describe('relais plan --from-history, on the demo world', () => {
  it("plans the next week of the demo's subsidiaries on their sites from the forecast of their history", async () => {
    const dataDir = join(DIR, 'demo');
    const demo = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [BIN, 'demo', '--yes', '--data-dir', dataDir], { env: cleanEnv() }).on(
        'close',
        resolve,
      );
    });
    expect(demo).toBe(0);
    const { code, stdout, stderr } = await relais([
      '--from-history',
      '--data-dir',
      dataDir,
      '--start',
      '2026-11-23',
      '--format',
      'json',
    ]);
    expect(stderr).toBe('');
    const plan = JSON.parse(stdout);
    expect(code, JSON.stringify(plan.reasons)).toBe(0);
    expect(plan.start).toBe('2026-11-23T00:00:00.000Z');
    expect(plan.intervals).toBe(336);
    // The demo's sites, by their codes, and every subsidiary's shares adding up to 1.
    expect(plan.sites.map((s: { code: string }) => s.code)).toContain('CAS');
    expect(Object.keys(plan.shares).length).toBeGreaterThanOrEqual(3);
    for (const shares of Object.values(plan.shares) as Array<Record<string, number>>)
      expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(plan.totals.contacts).toBeGreaterThan(0);

    const unknown = await relais(['--from-history', '--data-dir', dataDir, '--subsidiary', 'XX']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--subsidiary XX: no subsidiary has this code');
  });
});
