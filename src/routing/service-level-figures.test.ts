import { describe, expect, it } from 'vitest';
import { AT_RISK_WINDOW_MS, dayFigures, localDay, type SlaRow } from './service-level-figures.ts';

const at = (iso: string) => Date.parse(iso);

describe('localDay', () => {
  it('is the calendar day in the zone, not in UTC', () => {
    // 00:30 in Paris on the 23rd is still the 22nd in UTC.
    expect(localDay(at('2026-11-22T23:30:00Z'), 'Europe/Paris')).toEqual({
      date: '2026-11-23',
      start: at('2026-11-22T23:00:00Z'),
      end: at('2026-11-23T23:00:00Z'),
    });
    expect(localDay(at('2026-11-22T23:30:00Z'), 'America/Sao_Paulo').date).toBe('2026-11-22');
    expect(localDay(at('2026-11-22T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({
      date: '2026-11-23',
      start: at('2026-11-22T15:00:00Z'),
    });
  });

  it('is 23 or 25 hours long on the days clocks change', () => {
    const spring = localDay(at('2026-03-29T12:00:00Z'), 'Europe/Paris');
    expect(spring).toEqual({
      date: '2026-03-29',
      start: at('2026-03-28T23:00:00Z'),
      end: at('2026-03-29T22:00:00Z'),
    });
    const autumn = localDay(at('2026-10-25T12:00:00Z'), 'Europe/Paris');
    expect(autumn.end - autumn.start).toBe(25 * 3_600_000);
  });

  it('starts at the first instant of the date when the clocks skip midnight', () => {
    // Santiago moved from 00:00 to 01:00 on 2026-09-06: the day starts at 01:00 local (04:00 UTC).
    expect(localDay(at('2026-09-06T15:00:00Z'), 'America/Santiago')).toMatchObject({
      date: '2026-09-06',
      start: at('2026-09-06T04:00:00Z'),
    });
  });
});

describe('dayFigures', () => {
  // Monday 23 November 2026, 16:00 in Paris.
  const now = at('2026-11-23T15:00:00Z');
  const day = localDay(now, 'Europe/Paris');
  const row = (over: Partial<SlaRow>): SlaRow => ({
    channel: 'chat',
    status: 'resolved',
    createdAt: at('2026-11-23T09:00:00Z'),
    firstRespondedAt: null,
    firstResponseDueAt: null,
    resolvedAt: null,
    resolutionDueAt: null,
    ...over,
  });

  it('counts arrivals since local midnight, answers within their due time, and the average speed of answer', () => {
    const figures = dayFigures(
      [
        // 00:30 in Paris, answered in 30 s, within a minute.
        row({
          createdAt: at('2026-11-22T23:30:00Z'),
          firstRespondedAt: at('2026-11-22T23:30:30Z'),
          firstResponseDueAt: at('2026-11-22T23:31:00Z'),
        }),
        // Answered exactly at its due time: in time.
        row({
          firstRespondedAt: at('2026-11-23T09:01:00Z'),
          firstResponseDueAt: at('2026-11-23T09:01:00Z'),
        }),
        // Answered a second late.
        row({
          firstRespondedAt: at('2026-11-23T09:01:01Z'),
          firstResponseDueAt: at('2026-11-23T09:01:00Z'),
        }),
        // Yesterday evening in Paris: not today's.
        row({
          createdAt: at('2026-11-22T22:30:00Z'),
          firstRespondedAt: at('2026-11-22T22:30:10Z'),
          firstResponseDueAt: at('2026-11-22T22:31:00Z'),
        }),
      ],
      day,
      now,
    );
    expect(figures.total).toEqual({
      arrived: 3,
      answered: 3,
      answeredInTarget: 2,
      serviceLevel: 2 / 3,
      breaches: { firstResponse: 1, resolution: 0 },
      waiting: 0,
      atRisk: 0,
      averageSpeedOfAnswerSeconds: Math.round((30 + 60 + 61) / 3),
    });
  });

  it('has no service level and no speed of answer when nothing was answered', () => {
    const figures = dayFigures([row({ status: 'open' })], day, now);
    expect(figures.total).toMatchObject({
      arrived: 1,
      answered: 0,
      serviceLevel: null,
      averageSpeedOfAnswerSeconds: null,
    });
  });

  it('counts a breach on the day its due time passed, whenever the conversation arrived', () => {
    const figures = dayFigures(
      [
        // Arrived yesterday, due this morning, still unanswered: a breach today, and waiting.
        row({
          channel: 'email',
          status: 'open',
          createdAt: at('2026-11-20T16:00:00Z'),
          firstResponseDueAt: at('2026-11-23T10:00:00Z'),
          resolutionDueAt: at('2026-11-25T10:00:00Z'),
        }),
        // Due yesterday: yesterday's breach.
        row({
          channel: 'email',
          status: 'open',
          createdAt: at('2026-11-19T16:00:00Z'),
          firstResponseDueAt: at('2026-11-22T10:00:00Z'),
        }),
        // Resolved before its first response fell due, without a reply: no breach.
        row({
          status: 'resolved',
          resolvedAt: at('2026-11-23T09:00:30Z'),
          firstResponseDueAt: at('2026-11-23T09:01:00Z'),
        }),
        // Resolved an hour after its resolution due time: a resolution breach.
        row({
          status: 'closed',
          firstRespondedAt: at('2026-11-23T09:00:10Z'),
          firstResponseDueAt: at('2026-11-23T09:01:00Z'),
          resolutionDueAt: at('2026-11-23T10:00:00Z'),
          resolvedAt: at('2026-11-23T11:00:00Z'),
        }),
        // Due later today: not yet.
        row({
          status: 'assigned',
          firstRespondedAt: at('2026-11-23T09:00:10Z'),
          firstResponseDueAt: at('2026-11-23T09:01:00Z'),
          resolutionDueAt: at('2026-11-23T17:00:00Z'),
        }),
        // Paused (pending on the customer) before its due time: no due time, no breach.
        row({
          status: 'pending',
          firstRespondedAt: at('2026-11-23T09:00:10Z'),
          firstResponseDueAt: at('2026-11-23T09:01:00Z'),
        }),
      ],
      day,
      now,
    );
    expect(figures.total.breaches).toEqual({ firstResponse: 1, resolution: 1 });
    expect(figures.total.waiting).toBe(2);
    expect(figures.channels.map((c) => [c.channel, c.breaches.firstResponse])).toEqual([
      ['chat', 0],
      ['email', 1],
    ]);
  });

  it('counts as at risk the waiting conversations due within five minutes, not those already late', () => {
    const waiting = (due: number | null, over: Partial<SlaRow> = {}) =>
      row({ status: 'open', createdAt: now - 60_000, firstResponseDueAt: due, ...over });
    const figures = dayFigures(
      [
        waiting(now),
        waiting(now + AT_RISK_WINDOW_MS),
        waiting(now + AT_RISK_WINDOW_MS + 1),
        waiting(now - 1),
        waiting(null),
        // Assigned and not answered yet: still waiting for its first response.
        waiting(now + 60_000, { status: 'assigned' }),
        // Answered: not waiting.
        waiting(now + 60_000, { status: 'assigned', firstRespondedAt: now - 1000 }),
        // Work a site could take: waiting and at risk, nothing else.
        waiting(now + 60_000, { waitingOnly: true }),
      ],
      day,
      now,
    );
    expect(figures.total).toMatchObject({ waiting: 7, atRisk: 4, arrived: 7, answered: 1 });
  });

  it('leaves out channels with nothing to show and sorts the others by name', () => {
    const figures = dayFigures(
      [
        row({ channel: 'voice', createdAt: at('2026-11-20T09:00:00Z') }),
        row({ channel: 'sms' }),
        row({ channel: 'email' }),
      ],
      day,
      now,
    );
    expect(figures.channels.map((c) => c.channel)).toEqual(['email', 'sms']);
  });
});
