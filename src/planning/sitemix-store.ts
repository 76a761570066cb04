// A plan's input from what Relais knows: the subsidiaries and sites the caller sees, the
// forecast of their conversation history, each channel's targets, and the rules given.
import type { Channel, Context, Tier } from '../core/index.ts';
import { type Db, visibleSites, visibleSubsidiaries } from '../store/index.ts';
import { forecastFromHistory } from './history.ts';
import type { SegmentForecastSet } from './segment-forecast.ts';
import { type PlanInput, type PlanInputRaw, parsePlanInput } from './sitemix-input.ts';

/** Service targets by channel when nothing more precise is set; docs/planning.md lists them. */
export const CHANNEL_TARGETS: Record<Channel, PlanInputRaw['segments'][number]['target']> = {
  voice: { kind: 'live', serviceLevel: 0.8, withinSeconds: 20, patienceSeconds: 120 },
  chat: { kind: 'live', serviceLevel: 0.8, withinSeconds: 60, patienceSeconds: 180, concurrency: 2 },
  whatsapp: { kind: 'deferred', withinHours: 1 },
  sms: { kind: 'deferred', withinHours: 1 },
  social: { kind: 'deferred', withinHours: 2 },
  email: { kind: 'deferred', withinHours: 24 },
  mail: { kind: 'deferred', withinHours: 72 },
};

/** Handling time by channel when the history cannot measure it. */
export const CHANNEL_HANDLING_SECONDS: Record<Channel, number> = {
  voice: 300,
  chat: 480,
  whatsapp: 180,
  sms: 120,
  social: 180,
  email: 420,
  mail: 600,
};

/** Share of paid time off contacts, for every site (sites do not record their own yet). */
export const DEFAULT_SHRINKAGE = 0.3;

export interface StorePlanOptions {
  start: Date;
  weeks: number;
  intervalMinutes: number;
  currency?: string;
  rates?: Record<string, number>;
  rules?: PlanInputRaw['rules'];
  /** Plan only these subsidiaries (ids), among those the caller sees. */
  subsidiaryIds?: string[];
  /**
   * The volumes of the weeks ahead, already forecast (read from a file, say): planned instead of
   * the forecast of the history, over its own period (start, weeks and intervalMinutes unused).
   */
  forecast?: SegmentForecastSet;
}

const targetFor = (channel: Channel, tier: Tier): PlanInputRaw['segments'][number]['target'] =>
  tier === 'back_office' ? { kind: 'deferred', withinHours: 48 } : CHANNEL_TARGETS[channel];

/**
 * Builds the plan of the subsidiaries the caller sees from the store: their sites (calendars,
 * languages, tiers, seats, costs), the forecast of their history for the weeks asked, and the
 * targets by channel. The result is checked like any plan input.
 */
export async function planInputFromStore(
  db: Db,
  ctx: Context,
  options: StorePlanOptions,
): Promise<PlanInput> {
  const forecast =
    options.forecast ??
    (await forecastFromHistory(db, ctx, {
      start: options.start,
      weeks: options.weeks,
      intervalMinutes: options.intervalMinutes,
    }));
  let subsidiaries = await visibleSubsidiaries(db, ctx.actor)
    .select(['id', 'code', 'country', 'time_zone', 'currency'])
    .orderBy('code')
    .execute();
  if (options.subsidiaryIds) {
    const wanted = new Set(options.subsidiaryIds);
    subsidiaries = subsidiaries.filter((s) => wanted.has(s.id));
  }
  const ids = new Set(subsidiaries.map((s) => s.id));
  const sites = await visibleSites(db, ctx.actor).selectAll().orderBy('code').execute();
  const serving = sites.filter((s) => s.subsidiary_ids.some((id) => ids.has(id)));
  const currency = options.currency ?? serving[0]?.cost_currency ?? subsidiaries[0]?.currency ?? 'EUR';
  const raw: PlanInputRaw = {
    start: forecast.start,
    intervalMinutes: forecast.intervalMinutes,
    intervals: forecast.intervals,
    currency,
    rates: options.rates ?? {},
    subsidiaries: subsidiaries.map((s) => ({
      id: s.id,
      code: s.code,
      country: s.country,
      timeZone: s.time_zone,
    })),
    sites: serving.map((s) => ({
      id: s.id,
      code: s.code,
      name: s.name,
      country: s.country,
      operator: s.operator,
      partnerName: s.partner_name ?? null,
      timeZone: s.time_zone,
      calendar: s.calendar,
      languages: s.languages.map((l) => ({ tag: l.tag, proficiency: l.proficiency })),
      tiers: s.tiers as Tier[],
      subsidiaryIds: s.subsidiary_ids.filter((id) => ids.has(id)),
      alwaysOpenFor: s.always_open_for.filter((id) => ids.has(id)),
      cost: { amount: s.cost_per_hour_minor / 100, currency: s.cost_currency },
      qualityIndex: Number(s.quality_index),
      seats: s.seats,
      shrinkage: DEFAULT_SHRINKAGE,
    })),
    segments: forecast.segments
      .filter((s) => ids.has(s.subsidiaryId))
      .map((s) => ({
        subsidiaryId: s.subsidiaryId,
        language: s.language,
        channel: s.channel,
        tier: s.tier,
        volumes: s.volumes.map((v) => Math.round(v * 1000) / 1000),
        ahtSeconds: s.ahtSeconds ?? CHANNEL_HANDLING_SECONDS[s.channel],
        target: targetFor(s.channel, s.tier),
        minProficiency: s.tier === 'level1' ? 3 : 4,
      })),
    ...(options.rules ? { rules: options.rules } : {}),
  };
  return parsePlanInput(raw);
}
