import { getSlaPolicy, SlaPolicyInput, SlaPolicyView, setSlaPolicy } from '../../routing/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf, expectedVersion, withEtag } from '../request.ts';
import { errors, IdParams } from './resource.ts';

/** A subsidiary's SLA policy and business hours. The watcher that applies them runs beside the server. */
export function slaRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  const tags = ['routing'];

  app.get(
    '/api/subsidiaries/:id/sla-policy',
    {
      config: { permission: 'organisation:read' },
      schema: {
        tags,
        summary: "A subsidiary's SLA policy and the business hours its business clocks count in",
        description:
          'Until the subsidiary sets its own, the default policy and Monday–Friday 09:00–18:00 in its time zone.',
        params: IdParams,
        response: { 200: SlaPolicyView, ...errors },
      },
    },
    async (req, reply) => withEtag(reply, await getSlaPolicy(db, contextOf(req, clock), req.params.id)),
  );
  app.put(
    '/api/subsidiaries/:id/sla-policy',
    {
      config: { permission: 'organisation:write' },
      schema: {
        tags,
        summary: "Set a subsidiary's SLA policy (its administrators or the group's)",
        description:
          'Targets per channel, priority and tier, counted in business hours or around the clock. New conversations count by it; running clocks keep theirs. ' +
          'With If-Match (the ETag read), a policy changed since is refused with 412 and nothing is written.',
        params: IdParams,
        body: SlaPolicyInput,
        response: { 200: SlaPolicyView, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const version = expectedVersion(req);
      const policy = await db
        .transaction()
        .execute((trx) => setSlaPolicy(trx, ctx, req.params.id, req.body, version));
      return withEtag(reply, policy);
    },
  );
}
