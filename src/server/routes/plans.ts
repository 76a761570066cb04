import { z } from 'zod';
import { assertCan, type Context, DomainError } from '../../core/index.ts';
import {
  getPlan,
  listPlans,
  type Plan,
  PlanListQuery,
  PlanRequest,
  PlanSummaryView,
  PlanView,
  planToApply,
  recordPlanApplied,
  savePlan,
  solvePlanRequest,
  staffCsv,
} from '../../planning/index.ts';
import {
  getRoutingPolicy,
  type RoutingPolicyView as Policy,
  RoutingPolicyView,
  setRoutingPolicy,
} from '../../routing/index.ts';
import type { Db } from '../../store/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors, IdParams, pageOf } from './resource.ts';

const AppliedView = z.object({
  plan: PlanSummaryView,
  policies: z
    .array(RoutingPolicyView)
    .describe('the routing policies as they are now, one per subsidiary changed'),
  unchanged: z
    .array(z.uuid())
    .describe('subsidiaries of the plan without any work in it: their policies were left as they were'),
});

/**
 * A plan's shares become its subsidiaries' target shares, each policy's weights and fallbacks
 * kept, all in the caller's transaction: every policy changes, or none does.
 */
async function applyPlan(trx: Db, ctx: Context, id: string) {
  // The shares change how the router places work: they are the routing policy's to set.
  assertCan(ctx.actor, 'organisation:write');
  const { plan, targetShares } = await planToApply(trx, ctx, id);
  const policies: Policy[] = [];
  const unchanged: string[] = [];
  for (const subsidiaryId of plan.subsidiaryIds) {
    const shares = targetShares[subsidiaryId];
    if (!shares) {
      unchanged.push(subsidiaryId);
      continue;
    }
    const current = await getRoutingPolicy(trx, ctx, subsidiaryId);
    try {
      policies.push(
        await setRoutingPolicy(trx, ctx, subsidiaryId, current.version, {
          weights: current.weights,
          fallbacks: current.fallbacks,
          targetShares: shares,
        }),
      );
    } catch (error) {
      // The organisation changed since the plan was made (a site no longer serves the subsidiary).
      if (error instanceof DomainError && error.code === 'validation_failed')
        throw new DomainError(
          'conflict',
          `the plan no longer fits the routing policy of subsidiary ${subsidiaryId}: ${error.message}; plan again`,
          error.issues,
        );
      throw error;
    }
  }
  return { plan: await recordPlanApplied(trx, ctx, plan), policies, unchanged };
}

const csvName = (plan: Plan) => `plan-${plan.start.slice(0, 10)}-${plan.id.slice(0, 8)}.csv`;

/** Site-mix plans: made from the store, kept, compared, downloaded, and applied to routing. */
export function planRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  const tags = ['planning'];

  app.post(
    '/api/plans',
    {
      config: { permission: 'plans:write' },
      schema: {
        tags,
        summary: 'Plan the site mix of the weeks ahead from the history, with its scenarios, and keep it',
        description:
          "Administrators of the group or of a subsidiary (a subsidiary's plan only its own). The forecast " +
          "of the subsidiaries' history is placed on their sites bestshore, then all onshore, all offshore " +
          'and each what-if, compared with it. `201` even when no plan is possible: `status` is `no_plan` ' +
          'and `result.reasons` says why. Solved in a worker thread, one plan at a time per process (seconds to a minute).',
        body: PlanRequest,
        response: { 201: PlanView, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const solved = await solvePlanRequest(db, ctx, req.body);
      const plan = await db.transaction().execute((trx) => savePlan(trx, ctx, solved));
      return reply.code(201).header('location', `/api/plans/${plan.id}`).send(plan);
    },
  );

  app.get(
    '/api/plans',
    {
      config: { permission: 'plans:read' },
      schema: {
        tags,
        summary: 'The plans you see, newest first (without their contents)',
        description:
          'Supervisors, analysts and administrators of the group or a subsidiary see the plans whose ' +
          "subsidiaries are all in their scope; a site's people see none.",
        querystring: PlanListQuery,
        response: { 200: pageOf(PlanSummaryView), ...errors },
      },
    },
    async (req) => listPlans(db, contextOf(req, clock), req.query),
  );

  app.get(
    '/api/plans/:id',
    {
      config: { permission: 'plans:read' },
      schema: {
        tags,
        summary: 'A plan: its request, bestshore result (staff, shares, reasons) and scenarios',
        params: IdParams,
        response: { 200: PlanView, ...errors },
      },
    },
    async (req) => getPlan(db, contextOf(req, clock), req.params.id),
  );

  app.get(
    '/api/plans/:id/staff.csv',
    {
      config: { permission: 'plans:read' },
      schema: {
        tags,
        summary: "A plan's staff per site, interval, subsidiary, language, tier and channel, as CSV",
        description:
          'Columns: start (UTC), site, subsidiary, language, tier, channel, contacts, agents (productive), ' +
          "scheduled (agents once the site's shrinkage is taken).",
        params: IdParams,
        response: { 200: z.string().describe('text/csv'), ...errors },
      },
    },
    async (req, reply) => {
      const plan = await getPlan(db, contextOf(req, clock), req.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${csvName(plan)}"`)
        .send(staffCsv(plan.result));
    },
  );

  app.post(
    '/api/plans/:id/apply',
    {
      config: { permission: 'plans:write' },
      schema: {
        tags,
        summary: "Make a plan's shares its subsidiaries' target shares in their routing policies",
        description:
          "Each subsidiary of the plan gets the plan's share of its contacts per site as `targetShares` " +
          '(rounded down to 4 decimal places so they add up to at most 1), its weights and fallbacks ' +
          'kept; all in one transaction. A plan with `status: no_plan` answers `409`.',
        params: IdParams,
        response: { 200: AppliedView, ...errors },
      },
    },
    async (req) => {
      const ctx = contextOf(req, clock);
      return db.transaction().execute((trx) => applyPlan(trx, ctx, req.params.id));
    },
  );
}
