import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/index.ts';
import { forecastFromCsv, parseForecastCsv, parseHistoryCsv } from './segment-csv.ts';

const SUBSIDIARIES = [
  { id: 'sub-fr', code: 'FR', timeZone: 'Europe/Paris' },
  { id: 'sub-ma', code: 'MA', timeZone: 'Africa/Casablanca' },
];
const HEADER = 'interval_start,subsidiary,language,channel,tier,volume,aht_seconds';
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;

/** The issues a refusal lists, as `path: message`. */
function refusal(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'validation_failed')
      return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a refusal');
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Rows every `step` minutes from `from` (UTC) for `days` days, with `volume(at)` contacts. */
function rows(
  from: string,
  days: number,
  step: number,
  segment: string,
  volume: (at: Date) => number,
  aht = '',
): string[] {
  const out: string[] = [];
  const start = Date.parse(from);
  for (let at = start; at < start + days * DAY_MS; at += step * MINUTE_MS) {
    const v = volume(new Date(at));
    out.push(`${new Date(at).toISOString()},${segment},${v},${aht}`);
  }
  return out;
}

const parisHour = (at: Date) =>
  Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(
      at,
    ),
  );
const parisWeekday = (at: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', weekday: 'short' }).format(at);

describe('past volumes from a CSV file', () => {
  it("places each row in its subsidiary's local day and interval, whole local days only", () => {
    const history = parseHistoryCsv(
      csv(
        // 2026-03-02 is a Monday; Paris is UTC+1, Casablanca UTC+0 (its Ramadan time).
        '2026-03-01T22:45:00Z,FR,fr,voice,level1,9,', // Sunday 23:45 in Paris: before the first whole day
        '2026-03-01T23:00:00Z,fr,FR,voice,level1,2,300', // Monday 00:00 in Paris
        '2026-03-01T23:15:00Z,FR,fr,voice,level1,3,200', // Monday 00:15: the same half hour
        '2026-03-02T08:30:00+01:00,FR,fr,voice,level1,4,', // Monday 08:30 written with its offset
        '2026-03-02T07:30:00Z,FR,fr,chat,level1,0,', // a zero: no contacts
        '2026-03-02T11:00:00Z,MA,ar,chat,level2,5,100',
        '2026-03-03T22:45:00Z,FR,fr,voice,level1,1,', // Tuesday 23:45 in Paris: the last whole day
        '2026-03-03T23:00:00Z,FR,fr,voice,level1,7,', // Wednesday in Paris: cut by the file's end
      ),
      SUBSIDIARIES,
      { intervalMinutes: 30 },
    );
    expect(history.intervalMinutes).toBe(30);
    expect(history.subsidiaries).toEqual([
      { id: 'sub-fr', code: 'FR', timeZone: 'Europe/Paris', firstDay: '2026-03-02', lastDay: '2026-03-03' },
      // The file ends at 23:30 UTC, 23:30 in Casablanca: its Tuesday is not whole.
      {
        id: 'sub-ma',
        code: 'MA',
        timeZone: 'Africa/Casablanca',
        firstDay: '2026-03-02',
        lastDay: '2026-03-02',
      },
    ]);
    const counts = history.counts.map(
      (c) => `${c.subsidiaryId} ${c.language} ${c.channel} ${c.tier} ${c.date} ${c.minute} ${c.contacts}`,
    );
    expect(counts.sort()).toEqual(
      [
        'sub-fr fr voice level1 2026-03-02 0 5',
        'sub-fr fr voice level1 2026-03-02 510 4',
        'sub-fr fr voice level1 2026-03-03 1410 1',
        'sub-ma ar chat level2 2026-03-02 660 5',
      ].sort(),
    );
    // Weighted by volume: (2 × 300 + 3 × 200) / 5.
    expect(history.handlingTimes).toEqual([
      {
        subsidiaryId: 'sub-fr',
        language: 'fr',
        channel: 'voice',
        tier: 'level1',
        ahtSeconds: 240,
        samples: 5,
      },
      {
        subsidiaryId: 'sub-ma',
        language: 'ar',
        channel: 'chat',
        tier: 'level2',
        ahtSeconds: 100,
        samples: 5,
      },
    ]);
    expect(history.from.toISOString()).toBe('2026-03-01T23:00:00.000Z');
    expect(history.to.toISOString()).toBe('2026-03-03T23:00:00.000Z');
  });

  it('refuses every bad line, naming its line and column', () => {
    const issues = refusal(() =>
      parseHistoryCsv(
        csv(
          '2026-03-02T08:00:00Z,FR,fr,voice,level1,-3,',
          '2026-03-02T08:00:00Z,FR,fr,fax,level1,1,',
          '2026-03-02T08:00:00Z,FR,fr,voice,level9,1,',
          '2026-03-02 08:00,FR,fr,voice,level1,1,',
          '2026-02-30T08:00:00Z,FR,fr,voice,level1,1,',
          '2026-03-02T08:10:00Z,FR,fr,voice,level1,1,',
          '2026-03-02T08:00:00Z,XX,fr,voice,level1,1,',
          '2026-03-02T08:00:00Z,FR,fr,voice,level1,many,',
          '2026-03-02T08:00:00Z,FR,fr,voice,level1,1,0',
          '2026-03-02T08:00:00Z,FR,fr,voice,level1,1',
          '2026-03-02T08:30:00Z,FR,fr,voice,level1,1,',
          '2026-03-02T08:30:00Z,FR,fr,voice,level1,2,',
          '2026-03-02T08:00:00Z,FR,1,voice,level1,1,',
        ),
        SUBSIDIARIES,
        { intervalMinutes: 30 },
      ),
    );
    expect(issues).toEqual([
      'line 2, volume: -3 is negative; a volume is 0 or more',
      'line 3, channel: unknown channel "fax" (email, chat, sms, social, whatsapp, voice, mail)',
      'line 4, tier: unknown tier "level9" (level1, level2, expert, back_office)',
      'line 5, interval_start: "2026-03-02 08:00" is not an instant such as 2026-11-23T08:30:00Z (date, time and Z or an offset)',
      'line 6, interval_start: "2026-02-30T08:00:00Z" is not an instant such as 2026-11-23T08:30:00Z (date, time and Z or an offset)',
      'line 7, interval_start: 2026-03-02T08:10:00Z is not the start of a 15-minute interval (:00, :15, :30 or :45, whole minutes)',
      'line 8, subsidiary: no subsidiary has the code "XX" (FR, MA)',
      'line 9, volume: "many" is not a number',
      'line 10, aht_seconds: 0 is not a handling time: above 0 and at most 86400 seconds, or empty',
      'line 11: has 6 fields; the header has 7',
      'line 13, interval_start: 2026-03-02T08:30:00Z FR fr voice level1 is already on line 12',
      'line 14, language: "1" is not a language tag such as fr, ar or pt-BR',
    ]);
  });

  it('lists at most twenty problems and says how many more there are', () => {
    const bad = Array.from({ length: 25 }, (_, i) => `2026-03-02T08:00:00Z,FR,fr,voice,level1,-${i + 1},`);
    const issues = refusal(() => parseHistoryCsv(csv(...bad), SUBSIDIARIES, { intervalMinutes: 30 }));
    expect(issues).toHaveLength(21);
    expect(issues[20]).toBe('csv: and 5 more problems not listed');
  });

  it('refuses a header without the columns, with unknown ones, and an empty file', () => {
    expect(
      refusal(() =>
        parseHistoryCsv('interval_start,subsidiary,language,channel,calls\n', SUBSIDIARIES, {
          intervalMinutes: 30,
        }),
      ),
    ).toEqual([
      'line 1: unknown column "calls" (the columns are interval_start, subsidiary, language, channel, tier, volume, aht_seconds)',
      'line 1: column tier is missing',
      'line 1: column volume is missing',
    ]);
    expect(refusal(() => parseHistoryCsv('', SUBSIDIARIES, { intervalMinutes: 30 }))[0]).toMatch(
      /^line 1: the file is empty/,
    );
    expect(refusal(() => parseHistoryCsv(csv(), SUBSIDIARIES, { intervalMinutes: 30 }))).toEqual([
      'line 2: the file has no rows of volumes',
    ]);
  });

  it('reads a file without aht_seconds, and sums 15-minute rows into hours', () => {
    const text = [
      'subsidiary,interval_start,tier,channel,language,volume',
      'FR,2026-03-01T23:00:00Z,level1,email,fr,0',
      ...['00', '15', '30', '45'].map((m) => `FR,2026-03-02T09:${m}:00Z,level1,email,fr,2`),
      'FR,2026-03-03T22:45:00Z,level1,email,fr,0',
    ].join('\r\n');
    const history = parseHistoryCsv(text, SUBSIDIARIES, { intervalMinutes: 60 });
    expect(history.counts).toEqual([
      {
        subsidiaryId: 'sub-fr',
        language: 'fr',
        channel: 'email',
        tier: 'level1',
        date: '2026-03-02',
        minute: 600,
        contacts: 8,
      },
    ]);
    expect(history.handlingTimes).toEqual([]);
  });

  it('refuses intervals finer than the rows, and a file without a whole local day', () => {
    const hourly = csv(
      '2026-03-01T23:00:00Z,FR,fr,voice,level1,1,',
      '2026-03-03T22:00:00Z,FR,fr,voice,level1,1,',
    );
    expect(refusal(() => parseHistoryCsv(hourly, SUBSIDIARIES, { intervalMinutes: 30 }))).toEqual([
      "intervalMinutes: the file's volumes are per 60 minutes: 30-minute intervals cannot be made of them (60 minutes or a multiple of it can)",
    ]);
    const short = csv(
      '2026-03-02T08:00:00Z,FR,fr,voice,level1,1,',
      '2026-03-02T20:00:00Z,FR,fr,voice,level1,1,',
    );
    expect(refusal(() => parseHistoryCsv(short, SUBSIDIARIES, { intervalMinutes: 60 }))[0]).toMatch(
      /^csv: the file's 2026-03-02T08:00:00.000Z … 2026-03-02T21:00:00.000Z holds no whole day of FR/,
    );
  });
});

describe('the forecast from past volumes in a CSV file', () => {
  // Eight weeks in Paris, across the end of summer time (2026-10-25): four French calls every
  // half hour from 09:00 to 17:00 on weekdays, then a week of other volumes after the start.
  const past = csv(
    ...rows(
      '2026-09-27T22:00:00Z',
      63,
      30,
      'FR,fr,voice,level1',
      (at) =>
        parisHour(at) >= 9 && parisHour(at) < 17 && !['Sat', 'Sun'].includes(parisWeekday(at)) ? 4 : 0,
      '300',
    ),
  );
  const start = new Date('2026-11-23T00:00:00Z');

  it('forecasts the weeks ahead in local time from the whole days before the start', () => {
    const set = forecastFromCsv(past, SUBSIDIARIES, { start, weeks: 1, intervalMinutes: 30 });
    expect(set.start).toBe('2026-11-23T00:00:00.000Z');
    expect(set.intervals).toBe(336);
    expect(set.segments).toHaveLength(1);
    const [segment] = set.segments;
    expect(segment).toMatchObject({
      subsidiaryId: 'sub-fr',
      language: 'fr',
      channel: 'voice',
      tier: 'level1',
      ahtSeconds: 300,
    });
    const volumes = segment?.volumes ?? [];
    // Monday 09:00 in Paris is 08:00 UTC in winter, interval 16; 07:30 UTC is before opening.
    expect(volumes[16]).toBeCloseTo(4, 1);
    expect(volumes[15]).toBeCloseTo(0, 3);
    const week = volumes.reduce((a, b) => a + b, 0);
    expect(week).toBeGreaterThan(5 * 16 * 4 * 0.95);
    expect(week).toBeLessThan(5 * 16 * 4 * 1.05);
    // The last eight weeks before the start, ending with Sunday 22 November in Paris.
    expect(set.history.to).toBe('2026-11-22T23:00:00.000Z');
    expect(set.history.from).toBe('2026-09-27T22:00:00.000Z');
  });

  it('learns only from the weeks asked, and from nothing at or after the start', () => {
    const set = forecastFromCsv(past, SUBSIDIARIES, {
      start: new Date('2026-11-16T00:00:00Z'),
      weeks: 1,
      intervalMinutes: 30,
      historyWeeks: 2,
    });
    expect(set.history.from).toBe('2026-11-01T23:00:00.000Z');
    expect(set.history.to).toBe('2026-11-15T23:00:00.000Z');
    expect(set.history.contacts).toBe(10 * 16 * 4);
  });

  it('refuses bad options and a file with no contacts before the start', () => {
    expect(
      refusal(() => forecastFromCsv(past, SUBSIDIARIES, { start, weeks: 9, intervalMinutes: 30 }))[0],
    ).toMatch(/^weeks: must be a whole number of weeks from 1 to 8/);
    expect(
      refusal(() =>
        forecastFromCsv(past, SUBSIDIARIES, {
          start: new Date('2026-09-01T00:00:00Z'),
          weeks: 1,
          intervalMinutes: 30,
        }),
      ),
    ).toEqual(["csv: no contacts in the file's whole days before 2026-09-01: nothing to forecast from"]);
    expect(
      refusal(() =>
        forecastFromCsv(past, SUBSIDIARIES, {
          start,
          weeks: 1,
          intervalMinutes: 30,
          subsidiaryIds: ['sub-ma'],
        }),
      ),
    ).toEqual([
      "csv: no contacts in the file's whole days before 2026-11-23 for the subsidiaries asked: nothing to forecast from",
    ]);
  });
});

describe('a forecast read from a CSV file', () => {
  it('takes the period from the rows, a missing row as no contacts, and the weighted handling time', () => {
    const set = parseForecastCsv(
      csv(
        '2026-11-23T00:00:00.000Z,MA,ar,chat,level1,1,100',
        '2026-11-23T00:00:00.000Z,FR,fr,voice,level1,2,',
        '2026-11-23T00:30:00.000Z,FR,fr,voice,level1,1.5,',
        '2026-11-23T01:00:00.000Z,MA,ar,chat,level1,3,200',
        '2026-11-23T01:30:00.000Z,FR,fr,voice,level1,0,',
      ),
      SUBSIDIARIES,
    );
    expect(set).toMatchObject({ start: '2026-11-23T00:00:00.000Z', intervalMinutes: 30, intervals: 4 });
    expect(set.segments).toEqual([
      {
        subsidiaryId: 'sub-fr',
        language: 'fr',
        channel: 'voice',
        tier: 'level1',
        volumes: [2, 1.5, 0, 0],
        ahtSeconds: null,
      },
      {
        subsidiaryId: 'sub-ma',
        language: 'ar',
        channel: 'chat',
        tier: 'level1',
        volumes: [1, 0, 3, 0],
        ahtSeconds: 175,
      },
    ]);
    const fr = parseForecastCsv(
      csv(
        '2026-11-23T00:00:00Z,MA,ar,chat,level1,1,',
        '2026-11-23T00:00:00Z,FR,fr,voice,level1,2,',
        '2026-11-23T01:00:00Z,FR,fr,voice,level1,2,',
      ),
      SUBSIDIARIES,
      { subsidiaryIds: ['sub-fr'] },
    );
    expect(fr.intervalMinutes).toBe(60);
    expect(fr.segments.map((s) => s.subsidiaryId)).toEqual(['sub-fr']);
  });

  it('refuses one interval, intervals that do not divide the day, more than eight weeks, and bad lines', () => {
    expect(
      refusal(() => parseForecastCsv(csv('2026-11-23T00:00:00Z,FR,fr,voice,level1,2,'), SUBSIDIARIES)),
    ).toEqual(['csv: the file has one interval_start only: the length of its intervals cannot be told']);
    expect(
      refusal(() =>
        parseForecastCsv(
          csv('2026-11-23T00:00:00Z,FR,fr,voice,level1,2,', '2026-11-23T01:45:00Z,FR,fr,voice,level1,2,'),
          SUBSIDIARIES,
        ),
      ),
    ).toEqual(['csv: its rows are 105 minutes apart: intervals must divide the day (15, 30 or 60 minutes)']);
    expect(
      refusal(() =>
        parseForecastCsv(
          csv(
            '2026-11-23T00:00:00Z,FR,fr,voice,level1,2,',
            '2026-11-23T00:30:00Z,FR,fr,voice,level1,2,',
            '2027-01-18T00:00:00Z,FR,fr,voice,level1,2,',
          ),
          SUBSIDIARIES,
        ),
      )[0],
    ).toMatch(/more than 8 weeks$/);
    expect(
      refusal(() =>
        parseForecastCsv(
          csv('2026-11-23T00:00:00Z,FR,fr,voice,level1,2,', '2026-11-23T00:30:00Z,FR,fr,voice,expert,-1,'),
          SUBSIDIARIES,
        ),
      ),
    ).toEqual(['line 3, volume: -1 is negative; a volume is 0 or more']);
  });
});
