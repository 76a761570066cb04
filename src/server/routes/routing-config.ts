import { z } from 'zod';
import {
  createRoutingQueue,
  deleteRoutingQueue,
  getRoutingPolicy,
  getRoutingQueue,
  listRoutingQueues,
  RoutingPolicyInput,
  RoutingPolicyView,
  RoutingQueue,
  RoutingQueueCreate,
  RoutingQueueFilter,
  RoutingQueueUpdate,
  setRoutingPolicy,
  updateRoutingQueue,
} from '../../routing/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf, expectedVersion, withEtag } from '../request.ts';
import { errors, IdParams, resourceRoutes } from './resource.ts';

/** The router's configuration: each subsidiary's routing policy and its queues. The service reads them at its next sync. */
export function routingConfigRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  const tags = ['routing'];

  app.get(
    '/api/subsidiaries/:id/routing-policy',
    {
      config: { permission: 'organisation:read' },
      schema: {
        tags,
        summary: "A subsidiary's routing policy: score weights, language fallbacks, target shares per site",
        description:
          'Until the subsidiary sets its own: the default weights, no fallback, equal shares (version 0).',
        params: IdParams,
        response: { 200: RoutingPolicyView, ...errors },
      },
    },
    async (req, reply) => withEtag(reply, await getRoutingPolicy(db, contextOf(req, clock), req.params.id)),
  );
  app.put(
    '/api/subsidiaries/:id/routing-policy',
    {
      config: { permission: 'organisation:write' },
      schema: {
        tags,
        summary: "Set a subsidiary's routing policy (its administrators or the group's; If-Match required)",
        description:
          'The whole policy: weights (parts left out keep their defaults), fallbacks and target shares. ' +
          'What the router could not use is refused, naming each field, and nothing is written.',
        params: IdParams,
        body: RoutingPolicyInput,
        response: { 200: RoutingPolicyView, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const version = expectedVersion(req);
      const policy = await db
        .transaction()
        .execute((trx) => setRoutingPolicy(trx, ctx, req.params.id, version, req.body));
      return withEtag(reply, policy);
    },
  );

  resourceRoutes(app, deps, {
    path: '/api/routing-queues',
    tag: 'routing',
    noun: 'routing queue',
    read: 'organisation:read',
    write: 'organisation:write',
    item: RoutingQueue,
    filter: RoutingQueueFilter,
    create: RoutingQueueCreate,
    update: RoutingQueueUpdate,
    list: listRoutingQueues,
    get: getRoutingQueue,
    insert: createRoutingQueue,
    change: updateRoutingQueue,
  });
  app.delete(
    '/api/routing-queues/:id',
    {
      config: { permission: 'organisation:write' },
      schema: {
        tags,
        summary: 'Remove a routing queue (If-Match required)',
        description: 'Conversations routed through it are routed without a queue from then on.',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const version = expectedVersion(req);
      await db.transaction().execute((trx) => deleteRoutingQueue(trx, ctx, req.params.id, version));
      return reply.code(204).send(null);
    },
  );
}
