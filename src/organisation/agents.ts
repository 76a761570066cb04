import { sql } from 'kysely';
import { z } from 'zod';
import { recordEvent } from '../bus/index.ts';
import {
  Channel,
  type Context,
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
} from '../core/index.ts';
import {
  assertVersion,
  type Db,
  managesSite,
  type Page,
  type PageQuery,
  paginate,
  type Row,
  recordAudit,
  visibleAgents,
} from '../store/index.ts';
import { LanguageProficiency } from './sites.ts';
import { Email, insertUser, Password } from './users.ts';

export const Presence = z.enum(['available', 'busy', 'away', 'offline']);
export type Presence = z.infer<typeof Presence>;

export const Capacity = z
  .object({
    perChannel: z
      .partialRecord(Channel, z.number().int().min(0).max(50))
      .describe('most items at once per channel, e.g. {"chat": 3, "email": 2}'),
    total: z.number().int().min(1).max(100).describe('most items at once across channels'),
  })
  .strict()
  .refine((c) => Object.values(c.perChannel).some((n) => (n ?? 0) > 0), {
    message: 'an agent needs capacity on at least one channel',
    path: ['perChannel'],
  });

const SkillProficiency = z.object({ name: SkillName, proficiency: Proficiency }).strict();

const agentFields = {
  teamId: z.uuid().nullable(),
  tier: Tier,
  languages: z
    .array(LanguageProficiency)
    .min(1)
    .max(20)
    .superRefine(distinctBy((l) => l.tag, 'language')),
  skills: z
    .array(SkillProficiency)
    .max(50)
    .superRefine(distinctBy((s) => s.name, 'skill')),
  capacity: Capacity,
};

export const AgentCreate = z
  .object({
    user: z
      .object({
        email: Email,
        displayName: Text(200),
        password: Password.optional(),
        locale: LanguageTag.default('en'),
      })
      .strict(),
    siteId: z.uuid(),
    ...agentFields,
    teamId: agentFields.teamId.optional(),
    skills: agentFields.skills.default([]),
  })
  .strict();
export type AgentCreate = z.infer<typeof AgentCreate>;

export const AgentUpdate = z.object(agentFields).partial().strict();
export type AgentUpdate = z.infer<typeof AgentUpdate>;

export const Agent = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  siteId: z.uuid(),
  teamId: z.uuid().nullable(),
  displayName: z.string(),
  email: z.string(),
  locale: z.string(),
  tier: Tier,
  languages: z.array(LanguageProficiency),
  skills: z.array(SkillProficiency),
  capacity: Capacity,
  presence: Presence,
  presenceSince: z.iso.datetime(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Agent = z.infer<typeof Agent>;

export const AgentFilter = z.object({
  siteId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  tier: Tier.optional(),
  presence: Presence.optional(),
  language: z.string().max(35).optional(),
});
export type AgentFilter = z.infer<typeof AgentFilter>;

type AgentRow = Row<'agents'> & { display_name: string; email: string; locale: string };

const toAgent = (r: AgentRow): Agent => ({
  id: r.id,
  userId: r.user_id,
  siteId: r.site_id,
  teamId: r.team_id,
  displayName: r.display_name,
  email: r.email,
  locale: r.locale,
  tier: r.tier,
  languages: r.languages,
  skills: r.skills,
  capacity: r.capacity as Agent['capacity'],
  presence: r.presence,
  presenceSince: r.presence_since.toISOString(),
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const withUser = (db: Db, ctx: Context) =>
  visibleAgents(db, ctx.actor)
    .innerJoin('users', 'users.id', 'agents.user_id')
    .selectAll('agents')
    .select(['users.display_name', 'users.email', 'users.locale']);

async function checkSiteFit(
  trx: Db,
  siteId: string,
  tier: string,
  teamId: string | null | undefined,
): Promise<void> {
  const site = await trx
    .selectFrom('sites')
    .select(['id', 'tiers'])
    .where('id', '=', siteId)
    .executeTakeFirst();
  if (!site) throw invalid('siteId', 'is not a site of the group');
  if (!site.tiers.includes(tier))
    throw invalid('tier', `is not served at this site (it serves ${site.tiers.join(', ')})`);
  if (teamId) {
    const team = await trx
      .selectFrom('teams')
      .select('id')
      .where('id', '=', teamId)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    if (!team) throw invalid('teamId', 'is not a team of this site');
  }
}

/** Add an agent at a site the actor manages: their account and their routing profile, together. */
export async function createAgent(trx: Db, ctx: Context, input: AgentCreate): Promise<Agent> {
  if (!managesSite(ctx.actor, input.siteId)) throw invalid('siteId', 'is not a site you manage');
  await checkSiteFit(trx, input.siteId, input.tier, input.teamId);
  const user = await insertUser(trx, ctx, {
    ...input.user,
    role: 'agent',
    scope: { kind: 'site', siteId: input.siteId },
  });
  const id = newId();
  await trx
    .insertInto('agents')
    .values({
      id,
      user_id: user.id,
      site_id: input.siteId,
      team_id: input.teamId ?? null,
      tier: input.tier,
      languages: JSON.stringify(input.languages),
      skills: JSON.stringify(input.skills),
      capacity: JSON.stringify(input.capacity),
      presence_since: ctx.now,
    })
    .execute();
  const { user: account, ...profile } = input;
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'agent',
    entityId: id,
    siteId: input.siteId,
    changes: { ...profile, email: account.email },
  });
  return getAgent(trx, ctx, id);
}

async function lockManaged(trx: Db, ctx: Context, id: string): Promise<Row<'agents'>> {
  const current = await visibleAgents(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('agent', id);
  return current;
}

export async function updateAgent(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: AgentUpdate,
): Promise<Agent> {
  const current = await lockManaged(trx, ctx, id);
  if (!managesSite(ctx.actor, current.site_id))
    throw new DomainError('forbidden', "only the site's or the group's staff change its agents");
  assertVersion('agent', current.version, expectedVersion);
  const tier = input.tier ?? current.tier;
  const teamId = input.teamId === undefined ? current.team_id : input.teamId;
  await checkSiteFit(trx, current.site_id, tier, teamId);
  await trx
    .updateTable('agents')
    .set((eb) => ({
      team_id: teamId,
      tier,
      languages: JSON.stringify(input.languages ?? current.languages),
      skills: JSON.stringify(input.skills ?? current.skills),
      capacity: JSON.stringify(input.capacity ?? current.capacity),
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'agent',
    entityId: id,
    siteId: current.site_id,
    changes: input,
  });
  await recordEvent(trx, 'agent.updated', { agentId: id, siteId: current.site_id });
  return getAgent(trx, ctx, id);
}

/** Set presence: agents set their own; supervisors and administrators those they see. */
export async function setPresence(trx: Db, ctx: Context, id: string, presence: Presence): Promise<Agent> {
  const current = await lockManaged(trx, ctx, id);
  const own = ctx.actor.agentId === id;
  if (!own && !ctx.actor.permissions.has('agents:write')) {
    throw new DomainError('forbidden', 'you may set only your own presence');
  }
  if (current.presence !== presence) {
    await trx
      .updateTable('agents')
      .set((eb) => ({
        presence,
        presence_since: ctx.now,
        version: eb('version', '+', 1),
        updated_at: ctx.now,
      }))
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx.actor, ctx.requestId, {
      action: 'set_presence',
      entity: 'agent',
      entityId: id,
      siteId: current.site_id,
      changes: { from: current.presence, to: presence },
    });
    await recordEvent(trx, 'agent.presence_changed', { agentId: id, siteId: current.site_id, presence });
  }
  return getAgent(trx, ctx, id);
}

export async function getAgent(db: Db, ctx: Context, id: string): Promise<Agent> {
  const row = await withUser(db, ctx).where('agents.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('agent', id);
  return toAgent(row);
}

export async function listAgents(
  db: Db,
  ctx: Context,
  filter: AgentFilter,
  page: PageQuery,
): Promise<Page<Agent>> {
  let q = withUser(db, ctx);
  if (filter.siteId) q = q.where('agents.site_id', '=', filter.siteId);
  if (filter.teamId) q = q.where('agents.team_id', '=', filter.teamId);
  if (filter.tier) q = q.where('agents.tier', '=', filter.tier);
  if (filter.presence) q = q.where('agents.presence', '=', filter.presence);
  if (filter.language) {
    const tag = filter.language;
    q = q.where(sql<boolean>`agents.languages @> ${JSON.stringify([{ tag }])}::jsonb`);
  }
  const result = await paginate(q, 'agents.id', page);
  return { items: result.items.map(toAgent), nextCursor: result.nextCursor };
}
