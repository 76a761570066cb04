import { z } from 'zod';
import { type Context, DomainError, invalid, newId, notFound, Text } from '../core/index.ts';
import {
  assertVersion,
  type Db,
  managesSite,
  type Page,
  type PageQuery,
  paginate,
  type Row,
  recordAudit,
  visibleTeams,
} from '../store/index.ts';

export const TeamCreate = z.object({ siteId: z.uuid(), name: Text(200) }).strict();
export type TeamCreate = z.infer<typeof TeamCreate>;
export const TeamUpdate = z
  .object({ name: Text(200) })
  .partial()
  .strict();
export type TeamUpdate = z.infer<typeof TeamUpdate>;
export const TeamFilter = z.object({ siteId: z.uuid().optional() });
export type TeamFilter = z.infer<typeof TeamFilter>;

export const Team = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  name: z.string(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Team = z.infer<typeof Team>;

const toTeam = (r: Row<'teams'>): Team => ({
  id: r.id,
  siteId: r.site_id,
  name: r.name,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Add a team at a site the actor manages. */
export async function createTeam(trx: Db, ctx: Context, input: TeamCreate): Promise<Team> {
  if (!managesSite(ctx.actor, input.siteId)) throw invalid('siteId', 'is not a site you manage');
  const site = await trx.selectFrom('sites').select('id').where('id', '=', input.siteId).executeTakeFirst();
  if (!site) throw invalid('siteId', 'is not a site of the group');
  const row = await trx
    .insertInto('teams')
    .values({ id: newId(), site_id: input.siteId, name: input.name })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'team',
    entityId: row.id,
    siteId: row.site_id,
    changes: input,
  });
  return toTeam(row);
}

export async function updateTeam(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: TeamUpdate,
): Promise<Team> {
  const current = await visibleTeams(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('team', id);
  if (!managesSite(ctx.actor, current.site_id))
    throw new DomainError('forbidden', "only the site's or the group's staff change its teams");
  assertVersion('team', current.version, expectedVersion);
  const row = await trx
    .updateTable('teams')
    .set((eb) => ({ name: input.name ?? current.name, version: eb('version', '+', 1), updated_at: ctx.now }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'team',
    entityId: id,
    siteId: row.site_id,
    changes: input,
  });
  return toTeam(row);
}

export async function getTeam(db: Db, ctx: Context, id: string): Promise<Team> {
  const row = await visibleTeams(db, ctx.actor).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('team', id);
  return toTeam(row);
}

export async function listTeams(
  db: Db,
  ctx: Context,
  filter: TeamFilter,
  page: PageQuery,
): Promise<Page<Team>> {
  let q = visibleTeams(db, ctx.actor).selectAll();
  if (filter.siteId) q = q.where('site_id', '=', filter.siteId);
  const result = await paginate(q, 'teams.id', page);
  return { items: result.items.map(toTeam), nextCursor: result.nextCursor };
}
