import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SiteCalendar } from '../store/index.ts';
import { Calendar, isSiteOpen, openIntervals } from './calendar.ts';

const weekdays = (intervals: Array<{ start: string; end: string }>) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, intervals]));

describe('isSiteOpen', () => {
  const paris: SiteCalendar = {
    weekly: weekdays([
      { start: '08:00', end: '12:30' },
      { start: '13:30', end: '19:00' },
    ]),
    holidays: [{ date: '2026-12-25', name: 'Noël' }],
    exceptions: [{ date: '2026-12-24', intervals: [{ start: '08:00', end: '14:00' }] }],
  };

  it('reads split shifts in the site time zone, not UTC', () => {
    // 07:30 UTC in winter is 08:30 in Paris.
    expect(isSiteOpen(paris, 'Europe/Paris', new Date('2026-11-23T07:30:00Z'))).toBe(true);
    // 12:45 Paris: lunch break between the two shifts.
    expect(isSiteOpen(paris, 'Europe/Paris', new Date('2026-11-23T11:45:00Z'))).toBe(false);
    expect(isSiteOpen(paris, 'Europe/Paris', new Date('2026-11-23T12:45:00Z'))).toBe(true);
    // Saturday: closed.
    expect(isSiteOpen(paris, 'Europe/Paris', new Date('2026-11-28T10:00:00Z'))).toBe(false);
  });

  it('closes on holidays and follows dated exceptions', () => {
    expect(isSiteOpen(paris, 'Europe/Paris', new Date('2026-12-25T10:00:00Z'))).toBe(false);
    expect(isSiteOpen(paris, 'Europe/Paris', new Date('2026-12-24T12:00:00Z'))).toBe(true);
    expect(isSiteOpen(paris, 'Europe/Paris', new Date('2026-12-24T14:00:00Z'))).toBe(false);
  });

  it('keeps a night shift open past midnight, even into a holiday', () => {
    const paramaribo: SiteCalendar = {
      weekly: { mon: [{ start: '22:00', end: '06:00' }] },
      holidays: [{ date: '2026-11-24', name: 'test holiday' }],
      exceptions: [],
    };
    // Monday 23 Nov 23:00 in Paramaribo (UTC-3) is 02:00 UTC on Tuesday.
    expect(isSiteOpen(paramaribo, 'America/Paramaribo', new Date('2026-11-24T02:00:00Z'))).toBe(true);
    // Tuesday 05:59 local is still Monday's shift.
    expect(isSiteOpen(paramaribo, 'America/Paramaribo', new Date('2026-11-24T08:59:00Z'))).toBe(true);
    expect(isSiteOpen(paramaribo, 'America/Paramaribo', new Date('2026-11-24T09:00:00Z'))).toBe(false);
    // Monday 21:59 local: not yet.
    expect(isSiteOpen(paramaribo, 'America/Paramaribo', new Date('2026-11-24T00:59:00Z'))).toBe(false);
  });

  it('follows daylight saving time', () => {
    const cal: SiteCalendar = {
      weekly: weekdays([{ start: '09:00', end: '17:00' }]),
      holidays: [],
      exceptions: [],
    };
    // Bucharest is UTC+3 in summer and UTC+2 in winter: the opening moves by an hour in UTC.
    expect(isSiteOpen(cal, 'Europe/Bucharest', new Date('2026-07-06T05:30:00Z'))).toBe(false); // 08:30 local
    expect(isSiteOpen(cal, 'Europe/Bucharest', new Date('2026-07-06T06:00:00Z'))).toBe(true); // 09:00 local
    expect(isSiteOpen(cal, 'Europe/Bucharest', new Date('2026-01-05T06:30:00Z'))).toBe(false); // 08:30 local
    expect(isSiteOpen(cal, 'Europe/Bucharest', new Date('2026-01-05T07:00:00Z'))).toBe(true); // 09:00 local
  });
});

describe('Calendar schema', () => {
  it('refuses overlapping shifts and impossible dates', () => {
    const overlapping = Calendar.safeParse({
      weekly: {
        mon: [
          { start: '08:00', end: '12:00' },
          { start: '11:00', end: '15:00' },
        ],
      },
    });
    expect(overlapping.success).toBe(false);
    const badDate = Calendar.safeParse({ weekly: {}, holidays: [{ date: '2026-02-30', name: 'x' }] });
    expect(badDate.success).toBe(false);
    const ok = Calendar.safeParse({ weekly: { sun: [{ start: '22:00', end: '06:00' }] } });
    expect(ok.success).toBe(true);
  });
});

describe('openIntervals', () => {
  const cal: SiteCalendar = {
    weekly: {
      mon: [
        { start: '08:00', end: '12:00' },
        { start: '14:00', end: '18:00' },
      ],
      sat: [{ start: '22:00', end: '06:00' }],
      sun: [{ start: '02:30', end: '03:30' }],
    },
    holidays: [{ date: '2026-10-26', name: 'test holiday' }],
    exceptions: [],
  };

  it('lists split and night shifts as instants, across the change to winter time', () => {
    const list = openIntervals(
      cal,
      'Europe/Paris',
      new Date('2026-10-24T00:00:00Z'),
      new Date('2026-11-03T00:00:00Z'),
    );
    expect(list.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      // Saturday 22:00 CEST to Sunday 06:00 CET; Sunday's 02:30–03:30 falls inside it.
      ['2026-10-24T20:00:00.000Z', '2026-10-25T05:00:00.000Z'],
      // Monday 26 is a holiday; Saturday 31 night; Sunday 1 November 02:30–03:30 CET.
      ['2026-10-31T21:00:00.000Z', '2026-11-01T05:00:00.000Z'],
      ['2026-11-02T07:00:00.000Z', '2026-11-02T11:00:00.000Z'],
      ['2026-11-02T13:00:00.000Z', '2026-11-02T17:00:00.000Z'],
    ]);
  });

  it('agrees with isSiteOpen at every instant', () => {
    const zones = ['Europe/Paris', 'Africa/Casablanca', 'America/Paramaribo', 'Europe/Bucharest'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-20T00:00:00Z') }),
        fc.integer({ min: 0, max: 10 * 86_400_000 - 1 }),
        (zone, from, probe) => {
          const to = from + 10 * 86_400_000;
          const at = from + probe;
          const list = openIntervals(cal, zone, new Date(from), new Date(to));
          const inside = list.some((i) => i.start.getTime() <= at && at < i.end.getTime());
          expect(inside).toBe(isSiteOpen(cal, zone, new Date(at)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
