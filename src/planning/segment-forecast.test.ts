import { describe, expect, it } from 'vitest';
import type { Channel } from '../core/index.ts';
import type { DayVolumes } from './forecast.ts';
import {
  addDays,
  type ContactHistory,
  chooseMethod,
  DEFAULT_METHOD,
  datesBetween,
  forecastSegments,
  intervalOfWeekMean,
  localMidnight,
  type SegmentCount,
  wallClock,
} from './segment-forecast.ts';

const FIRST = '2025-01-06'; // a Monday
const LAST = '2025-03-02'; // a Sunday: eight weeks
const START = new Date('2025-03-03T00:00:00Z');

/** Eight weeks of the same weekdays: `perDay` contacts at each local `minute`, Monday to Friday. */
function weekdays(
  subsidiaryId: string,
  channel: Channel,
  language: string,
  perSlot: Record<number, number>,
): SegmentCount[] {
  return datesBetween(FIRST, LAST).flatMap((date) => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) return [];
    return Object.entries(perSlot).map(([minute, contacts]) => ({
      subsidiaryId,
      language,
      channel,
      tier: 'level1' as const,
      date,
      minute: Number(minute),
      contacts,
    }));
  });
}

function history(counts: SegmentCount[], intervalMinutes: number, timeZone = 'Europe/Paris'): ContactHistory {
  return {
    intervalMinutes,
    subsidiaries: [{ id: 'fr', code: 'FR', timeZone, firstDay: FIRST, lastDay: LAST }],
    counts,
    handlingTimes: [],
    from: new Date(localMidnight(FIRST, timeZone)),
    to: new Date(localMidnight(addDays(LAST, 1), timeZone)),
  };
}

const at = (set: { start: string; intervalMinutes: number }, i: number) =>
  new Date(Date.parse(set.start) + i * set.intervalMinutes * 60_000).toISOString();

describe('wall-clock time', () => {
  it('finds local midnights across daylight-saving changes and half-hour offsets', () => {
    expect(new Date(localMidnight('2025-03-30', 'Europe/Paris')).toISOString()).toBe(
      '2025-03-29T23:00:00.000Z',
    );
    expect(new Date(localMidnight('2025-03-31', 'Europe/Paris')).toISOString()).toBe(
      '2025-03-30T22:00:00.000Z',
    );
    expect(new Date(localMidnight('2025-01-06', 'Asia/Kolkata')).toISOString()).toBe(
      '2025-01-05T18:30:00.000Z',
    );
    expect(wallClock(Date.parse('2025-03-30T01:30:00Z'), 'Europe/Paris')).toEqual({
      date: '2025-03-30',
      minute: 3 * 60 + 30,
    });
  });
});

describe('forecast of segments from their history', () => {
  it('forecasts a steady total exactly and splits it by each segment’s share', () => {
    // 40 chats a weekday at 09:00 Paris (08:00 UTC in winter), three French for one English.
    const counts = [
      ...weekdays('fr', 'chat', 'fr', { 540: 30 }),
      ...weekdays('fr', 'chat', 'en', { 540: 10 }),
    ];
    const set = forecastSegments(history(counts, 30), { start: START, weeks: 1 });
    expect(set.intervals).toBe(7 * 48);
    expect(set.history.contacts).toBe(40 * 40);
    expect(set.segments.map((s) => s.language)).toEqual(['en', 'fr']);
    const [en, fr] = set.segments;
    const busy = (fr?.volumes ?? []).flatMap((v, i) => (v > 0.001 ? [`${at(set, i)} ${v}`] : []));
    expect(busy).toEqual([
      '2025-03-03T08:00:00.000Z 30',
      '2025-03-04T08:00:00.000Z 30',
      '2025-03-05T08:00:00.000Z 30',
      '2025-03-06T08:00:00.000Z 30',
      '2025-03-07T08:00:00.000Z 30',
    ]);
    expect(en?.volumes[16]).toBe(10);
    // No contact ever came at the weekend: none is forecast.
    expect((fr?.volumes ?? []).slice(5 * 48).every((v) => v === 0)).toBe(true);
    expect(en?.ahtSeconds).toBeNull();
  });

  it('follows local time across a daylight-saving change', () => {
    const counts = weekdays('fr', 'chat', 'fr', { 540: 30 });
    // 30 March 2025: Paris moves to UTC+2, so 09:00 local is 07:00 UTC from Monday 31 March.
    const set = forecastSegments(history(counts, 60), { start: new Date('2025-03-24T00:00:00Z'), weeks: 2 });
    const busy = (set.segments[0]?.volumes ?? []).flatMap((v, i) =>
      v > 0.001 ? [at(set, i).slice(0, 13)] : [],
    );
    expect(busy.slice(4, 6)).toEqual(['2025-03-28T08', '2025-03-31T07']);
  });

  it('spreads a local interval over the UTC intervals it straddles (half-hour offsets)', () => {
    // 10:00–11:00 in Kolkata is 04:30–05:30 UTC: half of it in each UTC hour.
    const counts = weekdays('in', 'voice', 'hi', { 600: 20 }).map((c) => ({ ...c, subsidiaryId: 'fr' }));
    const set = forecastSegments(history(counts, 60, 'Asia/Kolkata'), { start: START, weeks: 1 });
    const volumes = set.segments[0]?.volumes ?? [];
    expect([volumes[3], volumes[4], volumes[5], volumes[6]]).toEqual([0, 10, 10, 0]);
  });

  it('pools sparse channels and forecasts a sparse pool by its interval-of-week mean', () => {
    // 40 chats a weekday; 2 SMS and 2 WhatsApp messages on Mondays only, at 10:00 Paris.
    const mondays = (channel: Channel) =>
      weekdays('fr', channel, 'fr', { 600: 2 }).filter(
        (c) => new Date(`${c.date}T00:00:00Z`).getUTCDay() === 1,
      );
    const counts = [...weekdays('fr', 'chat', 'fr', { 540: 40 }), ...mondays('sms'), ...mondays('whatsapp')];
    const set = forecastSegments(history(counts, 30), { start: START, weeks: 1 });
    expect(set.segments.map((s) => s.channel)).toEqual(['chat', 'sms', 'whatsapp']);
    const sms = set.segments[1]?.volumes ?? [];
    const busy = sms.flatMap((v, i) => (v > 0 ? [`${at(set, i)} ${v}`] : []));
    expect(busy).toEqual(['2025-03-03T09:00:00.000Z 2']);
  });

  it('chooses a method on the last two weeks from five weeks of history, the default before', () => {
    const days: DayVolumes[] = datesBetween(FIRST, LAST).map((date, i) => ({
      date,
      weekday: ((i % 7) + 1) as number,
      values: [10 + (i % 7), 20],
    }));
    const calendar = { holidays: new Set<string>(), workingWeekdays: new Set([1, 2, 3, 4, 5, 6, 7]) };
    expect(chooseMethod(days.slice(0, 34), calendar)).toBe(DEFAULT_METHOD);
    const chosen = chooseMethod(days, calendar);
    expect(chosen.name).not.toBe(intervalOfWeekMean.name);
    const forecast = chosen.forecast(days, ['2025-03-03'], calendar);
    expect(forecast[0]?.[0]).toBeCloseTo(10, 3);
    expect(forecast[0]?.[1]).toBeCloseTo(20, 3);
  });
});
