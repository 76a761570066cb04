import { z } from 'zod';
import { Channel, IsoDate, Tier } from '../../core/index.ts';
import {
  comingMonday,
  DEFAULT_HISTORY_WEEKS,
  forecastFromHistory,
  MAX_FORECAST_WEEKS,
  MAX_HISTORY_WEEKS,
  MIN_INTERVAL_MINUTES,
} from '../../planning/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors } from './resource.ts';

const ForecastQuery = z
  .object({
    start: IsoDate.optional().describe('the first day, from 00:00 UTC (default: the coming Monday)'),
    weeks: z.coerce
      .number()
      .int('a whole number of weeks')
      .min(1)
      .max(MAX_FORECAST_WEEKS)
      .default(1)
      .describe(`weeks ahead, 1 to ${MAX_FORECAST_WEEKS}`),
    interval: z.coerce
      .number()
      .int('a whole number of minutes')
      .min(MIN_INTERVAL_MINUTES)
      .refine((m) => 1440 % m === 0, 'must divide the day (15, 30 or 60, say)')
      .default(30)
      .describe('minutes per interval: 15, 30 (default), 60, or any of at least 15 that divides the day'),
    historyWeeks: z.coerce
      .number()
      .int('a whole number of weeks')
      .min(1)
      .max(MAX_HISTORY_WEEKS)
      .default(DEFAULT_HISTORY_WEEKS)
      .describe('weeks of history before the start (or before today when the start is later) to learn from'),
  })
  .strict();

const SegmentForecastView = z.object({
  subsidiaryId: z.string(),
  language: z.string(),
  channel: Channel,
  tier: Tier,
  volumes: z.array(z.number()).describe('expected contacts in each interval from start'),
  ahtSeconds: z
    .number()
    .nullable()
    .describe('mean handling time measured in the history; null when too few contacts were measured'),
});

export const SegmentForecastSetView = z.object({
  start: z.iso.datetime().describe('the first interval, an instant in UTC'),
  intervalMinutes: z.number().int(),
  intervals: z.number().int(),
  segments: z.array(SegmentForecastView),
  method: z.string(),
  history: z.object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    contacts: z.number().int().describe('contacts counted in the history'),
  }),
});

/** The forecast of contacts per subsidiary × language × channel × tier from the caller's conversation history. */
export function forecastRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  app.get(
    '/api/forecast',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags: ['planning'],
        summary: 'Contacts expected in the weeks ahead per subsidiary, language, channel and tier',
        description:
          'Forecast from the conversation history of the subsidiaries you see (group or subsidiary accounts; ' +
          'a site account gets 403), with each segment’s measured handling time. A contact is a new ' +
          'conversation, an escalation (work of the tier escalated to) or a message that reopens a resolved ' +
          'conversation. How it is made: docs/planning.md, "Forecasting from conversation history".',
        querystring: ForecastQuery,
        response: { 200: SegmentForecastSetView, ...errors },
      },
    },
    async (req) => {
      const ctx = contextOf(req, clock);
      const { start, weeks, interval, historyWeeks } = req.query;
      return forecastFromHistory(db, ctx, {
        start: start ? new Date(`${start}T00:00:00Z`) : comingMonday(ctx.now),
        weeks,
        intervalMinutes: interval,
        historyWeeks,
      });
    },
  );
}
