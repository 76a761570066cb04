import { describe, expect, it } from 'vitest';
import type { SiteCalendar } from '../../store/index.ts';
import { anySiteOpen, nextOpening } from './availability.ts';
import { parseVisitorFrame } from './protocol.ts';

const weekdays = (start: string, end: string): SiteCalendar => ({
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start, end }]])),
  holidays: [],
  exceptions: [],
});

describe('when live chat is open', () => {
  const paris = { calendar: weekdays('08:00', '20:00'), timeZone: 'Europe/Paris' };
  const night = { calendar: weekdays('22:00', '06:00'), timeZone: 'Indian/Antananarivo' };

  it('is open while one site serving the subsidiary is', () => {
    expect(anySiteOpen([paris], new Date('2026-11-25T10:00:00Z'))).toBe(true);
    expect(anySiteOpen([paris], new Date('2026-11-25T19:30:00Z'))).toBe(false);
    // 23:30 in Antananarivo (UTC+3), inside a night shift.
    expect(anySiteOpen([paris, night], new Date('2026-11-25T20:30:00Z'))).toBe(true);
    expect(anySiteOpen([], new Date('2026-11-25T10:00:00Z'))).toBe(false);
  });

  it('names the first minute a site opens again, across a weekend and a holiday', () => {
    expect(nextOpening([paris], new Date('2026-11-28T10:00:00Z'))?.toISOString()).toBe(
      '2026-11-30T07:00:00.000Z',
    );
    const holiday = {
      ...paris,
      calendar: { ...paris.calendar, holidays: [{ date: '2026-11-30', name: 'Fête' }] },
    };
    expect(nextOpening([holiday], new Date('2026-11-28T10:00:00Z'))?.toISOString()).toBe(
      '2026-12-01T07:00:00.000Z',
    );
    const odd = { calendar: weekdays('09:07', '17:00'), timeZone: 'UTC' };
    expect(nextOpening([odd], new Date('2026-11-25T08:00:30Z'))?.toISOString()).toBe(
      '2026-11-25T09:07:00.000Z',
    );
    expect(nextOpening([], new Date('2026-11-28T10:00:00Z'))).toBeNull();
    const never = { calendar: { weekly: {}, holidays: [], exceptions: [] }, timeZone: 'UTC' };
    expect(nextOpening([never], new Date('2026-11-28T10:00:00Z'))).toBeNull();
  });
});

describe('chat frames', () => {
  it('are read when they follow protocol 1, and refused with the reason otherwise', () => {
    expect(parseVisitorFrame('{"v":1,"type":"message","clientId":"abcdefgh","text":"Salut"}')).toEqual({
      ok: true,
      frame: { v: 1, type: 'message', clientId: 'abcdefgh', text: 'Salut' },
    });
    expect(parseVisitorFrame('[1,2]')).toMatchObject({ ok: false });
    expect(parseVisitorFrame('{"v":1,"type":"shout"}')).toMatchObject({ ok: false });
    expect(parseVisitorFrame('{"v":1,"type":"message","clientId":"short","text":"x"}')).toMatchObject({
      ok: false,
      clientId: 'short',
      message: expect.stringMatching(/^clientId:/),
    });
    expect(
      parseVisitorFrame('{"v":1,"type":"message","clientId":"abcdefgh","text":"\\ud800"}'),
    ).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^text: .*cannot be stored/),
    });
    expect(
      parseVisitorFrame('{"v":1,"type":"hello","key":"k","language":"fr-FR","lastSeen":"not-a-uuid"}'),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/^lastSeen:/) });
  });
});
