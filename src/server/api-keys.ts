import { z } from 'zod';
import {
  ALL_PERMISSIONS,
  type Context,
  DomainError,
  newId,
  notFound,
  type Permission,
} from '../core/index.ts';
import { ScopeInput } from '../organisation/index.ts';
import {
  type Db,
  managesSite,
  managesSubsidiary,
  type Row,
  recordAudit,
  visibleApiKeys,
} from '../store/index.ts';
import { forgetCredential, newApiKeyToken, scopeOf } from './auth.ts';

export const ApiKeyCreate = z
  .object({
    name: z.string().trim().min(1).max(200),
    permissions: z.array(z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]])).min(1),
    scope: ScopeInput.optional().describe('default: your own scope; it can only be narrower'),
  })
  .strict();
export type ApiKeyCreate = z.infer<typeof ApiKeyCreate>;

export const ApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  permissions: z.array(z.string()),
  scope: ScopeInput,
  createdBy: z.uuid(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

const toApiKey = (r: Row<'api_keys'>): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  permissions: r.permissions,
  scope: scopeOf(r),
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
});

/** Issue an API key for an integration: never more permissions nor a wider scope than its creator's. */
export async function createApiKey(
  trx: Db,
  ctx: Context,
  input: ApiKeyCreate,
): Promise<{ apiKey: ApiKey; token: string }> {
  if (ctx.actor.kind !== 'user')
    throw new DomainError('forbidden', 'API keys are issued by people, not by other keys');
  const beyond = input.permissions.filter((p) => !ctx.actor.permissions.has(p));
  if (beyond.length > 0) throw new DomainError('forbidden', `you cannot grant ${beyond.join(', ')}`);
  const scope = input.scope ?? ctx.actor.scope;
  const allowed =
    scope.kind === 'group'
      ? ctx.actor.scope.kind === 'group'
      : scope.kind === 'subsidiary'
        ? managesSubsidiary(ctx.actor, scope.subsidiaryId)
        : managesSite(ctx.actor, scope.siteId);
  if (!allowed) throw new DomainError('forbidden', 'an API key cannot have a wider scope than yours');
  const secret = newApiKeyToken();
  const row = await trx
    .insertInto('api_keys')
    .values({
      id: newId(),
      name: input.name,
      prefix: secret.prefix,
      secret_hash: secret.secretHash,
      permissions: input.permissions,
      role: ctx.actor.role,
      scope_kind: scope.kind,
      subsidiary_id: scope.kind === 'subsidiary' ? scope.subsidiaryId : null,
      site_id: scope.kind === 'site' ? scope.siteId : null,
      created_by: ctx.actor.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'api_key',
    entityId: row.id,
    subsidiaryId: row.subsidiary_id,
    siteId: row.site_id,
    changes: { name: input.name, permissions: input.permissions, scope },
  });
  return { apiKey: toApiKey(row), token: secret.token };
}

export async function listApiKeys(db: Db, ctx: Context): Promise<ApiKey[]> {
  const rows = await visibleApiKeys(db, ctx.actor).selectAll().orderBy('id').execute();
  return rows.map(toApiKey);
}

export async function revokeApiKey(trx: Db, ctx: Context, id: string): Promise<void> {
  const row = await visibleApiKeys(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('API key', id);
  if (row.revoked_at) return;
  await trx.updateTable('api_keys').set({ revoked_at: ctx.now }).where('id', '=', id).execute();
  forgetCredential(`k:${row.prefix}`);
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'revoke',
    entity: 'api_key',
    entityId: id,
    subsidiaryId: row.subsidiary_id,
    siteId: row.site_id,
  });
}
