import { z } from 'zod';
import {
  assertGroupScope,
  type Context,
  CountryCode,
  CurrencyCode,
  invalid,
  LanguageTag,
  newId,
  notFound,
  Text,
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
  visibleSubsidiaries,
} from '../store/index.ts';

export const SubsidiaryCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9-]{1,15}$/, 'must be 2–16 capitals, digits or -, such as FR');

export const SubsidiaryCreate = z
  .object({
    code: SubsidiaryCode,
    name: Text(200),
    country: CountryCode,
    languages: z.array(LanguageTag).min(1).max(20),
    defaultLanguage: LanguageTag,
    timeZone: TimeZone,
    currency: CurrencyCode,
    dataRegion: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,30}$/, 'must be a region name such as eu-west or af-north'),
  })
  .strict();
export type SubsidiaryCreate = z.infer<typeof SubsidiaryCreate>;

export const SubsidiaryUpdate = SubsidiaryCreate.omit({ code: true }).partial().strict();
export type SubsidiaryUpdate = z.infer<typeof SubsidiaryUpdate>;

export const Subsidiary = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  country: z.string(),
  languages: z.array(z.string()),
  defaultLanguage: z.string(),
  timeZone: z.string(),
  currency: z.string(),
  dataRegion: z.string(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Subsidiary = z.infer<typeof Subsidiary>;

export const SubsidiaryFilter = z.object({
  country: z.string().optional(),
  q: z.string().max(200).optional().describe('part of the name or code'),
});
export type SubsidiaryFilter = z.infer<typeof SubsidiaryFilter>;

const toSubsidiary = (r: Row<'subsidiaries'>): Subsidiary => ({
  id: r.id,
  code: r.code,
  name: r.name,
  country: r.country,
  languages: r.languages,
  defaultLanguage: r.default_language,
  timeZone: r.time_zone,
  currency: r.currency,
  dataRegion: r.data_region,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

function checkDefaultLanguage(languages: string[], defaultLanguage: string): void {
  if (!languages.includes(defaultLanguage)) throw invalid('defaultLanguage', 'must be one of languages');
}

/** Create a subsidiary of the group. Group administrators only. */
export async function createSubsidiary(trx: Db, ctx: Context, input: SubsidiaryCreate): Promise<Subsidiary> {
  assertGroupScope(ctx.actor, 'create subsidiaries');
  checkDefaultLanguage(input.languages, input.defaultLanguage);
  const group = await trx.selectFrom('groups').select('id').executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('subsidiaries')
    .values({
      id: newId(),
      group_id: group.id,
      code: input.code,
      name: input.name,
      country: input.country,
      languages: input.languages,
      default_language: input.defaultLanguage,
      time_zone: input.timeZone,
      currency: input.currency,
      data_region: input.dataRegion,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'subsidiary',
    entityId: row.id,
    subsidiaryId: row.id,
    changes: input,
  });
  return toSubsidiary(row);
}

/** Change a subsidiary's settings: its own administrators or the group's. */
export async function updateSubsidiary(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: SubsidiaryUpdate,
): Promise<Subsidiary> {
  const current = await visibleSubsidiaries(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('subsidiary', id);
  if (ctx.actor.scope.kind === 'site') throw notFound('subsidiary', id);
  assertVersion('subsidiary', current.version, expectedVersion);
  checkDefaultLanguage(
    input.languages ?? current.languages,
    input.defaultLanguage ?? current.default_language,
  );
  const row = await trx
    .updateTable('subsidiaries')
    .set((eb) => ({
      name: input.name ?? current.name,
      country: input.country ?? current.country,
      languages: input.languages ?? current.languages,
      default_language: input.defaultLanguage ?? current.default_language,
      time_zone: input.timeZone ?? current.time_zone,
      currency: input.currency ?? current.currency,
      data_region: input.dataRegion ?? current.data_region,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'subsidiary',
    entityId: id,
    subsidiaryId: id,
    changes: input,
  });
  return toSubsidiary(row);
}

export async function getSubsidiary(db: Db, ctx: Context, id: string): Promise<Subsidiary> {
  const row = await visibleSubsidiaries(db, ctx.actor).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('subsidiary', id);
  return toSubsidiary(row);
}

export async function listSubsidiaries(
  db: Db,
  ctx: Context,
  filter: SubsidiaryFilter,
  page: PageQuery,
): Promise<Page<Subsidiary>> {
  let q = visibleSubsidiaries(db, ctx.actor).selectAll();
  if (filter.country) q = q.where('country', '=', filter.country);
  if (filter.q) {
    const like = `%${filter.q.toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([eb(eb.fn('lower', ['name']), 'like', like), eb(eb.fn('lower', ['code']), 'like', like)]),
    );
  }
  const result = await paginate(q, 'subsidiaries.id', page);
  return { items: result.items.map(toSubsidiary), nextCursor: result.nextCursor };
}
