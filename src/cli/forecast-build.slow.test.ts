import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/relais.js', import.meta.url).pathname;
const DAY_MS = 86_400_000;

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

/** The coming Monday at 00:00 UTC, as the command's default start. */
function comingMonday(): string {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const weekday = new Date(today).getUTCDay();
  return new Date(today + ((8 - weekday) % 7 || 7) * DAY_MS).toISOString();
}

const dir = mkdtempSync(join(tmpdir(), 'relais-forecast-build-'));
const dataDir = join(dir, 'data');

beforeAll(async () => {
  // The demo world: five subsidiaries and 60 days of past conversations.
  const demo = await relais(['demo', '--yes', '--data-dir', dataDir]);
  expect(demo.code).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('relais forecast build, on the demo world', () => {
  it('writes the coming week per segment and half-hour as CSV', async () => {
    const { code, stdout, stderr } = await relais(['forecast', 'build', '--data-dir', dataDir]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header).toBe('interval_start,subsidiary,language,channel,tier,volume,aht_seconds');
    const cells = rows.map((r) => r.split(','));
    const starts = [...new Set(cells.map((c) => c[0]))];
    expect(starts).toHaveLength(7 * 48);
    expect(starts[0]).toBe(comingMonday());
    const segments = new Set(cells.map((c) => c.slice(1, 5).join(' ')));
    expect(rows).toHaveLength(segments.size * 7 * 48);
    expect(new Set(cells.map((c) => c[1]))).toEqual(new Set(['EG', 'FR', 'MA', 'MG', 'SN']));
    for (const c of cells) {
      expect(['email', 'chat', 'sms', 'social', 'whatsapp', 'voice', 'mail']).toContain(c[3]);
      expect(['level1', 'level2', 'expert', 'back_office']).toContain(c[4]);
      expect(Number(c[5])).toBeGreaterThanOrEqual(0);
    }
    // The demo's history is about forty contacts a week; the week ahead is of that order.
    const week = cells.reduce((s, c) => s + Number(c[5]), 0);
    expect(week).toBeGreaterThan(20);
    expect(week).toBeLessThan(120);
  });

  it('writes one subsidiary’s weeks in hours as JSON to a file', async () => {
    const out = join(dir, 'fr.json');
    const { code, stdout, stderr } = await relais([
      'forecast',
      'build',
      '--data-dir',
      dataDir,
      '--subsidiary',
      'fr',
      '--weeks',
      '2',
      '--interval',
      '1h',
      '--start',
      '2030-01-07',
      '--json',
      '--out',
      out,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^forecast of \d+ segments × 336 intervals of 60 minutes from 2030-01-07T00:00:00.000Z/,
    );
    const set = JSON.parse(readFileSync(out, 'utf8'));
    expect(set.start).toBe('2030-01-07T00:00:00.000Z');
    expect(set.intervalMinutes).toBe(60);
    expect(set.intervals).toBe(336);
    expect(set.history.contacts).toBeGreaterThan(0);
    expect(set.segments.length).toBeGreaterThan(0);
    expect(new Set(set.segments.map((s: { subsidiaryId: string }) => s.subsidiaryId)).size).toBe(1);
    for (const s of set.segments) expect(s.volumes).toHaveLength(336);
    expect(set.segments.every((s: { language: string }) => ['fr', 'en'].includes(s.language))).toBe(true);
  });

  it('refuses bad input with exit code 2, the flag named, and nothing on standard output', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--weeks', '0'], /--weeks 0: must be a whole number of weeks from 1 to 8/],
      [['--weeks', '9'], /--weeks 9: must be a whole number of weeks from 1 to 8/],
      [['--weeks', 'two'], /--weeks two: must be a whole number/],
      [['--interval', '7m'], /--interval 7m: .*divides the day/],
      [['--interval', 'half an hour'], /--interval must be a duration such as 15m/],
      [['--start', '2026-13-01'], /--start 2026-13-01: must be a date/],
      [['--subsidiary', 'XX'], /--subsidiary XX: no subsidiary has this code \(EG, FR, MA, MG, SN\)/],
      [['--start', '2001-01-01'], /--history-weeks 8: no contacts in the 8 weeks before 2001-01-01/],
      [['--history-weeks', '0'], /--history-weeks 0: must be a whole number of weeks from 1 to 52/],
      [['--out', join(dir, 'missing', 'x.csv')], /--out .*missing\/x\.csv: cannot write the file/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await relais(['forecast', 'build', '--data-dir', dataDir, ...args]);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(code).toBe(2);
    }
    const nowhere = await relais(['forecast', 'build', '--data-dir', join(dir, 'nothing')]);
    expect(nowhere.stderr).toMatch(/--data-dir .*nothing: no store there/);
    expect(nowhere.code).toBe(2);
  });
});
