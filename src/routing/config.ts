// The router's configuration in the store: each subsidiary's routing policy (score weights,
// language fallbacks, the plan's target shares) and its queues (rings that widen as work
// waits). Configuration the router would refuse is refused here, before it is stored.
import { z } from 'zod';
import {
  type Context,
  DomainError,
  distinctBy,
  type FieldIssue,
  LanguageTag,
  newId,
  notFound,
  Proficiency,
  SkillName,
  Text,
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
  visibleRoutingQueues,
  visibleSubsidiaries,
} from '../store/index.ts';
import { Router } from './engine.ts';
import { DEFAULT_WEIGHTS } from './score.ts';
import type {
  QueuePolicy,
  Ring,
  RoutingSite,
  ScoreWeights,
  SkillRequirement,
  SubsidiaryPolicy,
} from './types.ts';

// ---- schemas ---------------------------------------------------------------------------

const Weight = z.number().describe('any number ≥ 0; the parts need not add up to one');

/** A subsidiary's weights: a part left out keeps its default. */
export const RoutingWeights = z
  .object({
    cost: Weight.optional(),
    quality: Weight.optional(),
    share: Weight.optional(),
    proficiency: Weight.optional(),
    fairness: Weight.optional(),
    preferred: Weight.optional(),
  })
  .strict();
export type RoutingWeights = z.infer<typeof RoutingWeights>;

export const LanguageFallbackInput = z
  .object({
    language: LanguageTag.describe("the customer's language"),
    fallback: LanguageTag.describe('the language accepted in its place after the wait'),
    afterSeconds: z.number().int().min(0).max(86_400),
  })
  .strict();

/** What an administrator sets: the whole policy (a field left out takes its default). */
export const RoutingPolicyInput = z
  .object({
    weights: RoutingWeights.default({}),
    fallbacks: z.array(LanguageFallbackInput).max(50).default([]),
    targetShares: z
      .record(z.uuid(), z.number())
      .default({})
      .describe("site id → share (0–1) of the subsidiary's contacts; empty: equal shares over its sites"),
  })
  .strict();
export type RoutingPolicyInput = z.infer<typeof RoutingPolicyInput>;

export const RoutingPolicyView = z.object({
  subsidiaryId: z.uuid(),
  weights: RoutingWeights,
  /** The weights the router uses: the subsidiary's, and the defaults for the parts it left out. */
  effectiveWeights: z.object({
    cost: z.number(),
    quality: z.number(),
    share: z.number(),
    proficiency: z.number(),
    fairness: z.number(),
    preferred: z.number(),
  }),
  fallbacks: z.array(z.object({ language: z.string(), fallback: z.string(), afterSeconds: z.number() })),
  targetShares: z.record(z.string(), z.number()),
  /** True while the subsidiary has not set a policy of its own. */
  isDefault: z.boolean(),
  version: z.number().int(),
  updatedAt: z.iso.datetime().nullable(),
});
export type RoutingPolicyView = z.infer<typeof RoutingPolicyView>;

const SkillNeed = z.object({ name: SkillName, minProficiency: Proficiency.default(1) }).strict();
const SkillNeeds = z
  .array(SkillNeed)
  .max(20)
  .superRefine(distinctBy((s) => s.name, 'skill'));

export const RingInput = z
  .object({
    afterSeconds: z.number().int().min(0).max(604_800).describe('from this much waiting on'),
    sites: z
      .array(z.uuid())
      .max(100)
      .superRefine(distinctBy((s) => s, 'site'))
      .nullable()
      .describe('null: every site serving the subsidiary'),
    optionalSkills: z
      .union([z.enum(['all', 'none']), z.array(SkillName).max(20)])
      .optional()
      .describe('the optional skills this ring still demands; left out: as the ring before (the first: all)'),
    dropSkills: z
      .array(SkillName)
      .max(20)
      .optional()
      .describe('optional skills this ring stops demanding (instead of optionalSkills)'),
  })
  .strict();
export type RingInput = z.infer<typeof RingInput>;

const queueFields = {
  name: Text(200),
  requiredSkills: SkillNeeds.describe('never relaxed: added to the conversation’s own required skills'),
  optionalSkills: SkillNeeds.describe('demanded by the early rings, dropped by later ones'),
  rings: z.array(RingInput).min(1).max(10),
};

export const RoutingQueueCreate = z
  .object({
    subsidiaryId: z.uuid(),
    ...queueFields,
    requiredSkills: queueFields.requiredSkills.default([]),
    optionalSkills: queueFields.optionalSkills.default([]),
  })
  .strict();
export type RoutingQueueCreate = z.infer<typeof RoutingQueueCreate>;

export const RoutingQueueUpdate = z.object(queueFields).partial().strict();
export type RoutingQueueUpdate = z.infer<typeof RoutingQueueUpdate>;

export const RoutingQueue = z.object({
  id: z.uuid(),
  subsidiaryId: z.uuid(),
  name: z.string(),
  requiredSkills: z.array(z.object({ name: z.string(), minProficiency: z.number().int() })),
  optionalSkills: z.array(z.object({ name: z.string(), minProficiency: z.number().int() })),
  rings: z.array(
    z.object({
      afterSeconds: z.number().int(),
      sites: z.array(z.uuid()).nullable(),
      optionalSkills: z.union([z.enum(['all', 'none']), z.array(z.string())]).optional(),
      dropSkills: z.array(z.string()).optional(),
    }),
  ),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type RoutingQueue = z.infer<typeof RoutingQueue>;

export const RoutingQueueFilter = z.object({ subsidiaryId: z.uuid().optional() });
export type RoutingQueueFilter = z.infer<typeof RoutingQueueFilter>;

// ---- from the store to the router ------------------------------------------------------

/** What the checks need to know of a site: who it is, whom it serves, what it speaks. */
export interface SiteFacts {
  id: string;
  code: string;
  subsidiaryIds: string[];
  languages: string[];
}

const siteFacts = (row: Pick<Row<'sites'>, 'id' | 'code' | 'subsidiary_ids' | 'languages'>): SiteFacts => ({
  id: row.id,
  code: row.code,
  subsidiaryIds: row.subsidiary_ids,
  languages: row.languages.map((l) => l.tag),
});

/**
 * A subsidiary's policy as the router takes it. Target shares are kept only for sites that
 * still serve the subsidiary (a site the group stopped sending its work to has none), and
 * an empty plan means equal shares.
 */
export function subsidiaryPolicy(
  subsidiaryId: string,
  row: Pick<Row<'routing_policies'>, 'weights' | 'fallbacks' | 'target_shares'> | undefined,
  servingSiteIds: ReadonlySet<string>,
): SubsidiaryPolicy {
  if (!row) return { id: subsidiaryId };
  const shares = Object.entries(row.target_shares).filter(([siteId]) => servingSiteIds.has(siteId));
  return {
    id: subsidiaryId,
    weights: row.weights as Partial<ScoreWeights>,
    fallbacks: row.fallbacks,
    ...(shares.length > 0 ? { targetShares: Object.fromEntries(shares) } : {}),
  };
}

/**
 * The rings as the router reads them: `dropSkills` and rings that say nothing about skills
 * become the list of optional skills each ring still demands.
 */
export function engineRings(optionalSkills: SkillRequirement[], rings: RingInput[]): Ring[] {
  const all = optionalSkills.map((s) => s.name);
  let demanded = new Set(all);
  return rings.map((ring, i) => {
    if (ring.optionalSkills !== undefined)
      demanded = new Set(
        ring.optionalSkills === 'all' ? all : ring.optionalSkills === 'none' ? [] : ring.optionalSkills,
      );
    else if (ring.dropSkills) demanded = new Set([...demanded].filter((s) => !ring.dropSkills?.includes(s)));
    else if (i === 0) demanded = new Set(all);
    const names = all.filter((s) => demanded.has(s));
    const optional: Ring['optionalSkills'] =
      names.length === 0 ? 'none' : names.length === all.length ? 'all' : names;
    return { afterSeconds: ring.afterSeconds, sites: ring.sites, optionalSkills: optional };
  });
}

export const queuePolicy = (
  row: Pick<Row<'routing_queues'>, 'id' | 'optional_skills' | 'rings'>,
): QueuePolicy => ({
  id: row.id,
  rings: engineRings(row.optional_skills, row.rings),
});

// ---- checks (pure) ---------------------------------------------------------------------

const WEIGHT_NAMES = Object.keys(DEFAULT_WEIGHTS) as Array<keyof ScoreWeights>;

/** Every problem of a policy for this subsidiary, each naming its field. */
export function policyIssues(
  subsidiary: { id: string; code: string },
  input: RoutingPolicyInput,
  sites: SiteFacts[],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const serving = sites.filter((s) => s.subsidiaryIds.includes(subsidiary.id));
  for (const name of WEIGHT_NAMES) {
    const w = input.weights[name];
    if (w !== undefined && !(w >= 0))
      issues.push({ path: `weights.${name}`, message: `a weight is ≥ 0 (got ${w})` });
  }
  const seen = new Map<string, number>();
  input.fallbacks.forEach((f, j) => {
    const first = seen.get(f.language);
    if (first !== undefined)
      issues.push({
        path: `fallbacks.${j}.language`,
        message: `${f.language} has a fallback already (fallbacks.${first})`,
      });
    else seen.set(f.language, j);
    if (f.fallback === f.language)
      issues.push({
        path: `fallbacks.${j}.fallback`,
        message: `${f.language} falls back to itself: a fallback names another language`,
      });
    else if (!serving.some((s) => s.languages.includes(f.fallback)))
      issues.push({
        path: `fallbacks.${j}.fallback`,
        message: `no site serving ${subsidiary.code} speaks ${f.fallback}`,
      });
  });
  let total = 0;
  for (const [siteId, share] of Object.entries(input.targetShares)) {
    const path = `targetShares.${siteId}`;
    const site = sites.find((s) => s.id === siteId);
    if (!site) issues.push({ path, message: `no site has id ${siteId}` });
    else if (!site.subsidiaryIds.includes(subsidiary.id))
      issues.push({ path, message: `site ${site.code} does not serve ${subsidiary.code}` });
    if (!(share >= 0 && share <= 1))
      issues.push({ path, message: `a share is between 0 and 1 (got ${share})` });
    else total += share;
  }
  if (total > 1 + 1e-9)
    issues.push({
      path: 'targetShares',
      message: `the shares add up to ${Math.round(total * 1000) / 1000}; at most 1`,
    });
  return issues;
}

type QueueShape = Pick<RoutingQueueCreate, 'requiredSkills' | 'optionalSkills' | 'rings'>;

/** Every problem of a queue of this subsidiary, each naming its field. */
export function queueIssues(
  subsidiary: { id: string; code: string },
  queue: QueueShape,
  sites: SiteFacts[],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const required = new Set(queue.requiredSkills.map((s) => s.name));
  const optional = new Set(queue.optionalSkills.map((s) => s.name));
  queue.optionalSkills.forEach((s, i) => {
    if (required.has(s.name))
      issues.push({ path: `optionalSkills.${i}.name`, message: `${s.name} is a required skill already` });
  });
  // A skill a ring names must be one of the queue's optional skills; naming a required one is dropping it.
  const named = (name: string, ring: number, path: string, verb: 'drops' | 'lists'): void => {
    if (required.has(name))
      issues.push({
        path,
        message:
          verb === 'drops'
            ? `ring ${ring} drops required skill ${name}; required skills never relax`
            : `ring ${ring} lists required skill ${name} as optional; required skills never relax`,
      });
    else if (!optional.has(name))
      issues.push({
        path,
        message: `ring ${ring} names ${name}, which is not one of the queue's optional skills`,
      });
  };
  const effective = engineRings(queue.optionalSkills, queue.rings);
  const siteCode = (id: string): string => sites.find((s) => s.id === id)?.code ?? id;
  queue.rings.forEach((ring, i) => {
    const at = `rings.${i}`;
    const prev = queue.rings[i - 1];
    if (i === 0 && ring.afterSeconds !== 0)
      issues.push({ path: `${at}.afterSeconds`, message: 'the first ring starts at 0 s' });
    if (prev && !(ring.afterSeconds > prev.afterSeconds))
      issues.push({
        path: `${at}.afterSeconds`,
        message: `ring ${i} starts at ${ring.afterSeconds} s, not after ring ${i - 1} (${prev.afterSeconds} s): each ring starts later than the one before`,
      });
    (ring.sites ?? []).forEach((id, k) => {
      const site = sites.find((s) => s.id === id);
      if (!site) issues.push({ path: `${at}.sites.${k}`, message: `no site has id ${id}` });
      else if (!site.subsidiaryIds.includes(subsidiary.id))
        issues.push({
          path: `${at}.sites.${k}`,
          message: `site ${site.code} does not serve ${subsidiary.code}`,
        });
    });
    if (prev && ring.sites !== null) {
      if (prev.sites === null)
        issues.push({
          path: `${at}.sites`,
          message: `ring ${i - 1} takes every site serving ${subsidiary.code}; ring ${i} may not name fewer: rings only widen`,
        });
      else
        for (const id of prev.sites)
          if (!ring.sites.includes(id))
            issues.push({
              path: `${at}.sites`,
              message: `ring ${i} leaves out site ${siteCode(id)} of ring ${i - 1}: rings only widen`,
            });
    }
    if (ring.optionalSkills !== undefined && ring.dropSkills !== undefined)
      issues.push({ path: at, message: 'give optionalSkills or dropSkills, not both' });
    (ring.dropSkills ?? []).forEach((name, k) => {
      named(name, i, `${at}.dropSkills.${k}`, 'drops');
    });
    if (Array.isArray(ring.optionalSkills))
      ring.optionalSkills.forEach((name, k) => {
        named(name, i, `${at}.optionalSkills.${k}`, 'lists');
      });
    const now = effective[i]?.optionalSkills;
    const before = effective[i - 1]?.optionalSkills;
    if (before !== undefined && now !== undefined) {
      const set = (o: Ring['optionalSkills']): string[] =>
        o === 'all' ? [...optional] : o === 'none' ? [] : o;
      const back = set(now).filter((s) => !set(before).includes(s));
      if (back.length > 0)
        issues.push({
          path: `${at}.optionalSkills`,
          message: `ring ${i} demands ${back.join(', ')} again, which ring ${i - 1} dropped: rings only widen`,
        });
    }
  });
  return issues;
}

/**
 * The sites as the engine's check needs them: which exist and whom they serve. Their hours
 * are theirs to check (the site's own API does), so here every site counts as open — also
 * one that serves no subsidiary yet, as a newly created site does.
 */
const ALL_DAY = { start: '00:00', end: '24:00' };
const ALWAYS: SiteCalendar = {
  weekly: {
    mon: [ALL_DAY],
    tue: [ALL_DAY],
    wed: [ALL_DAY],
    thu: [ALL_DAY],
    fri: [ALL_DAY],
    sat: [ALL_DAY],
    sun: [ALL_DAY],
  },
  holidays: [],
  exceptions: [],
};
const checkedSite = (site: SiteFacts): RoutingSite => ({
  id: site.id,
  timeZone: 'UTC',
  calendar: ALWAYS,
  subsidiaryIds: site.subsidiaryIds,
  costPerContact: 0,
  qualityIndex: 0,
  alwaysOpenFor: site.subsidiaryIds,
});

/**
 * Build a router with the candidate configuration, so that nothing the router would refuse
 * is stored; its problems are returned with the field names of the API (`prefix` stripped).
 */
function engineIssues(
  world: { subsidiaries?: SubsidiaryPolicy[]; queues?: QueuePolicy[] },
  sites: SiteFacts[],
  prefix: string,
): FieldIssue[] {
  try {
    new Router({
      sites: sites.map(checkedSite),
      subsidiaries: world.subsidiaries ?? [],
      queues: world.queues,
    });
    return [];
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'validation_failed') throw error;
    return error.issues.map((i) => ({
      path: i.path.startsWith(prefix) ? i.path.slice(prefix.length) : i.path,
      message: i.message,
    }));
  }
}

function refuse(issues: FieldIssue[]): void {
  if (issues.length > 0)
    throw new DomainError(
      'validation_failed',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    );
}

// ---- routing policy --------------------------------------------------------------------

async function allSites(db: Db): Promise<SiteFacts[]> {
  const rows = await db.selectFrom('sites').select(['id', 'code', 'subsidiary_ids', 'languages']).execute();
  return rows.map(siteFacts);
}

const policyView = (subsidiaryId: string, row: Row<'routing_policies'> | undefined): RoutingPolicyView => {
  const weights = (row?.weights ?? {}) as RoutingWeights;
  return {
    subsidiaryId,
    weights,
    effectiveWeights: { ...DEFAULT_WEIGHTS, ...weights },
    fallbacks: row?.fallbacks ?? [],
    targetShares: row?.target_shares ?? {},
    isDefault: row === undefined,
    version: row?.version ?? 0,
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
  };
};

const loadPolicy = (db: Db, subsidiaryId: string) =>
  db.selectFrom('routing_policies').selectAll().where('subsidiary_id', '=', subsidiaryId).executeTakeFirst();

/** A subsidiary's routing policy (the defaults, version 0, until it sets one). */
export async function getRoutingPolicy(
  db: Db,
  ctx: Context,
  subsidiaryId: string,
): Promise<RoutingPolicyView> {
  const subsidiary = await visibleSubsidiaries(db, ctx.actor)
    .select('id')
    .where('id', '=', subsidiaryId)
    .executeTakeFirst();
  if (!subsidiary) throw notFound('subsidiary', subsidiaryId);
  return policyView(subsidiaryId, await loadPolicy(db, subsidiaryId));
}

/**
 * Set a subsidiary's routing policy: its own administrators or the group's, from the
 * version they read (0 for the defaults). Refused, naming each field, when the router
 * could not use it; the running service picks it up at its next sync.
 */
export async function setRoutingPolicy(
  trx: Db,
  ctx: Context,
  subsidiaryId: string,
  expectedVersion: number | undefined,
  input: RoutingPolicyInput,
): Promise<RoutingPolicyView> {
  // Locked: two administrators setting the policy at once are taken one after the other.
  const subsidiary = await visibleSubsidiaries(trx, ctx.actor)
    .select(['id', 'code'])
    .where('id', '=', subsidiaryId)
    .forUpdate()
    .executeTakeFirst();
  if (!subsidiary) throw notFound('subsidiary', subsidiaryId);
  if (ctx.actor.scope.kind === 'site')
    throw new DomainError(
      'forbidden',
      "only the subsidiary's or the group's administrators may set its routing policy",
    );
  const current = await loadPolicy(trx, subsidiaryId);
  assertVersion('routing policy', current?.version ?? 0, expectedVersion);
  const sites = await allSites(trx);
  refuse(policyIssues(subsidiary, input, sites));
  const candidate: SubsidiaryPolicy = {
    id: subsidiaryId,
    weights: input.weights as Partial<ScoreWeights>,
    fallbacks: input.fallbacks,
    ...(Object.keys(input.targetShares).length > 0 ? { targetShares: input.targetShares } : {}),
  };
  refuse(engineIssues({ subsidiaries: [candidate] }, sites, 'subsidiaries.0.'));
  const values = {
    weights: JSON.stringify(input.weights),
    fallbacks: JSON.stringify(input.fallbacks),
    target_shares: JSON.stringify(input.targetShares),
    updated_at: ctx.now,
  };
  await trx
    .insertInto('routing_policies')
    .values({ subsidiary_id: subsidiaryId, ...values })
    .onConflict((oc) =>
      oc.column('subsidiary_id').doUpdateSet((eb) => ({
        ...values,
        version: eb('routing_policies.version', '+', 1),
      })),
    )
    .execute();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'routing_policy',
    entityId: subsidiaryId,
    subsidiaryId,
    changes: input,
  });
  return policyView(subsidiaryId, await loadPolicy(trx, subsidiaryId));
}

// ---- routing queues --------------------------------------------------------------------

const toQueue = (r: Row<'routing_queues'>): RoutingQueue => ({
  id: r.id,
  subsidiaryId: r.subsidiary_id,
  name: r.name,
  requiredSkills: r.required_skills,
  optionalSkills: r.optional_skills,
  rings: r.rings,
  version: r.version,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** The subsidiary of a queue, if the actor may change its queues: its administrators or the group's. */
async function managedSubsidiary(trx: Db, ctx: Context, subsidiaryId: string, path: string) {
  const subsidiary = await visibleSubsidiaries(trx, ctx.actor)
    .select(['id', 'code'])
    .where('id', '=', subsidiaryId)
    .executeTakeFirst();
  if (!subsidiary)
    throw new DomainError('validation_failed', `${path}: is not a subsidiary you can reach`, [
      { path, message: 'is not a subsidiary you can reach' },
    ]);
  if (ctx.actor.scope.kind === 'site')
    throw new DomainError(
      'forbidden',
      "only the subsidiary's or the group's administrators may change its queues",
    );
  return subsidiary;
}

async function checkQueue(
  trx: Db,
  subsidiary: { id: string; code: string },
  queue: QueueShape & { id: string; name: string },
): Promise<void> {
  const sites = await allSites(trx);
  refuse(queueIssues(subsidiary, queue, sites));
  const policy: QueuePolicy = { id: queue.id, rings: engineRings(queue.optionalSkills, queue.rings) };
  refuse(engineIssues({ subsidiaries: [{ id: subsidiary.id }], queues: [policy] }, sites, 'queues.0.'));
  const clash = await trx
    .selectFrom('routing_queues')
    .select('id')
    .where('subsidiary_id', '=', subsidiary.id)
    .where('name', '=', queue.name)
    .where('id', '<>', queue.id)
    .executeTakeFirst();
  if (clash) {
    const message = `${subsidiary.code} has a queue named ${queue.name} already`;
    throw new DomainError('conflict', `name: ${message}`, [{ path: 'name', message }]);
  }
}

export async function listRoutingQueues(
  db: Db,
  ctx: Context,
  filter: RoutingQueueFilter,
  page: PageQuery,
): Promise<Page<RoutingQueue>> {
  let q = visibleRoutingQueues(db, ctx.actor).selectAll();
  if (filter.subsidiaryId) q = q.where('subsidiary_id', '=', filter.subsidiaryId);
  const result = await paginate(q, 'routing_queues.id', page);
  return { items: result.items.map(toQueue), nextCursor: result.nextCursor };
}

export async function getRoutingQueue(db: Db, ctx: Context, id: string): Promise<RoutingQueue> {
  const row = await visibleRoutingQueues(db, ctx.actor).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('routing queue', id);
  return toQueue(row);
}

/** Add a queue to a subsidiary: its administrators or the group's. */
export async function createRoutingQueue(
  trx: Db,
  ctx: Context,
  input: RoutingQueueCreate,
): Promise<RoutingQueue> {
  const subsidiary = await managedSubsidiary(trx, ctx, input.subsidiaryId, 'subsidiaryId');
  const id = newId();
  await checkQueue(trx, subsidiary, { id, ...input });
  const row = await trx
    .insertInto('routing_queues')
    .values({
      id,
      subsidiary_id: subsidiary.id,
      name: input.name,
      required_skills: JSON.stringify(input.requiredSkills),
      optional_skills: JSON.stringify(input.optionalSkills),
      rings: JSON.stringify(input.rings),
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'routing_queue',
    entityId: id,
    subsidiaryId: subsidiary.id,
    changes: input,
  });
  return toQueue(row);
}

async function lockQueue(trx: Db, ctx: Context, id: string, expectedVersion: number | undefined) {
  const current = await visibleRoutingQueues(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('routing queue', id);
  const subsidiary = await managedSubsidiary(trx, ctx, current.subsidiary_id, 'subsidiaryId');
  assertVersion('routing queue', current.version, expectedVersion);
  return { current, subsidiary };
}

/** Change a queue's name, skills or rings; conversations in it are routed by the new rings from the next sync. */
export async function updateRoutingQueue(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: RoutingQueueUpdate,
): Promise<RoutingQueue> {
  const { current, subsidiary } = await lockQueue(trx, ctx, id, expectedVersion);
  const next = {
    id,
    name: input.name ?? current.name,
    requiredSkills: input.requiredSkills ?? current.required_skills,
    optionalSkills: input.optionalSkills ?? current.optional_skills,
    rings: input.rings ?? current.rings,
  };
  await checkQueue(trx, subsidiary, next);
  const row = await trx
    .updateTable('routing_queues')
    .set((eb) => ({
      name: next.name,
      required_skills: JSON.stringify(next.requiredSkills),
      optional_skills: JSON.stringify(next.optionalSkills),
      rings: JSON.stringify(next.rings),
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'routing_queue',
    entityId: id,
    subsidiaryId: subsidiary.id,
    changes: input,
  });
  return toQueue(row);
}

/** Remove a queue: conversations routed through it are routed without a queue from then on. */
export async function deleteRoutingQueue(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const { subsidiary } = await lockQueue(trx, ctx, id, expectedVersion);
  const detached = await trx
    .updateTable('conversations')
    .set((eb) => ({ queue_id: null, version: eb('version', '+', 1), updated_at: ctx.now }))
    .where('queue_id', '=', id)
    .returning('id')
    .execute();
  await trx.deleteFrom('routing_queues').where('id', '=', id).execute();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'delete',
    entity: 'routing_queue',
    entityId: id,
    subsidiaryId: subsidiary.id,
    changes: { conversationsDetached: detached.length },
  });
}
