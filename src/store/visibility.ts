import { type Kysely, sql } from 'kysely';
import type { Actor } from '../core/index.ts';
import type { Database } from './tables.ts';

/**
 * The one place where data scope is decided. Every read of a scoped table starts from
 * one of these builders, and every write first finds its row through them, so a rule
 * changed here changes everywhere.
 *
 * - group scope sees everything;
 * - subsidiary scope sees its subsidiary's customers and conversations, the sites that
 *   serve it and their teams and agents;
 * - site scope sees the conversations routed to its site, the customers of those
 *   conversations, its own site, teams and agents, and the subsidiaries it serves.
 */

type Executor = Kysely<Database>;

const servedBySite = (siteId: string) =>
  sql<string>`(select unnest(subsidiary_ids) from sites where id = ${siteId})`;

export function visibleSubsidiaries(db: Executor, actor: Actor) {
  const q = db.selectFrom('subsidiaries');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('subsidiaries.id', '=', s.subsidiaryId);
  if (s.kind === 'site') return q.where('subsidiaries.id', 'in', servedBySite(s.siteId));
  return q;
}

export function visibleSites(db: Executor, actor: Actor) {
  const q = db.selectFrom('sites');
  const s = actor.scope;
  if (s.kind === 'subsidiary')
    return q.where(sql<boolean>`${s.subsidiaryId}::uuid = any(sites.subsidiary_ids)`);
  if (s.kind === 'site') return q.where('sites.id', '=', s.siteId);
  return q;
}

/** Teams and agents follow their site: visible where the site is. */
const sitesServing = (subsidiaryId: string) =>
  sql<string>`(select id from sites where ${subsidiaryId}::uuid = any(subsidiary_ids))`;

export function visibleTeams(db: Executor, actor: Actor) {
  const q = db.selectFrom('teams');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('teams.site_id', 'in', sitesServing(s.subsidiaryId));
  if (s.kind === 'site') return q.where('teams.site_id', '=', s.siteId);
  return q;
}

export function visibleAgents(db: Executor, actor: Actor) {
  const q = db.selectFrom('agents');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('agents.site_id', 'in', sitesServing(s.subsidiaryId));
  if (s.kind === 'site') return q.where('agents.site_id', '=', s.siteId);
  return q;
}

/** People's accounts follow their scope: a subsidiary's, or a site's that serves it. */
export function visibleUsers(db: Executor, actor: Actor) {
  const q = db.selectFrom('users');
  const s = actor.scope;
  if (s.kind === 'subsidiary') {
    return q.where((eb) =>
      eb.or([
        eb('users.subsidiary_id', '=', s.subsidiaryId),
        eb('users.site_id', 'in', sitesServing(s.subsidiaryId)),
      ]),
    );
  }
  if (s.kind === 'site') return q.where('users.site_id', '=', s.siteId);
  return q;
}

export function visibleConversations(db: Executor, actor: Actor) {
  const q = db.selectFrom('conversations');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('conversations.subsidiary_id', '=', s.subsidiaryId);
  if (s.kind === 'site') return q.where('conversations.site_id', '=', s.siteId);
  return q;
}

/**
 * Waiting work (open, nobody's) for queue views. As {@link visibleConversations}, and a site
 * also sees the work it could take — a subsidiary it serves, in a language it speaks, at a
 * tier it works — which is linked to no site while it waits. Only queue views read it: the
 * conversation itself stays out of the site's reach until it is routed there.
 */
export function visibleWaitingConversations(db: Executor, actor: Actor) {
  const q = db
    .selectFrom('conversations')
    .where('conversations.status', '=', 'open')
    .where('conversations.assignee_id', 'is', null);
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('conversations.subsidiary_id', '=', s.subsidiaryId);
  if (s.kind === 'site') {
    const siteId = s.siteId;
    return q.where((eb) =>
      eb.or([
        eb('conversations.site_id', '=', siteId),
        eb.exists(
          eb
            .selectFrom('sites')
            .select(eb.lit(1).as('one'))
            .where('sites.id', '=', siteId)
            .where(sql<boolean>`conversations.subsidiary_id = any(sites.subsidiary_ids)`)
            .where(sql<boolean>`conversations.tier = any(sites.tiers)`)
            .where(
              sql<boolean>`exists (select 1 from jsonb_array_elements(sites.languages) l where l->>'tag' = conversations.language)`,
            ),
        ),
      ]),
    );
  }
  return q;
}

export function visibleCustomers(db: Executor, actor: Actor) {
  const q = db.selectFrom('customers');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('customers.subsidiary_id', '=', s.subsidiaryId);
  if (s.kind === 'site') {
    return q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversations')
          .select(eb.lit(1).as('one'))
          .whereRef('conversations.customer_id', '=', 'customers.id')
          .where('conversations.site_id', '=', s.siteId),
      ),
    );
  }
  return q;
}

/** Merge suggestions: seen by whoever sees both customers. */
export function visibleMergeSuggestions(db: Executor, actor: Actor) {
  const q = db.selectFrom('merge_suggestions');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('merge_suggestions.subsidiary_id', '=', s.subsidiaryId);
  if (s.kind === 'site') {
    const seen = visibleCustomers(db, actor).select('customers.id');
    return q
      .where('merge_suggestions.customer_id', 'in', seen)
      .where('merge_suggestions.other_id', 'in', seen);
  }
  return q;
}

/** Merges: seen by whoever sees the customer that was kept. */
export function visibleCustomerMerges(db: Executor, actor: Actor) {
  const q = db.selectFrom('customer_merges');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('customer_merges.subsidiary_id', '=', s.subsidiaryId);
  if (s.kind === 'site') {
    return q.where('customer_merges.target_id', 'in', visibleCustomers(db, actor).select('customers.id'));
  }
  return q;
}

/** A subsidiary's channel endpoints: seen where the subsidiary is seen. */
export function visibleEndpoints(db: Executor, actor: Actor) {
  const q = db.selectFrom('endpoints');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('endpoints.subsidiary_id', '=', s.subsidiaryId);
  if (s.kind === 'site') return q.where('endpoints.subsidiary_id', 'in', servedBySite(s.siteId));
  return q;
}

/** A subsidiary's routing queues: seen where the subsidiary is seen. */
export function visibleRoutingQueues(db: Executor, actor: Actor) {
  const q = db.selectFrom('routing_queues');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('routing_queues.subsidiary_id', '=', s.subsidiaryId);
  if (s.kind === 'site') return q.where('routing_queues.subsidiary_id', 'in', servedBySite(s.siteId));
  return q;
}

/**
 * Plans: seen by whoever sees every subsidiary planned (a group's plan is not a subsidiary's to
 * read). A site's people see none: a plan holds whole subsidiaries' volumes and every site's cost.
 */
export function visiblePlans(db: Executor, actor: Actor) {
  const q = db.selectFrom('plans');
  const s = actor.scope;
  if (s.kind === 'subsidiary')
    return q.where(sql<boolean>`plans.subsidiary_ids <@ array[${s.subsidiaryId}::uuid]`);
  if (s.kind === 'site') return q.where(sql<boolean>`false`);
  return q;
}

export function visibleAuditLog(db: Executor, actor: Actor) {
  const q = db.selectFrom('audit_log');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('audit_log.subsidiary_id', '=', s.subsidiaryId);
  if (s.kind === 'site') return q.where('audit_log.site_id', '=', s.siteId);
  return q;
}

export function visibleApiKeys(db: Executor, actor: Actor) {
  const q = db.selectFrom('api_keys');
  const s = actor.scope;
  if (s.kind === 'subsidiary') return q.where('api_keys.subsidiary_id', '=', s.subsidiaryId);
  if (s.kind === 'site') return q.where('api_keys.site_id', '=', s.siteId);
  return q;
}

/** Whether the actor may act inside this subsidiary (create its customers and conversations). */
export async function reachesSubsidiary(db: Executor, actor: Actor, subsidiaryId: string): Promise<boolean> {
  const row = await visibleSubsidiaries(db, actor)
    .select('id')
    .where('id', '=', subsidiaryId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the actor may act at this site (its teams, agents, conversations routed there). */
export async function reachesSite(db: Executor, actor: Actor, siteId: string): Promise<boolean> {
  const row = await visibleSites(db, actor).select('id').where('id', '=', siteId).executeTakeFirst();
  return row !== undefined;
}

/** Whether the actor manages this site's own records (its teams and agents): group or that site. */
export function managesSite(actor: Actor, siteId: string): boolean {
  return actor.scope.kind === 'group' || (actor.scope.kind === 'site' && actor.scope.siteId === siteId);
}

/** Whether the actor manages this subsidiary's own settings: group or that subsidiary. */
export function managesSubsidiary(actor: Actor, subsidiaryId: string): boolean {
  return (
    actor.scope.kind === 'group' ||
    (actor.scope.kind === 'subsidiary' && actor.scope.subsidiaryId === subsidiaryId)
  );
}
