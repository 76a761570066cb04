import { z } from 'zod';
import {
  type Context,
  DomainError,
  hashPassword,
  invalid,
  LanguageTag,
  newId,
  notFound,
  type Scope,
  Text,
} from '../core/index.ts';
import {
  assertVersion,
  type Db,
  managesSite,
  managesSubsidiary,
  type Page,
  type PageQuery,
  paginate,
  type Row,
  recordAudit,
  visibleUsers,
} from '../store/index.ts';

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }));
export const Password = z.string().min(10, 'must have at least 10 characters').max(1024);

export const ScopeInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('group') }).strict(),
  z.object({ kind: z.literal('subsidiary'), subsidiaryId: z.uuid() }).strict(),
  z.object({ kind: z.literal('site'), siteId: z.uuid() }).strict(),
]);

export const UserCreate = z
  .object({
    email: Email,
    displayName: Text(200),
    password: Password.optional().describe('none: the person cannot sign in with a password yet'),
    locale: LanguageTag.default('en'),
    role: z.enum(['agent', 'supervisor', 'analyst', 'admin']),
    scope: ScopeInput,
  })
  .strict();
export type UserCreate = z.infer<typeof UserCreate>;

export const UserUpdate = z
  .object({ displayName: Text(200), locale: LanguageTag, password: Password, active: z.boolean() })
  .partial()
  .strict();
export type UserUpdate = z.infer<typeof UserUpdate>;

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  locale: z.string(),
  role: z.enum(['agent', 'supervisor', 'analyst', 'admin']),
  scope: ScopeInput,
  active: z.boolean(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type User = z.infer<typeof User>;

export const UserFilter = z.object({ role: z.enum(['agent', 'supervisor', 'analyst', 'admin']).optional() });
export type UserFilter = z.infer<typeof UserFilter>;

export const scopeOfUser = (r: Pick<Row<'users'>, 'scope_kind' | 'subsidiary_id' | 'site_id'>): Scope =>
  r.scope_kind === 'subsidiary'
    ? { kind: 'subsidiary', subsidiaryId: r.subsidiary_id ?? '' }
    : r.scope_kind === 'site'
      ? { kind: 'site', siteId: r.site_id ?? '' }
      : { kind: 'group' };

export const toUser = (r: Row<'users'>): User => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  locale: r.locale,
  role: r.role,
  scope: scopeOfUser(r),
  active: r.active,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Whether the actor may give someone this scope: never wider than the actor's own. */
function grantable(ctx: Context, scope: Scope): boolean {
  if (scope.kind === 'group') return ctx.actor.scope.kind === 'group';
  if (scope.kind === 'subsidiary') return managesSubsidiary(ctx.actor, scope.subsidiaryId);
  return managesSite(ctx.actor, scope.siteId);
}

async function checkScopeExists(trx: Db, scope: Scope): Promise<void> {
  if (scope.kind === 'subsidiary') {
    const found = await trx
      .selectFrom('subsidiaries')
      .select('id')
      .where('id', '=', scope.subsidiaryId)
      .executeTakeFirst();
    if (!found) throw invalid('scope.subsidiaryId', 'is not a subsidiary of the group');
  }
  if (scope.kind === 'site') {
    const found = await trx
      .selectFrom('sites')
      .select('id')
      .where('id', '=', scope.siteId)
      .executeTakeFirst();
    if (!found) throw invalid('scope.siteId', 'is not a site of the group');
  }
}

/** Insert a person's account; the caller has checked the scope may be granted. */
export async function insertUser(trx: Db, ctx: Context, input: UserCreate): Promise<Row<'users'>> {
  if (input.role === 'agent' && input.scope.kind !== 'site')
    throw invalid('scope.kind', 'an agent works at a site');
  await checkScopeExists(trx, input.scope);
  const taken = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', input.email)
    .executeTakeFirst();
  if (taken)
    throw new DomainError('conflict', `email: ${input.email} already has an account`, [
      { path: 'email', message: 'already has an account' },
    ]);
  const row = await trx
    .insertInto('users')
    .values({
      id: newId(),
      email: input.email,
      display_name: input.displayName,
      password_hash: input.password ? await hashPassword(input.password) : null,
      locale: input.locale,
      role: input.role,
      scope_kind: input.scope.kind,
      subsidiary_id: input.scope.kind === 'subsidiary' ? input.scope.subsidiaryId : null,
      site_id: input.scope.kind === 'site' ? input.scope.siteId : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const { password: _password, ...audited } = input;
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'user',
    entityId: row.id,
    subsidiaryId: row.subsidiary_id,
    siteId: row.site_id,
    changes: audited,
  });
  return row;
}

/** Create a person's account within the actor's own scope. */
export async function createUser(trx: Db, ctx: Context, input: UserCreate): Promise<User> {
  if (!grantable(ctx, input.scope))
    throw new DomainError('forbidden', 'you cannot give a scope wider than your own');
  return toUser(await insertUser(trx, ctx, input));
}

export async function updateUser(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: UserUpdate,
): Promise<User> {
  const current = await visibleUsers(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('user', id);
  if (!grantable(ctx, scopeOfUser(current)))
    throw new DomainError('forbidden', 'this account is managed by a wider scope');
  assertVersion('user', current.version, expectedVersion);
  const row = await trx
    .updateTable('users')
    .set((eb) => ({
      display_name: input.displayName ?? current.display_name,
      locale: input.locale ?? current.locale,
      active: input.active ?? current.active,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (input.password) {
    await trx
      .updateTable('users')
      .set({ password_hash: await hashPassword(input.password) })
      .where('id', '=', id)
      .execute();
  }
  if (input.password || input.active === false)
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
  const { password, ...audited } = input;
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'user',
    entityId: id,
    subsidiaryId: row.subsidiary_id,
    siteId: row.site_id,
    changes: { ...audited, ...(password ? { password: 'changed' } : {}) },
  });
  return toUser(row);
}

export async function getUser(db: Db, ctx: Context, id: string): Promise<User> {
  const row = await visibleUsers(db, ctx.actor).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('user', id);
  return toUser(row);
}

export async function listUsers(
  db: Db,
  ctx: Context,
  filter: UserFilter,
  page: PageQuery,
): Promise<Page<User>> {
  let q = visibleUsers(db, ctx.actor).selectAll();
  if (filter.role) q = q.where('role', '=', filter.role);
  const result = await paginate(q, 'users.id', page);
  return { items: result.items.map(toUser), nextCursor: result.nextCursor };
}
