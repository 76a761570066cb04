import { z } from 'zod';
import { notFound } from '../../core/index.ts';
import { Agent, Presence, setPresence } from '../../organisation/index.ts';
import {
  EscalationInput,
  escalateConversation,
  listQueues,
  QueueFilter,
  QueueView,
  RoutingDecision,
  routingHistory,
} from '../../routing/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors, IdParams } from './resource.ts';

/** Presence, queue views, routing decisions and escalation. The assignment service itself runs beside the server. */
export function routingRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  const tags = ['routing'];

  app.put(
    '/api/agents/me/presence',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags,
        summary: 'Set your presence as an agent (or, as a supervisor, the presence of an agent you see)',
        description: 'Becoming available lets the router give you waiting work.',
        body: z.object({ presence: Presence, agentId: z.uuid().optional() }).strict(),
        response: { 200: Agent, ...errors },
      },
    },
    async (req) => {
      const ctx = contextOf(req, clock);
      const agentId = req.body.agentId ?? ctx.actor.agentId;
      if (!agentId) throw notFound('agent', 'of the signed-in user');
      return db.transaction().execute((trx) => setPresence(trx, ctx, agentId, req.body.presence));
    },
  );
  app.get(
    '/api/queues',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags,
        summary: 'Waiting work by subsidiary, site, language, channel and tier',
        description:
          'Each item with its position in its queue, why it waits, and an estimated wait from the service rate observed over the last hour.',
        querystring: QueueFilter.strict(),
        response: { 200: QueueView, ...errors },
      },
    },
    async (req) => listQueues(db, contextOf(req, clock), req.query),
  );
  app.get(
    '/api/conversations/:id/routing',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags,
        summary: "The router's decisions about a conversation, with the score's parts",
        params: IdParams,
        response: { 200: z.object({ items: z.array(RoutingDecision) }), ...errors },
      },
    },
    async (req) => ({ items: await routingHistory(db, contextOf(req, clock), req.params.id) }),
  );
  app.post(
    '/api/conversations/:id/escalate',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags,
        summary:
          'Escalate to another tier with a reason: the conversation waits again for an agent of that tier',
        params: IdParams,
        body: EscalationInput,
        response: {
          200: z.object({ conversationId: z.uuid(), tier: z.string(), status: z.literal('open') }),
          ...errors,
        },
      },
    },
    async (req) => {
      const ctx = contextOf(req, clock);
      return db.transaction().execute((trx) => escalateConversation(trx, ctx, req.params.id, req.body));
    },
  );
}
