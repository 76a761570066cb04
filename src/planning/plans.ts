// Plans kept in the store: what an administrator asked for, the bestshore plan of it with the
// scenarios compared with it, read back in the caller's scope, downloaded as CSV, and the target
// shares a plan gives each subsidiary's routing policy when it is applied.
import { z } from 'zod';
import {
  assertCan,
  type Context,
  CurrencyCode,
  DomainError,
  type FieldIssue,
  LanguageTag,
  newId,
  notFound,
} from '../core/index.ts';
import { type Db, type Row, recordAudit, visiblePlans, visibleSubsidiaries } from '../store/index.ts';
import { planAside } from './aside.ts';
import { MAX_FORECAST_WEEKS, MIN_INTERVAL_MINUTES } from './history.ts';
import { applyWhatIf, type ScenarioRow, type WhatIf } from './scenarios.ts';
import type { PlanResult, StaffRow } from './sitemix.ts';
import { type PlanInput, PlanRules, PlanSite } from './sitemix-input.ts';
import { planInputFromStore } from './sitemix-store.ts';

/** Each solve of a plan stops after this long with the best plan found (its gap is in the result). */
export const PLAN_TIME_LIMIT_SECONDS = 30;
export const MAX_WHAT_IFS = 10;

const Factor = (what: string) =>
  z.number().min(0, `a ${what} factor is 0 or more (1.1 for +10%)`).max(10, `a ${what} factor is at most 10`);

/** A what-if compared with the bestshore plan (src/planning/scenarios.ts). */
export const WhatIfInput = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('site_cost'),
      site: z.string().min(1).max(100).describe("a site's code or id"),
      factor: Factor('cost').refine((f) => f > 0, 'a cost factor is above 0'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('volume'),
      factor: Factor('volume'),
      from: z.string().min(10).max(40).optional().describe('a date or an instant; from the start if absent'),
      to: z.string().min(10).max(40).optional().describe('a date or an instant; to the end if absent'),
      subsidiary: z.string().min(1).max(100).optional().describe("a subsidiary's code or id; all if absent"),
    })
    .strict(),
  z
    .object({
      kind: z.literal('new_language'),
      subsidiary: z.string().min(1).max(100),
      language: LanguageTag,
      like: LanguageTag.describe('the language whose volumes it is modelled on'),
      share: z.number().gt(0).max(10).describe("its volume as a share of the model language's"),
    })
    .strict(),
  z.object({ kind: z.literal('new_site'), site: PlanSite }).strict(),
]);

/** What `POST /api/plans` takes. */
export const PlanRequest = z
  .object({
    start: z.iso.date('must be a date, YYYY-MM-DD').describe('the first day of the plan, from 00:00 UTC'),
    weeks: z
      .number()
      .int('must be a whole number of weeks')
      .min(1, `must be 1 to ${MAX_FORECAST_WEEKS} weeks`)
      .max(MAX_FORECAST_WEEKS, `must be 1 to ${MAX_FORECAST_WEEKS} weeks`)
      .default(1),
    intervalMinutes: z
      .number()
      .int('must be a whole number of minutes')
      .min(MIN_INTERVAL_MINUTES, `must be at least ${MIN_INTERVAL_MINUTES} minutes`)
      .max(240, 'must be at most 240 minutes')
      .refine((m) => 1440 % m === 0, 'must divide the day (15, 30 or 60, say)')
      .default(30),
    currency: CurrencyCode.optional().describe(
      "the plan's currency; the first site's cost currency if absent",
    ),
    rates: z
      .record(z.string().regex(/^[A-Z]{3}$/, 'is a currency code'), z.number().positive('a rate is above 0'))
      .optional()
      .describe("currency → the value of one unit in the plan's currency, for sites paid in another"),
    rules: PlanRules.optional().describe('onshore tiers, residency, minimum quality, partner shares'),
    whatIfs: z.array(WhatIfInput).max(MAX_WHAT_IFS).default([]),
    subsidiaryIds: z
      .array(z.uuid('must be a subsidiary id'))
      .min(1)
      .max(100)
      .optional()
      .describe('plan only these subsidiaries; every subsidiary you see if absent'),
  })
  .strict();
export type PlanRequest = z.infer<typeof PlanRequest>;

// ---- views ------------------------------------------------------------------------------

const PlanReasonView = z.object({
  code: z.string(),
  message: z.string().describe('in English; the code and the fields say the same for translation'),
  subsidiary: z.string().optional(),
  language: z.string().optional(),
  tier: z.string().optional(),
  channel: z.string().optional(),
  site: z.string().optional(),
  partner: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  figures: z.record(z.string(), z.number()).optional(),
});

const Share = z.number().nullable();

export const PlanResultView = z.object({
  status: z.enum(['planned', 'no_plan']),
  placement: z.enum(['bestshore', 'onshore', 'offshore']),
  reasons: z.array(PlanReasonView),
  warnings: z.array(PlanReasonView),
  currency: z.string(),
  start: z.string(),
  intervalMinutes: z.number(),
  intervals: z.number(),
  totals: z.object({
    cost: z.number(),
    agentHours: z.number(),
    scheduledHours: z.number(),
    contacts: z.number(),
    serviceLevel: Share,
    abandonment: Share,
    quality: Share,
    onshoreShare: z.number(),
    waitedForOpening: z.number(),
  }),
  sites: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      name: z.string(),
      country: z.string(),
      operator: z.enum(['in_house', 'partner']),
      partnerName: z.string().nullable(),
      cost: z.number(),
      agentHours: z.number(),
      contacts: z.number(),
      share: z.number(),
      peakScheduled: z.number(),
      seats: z.number(),
    }),
  ),
  staff: z.array(
    z.object({
      siteId: z.string(),
      site: z.string(),
      interval: z.number(),
      start: z.string(),
      subsidiary: z.string(),
      language: z.string(),
      tier: z.string(),
      channel: z.string(),
      contacts: z.number(),
      agents: z.number(),
      scheduled: z.number(),
    }),
  ),
  shares: z
    .record(z.string(), z.record(z.string(), z.number()))
    .describe("subsidiary id → site id → the site's share of the subsidiary's contacts"),
  solver: z.object({
    method: z.enum(['highs-mip', 'greedy']),
    status: z.string(),
    seconds: z.number(),
    gap: z.number().nullable(),
    columns: z.number(),
    rows: z.number(),
    integers: z.number(),
  }),
});

/** A scenario's row, with what it is (for people who read it in another language than the name's). */
export const PlanScenarioView = z.object({
  kind: z.enum(['bestshore', 'onshore', 'offshore', 'what_if']),
  whatIf: z.record(z.string(), z.unknown()).optional(),
  name: z.string(),
  placement: z.enum(['bestshore', 'onshore', 'offshore']),
  status: z.enum(['planned', 'no_plan']),
  cost: z.number(),
  againstBestshore: Share.describe('cost ÷ the bestshore cost (1.12: 12% dearer)'),
  serviceLevel: Share,
  abandonment: Share,
  quality: Share,
  onshoreShare: z.number(),
  agentHours: z.number(),
  reasons: z.array(z.string()),
  details: z
    .array(PlanReasonView)
    .optional()
    .describe('why it has no plan, with codes and fields (absent from plans made before it was kept)'),
  seconds: z.number(),
});
export type PlanScenario = ScenarioRow & {
  kind: 'bestshore' | 'onshore' | 'offshore' | 'what_if';
  whatIf?: WhatIf;
};

export const PlanSummaryView = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  start: z.iso.datetime(),
  weeks: z.number().int(),
  intervalMinutes: z.number().int(),
  intervals: z.number().int(),
  subsidiaryIds: z.array(z.uuid()),
  status: z.enum(['planned', 'no_plan']),
  currency: z.string(),
  cost: z.number(),
  appliedAt: z.iso.datetime().nullable(),
  appliedBy: z.string().nullable(),
});
export type PlanSummary = z.infer<typeof PlanSummaryView>;

export const PlanView = PlanSummaryView.extend({
  options: z.record(z.string(), z.unknown()).describe('the request, its defaults filled in'),
  result: PlanResultView,
  scenarios: z.array(PlanScenarioView),
});
export interface Plan extends PlanSummary {
  options: PlanRequest;
  result: PlanResult;
  scenarios: PlanScenario[];
}

const SUMMARY_COLUMNS = [
  'id',
  'created_at',
  'created_by',
  'start',
  'weeks',
  'interval_minutes',
  'intervals',
  'subsidiary_ids',
  'status',
  'currency',
  'cost',
  'applied_at',
  'applied_by',
] as const;

type SummaryRow = Pick<Row<'plans'>, (typeof SUMMARY_COLUMNS)[number]>;

const iso = (d: Date | string) => new Date(d).toISOString();

const toSummary = (r: SummaryRow): PlanSummary => ({
  id: r.id,
  createdAt: iso(r.created_at),
  createdBy: r.created_by,
  start: iso(r.start),
  weeks: r.weeks,
  intervalMinutes: r.interval_minutes,
  intervals: r.intervals,
  subsidiaryIds: r.subsidiary_ids,
  status: r.status,
  currency: r.currency,
  cost: Number(r.cost),
  appliedAt: r.applied_at ? iso(r.applied_at) : null,
  appliedBy: r.applied_by,
});

const toPlan = (r: Row<'plans'>): Plan => ({
  ...toSummary(r),
  options: r.options as PlanRequest,
  result: r.result as PlanResult,
  scenarios: r.scenarios as PlanScenario[],
});

// ---- planning ---------------------------------------------------------------------------

/** Plans cover whole subsidiaries: their forecast and every site's cost. */
function assertMayPlan(ctx: Context): void {
  assertCan(ctx.actor, 'plans:write');
  if (ctx.actor.scope.kind === 'site')
    throw new DomainError(
      'forbidden',
      "plans cover whole subsidiaries; only a subsidiary's or the group's administrators plan",
    );
}

/** A what-if's problem named where the request has it: `whatIfs.2.site`, not `whatIf.site`. */
function whatIfIssues(input: PlanInput, whatIfs: WhatIf[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  whatIfs.forEach((whatIf, i) => {
    try {
      applyWhatIf(input, whatIf);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'validation_failed') throw error;
      const found = error.issues.length > 0 ? error.issues : [{ path: 'whatIf', message: error.message }];
      for (const issue of found)
        issues.push({ path: issue.path.replace(/^whatIf(?=\.|$)/, `whatIfs.${i}`), message: issue.message });
    }
  });
  return issues;
}

/** A plan solved and not yet stored. */
export interface SolvedPlan {
  request: PlanRequest;
  input: PlanInput;
  result: PlanResult;
  scenarios: PlanScenario[];
}

/**
 * Plans what a request asks: the input from the store (the subsidiaries asked for among those
 * the caller sees, their sites, the forecast of their history), then bestshore, all onshore, all
 * offshore and each what-if. Writes nothing; a request that cannot be planned is refused naming
 * its field. The solves run in a worker thread (planAside), not on the caller's.
 */
export async function solvePlanRequest(db: Db, ctx: Context, request: PlanRequest): Promise<SolvedPlan> {
  assertMayPlan(ctx);
  if (request.subsidiaryIds) {
    const seen = new Set(
      (await visibleSubsidiaries(db, ctx.actor).select('id').execute()).map((s) => s.id as string),
    );
    const issues = request.subsidiaryIds.flatMap((id, i) =>
      seen.has(id) ? [] : [{ path: `subsidiaryIds.${i}`, message: 'is not a subsidiary you can reach' }],
    );
    if (issues.length > 0)
      throw new DomainError(
        'validation_failed',
        issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        issues,
      );
  }
  const input = await planInputFromStore(db, ctx, {
    start: new Date(`${request.start}T00:00:00Z`),
    weeks: request.weeks,
    intervalMinutes: request.intervalMinutes,
    ...(request.currency ? { currency: request.currency } : {}),
    ...(request.rates ? { rates: request.rates } : {}),
    ...(request.rules ? { rules: request.rules } : {}),
    ...(request.subsidiaryIds ? { subsidiaryIds: request.subsidiaryIds } : {}),
  });
  const whatIfs = request.whatIfs as WhatIf[];
  const issues = whatIfIssues(input, whatIfs);
  if (issues.length > 0)
    throw new DomainError(
      'validation_failed',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    );
  // In a worker thread: HiGHS solves synchronously, and the server keeps answering meanwhile.
  const { plan: bestshore, scenarios: compared } = await planAside(input, whatIfs, {
    timeLimitSeconds: PLAN_TIME_LIMIT_SECONDS,
  });
  const rows = compared ?? [];
  // The scenarios come in compareScenarios's order: bestshore, all onshore, all offshore, then the what-ifs.
  const kinds = ['bestshore', 'onshore', 'offshore'] as const;
  const scenarios = rows.map((row, i): PlanScenario => {
    const kind = kinds[i];
    const whatIf = whatIfs[i - kinds.length];
    return kind ? { kind, ...row } : { kind: 'what_if', ...(whatIf ? { whatIf } : {}), ...row };
  });
  return { request, input, result: bestshore, scenarios };
}

/** Stores a solved plan, in the caller's transaction, with its audit entry. */
export async function savePlan(trx: Db, ctx: Context, solved: SolvedPlan): Promise<Plan> {
  assertMayPlan(ctx);
  const group = await trx.selectFrom('groups').select('id').executeTakeFirstOrThrow();
  const { request, input, result, scenarios } = solved;
  const subsidiaryIds = input.subsidiaries.map((s) => s.id);
  const row = await trx
    .insertInto('plans')
    .values({
      id: newId(ctx.now.getTime()),
      group_id: group.id,
      created_by: ctx.actor.id,
      created_at: ctx.now,
      start: input.start,
      interval_minutes: input.intervalMinutes,
      intervals: input.intervals,
      weeks: request.weeks,
      subsidiary_ids: subsidiaryIds,
      status: result.status,
      currency: result.currency,
      cost: result.totals.cost,
      options: JSON.stringify(request),
      result: JSON.stringify(result),
      scenarios: JSON.stringify(scenarios),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'plan',
    entityId: row.id,
    subsidiaryId: subsidiaryIds.length === 1 ? subsidiaryIds[0] : null,
    changes: { start: input.start, weeks: request.weeks, subsidiaryIds, status: result.status },
  });
  return toPlan(row);
}

// ---- reading ----------------------------------------------------------------------------

export const PlanListQuery = z
  .object({
    cursor: z.string().max(200).optional().describe('the nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type PlanListQuery = z.infer<typeof PlanListQuery>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The plans the caller sees (every subsidiary of each is theirs), newest first, without their contents. */
export async function listPlans(
  db: Db,
  ctx: Context,
  query: PlanListQuery,
): Promise<{ items: PlanSummary[]; nextCursor: string | null }> {
  assertCan(ctx.actor, 'plans:read');
  let q = visiblePlans(db, ctx.actor).select([...SUMMARY_COLUMNS]);
  if (query.cursor !== undefined) {
    const before = Buffer.from(query.cursor, 'base64url').toString('utf8');
    if (!UUID.test(before))
      throw new DomainError('validation_failed', 'cursor: is not a cursor this API returned', [
        { path: 'cursor', message: 'is not a cursor this API returned' },
      ]);
    q = q.where('id', '<', before);
  }
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const more = rows.length > query.limit;
  const items = (more ? rows.slice(0, query.limit) : rows).map(toSummary);
  const last = items.at(-1);
  return { items, nextCursor: more && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null };
}

/** One plan with its result and scenarios; another scope's plan is not found. */
export async function getPlan(db: Db, ctx: Context, id: string): Promise<Plan> {
  assertCan(ctx.actor, 'plans:read');
  const row = await visiblePlans(db, ctx.actor).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('plan', id);
  return toPlan(row);
}

const CSV_COLUMNS: Array<keyof StaffRow> = [
  'start',
  'site',
  'subsidiary',
  'language',
  'tier',
  'channel',
  'contacts',
  'agents',
  'scheduled',
];

/** Staff per site, interval, subsidiary, language, tier and channel, one CSV line each. */
export function staffCsv(result: PlanResult): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of result.staff) lines.push(CSV_COLUMNS.map((c) => String(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

// ---- applying ---------------------------------------------------------------------------

/**
 * A plan's shares of a subsidiary as a routing policy's target shares: each share rounded down
 * to 4 decimal places, and, should they still add up to more than 1, the largest taken down
 * until they do not (the router refuses shares above 1 in all).
 */
export function targetSharesOf(shares: Record<string, number>): Record<string, number> {
  const UNIT = 10_000;
  const units = Object.entries(shares).map(
    ([site, share]) => [site, Math.floor(Math.min(1, Math.max(0, share)) * UNIT + 1e-9)] as [string, number],
  );
  let excess = units.reduce((sum, [, u]) => sum + u, 0) - UNIT;
  while (excess > 0) {
    const largest = units.reduce((a, b) => (b[1] > a[1] ? b : a));
    const take = Math.min(excess, largest[1]);
    largest[1] -= take;
    excess -= take;
  }
  return Object.fromEntries(units.map(([site, u]) => [site, u / UNIT]));
}

/**
 * The plan to apply, locked until the caller's transaction ends, with each subsidiary's target
 * shares. Only a plan that found a plan is applied: a 'no_plan' one is a conflict.
 */
export async function planToApply(
  trx: Db,
  ctx: Context,
  id: string,
): Promise<{ plan: Plan; targetShares: Record<string, Record<string, number>> }> {
  assertMayPlan(ctx);
  const row = await visiblePlans(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('plan', id);
  const plan = toPlan(row);
  if (plan.status !== 'planned')
    throw new DomainError(
      'conflict',
      'this plan found no plan (see its reasons): it has no shares to give the routing policies',
    );
  const targetShares: Record<string, Record<string, number>> = {};
  for (const subsidiaryId of plan.subsidiaryIds) {
    const shares = plan.result.shares[subsidiaryId];
    if (shares && Object.keys(shares).length > 0) targetShares[subsidiaryId] = targetSharesOf(shares);
  }
  return { plan, targetShares };
}

/** Records that a plan's shares were applied now, by the caller. */
export async function recordPlanApplied(trx: Db, ctx: Context, plan: Plan): Promise<PlanSummary> {
  assertMayPlan(ctx);
  const row = await trx
    .updateTable('plans')
    .set({ applied_at: ctx.now, applied_by: ctx.actor.id })
    .where('id', '=', plan.id)
    .returning([...SUMMARY_COLUMNS])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'apply',
    entity: 'plan',
    entityId: plan.id,
    subsidiaryId: plan.subsidiaryIds.length === 1 ? plan.subsidiaryIds[0] : null,
    changes: { subsidiaryIds: plan.subsidiaryIds },
  });
  return toSummary(row);
}
