import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/relais.js', import.meta.url).pathname;

/** The environment without a database or broker: these commands use their own embedded store. */
function cleanEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, NATS_URL: _nats, ...rest } = process.env;
  return rest;
}

function relais(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv() });
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

const HEADER = 'interval_start,subsidiary,language,channel,tier,volume,aht_seconds';
const dir = mkdtempSync(join(tmpdir(), 'relais-plan-volumes-'));
const dataDir = join(dir, 'data');

beforeAll(async () => {
  // The demo world: its subsidiaries, its sites with their calendars, seats and costs, and history.
  const demo = await relais(['demo', '--yes', '--data-dir', dataDir]);
  expect(demo.code).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Plan = {
  status: string;
  start: string;
  intervals: number;
  intervalMinutes: number;
  totals: { contacts: number; cost: number };
  sites: Array<{ code: string }>;
  shares: Record<string, Record<string, number>>;
};

describe('relais plan --from-history --volumes, on the demo world', () => {
  it('plans the week of a forecast file on the store’s sites as it plans the forecast of the history', async () => {
    const week = join(dir, 'week.csv');
    const built = await relais(['forecast', 'build', '--data-dir', dataDir, '--out', week]);
    expect(built.code).toBe(0);
    const fromFile = await relais([
      'plan',
      '--from-history',
      '--data-dir',
      dataDir,
      '--volumes',
      week,
      '--format',
      'json',
    ]);
    expect(fromFile.stderr).toBe('');
    const plan = JSON.parse(fromFile.stdout) as Plan;
    expect(fromFile.code, JSON.stringify(plan)).toBe(0);
    const rows = readFileSync(week, 'utf8').trimEnd().split('\n').slice(1);
    expect(plan.start).toBe(rows[0]?.split(',')[0]);
    expect(plan.intervals).toBe(336);
    expect(plan.sites.map((s) => s.code)).toContain('CAS');
    for (const shares of Object.values(plan.shares))
      expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    // The same week forecast in the command itself: the same work to place.
    const fromHistory = await relais(['plan', '--from-history', '--data-dir', dataDir, '--format', 'json']);
    expect(fromHistory.code).toBe(0);
    const forecast = JSON.parse(fromHistory.stdout) as Plan;
    expect(forecast.start).toBe(plan.start);
    expect(plan.totals.contacts).toBeCloseTo(forecast.totals.contacts, 1);
  });

  it('plans exactly the volumes of the file, over its period, for its subsidiaries', async () => {
    // Monday 7 January 2030 in half hours: five French level-2 calls a half hour from 09:00 to
    // 12:00 in Paris (08:00–11:00 UTC in winter), handled in six minutes; nothing else.
    const lines = [HEADER];
    for (let i = 0; i < 48; i++) {
      const minute = i * 30;
      const at = `2030-01-07T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00Z`;
      lines.push(`${at},FR,fr,voice,level2,${minute >= 480 && minute < 660 ? 5 : 0},360`);
    }
    const day = join(dir, 'day.csv');
    writeFileSync(day, `${lines.join('\n')}\n`);
    const { code, stdout, stderr } = await relais([
      'plan',
      '--from-history',
      '--data-dir',
      dataDir,
      '--volumes',
      day,
      '--format',
      'json',
    ]);
    expect(stderr).toBe('');
    const plan = JSON.parse(stdout) as Plan;
    expect(code, JSON.stringify(plan)).toBe(0);
    expect(plan.start).toBe('2030-01-07T00:00:00.000Z');
    expect(plan.intervalMinutes).toBe(30);
    expect(plan.intervals).toBe(48);
    expect(plan.totals.contacts).toBeCloseTo(30, 6);
    // Only France has work; level 2 stays onshore, in Paris.
    const shares = Object.values(plan.shares);
    expect(shares).toHaveLength(1);
    expect(Object.values(shares[0] ?? {})).toEqual([1]);
    const staff = await relais([
      'plan',
      '--from-history',
      '--data-dir',
      dataDir,
      '--volumes',
      day,
      '--format',
      'csv',
    ]);
    expect(staff.code).toBe(0);
    const [header, ...cells] = staff.stdout.trimEnd().split('\n');
    const columns = (header ?? '').split(',');
    const column = (name: string) => columns.indexOf(name);
    const staffed = cells.map((r) => r.split(',')).filter((c) => Number(c[column('contacts')]) > 0);
    expect(new Set(staffed.map((c) => c[column('site')]))).toEqual(new Set(['PAR']));
    expect(new Set(staffed.map((c) => c[column('subsidiary')]))).toEqual(new Set(['FR']));
  });

  it('refuses bad use and bad files with exit code 2, naming the flag, the line and the column', async () => {
    const good = join(dir, 'good.csv');
    writeFileSync(
      good,
      `${HEADER}\n2030-01-07T00:00:00Z,FR,fr,voice,level2,1,\n2030-01-07T00:30:00Z,FR,fr,voice,level2,1,\n`,
    );
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      `${HEADER}\n2030-01-07T00:00:00Z,FR,fr,voice,level2,1,\n2030-01-07T00:30:00Z,ZZ,fr,voice,level2,1,\n`,
    );
    const cases: Array<[string[], RegExp]> = [
      [['--sample', '--volumes', good], /--volumes goes with --from-history/],
      [
        ['--from-history', '--volumes', good, '--weeks', '2'],
        /--volumes gives the period to plan .*--weeks cannot go with it/,
      ],
      [['--from-history', '--volumes', good, '--start', '2030-01-07'], /--start cannot go with it/],
      [
        ['--from-history', '--volumes', bad],
        /--volumes .*bad\.csv: line 3, subsidiary: no subsidiary has the code "ZZ" \(EG, FR, MA, MG, SN\)/,
      ],
      [
        ['--from-history', '--volumes', good, '--subsidiary', 'MA'],
        /--volumes .*good\.csv: the file has no rows for the subsidiaries asked/,
      ],
      [
        ['--from-history', '--volumes', join(dir, 'missing.csv')],
        /--volumes .*missing\.csv: cannot read the file \(ENOENT\)/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await relais(['plan', '--data-dir', dataDir, ...args]);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
    }
  });
});
