import { z } from 'zod';
import { type Context, DomainError, invalid, LanguageTag, newId, notFound, Text } from '../core/index.ts';
import {
  assertVersion,
  type Db,
  managesSubsidiary,
  type Page,
  type PageQuery,
  paginate,
  type Row,
  recordAudit,
  visibleConversations,
  visibleSubsidiaries,
} from '../store/index.ts';
import {
  fillReply,
  localTime,
  REPLY_VARIABLES,
  type ReplyVariable,
  unknownVariables,
} from './reply-template.ts';

const Body = z
  .string()
  .trim()
  .min(1)
  .max(20_000)
  .describe(`the text, with variables among ${REPLY_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`);

export const SavedReplyCreate = z
  .object({
    subsidiaryId: z.uuid(),
    language: LanguageTag,
    title: Text(200),
    body: Body,
  })
  .strict();
export type SavedReplyCreate = z.infer<typeof SavedReplyCreate>;

export const SavedReplyUpdate = z
  .object({ language: LanguageTag, title: Text(200), body: Body })
  .partial()
  .strict();
export type SavedReplyUpdate = z.infer<typeof SavedReplyUpdate>;

export const SavedReply = z.object({
  id: z.uuid(),
  subsidiaryId: z.uuid(),
  language: z.string(),
  title: z.string(),
  body: z.string(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type SavedReply = z.infer<typeof SavedReply>;

export const SavedReplyFilter = z.object({
  subsidiaryId: z.uuid().optional(),
  language: LanguageTag.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('part of the title or the body'),
});
export type SavedReplyFilter = z.infer<typeof SavedReplyFilter>;

export const RenderInput = z
  .object({
    variables: z
      .object({ order: z.string().trim().max(200).optional().describe('the order or case number') })
      .strict()
      .optional(),
  })
  .strict();
export type RenderInput = z.infer<typeof RenderInput>;

export const RenderedReply = z.object({
  text: z.string(),
  missing: z.array(z.string()).describe('variables without a value: left as {{name}} in the text'),
});
export type RenderedReply = z.infer<typeof RenderedReply>;

const toSavedReply = (r: Row<'saved_replies'>): SavedReply => ({
  id: r.id,
  subsidiaryId: r.subsidiary_id,
  language: r.language,
  title: r.title,
  body: r.body,
  version: r.version,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** Saved replies are seen where their subsidiary is: by whoever may read its conversations. */
const visibleSavedReplies = (db: Db, ctx: Context) =>
  db
    .selectFrom('saved_replies')
    .where('saved_replies.subsidiary_id', 'in', visibleSubsidiaries(db, ctx.actor).select('subsidiaries.id'));

function refuseUnknownVariables(body: string): void {
  const unknown = unknownVariables(body);
  if (unknown.length > 0) {
    throw invalid(
      'body',
      `unknown variable ${unknown.map((v) => `{{${v}}}`).join(', ')}; known: ${REPLY_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
    );
  }
}

/** Only the subsidiary's administrators and the group's change its saved replies. */
function assertManages(ctx: Context, subsidiaryId: string): void {
  if (ctx.actor.role !== 'admin' || !managesSubsidiary(ctx.actor, subsidiaryId)) {
    throw new DomainError(
      'forbidden',
      "only the subsidiary's or the group's administrators may change its saved replies",
    );
  }
}

export async function listSavedReplies(
  db: Db,
  ctx: Context,
  filter: SavedReplyFilter,
  page: PageQuery,
): Promise<Page<SavedReply>> {
  let q = visibleSavedReplies(db, ctx).selectAll();
  if (filter.subsidiaryId) q = q.where('subsidiary_id', '=', filter.subsidiaryId);
  if (filter.language) q = q.where('language', '=', filter.language);
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([eb(eb.fn('lower', ['title']), 'like', like), eb(eb.fn('lower', ['body']), 'like', like)]),
    );
  }
  const result = await paginate(q, 'saved_replies.id', page);
  return { items: result.items.map(toSavedReply), nextCursor: result.nextCursor };
}

export async function getSavedReply(db: Db, ctx: Context, id: string): Promise<SavedReply> {
  const row = await visibleSavedReplies(db, ctx).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('saved reply', id);
  return toSavedReply(row);
}

/** Add a saved reply to a subsidiary: its administrators or the group's. */
export async function createSavedReply(trx: Db, ctx: Context, input: SavedReplyCreate): Promise<SavedReply> {
  const subsidiary = await visibleSubsidiaries(trx, ctx.actor)
    .select('id')
    .where('id', '=', input.subsidiaryId)
    .executeTakeFirst();
  if (!subsidiary) throw invalid('subsidiaryId', 'is not a subsidiary you can reach');
  assertManages(ctx, subsidiary.id);
  refuseUnknownVariables(input.body);
  const row = await trx
    .insertInto('saved_replies')
    .values({
      id: newId(),
      subsidiary_id: subsidiary.id,
      language: input.language,
      title: input.title,
      body: input.body,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'saved_reply',
    entityId: row.id,
    subsidiaryId: row.subsidiary_id,
    changes: input,
  });
  return toSavedReply(row);
}

async function lockSavedReply(trx: Db, ctx: Context, id: string) {
  const row = await visibleSavedReplies(trx, ctx)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('saved reply', id);
  assertManages(ctx, row.subsidiary_id);
  return row;
}

/** Change a saved reply's language, title or body (If-Match required). */
export async function updateSavedReply(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: SavedReplyUpdate,
): Promise<SavedReply> {
  const current = await lockSavedReply(trx, ctx, id);
  assertVersion('saved reply', current.version, expectedVersion);
  if (input.body !== undefined) refuseUnknownVariables(input.body);
  const row = await trx
    .updateTable('saved_replies')
    .set((eb) => ({
      language: input.language ?? current.language,
      title: input.title ?? current.title,
      body: input.body ?? current.body,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'saved_reply',
    entityId: id,
    subsidiaryId: row.subsidiary_id,
    changes: input,
  });
  return toSavedReply(row);
}

/** Remove a saved reply; an If-Match, when given, must name the current version. */
export async function deleteSavedReply(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const current = await lockSavedReply(trx, ctx, id);
  if (expectedVersion !== undefined) assertVersion('saved reply', current.version, expectedVersion);
  await trx.deleteFrom('saved_replies').where('id', '=', id).execute();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'delete',
    entity: 'saved_reply',
    entityId: id,
    subsidiaryId: current.subsidiary_id,
    changes: { title: current.title, language: current.language },
  });
}

/**
 * A saved reply written for one conversation: the customer's name and local time (in the
 * reply's language, on the customer's clock), the writing agent's name, and the order
 * number when given. A reply of another subsidiary is not found.
 */
export async function renderSavedReply(
  db: Db,
  ctx: Context,
  conversationId: string,
  replyId: string,
  input: RenderInput,
): Promise<RenderedReply> {
  const conversation = await visibleConversations(db, ctx.actor)
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .leftJoin('agents', 'agents.id', 'conversations.assignee_id')
    .leftJoin('users', 'users.id', 'agents.user_id')
    .select([
      'conversations.subsidiary_id',
      'customers.display_name as customer_name',
      'customers.time_zone',
      'users.display_name as assignee_name',
    ])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  if (!conversation) throw notFound('conversation', conversationId);
  const reply = await db
    .selectFrom('saved_replies')
    .select(['body', 'language'])
    .where('id', '=', replyId)
    .where('subsidiary_id', '=', conversation.subsidiary_id)
    .executeTakeFirst();
  if (!reply) throw notFound('saved reply', replyId);
  // The one writing the reply; an integration without a person of its own writes as the assignee.
  const writer =
    ctx.actor.kind === 'user'
      ? await db.selectFrom('users').select('display_name').where('id', '=', ctx.actor.id).executeTakeFirst()
      : undefined;
  const values: Partial<Record<ReplyVariable, string>> = {
    'customer.name': conversation.customer_name,
    'customer.localTime': localTime(ctx.now, conversation.time_zone, reply.language),
  };
  const agentName = writer?.display_name ?? conversation.assignee_name;
  if (agentName) values['agent.name'] = agentName;
  if (input.variables?.order) values.order = input.variables.order;
  return fillReply(reply.body, values);
}
