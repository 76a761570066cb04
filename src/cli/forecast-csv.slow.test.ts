import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/relais.js', import.meta.url).pathname;

// The child gets only what a user's shell would give it: the embedded store, never a shared database.
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
const DAY_MS = 86_400_000;
const HALF_HOUR_MS = 1_800_000;

/** The local hour and weekday of an instant in a time zone. */
function local(at: number, timeZone: string): { hour: number; weekday: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23', weekday: 'short' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return { hour: Number(parts.hour), weekday: parts.weekday ?? '' };
}

/**
 * Eight weeks of another system's export, every half hour of every segment written, zeros too:
 * four French calls a half hour from 09:00 to 17:00 in Paris on weekdays (handled in 300 s), and
 * two Arabic level-2 chats a half hour from 10:00 to 14:00 in Casablanca every day (no handling time).
 */
function pastVolumes(): string {
  const lines = [HEADER];
  const from = Date.parse('2029-11-12T00:00:00Z');
  for (let at = from; at < from + 56 * DAY_MS; at += HALF_HOUR_MS) {
    const instant = new Date(at).toISOString();
    const paris = local(at, 'Europe/Paris');
    const open = paris.hour >= 9 && paris.hour < 17 && !['Sat', 'Sun'].includes(paris.weekday);
    lines.push(`${instant},FR,fr,voice,level1,${open ? 4 : 0},300`);
    const casablanca = local(at, 'Africa/Casablanca');
    lines.push(`${instant},MA,ar,chat,level2,${casablanca.hour >= 10 && casablanca.hour < 14 ? 2 : 0},`);
  }
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'relais-forecast-csv-'));
const dataDir = join(dir, 'data');
const past = join(dir, 'past.csv');

beforeAll(async () => {
  // The demo world gives the subsidiaries' codes and time zones; its own conversations are not read.
  const demo = await relais(['demo', '--yes', '--data-dir', dataDir]);
  expect(demo.code).toBe(0);
  writeFileSync(past, pastVolumes());
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('relais forecast build --csv', () => {
  it('forecasts the week ahead from past volumes in a CSV file instead of the store’s conversations', async () => {
    const { code, stdout, stderr } = await relais([
      'forecast',
      'build',
      '--data-dir',
      dataDir,
      '--csv',
      past,
      '--start',
      '2030-01-07',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header).toBe(HEADER);
    const cells = rows.map((r) => r.split(','));
    // Only the file's two segments: the demo's conversations are not part of it.
    expect(new Set(cells.map((c) => c.slice(1, 5).join(' ')))).toEqual(
      new Set(['FR fr voice level1', 'MA ar chat level2']),
    );
    expect(rows).toHaveLength(2 * 7 * 48);
    expect(cells[0]?.[0]).toBe('2030-01-07T00:00:00.000Z');
    const fr = cells.filter((c) => c[1] === 'FR');
    const ma = cells.filter((c) => c[1] === 'MA');
    // Five days of sixteen half hours of four calls, and seven days of eight half hours of two chats.
    expect(sum(fr.map((c) => Number(c[5])))).toBeGreaterThan(320 * 0.95);
    expect(sum(fr.map((c) => Number(c[5])))).toBeLessThan(320 * 1.05);
    expect(sum(ma.map((c) => Number(c[5])))).toBeGreaterThan(112 * 0.95);
    expect(sum(ma.map((c) => Number(c[5])))).toBeLessThan(112 * 1.05);
    // Monday 09:00 in Paris is 08:00 UTC in winter; 07:30 UTC is before the calls begin.
    const at = (instant: string) => Number(fr.find((c) => c[0] === instant)?.[5]);
    expect(at('2030-01-07T08:00:00.000Z')).toBeCloseTo(4, 0);
    expect(at('2030-01-07T07:30:00.000Z')).toBe(0);
    expect(at('2030-01-12T10:00:00.000Z')).toBe(0); // a Saturday
    expect(new Set(fr.map((c) => c[6]))).toEqual(new Set(['300']));
    expect(new Set(ma.map((c) => c[6]))).toEqual(new Set(['']));
  });

  it('takes the flags of the forecast from history: one subsidiary, two weeks in hours, JSON to a file', async () => {
    const out = join(dir, 'ma.json');
    const { code, stdout, stderr } = await relais([
      'forecast',
      'build',
      '--data-dir',
      dataDir,
      '--csv',
      past,
      '--start',
      '2030-01-07',
      '--subsidiary',
      'ma',
      '--weeks',
      '2',
      '--interval',
      '1h',
      '--history-weeks',
      '4',
      '--json',
      '--out',
      out,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^forecast of 1 segments × 336 intervals of 60 minutes from 2030-01-07T00:00:00.000Z/,
    );
    const set = JSON.parse(readFileSync(out, 'utf8'));
    expect(set.intervals).toBe(336);
    expect(set.segments).toHaveLength(1);
    expect(set.segments[0]).toMatchObject({
      language: 'ar',
      channel: 'chat',
      tier: 'level2',
      ahtSeconds: null,
    });
    // Four weeks of whole days in Casablanca before the start, two chats × 8 half hours a day.
    expect(set.history.contacts).toBe(28 * 16);
    expect(sum(set.segments[0].volumes)).toBeGreaterThan(2 * 112 * 0.95);
    expect(sum(set.segments[0].volumes)).toBeLessThan(2 * 112 * 1.05);
  });

  it('refuses a bad file with exit code 2, naming each bad line and column, and nothing on standard output', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      [
        HEADER,
        '2030-01-06T08:00:00Z,FR,fr,voice,level1,-2,',
        '2030-01-06T08:00:00Z,FR,fr,fax,level1,1,',
        '2030-01-06T08:00:00Z,FR,fr,voice,level7,1,',
        'yesterday,FR,fr,voice,level1,1,',
        '2030-01-06T08:20:00Z,FR,fr,voice,level1,1,',
        '2030-01-06T08:00:00Z,XX,fr,voice,level1,1,',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await relais(['forecast', 'build', '--data-dir', dataDir, '--csv', bad]);
    expect(stdout).toBe('');
    expect(code).toBe(2);
    expect(stderr).toContain(`--csv ${bad} is refused:`);
    expect(stderr).toContain('line 2, volume: -2 is negative');
    expect(stderr).toContain('line 3, channel: unknown channel "fax"');
    expect(stderr).toContain('line 4, tier: unknown tier "level7"');
    expect(stderr).toContain('line 5, interval_start: "yesterday" is not an instant');
    expect(stderr).toContain(
      'line 6, interval_start: 2030-01-06T08:20:00Z is not the start of a 15-minute interval',
    );
    expect(stderr).toContain('line 7, subsidiary: no subsidiary has the code "XX" (EG, FR, MA, MG, SN)');

    const cases: Array<[string[], RegExp]> = [
      [['--csv', past, '--interval', '15m'], /--interval 15m: the file's volumes are per 30 minutes/],
      [
        ['--csv', past, '--start', '2029-11-01'],
        /--csv .*past\.csv: no contacts in the file's whole days before 2029-11-01/,
      ],
      [['--csv', past, '--weeks', '9'], /--weeks 9: must be a whole number of weeks from 1 to 8/],
      [['--csv', join(dir, 'missing.csv')], /--csv .*missing\.csv: cannot read the file \(ENOENT\)/],
      [
        ['--csv', past, '--data-dir', join(dir, 'nothing')],
        /--data-dir .*nothing: no store there, and --csv names subsidiaries by the store's codes/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await relais(['forecast', 'build', '--data-dir', dataDir, ...args]);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
    }
  });
});
