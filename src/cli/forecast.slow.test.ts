import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/relais.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;
const BANK_CALLS = '../shared/data/bank_calls.csv';

function relais(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'forecast', ...args], { cwd: ROOT });
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

const DAY_MS = 86_400_000;

/** Ten weeks of weekday five-minute counts, 08:00–17:55, with a daily and a weekly pattern and some noise. */
function fixtureCsv(): string {
  const rows = ['rownames,DateTime,Calls'];
  let n = 0;
  for (let day = 0; day < 70; day++) {
    const date = new Date(Date.parse('2024-01-01T00:00:00Z') + day * DAY_MS);
    const weekday = date.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let minute = 480; minute < 1080; minute += 5) {
      const hour = minute / 60;
      const base = 20 + 40 * Math.exp(-((hour - 11) ** 2) / 3) + (weekday === 1 ? 15 : 0);
      const noise = 1 + 0.15 * Math.sin(day * 12.9898 + minute * 78.233);
      const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
      rows.push(`${++n},${date.toISOString().slice(0, 10)}T${time}:00Z,${Math.round(base * noise)}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

function fixture(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'relais-forecast-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('relais forecast evaluate, as a user runs it', () => {
  const csv = fixture('volumes.csv', fixtureCsv());

  it('prints the accuracy table: the candidates, the chosen one and the seasonal-naive baseline', async () => {
    const { code, stdout, stderr } = await relais(['evaluate', '--csv', csv]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Forecast accuracy, 30-minute intervals/);
    expect(stdout).toMatch(/tested on 2024-02-12 … 2024-03-08 \(20 days\)/);
    expect(stdout).toMatch(/^profile regression.*%/m);
    expect(stdout).toMatch(/^holt-winters.*%/m);
    expect(stdout).toMatch(/^double-seasonal holt-winters.*%/m);
    expect(stdout).toMatch(/^seasonal naive\s+\d+\.\d%/m);
    expect(stdout.match(/\(chosen\)/g)).toHaveLength(1);
    expect(stdout).toMatch(/skipping intervals whose actual is zero/);
    expect(stdout).toMatch(/WAPE by time of day on the test weeks/);
    expect(stdout).toMatch(/^ {2}08:00 +\d+\.\d% +\d+\.\d%$/m);
    expect(stdout).toMatch(/^ {2}17:30 +\d+\.\d% +\d+\.\d%$/m);
  });

  it('gives the same figures as JSON, in 15-minute intervals on request', async () => {
    const { code, stdout } = await relais(['evaluate', '--csv', csv, '--interval', '15m', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.intervalMinutes).toBe(15);
    expect(report.test).toEqual({ from: '2024-02-12', to: '2024-03-08', days: 20 });
    expect(report.methods.map((m: { name: string }) => m.name)).toEqual([
      'profile regression',
      'holt-winters',
      'double-seasonal holt-winters',
    ]);
    expect(report.baseline.name).toBe('seasonal naive');
    // 20 test days × 40 quarter-hours from 08:00 to 17:45.
    expect(report.baseline.test.byInterval.points).toBe(800);
    expect(report.baseline.test.byDay.points).toBe(20);
    expect(report.baseline.test.byTimeOfDay).toHaveLength(40);
    expect(report.baseline.test.byTimeOfDay[0]).toMatchObject({ start: '08:00', points: 20 });
    expect(report.baseline.test.byTimeOfDay[39].start).toBe('17:45');
    const chosen = report.methods.find((m: { chosen: boolean }) => m.chosen);
    expect(chosen.name).toBe(report.chosen);
    for (const figure of [chosen.test.byInterval.wape, chosen.test.byInterval.mape, chosen.test.byDay.wape])
      expect(figure).toBeGreaterThan(0);
    // The noise does not repeat weekly: learning from many weeks beats copying the last one.
    expect(chosen.test.byInterval.wape).toBeLessThan(report.baseline.test.byInterval.wape);
  });

  it('refuses bad input with exit code 2, a message naming the flag or the line, and nothing on stdout', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['evaluate', '--csv', '/nonexistent/volumes.csv'],
        /--csv \/nonexistent\/volumes\.csv: cannot read the file/,
      ],
      [
        [
          'evaluate',
          '--csv',
          fixture('bad.csv', 'DateTime,Calls\n2024-01-01T08:00:00Z,4\n2024-01-01 8 o clock,5\n'),
        ],
        /line 3: .*not a date and time/,
      ],
      [
        [
          'evaluate',
          '--csv',
          fixture('negative.csv', 'DateTime,Calls\n2024-01-01T08:00:00Z,4\n2024-01-01T08:05:00Z,-1\n'),
        ],
        /line 3: count -1 is negative/,
      ],
      [['evaluate', '--csv', csv, '--interval', '7m'], /--interval 7m: 7 minutes does not divide the day/],
      [
        ['evaluate', '--csv', csv, '--interval', '3m'],
        /--interval 3m: .*not a multiple of the data's 5-minute step/,
      ],
      [['evaluate', '--csv', csv, '--holidays', '4 July'], /--holidays takes dates/],
      [['evaluate'], /needs --csv PATH/],
      [['guess', '--csv', csv], /one subcommand, evaluate/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await relais(args);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(code).toBe(2);
    }
  });
});

describe('relais forecast evaluate on real bank call arrivals', () => {
  it('the chosen method beats the seasonal-naive baseline on daily WAPE over the last four weeks', async () => {
    const { code, stdout, stderr } = await relais(['evaluate', '--csv', BANK_CALLS, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.test).toEqual({ from: '2003-09-29', to: '2003-10-24', days: 19 });
    const chosen = report.methods.find((m: { chosen: boolean }) => m.chosen);
    expect(chosen.test.byDay.wape).toBeLessThan(report.baseline.test.byDay.wape);
    expect(chosen.test.byInterval.wape).toBeLessThan(report.baseline.test.byInterval.wape);
  });
});
