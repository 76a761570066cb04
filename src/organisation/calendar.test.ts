import { describe, expect, it } from 'vitest';
import type { SiteCalendar } from '../store/index.ts';
import { Calendar, isSiteOpen } from './calendar.ts';

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
