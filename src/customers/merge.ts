import { z } from 'zod';
import { type Context, DomainError, invalid, newId, notFound } from '../core/index.ts';
import {
  type Db,
  type Page,
  type PageQuery,
  paginate,
  type Row,
  recordAudit,
  visibleCustomerMerges,
  visibleCustomers,
  visibleMergeSuggestions,
} from '../store/index.ts';

/**
 * Two records of one person become one: the source's identities and conversations
 * move to the target, the source row stays behind pointing at it, and the merge row
 * lists exactly what moved so that an unmerge moves exactly that back. Messages stay
 * in their conversations; nothing is deleted; both steps are in the audit log.
 */

export const MergeRequest = z
  .object({
    sourceId: z.uuid().describe('the customer merged into this one'),
    suggestionId: z.uuid().optional().describe('the merge suggestion this decides, if any'),
  })
  .strict();
export type MergeRequest = z.infer<typeof MergeRequest>;

export const CustomerMerge = z.object({
  id: z.uuid(),
  subsidiaryId: z.uuid(),
  targetId: z.uuid(),
  sourceId: z.uuid(),
  identityIds: z.array(z.uuid()),
  conversationIds: z.array(z.uuid()),
  mergedBy: z.string(),
  mergedAt: z.iso.datetime(),
  undoneBy: z.string().nullable(),
  undoneAt: z.iso.datetime().nullable(),
});
export type CustomerMerge = z.infer<typeof CustomerMerge>;

export const MergeSuggestionStatus = z.enum(['open', 'merged', 'dismissed']);

export const MergeSuggestion = z.object({
  id: z.uuid(),
  subsidiaryId: z.uuid(),
  customerId: z.uuid().describe('the customer the contact joined'),
  otherId: z.uuid().describe('the other customer it matched'),
  reason: z.string(),
  status: MergeSuggestionStatus,
  createdAt: z.iso.datetime(),
  decidedBy: z.string().nullable(),
  decidedAt: z.iso.datetime().nullable(),
});
export type MergeSuggestion = z.infer<typeof MergeSuggestion>;

export const MergeSuggestionFilter = z.object({
  customerId: z.uuid().optional().describe('suggestions naming this customer, either side'),
  status: MergeSuggestionStatus.optional(),
});
export type MergeSuggestionFilter = z.infer<typeof MergeSuggestionFilter>;

export const CustomerMergeFilter = z.object({
  customerId: z.uuid().optional().describe('merges into or from this customer'),
});
export type CustomerMergeFilter = z.infer<typeof CustomerMergeFilter>;

const toMerge = (r: Row<'customer_merges'>): CustomerMerge => ({
  id: r.id,
  subsidiaryId: r.subsidiary_id,
  targetId: r.target_id,
  sourceId: r.source_id,
  identityIds: r.identity_ids,
  conversationIds: r.conversation_ids,
  mergedBy: r.merged_by,
  mergedAt: r.merged_at.toISOString(),
  undoneBy: r.undone_by,
  undoneAt: r.undone_at?.toISOString() ?? null,
});

const toSuggestion = (r: Row<'merge_suggestions'>): MergeSuggestion => ({
  id: r.id,
  subsidiaryId: r.subsidiary_id,
  customerId: r.customer_id,
  otherId: r.other_id,
  reason: r.reason,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  decidedBy: r.decided_by,
  decidedAt: r.decided_at?.toISOString() ?? null,
});

const CONSENT_ORDER = ['none', 'service', 'personalised', 'marketing'] as const;
const actorName = (ctx: Context) => `${ctx.actor.kind}:${ctx.actor.id}`;

/** Lock two customers the actor sees, in id order so that two merges cannot deadlock. */
async function lockPair(trx: Db, ctx: Context, a: string, b: string) {
  const rows = await visibleCustomers(trx, ctx.actor)
    .selectAll('customers')
    .where('customers.id', 'in', [a, b])
    .orderBy('customers.id')
    .forUpdate()
    .execute();
  return { first: rows.find((r) => r.id === a), second: rows.find((r) => r.id === b) };
}

/**
 * Merge `sourceId` into `targetId`. Consent never widens: the target keeps the more
 * restrictive of the two levels, and a lowered level is a new consent entry.
 */
export async function mergeCustomers(
  trx: Db,
  ctx: Context,
  targetId: string,
  input: MergeRequest,
): Promise<CustomerMerge> {
  if (targetId === input.sourceId) throw invalid('sourceId', 'is the customer itself');
  const { first: target, second: source } = await lockPair(trx, ctx, targetId, input.sourceId);
  if (!target) throw notFound('customer', targetId);
  if (!source) throw invalid('sourceId', 'is not a customer you can see');
  if (source.subsidiary_id !== target.subsidiary_id) {
    throw invalid('sourceId', 'belongs to another subsidiary: customers are merged within one');
  }
  if (target.merged_into) throw new DomainError('conflict', 'this customer was merged into another');
  if (source.merged_into) throw new DomainError('conflict', 'sourceId: that customer is merged already');

  const identities = await trx
    .updateTable('customer_identities')
    .set({ customer_id: target.id })
    .where('customer_id', '=', source.id)
    .returning('id')
    .execute();
  const conversations = await trx
    .updateTable('conversations')
    .set((eb) => ({ customer_id: target.id, version: eb('version', '+', 1), updated_at: ctx.now }))
    .where('customer_id', '=', source.id)
    .returning('id')
    .execute();
  await trx
    .updateTable('customers')
    .set((eb) => ({ merged_into: target.id, version: eb('version', '+', 1), updated_at: ctx.now }))
    .where('id', '=', source.id)
    .execute();
  const narrower =
    CONSENT_ORDER.indexOf(source.consent_level) < CONSENT_ORDER.indexOf(target.consent_level)
      ? source.consent_level
      : undefined;
  await trx
    .updateTable('customers')
    .set((eb) => ({
      consent_level: narrower ?? target.consent_level,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', target.id)
    .execute();
  if (narrower) {
    await trx
      .insertInto('consent_events')
      .values({
        id: newId(),
        customer_id: target.id,
        subsidiary_id: target.subsidiary_id,
        level: narrower,
        source: 'merge',
        note: `the more restrictive level of customer ${source.id}, merged into this one`,
        recorded_by: actorName(ctx),
      })
      .execute();
  }
  const merge = await trx
    .insertInto('customer_merges')
    .values({
      id: newId(),
      subsidiary_id: target.subsidiary_id,
      target_id: target.id,
      source_id: source.id,
      identity_ids: identities.map((i) => i.id),
      conversation_ids: conversations.map((c) => c.id),
      merged_by: actorName(ctx),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const decided = await trx
    .updateTable('merge_suggestions')
    .set({ status: 'merged', decided_by: actorName(ctx), decided_at: ctx.now })
    .where('status', '=', 'open')
    .where((eb) =>
      eb.or([
        eb.and([eb('customer_id', '=', target.id), eb('other_id', '=', source.id)]),
        eb.and([eb('customer_id', '=', source.id), eb('other_id', '=', target.id)]),
      ]),
    )
    .returning('id')
    .execute();
  if (input.suggestionId && !decided.some((d) => d.id === input.suggestionId)) {
    throw invalid('suggestionId', 'is not an open suggestion for these two customers');
  }
  const changes = {
    mergeId: merge.id,
    targetId: target.id,
    sourceId: source.id,
    identityIds: merge.identity_ids,
    conversationIds: merge.conversation_ids,
  };
  for (const entityId of [target.id, source.id]) {
    await recordAudit(trx, ctx.actor, ctx.requestId, {
      action: 'merge',
      entity: 'customer',
      entityId,
      subsidiaryId: target.subsidiary_id,
      changes,
    });
  }
  return toMerge(merge);
}

/**
 * Undo a merge: exactly the identities and conversations it moved go back to the
 * source (those still with the target), and the source is a customer of its own again.
 */
export async function unmergeCustomers(trx: Db, ctx: Context, mergeId: string): Promise<CustomerMerge> {
  const merge = await visibleCustomerMerges(trx, ctx.actor)
    .selectAll()
    .where('id', '=', mergeId)
    .forUpdate()
    .executeTakeFirst();
  if (!merge) throw notFound('merge', mergeId);
  if (merge.undone_at) throw new DomainError('conflict', 'this merge was undone already');
  const { first: target } = await lockPair(trx, ctx, merge.target_id, merge.source_id);
  if (!target) throw notFound('customer', merge.target_id);
  if (merge.identity_ids.length > 0) {
    await trx
      .updateTable('customer_identities')
      .set({ customer_id: merge.source_id })
      .where('id', 'in', merge.identity_ids)
      .where('customer_id', '=', merge.target_id)
      .execute();
  }
  if (merge.conversation_ids.length > 0) {
    await trx
      .updateTable('conversations')
      .set((eb) => ({ customer_id: merge.source_id, version: eb('version', '+', 1), updated_at: ctx.now }))
      .where('id', 'in', merge.conversation_ids)
      .where('customer_id', '=', merge.target_id)
      .execute();
  }
  await trx
    .updateTable('customers')
    .set((eb) => ({ merged_into: null, version: eb('version', '+', 1), updated_at: ctx.now }))
    .where('id', '=', merge.source_id)
    .execute();
  await trx
    .updateTable('customers')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: ctx.now }))
    .where('id', '=', merge.target_id)
    .execute();
  const undone = await trx
    .updateTable('customer_merges')
    .set({ undone_by: actorName(ctx), undone_at: ctx.now })
    .where('id', '=', merge.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const entityId of [merge.target_id, merge.source_id]) {
    await recordAudit(trx, ctx.actor, ctx.requestId, {
      action: 'unmerge',
      entity: 'customer',
      entityId,
      subsidiaryId: merge.subsidiary_id,
      changes: { mergeId: merge.id, targetId: merge.target_id, sourceId: merge.source_id },
    });
  }
  return toMerge(undone);
}

export async function listMergeSuggestions(
  db: Db,
  ctx: Context,
  filter: MergeSuggestionFilter,
  page: PageQuery,
): Promise<Page<MergeSuggestion>> {
  let q = visibleMergeSuggestions(db, ctx.actor).selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  const customerId = filter.customerId;
  if (customerId) {
    q = q.where((eb) => eb.or([eb('customer_id', '=', customerId), eb('other_id', '=', customerId)]));
  }
  const result = await paginate(q, 'merge_suggestions.id', page);
  return { items: result.items.map(toSuggestion), nextCursor: result.nextCursor };
}

/** The two are different people: the suggestion is closed and stays as a record. */
export async function dismissMergeSuggestion(trx: Db, ctx: Context, id: string): Promise<MergeSuggestion> {
  const current = await visibleMergeSuggestions(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('merge suggestion', id);
  if (current.status !== 'open')
    throw new DomainError('conflict', `this suggestion is ${current.status} already`);
  const row = await trx
    .updateTable('merge_suggestions')
    .set({ status: 'dismissed', decided_by: actorName(ctx), decided_at: ctx.now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'dismiss',
    entity: 'merge_suggestion',
    entityId: id,
    subsidiaryId: row.subsidiary_id,
    changes: { customerId: row.customer_id, otherId: row.other_id },
  });
  return toSuggestion(row);
}

export async function listCustomerMerges(
  db: Db,
  ctx: Context,
  filter: CustomerMergeFilter,
  page: PageQuery,
): Promise<Page<CustomerMerge>> {
  let q = visibleCustomerMerges(db, ctx.actor).selectAll();
  const customerId = filter.customerId;
  if (customerId) {
    q = q.where((eb) => eb.or([eb('target_id', '=', customerId), eb('source_id', '=', customerId)]));
  }
  const result = await paginate(q, 'customer_merges.id', page);
  return { items: result.items.map(toMerge), nextCursor: result.nextCursor };
}
