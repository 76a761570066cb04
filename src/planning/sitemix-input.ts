// What the site-mix planner takes: the period, the sites with their calendars, costs and seats,
// the work to place (segment × interval volumes with their targets), and the rules. Checked in
// full before anything is solved; every problem names its field.
import { z } from 'zod';
import {
  Channel,
  CountryCode,
  CurrencyCode,
  DomainError,
  type FieldIssue,
  LanguageTag,
  Proficiency,
  Tier,
  TimeZone,
} from '../core/index.ts';
import { Calendar } from '../organisation/index.ts';

const MAX_INTERVALS = 8 * 7 * 96;

export const PlanSite = z
  .object({
    id: z.string().min(1).max(100),
    code: z.string().min(1).max(16),
    name: z.string().min(1).max(200),
    country: CountryCode,
    operator: z.enum(['in_house', 'partner']),
    partnerName: z.string().min(1).max(200).nullable().default(null),
    timeZone: TimeZone,
    calendar: Calendar,
    languages: z
      .array(z.object({ tag: LanguageTag, proficiency: Proficiency }).strict())
      .min(1)
      .max(30),
    tiers: z.array(Tier).min(1).max(4),
    subsidiaryIds: z.array(z.string().min(1)).max(100),
    alwaysOpenFor: z.array(z.string().min(1)).max(100).default([]),
    cost: z
      .object({
        amount: z.number().positive('a cost per productive hour is above 0').max(100_000),
        currency: CurrencyCode,
      })
      .strict()
      .describe('cost per productive hour'),
    qualityIndex: z.number().min(0).max(100),
    seats: z.number().int().min(0).max(100_000),
    shrinkage: z.number().min(0).lt(1, 'shrinkage is below 1').default(0.3),
  })
  .strict();
export type PlanSite = z.infer<typeof PlanSite>;

const LiveTarget = z
  .object({
    kind: z.literal('live'),
    serviceLevel: z
      .number()
      .gt(0, 'a service-level target is above 0%')
      .max(1, 'a service-level target is at most 100% (write 0.8 for 80%)'),
    withinSeconds: z.number().positive('must be above 0 seconds').max(86_400),
    patienceSeconds: z.number().positive('must be above 0 seconds').max(86_400).optional(),
    concurrency: z.number().int().min(1).max(10).default(1),
  })
  .strict();

const DeferredTarget = z
  .object({
    kind: z.literal('deferred'),
    withinHours: z
      .number()
      .positive('must be above 0 hours')
      .max(24 * 14),
  })
  .strict();

export const PlanSegment = z
  .object({
    subsidiaryId: z.string().min(1),
    language: LanguageTag,
    channel: Channel,
    tier: Tier,
    volumes: z.array(z.number().min(0, 'a volume is 0 or more').max(1_000_000)),
    ahtSeconds: z.number().positive('handling time must be above 0 seconds').max(86_400),
    target: z.discriminatedUnion('kind', [LiveTarget, DeferredTarget]),
    minProficiency: Proficiency.default(3),
  })
  .strict();
export type PlanSegment = z.infer<typeof PlanSegment>;

export const PlanSubsidiary = z
  .object({
    id: z.string().min(1),
    code: z.string().min(1).max(16),
    country: CountryCode,
    timeZone: TimeZone,
  })
  .strict();
export type PlanSubsidiary = z.infer<typeof PlanSubsidiary>;

export const PlanRules = z
  .object({
    onshoreTiers: z
      .array(Tier)
      .default(['level2'])
      .describe("tiers whose work stays in the subsidiary's country"),
    residency: z
      .array(z.object({ subsidiaryId: z.string().min(1), countries: z.array(CountryCode).min(1) }).strict())
      .default([])
      .describe("countries where a subsidiary's data may be handled"),
    minQuality: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('lowest average quality index, weighted by hours'),
    partners: z
      .array(
        z
          .object({
            name: z.string().min(1).max(200),
            minShare: z.number().min(0).max(1).optional(),
            maxShare: z.number().min(0).max(1).optional(),
          })
          .strict(),
      )
      .default([]),
    maxOccupancy: z.number().gt(0).max(1).default(0.85),
    outOfHours: z
      .enum(['wait', 'refuse'])
      .default('wait')
      .describe(
        'live work arriving while no site that may take it is open: waits for the next opening (the closed notice), or makes the plan impossible',
      ),
  })
  .strict();
export type PlanRules = z.infer<typeof PlanRules>;

export const PlanInput = z
  .object({
    start: z.iso.datetime({ offset: true }).describe('the first interval, an instant'),
    intervalMinutes: z
      .number()
      .int('a whole number of minutes')
      .min(5)
      .max(240)
      .refine((m) => 1440 % m === 0, 'must divide the day (15, 30 or 60, say)'),
    intervals: z.number().int().min(1).max(MAX_INTERVALS),
    currency: CurrencyCode,
    rates: z
      .record(z.string(), z.number().positive('a rate is above 0'))
      .default({})
      .describe('currency → value of one unit in the plan currency'),
    subsidiaries: z.array(PlanSubsidiary).min(1).max(100),
    sites: z.array(PlanSite).min(1).max(200),
    segments: z.array(PlanSegment).min(1).max(5_000),
    rules: PlanRules.default({
      onshoreTiers: ['level2'],
      residency: [],
      partners: [],
      maxOccupancy: 0.85,
      outOfHours: 'wait',
    }),
  })
  .strict();
export type PlanInput = z.infer<typeof PlanInput>;
export type PlanInputRaw = z.input<typeof PlanInput>;

/** Problems the schema cannot see: lengths, references between parts, currencies. */
function crossIssues(input: PlanInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const subsidiaries = new Set(input.subsidiaries.map((s) => s.id));
  const partners = new Set(input.sites.flatMap((s) => (s.partnerName ? [s.partnerName] : [])));
  const siteIds = new Set<string>();
  input.sites.forEach((site, i) => {
    if (siteIds.has(site.id)) issues.push({ path: `sites.${i}.id`, message: `${site.id} is named twice` });
    siteIds.add(site.id);
    site.subsidiaryIds.forEach((id, j) => {
      if (!subsidiaries.has(id))
        issues.push({
          path: `sites.${i}.subsidiaryIds.${j}`,
          message: `no subsidiary of the plan has id ${id}`,
        });
    });
    if (site.cost.currency !== input.currency && input.rates[site.cost.currency] === undefined)
      issues.push({
        path: `rates.${site.cost.currency}`,
        message: `no rate converts ${site.cost.currency} (site ${site.code}) into ${input.currency}`,
      });
  });
  input.segments.forEach((segment, i) => {
    if (!subsidiaries.has(segment.subsidiaryId))
      issues.push({
        path: `segments.${i}.subsidiaryId`,
        message: `no subsidiary of the plan has id ${segment.subsidiaryId}`,
      });
    if (segment.volumes.length !== input.intervals)
      issues.push({
        path: `segments.${i}.volumes`,
        message: `has ${segment.volumes.length} values; the plan has ${input.intervals} intervals`,
      });
  });
  input.rules.partners.forEach((p, i) => {
    if (!partners.has(p.name))
      issues.push({
        path: `rules.partners.${i}.name`,
        message: `no site belongs to a partner named ${p.name}`,
      });
    if (p.minShare !== undefined && p.maxShare !== undefined && p.minShare > p.maxShare)
      issues.push({ path: `rules.partners.${i}.minShare`, message: 'is above maxShare' });
  });
  input.rules.residency.forEach((r, i) => {
    if (!subsidiaries.has(r.subsidiaryId))
      issues.push({
        path: `rules.residency.${i}.subsidiaryId`,
        message: `no subsidiary of the plan has id ${r.subsidiaryId}`,
      });
  });
  return issues;
}

/** Parses and checks a plan's input; throws a validation error listing every field that is wrong. */
export function parsePlanInput(raw: unknown): PlanInput {
  const parsed = PlanInput.safeParse(raw);
  const issues: FieldIssue[] = parsed.success
    ? crossIssues(parsed.data)
    : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (issues.length > 0 || !parsed.success)
    throw new DomainError(
      'validation_failed',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    );
  return parsed.data;
}
