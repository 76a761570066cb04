// The supervisor's board: the agents in the caller's scope with their presence and load.
import { sql } from 'kysely';
import { z } from 'zod';
import { type Context, Tier } from '../core/index.ts';
import { LanguageProficiency, Presence } from '../organisation/index.ts';
import { type Db, visibleAgents, visibleConversations } from '../store/index.ts';
import type { SupervisorFilter } from './service-level.ts';

const Counts = z.object({
  total: z.number().int(),
  perChannel: z.record(z.string(), z.number().int()),
});

export const BoardAgent = z.object({
  id: z.uuid(),
  displayName: z.string(),
  site: z.object({ id: z.uuid(), name: z.string(), subsidiaryIds: z.array(z.uuid()) }),
  tier: Tier,
  languages: z.array(LanguageProficiency),
  presence: Presence,
  presenceSince: z.iso.datetime(),
  load: Counts.describe(
    'conversations the agent holds (assigned), in all and per channel: what the router counts against capacity',
  ),
  capacity: Counts.describe('most conversations at once, in all and per channel'),
  conversations: z
    .array(
      z.object({
        id: z.uuid(),
        subsidiaryId: z.uuid(),
        channel: z.string(),
        subject: z.string().nullable(),
      }),
    )
    .describe('the assigned conversations you may open (the load also counts those you may not)'),
});
export type BoardAgent = z.infer<typeof BoardAgent>;

export const AgentsBoard = z.object({ agents: z.array(BoardAgent) });
export type AgentsBoard = z.infer<typeof AgentsBoard>;

/**
 * The agents the caller sees (a site's people their site's, a subsidiary's people those of the
 * sites serving it), by site name then name, each with presence, load against capacity and the
 * conversations they hold. Load counts every conversation an agent holds — capacity is one,
 * whichever subsidiary the work is for — but only those the caller may open are listed.
 */
export async function agentsBoard(db: Db, ctx: Context, filter: SupervisorFilter): Promise<AgentsBoard> {
  let q = visibleAgents(db, ctx.actor)
    .innerJoin('users', 'users.id', 'agents.user_id')
    .innerJoin('sites', 'sites.id', 'agents.site_id')
    .select([
      'agents.id',
      'agents.tier',
      'agents.languages',
      'agents.presence',
      'agents.presence_since',
      'agents.capacity',
      'users.display_name',
      'sites.id as site_id',
      'sites.name as site_name',
      'sites.subsidiary_ids',
    ])
    .orderBy('sites.name')
    .orderBy('sites.id')
    .orderBy('users.display_name')
    .orderBy('agents.id');
  if (filter.siteId) q = q.where('agents.site_id', '=', filter.siteId);
  if (filter.subsidiaryId)
    q = q.where(sql<boolean>`${filter.subsidiaryId}::uuid = any(sites.subsidiary_ids)`);
  const agents = await q.execute();
  if (agents.length === 0) return { agents: [] };
  const ids = agents.map((a) => a.id);

  const held = await db
    .selectFrom('conversations')
    .select(['assignee_id', 'channel', sql<number>`count(*)::int`.as('n')])
    .where('assignee_id', 'in', ids)
    .where('status', '=', 'assigned')
    .groupBy(['assignee_id', 'channel'])
    .execute();
  const load = new Map<string, { total: number; perChannel: Record<string, number> }>();
  for (const h of held) {
    const id = h.assignee_id as string;
    const l = load.get(id) ?? { total: 0, perChannel: {} };
    l.total += Number(h.n);
    l.perChannel[h.channel] = (l.perChannel[h.channel] ?? 0) + Number(h.n);
    load.set(id, l);
  }

  const listed = await visibleConversations(db, ctx.actor)
    .select(['id', 'subsidiary_id', 'channel', 'subject', 'assignee_id'])
    .where('assignee_id', 'in', ids)
    .where('status', '=', 'assigned')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const conversations = new Map<string, BoardAgent['conversations']>();
  for (const c of listed) {
    const id = c.assignee_id as string;
    const list = conversations.get(id) ?? [];
    list.push({
      id: c.id,
      subsidiaryId: c.subsidiary_id,
      channel: c.channel,
      subject: c.subject,
    });
    conversations.set(id, list);
  }

  return {
    agents: agents.map((a) => {
      const capacity = a.capacity as { total: number; perChannel: Record<string, number | undefined> };
      return {
        id: a.id,
        displayName: a.display_name,
        site: { id: a.site_id, name: a.site_name, subsidiaryIds: a.subsidiary_ids },
        tier: a.tier,
        languages: a.languages,
        presence: a.presence,
        presenceSince: new Date(a.presence_since).toISOString(),
        load: load.get(a.id) ?? { total: 0, perChannel: {} },
        capacity: {
          total: capacity.total,
          perChannel: Object.fromEntries(
            Object.entries(capacity.perChannel).filter((e): e is [string, number] => e[1] !== undefined),
          ),
        },
        conversations: conversations.get(a.id) ?? [],
      };
    }),
  };
}
