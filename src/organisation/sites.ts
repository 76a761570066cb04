import { sql } from 'kysely';
import { z } from 'zod';
import {
  assertGroupScope,
  type Context,
  CountryCode,
  CurrencyCode,
  DomainError,
  distinctBy,
  invalid,
  LanguageTag,
  newId,
  notFound,
  Proficiency,
  SkillName,
  Text,
  Tier,
  TimeZone,
} from '../core/index.ts';
import {
  assertVersion,
  type Db,
  type Page,
  type PageQuery,
  paginate,
  type Row,
  recordAudit,
  type SiteCalendar,
  visibleSites,
} from '../store/index.ts';
import { Calendar, calendarEverOpens } from './calendar.ts';

export const LanguageProficiency = z.object({ tag: LanguageTag, proficiency: Proficiency }).strict();

export const Money = z
  .object({ amountMinor: z.number().int().min(0).max(10_000_000), currency: CurrencyCode })
  .strict()
  .describe('integer minor units (cents) and an ISO 4217 currency');

const siteFields = {
  name: Text(200),
  country: CountryCode,
  operator: z.enum(['in_house', 'partner']),
  partnerName: Text(200).nullable(),
  timeZone: TimeZone,
  calendar: Calendar,
  languages: z
    .array(LanguageProficiency)
    .min(1)
    .max(30)
    .superRefine(distinctBy((l) => l.tag, 'language')),
  skills: z
    .array(SkillName)
    .max(100)
    .superRefine(distinctBy((s) => s, 'skill')),
  tiers: z
    .array(Tier)
    .min(1)
    .max(4)
    .superRefine(distinctBy((t) => t, 'tier')),
  subsidiaryIds: z
    .array(z.uuid())
    .max(100)
    .superRefine(distinctBy((s) => s, 'subsidiary')),
  alwaysOpenFor: z
    .array(z.uuid())
    .max(100)
    .superRefine(distinctBy((s) => s, 'subsidiary'))
    .describe(
      'subsidiaries (among those it serves) whose work the site takes at any hour, whatever its calendar',
    ),
  costPerHour: Money.describe('cost per productive hour'),
  qualityIndex: z.number().min(0).max(100),
  seats: z.number().int().min(0).max(100_000),
};

export const SiteCreate = z
  .object({
    code: z.string().regex(/^[A-Z][A-Z0-9-]{1,15}$/, 'must be 2–16 capitals, digits or -, such as CASA'),
    ...siteFields,
    partnerName: siteFields.partnerName.optional(),
    skills: siteFields.skills.default([]),
    subsidiaryIds: siteFields.subsidiaryIds.default([]),
    alwaysOpenFor: siteFields.alwaysOpenFor.optional(),
  })
  .strict();
export type SiteCreate = z.infer<typeof SiteCreate>;

export const SiteUpdate = z.object(siteFields).partial().strict();
export type SiteUpdate = z.infer<typeof SiteUpdate>;

export const Site = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  country: z.string(),
  operator: z.enum(['in_house', 'partner']),
  partnerName: z.string().nullable(),
  timeZone: z.string(),
  calendar: Calendar,
  languages: z.array(LanguageProficiency),
  skills: z.array(z.string()),
  tiers: z.array(Tier),
  subsidiaryIds: z.array(z.uuid()),
  alwaysOpenFor: z.array(z.uuid()),
  costPerHour: Money,
  qualityIndex: z.number(),
  seats: z.number().int(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Site = z.infer<typeof Site>;

export const SiteFilter = z.object({
  subsidiaryId: z.uuid().optional(),
  country: z.string().max(2).optional(),
  operator: z.enum(['in_house', 'partner']).optional(),
  language: z.string().max(35).optional(),
  tier: Tier.optional(),
});
export type SiteFilter = z.infer<typeof SiteFilter>;

const toSite = (r: Row<'sites'>): Site => ({
  id: r.id,
  code: r.code,
  name: r.name,
  country: r.country,
  operator: r.operator,
  partnerName: r.partner_name,
  timeZone: r.time_zone,
  calendar: r.calendar,
  languages: r.languages,
  skills: r.skills,
  tiers: r.tiers as Site['tiers'],
  subsidiaryIds: r.subsidiary_ids,
  alwaysOpenFor: r.always_open_for,
  costPerHour: { amountMinor: r.cost_per_hour_minor, currency: r.cost_currency },
  qualityIndex: r.quality_index,
  seats: r.seats,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

function checkOperator(operator: 'in_house' | 'partner', partnerName: string | null | undefined): void {
  if (operator === 'partner' && !partnerName) throw invalid('partnerName', "is needed for a partner's site");
  if (operator === 'in_house' && partnerName) throw invalid('partnerName', 'is only for partner sites');
}

/**
 * A site whose calendar never opens would never take work: refused, unless it serves
 * some subsidiary around the clock. Around-the-clock cover is for subsidiaries it serves.
 */
function checkHours(calendar: SiteCalendar, subsidiaryIds: string[], alwaysOpenFor: string[]): void {
  alwaysOpenFor.forEach((id, i) => {
    if (!subsidiaryIds.includes(id))
      throw invalid(`alwaysOpenFor.${i}`, 'is not a subsidiary this site serves (subsidiaryIds)');
  });
  if (alwaysOpenFor.length === 0 && !calendarEverOpens(calendar))
    throw invalid(
      'calendar',
      'never opens: give a shift on some weekday or an exception with hours, or serve a subsidiary around the clock (alwaysOpenFor)',
    );
}

async function checkSubsidiaries(trx: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await trx.selectFrom('subsidiaries').select('id').where('id', 'in', ids).execute();
  const known = new Set(found.map((f) => f.id));
  ids.forEach((id, i) => {
    if (!known.has(id)) throw invalid(`subsidiaryIds.${i}`, 'is not a subsidiary of the group');
  });
}

/** Add a contact-centre site, in-house or a partner's. Group administrators only. */
export async function createSite(trx: Db, ctx: Context, input: SiteCreate): Promise<Site> {
  assertGroupScope(ctx.actor, 'add sites');
  checkOperator(input.operator, input.partnerName);
  checkHours(input.calendar, input.subsidiaryIds, input.alwaysOpenFor ?? []);
  await checkSubsidiaries(trx, input.subsidiaryIds);
  const group = await trx.selectFrom('groups').select('id').executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('sites')
    .values({
      id: newId(),
      group_id: group.id,
      code: input.code,
      name: input.name,
      country: input.country,
      operator: input.operator,
      partner_name: input.partnerName ?? null,
      time_zone: input.timeZone,
      calendar: JSON.stringify(input.calendar satisfies SiteCalendar),
      languages: JSON.stringify(input.languages),
      skills: input.skills,
      tiers: input.tiers,
      subsidiary_ids: input.subsidiaryIds,
      always_open_for: input.alwaysOpenFor ?? [],
      cost_per_hour_minor: input.costPerHour.amountMinor,
      cost_currency: input.costPerHour.currency,
      quality_index: input.qualityIndex,
      seats: input.seats,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'site',
    entityId: row.id,
    siteId: row.id,
    changes: input,
  });
  return toSite(row);
}

/**
 * Change a site. Its own administrators may change hours, languages, skills and seats;
 * what it serves (and around the clock), what it costs and its quality index are the group's to set.
 */
export async function updateSite(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: SiteUpdate,
): Promise<Site> {
  const current = await visibleSites(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('site', id);
  const scope = ctx.actor.scope;
  if (scope.kind === 'subsidiary')
    throw new DomainError('forbidden', "a subsidiary's staff cannot change a site shared by the group");
  if (scope.kind === 'site') {
    for (const field of [
      'subsidiaryIds',
      'alwaysOpenFor',
      'costPerHour',
      'qualityIndex',
      'operator',
      'partnerName',
    ] as const) {
      if (input[field] !== undefined)
        throw new DomainError('forbidden', `${field} is set by the group administrators`);
    }
  }
  assertVersion('site', current.version, expectedVersion);
  const operator = input.operator ?? current.operator;
  const partnerName = input.partnerName === undefined ? current.partner_name : input.partnerName;
  checkOperator(operator, partnerName);
  const subsidiaryIds = input.subsidiaryIds ?? current.subsidiary_ids;
  const alwaysOpenFor = input.alwaysOpenFor ?? current.always_open_for;
  checkHours(input.calendar ?? current.calendar, subsidiaryIds, alwaysOpenFor);
  if (input.subsidiaryIds) await checkSubsidiaries(trx, input.subsidiaryIds);
  const row = await trx
    .updateTable('sites')
    .set((eb) => ({
      name: input.name ?? current.name,
      country: input.country ?? current.country,
      operator,
      partner_name: partnerName,
      time_zone: input.timeZone ?? current.time_zone,
      calendar: JSON.stringify(input.calendar ?? current.calendar),
      languages: JSON.stringify(input.languages ?? current.languages),
      skills: input.skills ?? current.skills,
      tiers: input.tiers ?? current.tiers,
      subsidiary_ids: subsidiaryIds,
      always_open_for: alwaysOpenFor,
      cost_per_hour_minor: input.costPerHour?.amountMinor ?? current.cost_per_hour_minor,
      cost_currency: input.costPerHour?.currency ?? current.cost_currency,
      quality_index: input.qualityIndex ?? current.quality_index,
      seats: input.seats ?? current.seats,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'site',
    entityId: id,
    siteId: id,
    changes: input,
  });
  return toSite(row);
}

export async function getSite(db: Db, ctx: Context, id: string): Promise<Site> {
  const row = await visibleSites(db, ctx.actor).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('site', id);
  return toSite(row);
}

export async function listSites(
  db: Db,
  ctx: Context,
  filter: SiteFilter,
  page: PageQuery,
): Promise<Page<Site>> {
  let q = visibleSites(db, ctx.actor).selectAll();
  if (filter.subsidiaryId) q = q.where(sql<boolean>`${filter.subsidiaryId}::uuid = any(subsidiary_ids)`);
  if (filter.country) q = q.where('country', '=', filter.country);
  if (filter.operator) q = q.where('operator', '=', filter.operator);
  if (filter.tier) q = q.where(sql<boolean>`${filter.tier} = any(tiers)`);
  if (filter.language) {
    const tag = filter.language;
    q = q.where(sql<boolean>`languages @> ${JSON.stringify([{ tag }])}::jsonb`);
  }
  const result = await paginate(q, 'sites.id', page);
  return { items: result.items.map(toSite), nextCursor: result.nextCursor };
}
