import { z } from 'zod';
import { type Db, PageQuery, paginate, visibleAuditLog } from '../../store/index.ts';
import { ApiKey, ApiKeyCreate, createApiKey, listApiKeys, revokeApiKey } from '../api-keys.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors, IdParams, pageOf } from './resource.ts';

const AuditEntry = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  actorKind: z.enum(['user', 'api_key', 'system']),
  actorId: z.string(),
  subsidiaryId: z.string().nullable(),
  siteId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  changes: z.unknown(),
  requestId: z.string().nullable(),
});

const AuditFilter = z.object({
  entity: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
  actorId: z.string().max(100).optional(),
  subsidiaryId: z.uuid().optional(),
});

export function accessRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;

  app.get(
    '/api/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Who changed what, when: the append-only audit log, oldest first',
        querystring: PageQuery.extend(AuditFilter.shape).strict(),
        response: { 200: pageOf(AuditEntry), ...errors },
      },
    },
    async (req) => {
      const ctx = contextOf(req, clock);
      let q = visibleAuditLog(db as Db, ctx.actor).selectAll();
      const f = req.query;
      if (f.entity) q = q.where('entity', '=', f.entity);
      if (f.entityId) q = q.where('entity_id', '=', f.entityId);
      if (f.actorId) q = q.where('actor_id', '=', f.actorId);
      if (f.subsidiaryId) q = q.where('subsidiary_id', '=', f.subsidiaryId);
      const page = await paginate(q, 'audit_log.id', req.query);
      return {
        items: page.items.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actorKind: r.actor_kind,
          actorId: r.actor_id,
          subsidiaryId: r.subsidiary_id,
          siteId: r.site_id,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          changes: r.changes,
          requestId: r.request_id,
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  const tags = ['api keys'];
  app.get(
    '/api/api-keys',
    {
      config: { permission: 'api_keys:write' },
      schema: {
        tags,
        summary: 'List API keys in your scope',
        response: { 200: z.object({ items: z.array(ApiKey) }), ...errors },
      },
    },
    async (req) => ({ items: await listApiKeys(db, contextOf(req, clock)) }),
  );
  app.post(
    '/api/api-keys',
    {
      config: { permission: 'api_keys:write' },
      schema: {
        tags,
        summary: 'Issue an API key; its token is shown once',
        body: ApiKeyCreate,
        response: { 201: z.object({ apiKey: ApiKey, token: z.string() }), ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const created = await db.transaction().execute((trx) => createApiKey(trx, ctx, req.body));
      return reply.code(201).send(created);
    },
  );
  app.delete(
    '/api/api-keys/:id',
    {
      config: { permission: 'api_keys:write' },
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      await db.transaction().execute((trx) => revokeApiKey(trx, ctx, req.params.id));
      return reply.code(204).send(null);
    },
  );
}
