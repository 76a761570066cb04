import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SiteCalendar } from '../store/index.ts';
import {
  type BusinessHours,
  DEFAULT_SLA_POLICY,
  dueAt,
  elapsed,
  escalateSla,
  pauseResolution,
  resumeResolution,
  type SlaCounting,
  SlaPolicy,
  type SlaReading,
  slaState,
  slaTargetFor,
  slaTransitions,
  startSla,
} from './sla.ts';

const t = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;
const MIN = 60_000;

const weekdays = (intervals: Array<{ start: string; end: string }>) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, intervals]));

// Paris office, 09:00–18:00 Monday to Friday; Armistice Day 2026 (Wednesday 11 November) closed.
const paris: SiteCalendar = {
  weekly: weekdays([{ start: '09:00', end: '18:00' }]),
  holidays: [{ date: '2026-11-11', name: 'Armistice' }],
  exceptions: [],
};
const inParis = (clock: 'business' | 'always' = 'business'): SlaCounting => ({
  calendar: paris,
  timeZone: 'Europe/Paris',
  clock,
});

describe('dueAt and elapsed on business hours', () => {
  it('counts 24 business hours over a weekend', () => {
    // Friday 20 November 2026, 16:00 in Paris (UTC+1): 2 h on Friday, 9 h Monday, 9 h Tuesday, 4 h Wednesday.
    const start = t('2026-11-20T15:00:00Z');
    const due = dueAt(start, 24 * HOUR, inParis());
    expect(new Date(due ?? 0).toISOString()).toBe('2026-11-25T12:00:00.000Z'); // Wednesday 13:00 Paris
    expect(elapsed(start, due ?? 0, inParis())).toBe(24 * HOUR);
    // Saturday and Sunday count nothing.
    expect(elapsed(t('2026-11-21T00:00:00Z'), t('2026-11-23T08:00:00Z'), inParis())).toBe(0);
  });

  it('skips a public holiday', () => {
    // Tuesday 10 November 17:00 Paris + 2 business hours: 1 h Tuesday, Wednesday is Armistice, 1 h Thursday.
    const due = dueAt(t('2026-11-10T16:00:00Z'), 2 * HOUR, inParis());
    expect(new Date(due ?? 0).toISOString()).toBe('2026-11-12T09:00:00.000Z'); // Thursday 10:00 Paris
  });

  it('starts counting at the opening when work arrives at night', () => {
    // Monday 23 November 03:00 Paris + 30 business minutes: 09:30 Paris.
    const due = dueAt(t('2026-11-23T02:00:00Z'), 30 * MIN, inParis());
    expect(new Date(due ?? 0).toISOString()).toBe('2026-11-23T08:30:00.000Z');
  });

  it('skips the lunch break of a split shift', () => {
    const split: BusinessHours = {
      calendar: {
        weekly: weekdays([
          { start: '08:00', end: '12:00' },
          { start: '14:00', end: '18:00' },
        ]),
        holidays: [],
        exceptions: [],
      },
      timeZone: 'Europe/Paris',
    };
    // Monday 11:30 Paris + 1 h: 30 min before lunch, 30 min after: 14:30 Paris.
    const due = dueAt(t('2026-11-23T10:30:00Z'), HOUR, { ...split, clock: 'business' });
    expect(new Date(due ?? 0).toISOString()).toBe('2026-11-23T13:30:00.000Z');
  });

  it('follows a shift past midnight in Paramaribo', () => {
    const night: SlaCounting = {
      calendar: { weekly: { mon: [{ start: '22:00', end: '06:00' }] }, holidays: [], exceptions: [] },
      timeZone: 'America/Paramaribo',
      clock: 'business',
    };
    // Monday 23 November 21:00 Paramaribo (UTC-3) + 3 h: opens 22:00, due Tuesday 01:00 local.
    const due = dueAt(t('2026-11-24T00:00:00Z'), 3 * HOUR, night);
    expect(new Date(due ?? 0).toISOString()).toBe('2026-11-24T04:00:00.000Z');
    // 9 h needs the next Monday night: 8 h this night, 1 h from 22:00 on Monday 30 November.
    const later = dueAt(t('2026-11-24T00:00:00Z'), 9 * HOUR, night);
    expect(new Date(later ?? 0).toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  it('reads Casablanca in its own zone, including the Ramadan change of offset', () => {
    const casablanca: SlaCounting = {
      calendar: { weekly: weekdays([{ start: '09:00', end: '17:00' }]), holidays: [], exceptions: [] },
      timeZone: 'Africa/Casablanca',
      clock: 'business',
    };
    // Monday 23 November 2026: Casablanca is UTC+1. 16:00 local + 2 h: 1 h Monday, 1 h Tuesday -> 10:00 local.
    const due = dueAt(t('2026-11-23T15:00:00Z'), 2 * HOUR, casablanca);
    expect(new Date(due ?? 0).toISOString()).toBe('2026-11-24T09:00:00.000Z');
    // During Ramadan 2026 (from 15 February) Morocco moves to UTC+0: 09:00 local is 09:00 UTC.
    const ramadan = dueAt(t('2026-03-02T08:00:00Z'), HOUR, casablanca);
    expect(new Date(ramadan ?? 0).toISOString()).toBe('2026-03-02T10:00:00.000Z');
  });

  it('counts the true length of a night shift when Paris changes to winter time (25 October 2026)', () => {
    const night: SlaCounting = {
      calendar: { weekly: { sat: [{ start: '22:00', end: '06:00' }] }, holidays: [], exceptions: [] },
      timeZone: 'Europe/Paris',
      clock: 'business',
    };
    // Saturday 24 October 22:00 CEST (20:00 UTC) to Sunday 06:00 CET (05:00 UTC): nine real hours.
    const start = t('2026-10-24T20:00:00Z');
    expect(elapsed(start, t('2026-10-25T12:00:00Z'), night)).toBe(9 * HOUR);
    expect(new Date(dueAt(start, 9 * HOUR, night) ?? 0).toISOString()).toBe('2026-10-25T05:00:00.000Z');
    // A weekday calendar's day keeps nine hours across the change; the opening moves in UTC.
    const monday = dueAt(t('2026-10-23T15:00:00Z'), 2 * HOUR, inParis()); // Friday 17:00 CEST
    expect(new Date(monday ?? 0).toISOString()).toBe('2026-10-26T09:00:00.000Z'); // Monday 10:00 CET
  });

  it('counts the short night when Paris changes to summer time (29 March 2026)', () => {
    const night: SlaCounting = {
      calendar: { weekly: { sat: [{ start: '22:00', end: '06:00' }] }, holidays: [], exceptions: [] },
      timeZone: 'Europe/Paris',
      clock: 'business',
    };
    // Saturday 28 March 22:00 CET (21:00 UTC) to Sunday 06:00 CEST (04:00 UTC): seven real hours.
    const start = t('2026-03-28T21:00:00Z');
    expect(elapsed(start, t('2026-03-29T12:00:00Z'), night)).toBe(7 * HOUR);
    expect(new Date(dueAt(start, 7 * HOUR, night) ?? 0).toISOString()).toBe('2026-03-29T04:00:00.000Z');
    // Friday 17:00 CET + 2 business hours: Monday 10:00 CEST.
    const monday = dueAt(t('2026-03-27T16:00:00Z'), 2 * HOUR, inParis());
    expect(new Date(monday ?? 0).toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });

  it('refuses a calendar that never opens, with a clear message', () => {
    const closed: SlaCounting = {
      calendar: { weekly: {}, holidays: [], exceptions: [] },
      timeZone: 'UTC',
      clock: 'business',
    };
    expect(() => dueAt(t('2026-11-23T00:00:00Z'), HOUR, closed)).toThrow(/does not open long enough/);
  });

  it('counts 60 seconds of chat around the clock, on a Sunday night too', () => {
    const start = t('2026-11-22T23:59:30Z');
    expect(dueAt(start, 60_000, inParis('always'))).toBe(start + 60_000);
    expect(elapsed(start, start + 60_000, inParis('always'))).toBe(60_000);
  });

  it('does not count pauses', () => {
    const counting: SlaCounting = {
      ...inParis('always'),
      paused: [{ from: t('2026-11-23T10:00:00Z'), to: t('2026-11-23T12:00:00Z') }],
    };
    const start = t('2026-11-23T09:00:00Z');
    expect(elapsed(start, t('2026-11-23T13:00:00Z'), counting)).toBe(2 * HOUR);
    expect(dueAt(start, 2 * HOUR, counting)).toBe(t('2026-11-23T13:00:00Z'));
    // A pause still open stops the clock: no due instant while it lasts.
    const open: SlaCounting = { ...counting, paused: [{ from: t('2026-11-23T10:00:00Z'), to: null }] };
    expect(dueAt(start, 2 * HOUR, open)).toBeNull();
    expect(elapsed(start, t('2026-11-24T00:00:00Z'), open)).toBe(HOUR);
  });
});

describe('SlaPolicy', () => {
  const base = { firstResponseSeconds: 3600, resolutionSeconds: 7200, clock: 'business' };

  it('refuses nonsense with messages that say what is wrong', () => {
    const messages = (input: unknown): string[] => {
      const r = SlaPolicy.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(messages({ targets: [{ ...base, firstResponseSeconds: 0 }] })).toContain(
      'targets.0.firstResponseSeconds: must be more than zero seconds',
    );
    expect(messages({ targets: [{ ...base, resolutionSeconds: -5 }] })).toContain(
      'targets.0.resolutionSeconds: must be more than zero seconds',
    );
    expect(messages({ targets: [{ ...base, resolutionSeconds: 60 }] })).toContain(
      'targets.0.resolutionSeconds: resolutionSeconds must not be shorter than firstResponseSeconds',
    );
    expect(messages({ targets: [{ ...base, atRisk: 1 }] })[0]).toMatch(
      /^targets\.0\.atRisk: must be below 1/,
    );
    expect(messages({ targets: [{ ...base, atRisk: 0 }] })[0]).toMatch(
      /^targets\.0\.atRisk: must be above 0/,
    );
    expect(messages({ targets: [base, { ...base, channel: 'chat' }, { ...base, channel: 'chat' }] })).toEqual(
      ['targets.2: targets 1 and 2 both apply to channel chat, priority any, tier any'],
    );
    expect(messages({ targets: [{ ...base, channel: 'chat' }] })).toEqual([
      'targets: needs a default target (no channel, priority or tier) so that every conversation has one',
    ]);
    expect(messages({ targets: [{ ...base, clock: 'sometimes' }] })).toHaveLength(1);
  });

  it('chooses the most specific target: tier, then channel, then priority', () => {
    const policy = SlaPolicy.parse({
      targets: [
        { ...base, firstResponseSeconds: 1 },
        { ...base, firstResponseSeconds: 2, priority: 'urgent' },
        { ...base, firstResponseSeconds: 3, channel: 'email' },
        { ...base, firstResponseSeconds: 4, channel: 'email', priority: 'urgent' },
        { ...base, firstResponseSeconds: 5, tier: 'level2' },
      ],
    });
    const pick = (channel: 'email' | 'chat', priority: 'normal' | 'urgent', tier: 'level1' | 'level2') =>
      slaTargetFor(policy, { channel, priority, tier }).firstResponseSeconds;
    expect(pick('chat', 'normal', 'level1')).toBe(1);
    expect(pick('chat', 'urgent', 'level1')).toBe(2);
    expect(pick('email', 'normal', 'level1')).toBe(3);
    expect(pick('email', 'urgent', 'level1')).toBe(4);
    expect(pick('email', 'urgent', 'level2')).toBe(5);
  });

  it('has the default the issue describes: chat 60 s around the clock, social 30 min, email 24 business hours', () => {
    const key = { priority: 'normal', tier: 'level1' } as const;
    expect(slaTargetFor(DEFAULT_SLA_POLICY, { ...key, channel: 'chat' })).toMatchObject({
      firstResponseSeconds: 60,
      clock: 'always',
    });
    expect(slaTargetFor(DEFAULT_SLA_POLICY, { ...key, channel: 'social' }).firstResponseSeconds).toBe(1800);
    expect(slaTargetFor(DEFAULT_SLA_POLICY, { ...key, channel: 'email' })).toMatchObject({
      firstResponseSeconds: 24 * 3600,
      clock: 'business',
    });
  });
});

describe('slaState and slaTransitions', () => {
  const hours: BusinessHours = { calendar: paris, timeZone: 'Europe/Paris' };

  it('reports at risk, then breached, each once', () => {
    const sla = startSla(
      DEFAULT_SLA_POLICY,
      { channel: 'chat', priority: 'normal', tier: 'level1' },
      0,
      hours,
    );
    let previous: SlaReading | null = null;
    const events: string[] = [];
    const states: string[] = [];
    for (let now = 0; now <= 120_000; now += 6_000) {
      const reading = slaState(sla.firstResponse, now);
      states.push(reading.state);
      for (const e of slaTransitions(previous, reading)) events.push(`${e.type}@${e.at}`);
      previous = reading;
    }
    expect(events).toEqual(['sla.at_risk@48000', 'sla.breached@60000']);
    // At 60 s sharp the answer is still in time; one instant later it is not.
    expect(slaState(sla.firstResponse, 60_000).state).toBe('at_risk');
    expect(slaState(sla.firstResponse, 60_001)).toMatchObject({ state: 'breached', remainingMs: -1 });
    expect(states.filter((s) => s === 'breached')).toHaveLength(10);
  });

  it('reports both, in order, when one reading jumps from ok to breached', () => {
    const sla = startSla(
      DEFAULT_SLA_POLICY,
      { channel: 'chat', priority: 'normal', tier: 'level1' },
      0,
      hours,
    );
    const first = slaState(sla.firstResponse, 1_000);
    const late = slaState(sla.firstResponse, 300_000);
    expect(slaTransitions(first, late).map((e) => e.type)).toEqual(['sla.at_risk', 'sla.breached']);
    expect(slaTransitions(late, slaState(sla.firstResponse, 400_000))).toEqual([]);
  });

  it('freezes a clock whose target was met', () => {
    const sla = startSla(
      DEFAULT_SLA_POLICY,
      { channel: 'chat', priority: 'normal', tier: 'level1' },
      0,
      hours,
    );
    const answered = { ...sla.firstResponse, stoppedAt: 30_000 };
    expect(slaState(answered, 999_000)).toMatchObject({ state: 'ok', elapsedMs: 30_000, stopped: true });
  });

  it('keeps the business breach after closing time, without counting the night', () => {
    // An email arriving Monday 23 November 09:00 Paris is due Wednesday 15:00 Paris (24 business hours).
    const sla = startSla(
      DEFAULT_SLA_POLICY,
      { channel: 'email', priority: 'normal', tier: 'level1' },
      t('2026-11-23T08:00:00Z'),
      hours,
    );
    const evening = slaState(sla.firstResponse, t('2026-11-25T20:00:00Z'));
    expect(evening).toMatchObject({
      state: 'breached',
      dueAt: t('2026-11-25T14:00:00Z'),
      remainingMs: -3 * HOUR,
    });
  });

  it('does not count time pending on the customer against resolution', () => {
    const key = { channel: 'chat', priority: 'normal', tier: 'level1' } as const;
    let sla = startSla(DEFAULT_SLA_POLICY, key, 0, hours); // resolution: 1 h around the clock
    sla = pauseResolution(sla, 10 * MIN);
    const waiting = slaState(sla.resolution, 5 * HOUR);
    expect(waiting).toMatchObject({ state: 'ok', elapsedMs: 10 * MIN, dueAt: null });
    sla = resumeResolution(sla, 6 * HOUR);
    expect(slaState(sla.resolution, 6 * HOUR).dueAt).toBe(6 * HOUR + 50 * MIN);
  });

  it('keeps the clocks on escalation unless the tier has its own targets', () => {
    const policy = SlaPolicy.parse({
      targets: [
        { firstResponseSeconds: 3600, resolutionSeconds: 7200, clock: 'always' },
        { tier: 'expert', firstResponseSeconds: 600, resolutionSeconds: 86_400, clock: 'always' },
      ],
    });
    const key = { channel: 'email', priority: 'normal', tier: 'level1' } as const;
    const sla = startSla(policy, key, 0, hours);
    expect(escalateSla(sla, policy, { ...key, tier: 'level2' }, 30 * MIN, hours)).toBe(sla);
    const expert = escalateSla(sla, policy, { ...key, tier: 'expert' }, 30 * MIN, hours);
    expect(expert.firstResponse).toMatchObject({ startedAt: 30 * MIN, targetMs: 600_000 });
    expect(slaState(expert.resolution, 30 * MIN).dueAt).toBe(30 * MIN + 86_400_000);
  });
});

describe('properties', () => {
  // Instants across 2026, so the daylight-saving changes of every zone fall in range.
  const instant = fc.integer({ min: t('2026-01-01T00:00:00Z'), max: t('2026-12-31T00:00:00Z') });
  const duration = fc.integer({ min: 0, max: 40 * HOUR });
  const zones = ['Europe/Paris', 'Africa/Casablanca', 'America/Paramaribo', 'Europe/Bucharest'];
  const calendars: SiteCalendar[] = [
    paris,
    {
      weekly: {
        ...weekdays([
          { start: '08:00', end: '12:30' },
          { start: '13:30', end: '19:00' },
        ]),
        sat: [{ start: '22:00', end: '06:00' }],
      },
      holidays: [{ date: '2026-05-01', name: 'Labour Day' }],
      exceptions: [{ date: '2026-12-24', intervals: [{ start: '08:00', end: '14:00' }] }],
    },
    {
      weekly: { sun: [{ start: '01:30', end: '03:30' }], wed: [{ start: '23:00', end: '02:30' }] },
      holidays: [],
      exceptions: [],
    },
  ];
  const counting = fc
    .record({
      zone: fc.constantFrom(...zones),
      calendar: fc.constantFrom(...calendars),
      clock: fc.constantFrom('business' as const, 'always' as const),
      // Ended pauses, placed in 2026 around the instants drawn.
      paused: fc.array(
        fc.record({ from: instant, length: fc.integer({ min: 0, max: 3 * 24 * HOUR }) }).map((p) => ({
          from: p.from,
          to: p.from + p.length,
        })),
        { maxLength: 3 },
      ),
    })
    .map(({ zone, calendar, clock, paused }): SlaCounting => ({ calendar, timeZone: zone, clock, paused }));

  it('elapsed(start, dueAt(start, d)) is d, on business and wall clocks, with pauses', () => {
    fc.assert(
      fc.property(instant, duration, counting, (start, d, c) => {
        const due = dueAt(start, d, c) ?? Number.NaN;
        expect(elapsed(start, due, c)).toBe(d);
        // And it is the first such instant.
        if (d > 0) expect(elapsed(start, due - 1, c)).toBeLessThan(d);
      }),
      { numRuns: 150 },
    );
  });

  it('dueAt is monotonic in the start and in the duration', () => {
    fc.assert(
      fc.property(instant, instant, duration, duration, counting, (s1, s2, d1, d2, c) => {
        const [a, b] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const [d, e] = d1 <= d2 ? [d1, d2] : [d2, d1];
        expect(dueAt(a, d, c) ?? 0).toBeLessThanOrEqual(dueAt(b, d, c) ?? 0);
        expect(dueAt(a, d, c) ?? 0).toBeLessThanOrEqual(dueAt(a, e, c) ?? 0);
      }),
      { numRuns: 100 },
    );
  });

  it('an always-clock is plain addition', () => {
    fc.assert(
      fc.property(instant, duration, (start, d) => {
        expect(dueAt(start, d, inParis('always'))).toBe(start + d);
        expect(elapsed(start, start + d, inParis('always'))).toBe(d);
      }),
    );
  });
});
