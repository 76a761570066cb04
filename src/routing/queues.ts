import { sql } from 'kysely';
import { z } from 'zod';
import { recordEvent } from '../bus/index.ts';
import { type Context, DomainError, invalid, newId, notFound } from '../core/index.ts';
import { type Db, recordAudit, visibleConversations, visibleWaitingConversations } from '../store/index.ts';
import { TIERS } from './engine.ts';
import { AT_RISK_WINDOW_MS } from './service-level-figures.ts';
import type { Tier } from './types.ts';
import { byRouterOrder, SERVICE_RATE_WINDOW_MS, waitFromServiceRate } from './wait.ts';

export { SERVICE_RATE_WINDOW_MS } from './wait.ts';

export const TierSchema = z.enum(TIERS as [Tier, ...Tier[]]);

export const QueueFilter = z.object({
  subsidiaryId: z.uuid().optional(),
  siteId: z.uuid().optional(),
  language: z.string().min(1).max(35).optional(),
  channel: z.string().min(1).max(20).optional(),
  tier: TierSchema.optional(),
});
export type QueueFilter = z.infer<typeof QueueFilter>;

export const QueueItem = z.object({
  conversationId: z.uuid(),
  subsidiaryId: z.uuid(),
  channel: z.string(),
  language: z.string(),
  tier: TierSchema,
  priority: z.string(),
  arrivedAt: z.string(),
  /** 1 = next in its queue (subsidiary × language × channel × tier). */
  position: z.number().int(),
  waitReason: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** From the observed service rate of its queue; null when nothing was served lately. */
  estimatedWaitSeconds: z.number().nullable(),
  /** Sites that serve the subsidiary in the language at the tier. */
  siteIds: z.array(z.uuid()),
  firstResponseDueAt: z.string().nullable(),
  /** Against the first-response due time: at risk when it falls within the next 5 minutes, breached once past. */
  sla: z.enum(['on_time', 'at_risk', 'breached']).nullable(),
});
export type QueueItem = z.infer<typeof QueueItem>;

export const QueueView = z.object({
  items: z.array(QueueItem),
  queues: z.array(
    z.object({
      subsidiaryId: z.uuid(),
      language: z.string(),
      channel: z.string(),
      tier: TierSchema,
      waiting: z.number().int(),
      /** Waiting with the first response due within the next 5 minutes. */
      atRisk: z.number().int(),
      /** Waiting past the first response's due time. */
      breached: z.number().int(),
      /** When the longest-waiting conversation arrived. */
      oldestArrivedAt: z.string(),
      /** Assignments per hour over the last hour. */
      servedPerHour: z.number(),
      siteIds: z.array(z.uuid()),
    }),
  ),
});
export type QueueView = z.infer<typeof QueueView>;

/**
 * The waiting work the caller sees (a site's people also see the work their site could
 * take: visibleWaitingConversations), read from the store (so every process answers the
 * same): in each queue ordered as the router orders it, with the last wait reason
 * recorded and an estimated wait of position ÷ the queue's observed service rate.
 */
export async function listQueues(db: Db, ctx: Context, filter: QueueFilter): Promise<QueueView> {
  let q = visibleWaitingConversations(db, ctx.actor).select([
    'id',
    'subsidiary_id',
    'channel',
    'language',
    'tier',
    'priority',
    'created_at',
    'first_response_due_at',
  ]);
  if (filter.subsidiaryId) q = q.where('subsidiary_id', '=', filter.subsidiaryId);
  if (filter.language) q = q.where('language', '=', filter.language);
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  if (filter.tier) q = q.where('tier', '=', filter.tier);
  const rows = await q.execute();
  const ids = rows.map((r) => r.id);
  const reasons = new Map<string, { code: string; message: string }>();
  if (ids.length > 0) {
    const waits = await db
      .selectFrom('routing_decisions')
      .select(['conversation_id', 'reason_code', 'reason'])
      .where('conversation_id', 'in', ids)
      .where('kind', '=', 'waiting')
      .orderBy('at')
      .orderBy('id')
      .execute();
    for (const w of waits)
      reasons.set(w.conversation_id, { code: w.reason_code ?? '', message: w.reason ?? '' });
  }
  const rate = await servedByQueue(db, ctx.now);
  const sites = await db.selectFrom('sites').select(['id', 'subsidiary_ids', 'languages', 'tiers']).execute();
  const sitesFor = (subsidiaryId: string, language: string, tier: string) =>
    sites
      .filter(
        (s) =>
          s.subsidiary_ids.includes(subsidiaryId) &&
          s.tiers.includes(tier) &&
          s.languages.some((l) => l.tag === language),
      )
      .map((s) => s.id);

  rows.sort(byRouterOrder);
  const queues = new Map<string, QueueView['queues'][number]>();
  const items: QueueItem[] = [];
  for (const r of rows) {
    const key = `${r.subsidiary_id}|${r.language}|${r.channel}|${r.tier}`;
    let queue = queues.get(key);
    if (!queue) {
      queue = {
        subsidiaryId: r.subsidiary_id,
        language: r.language,
        channel: r.channel,
        tier: r.tier,
        waiting: 0,
        atRisk: 0,
        breached: 0,
        oldestArrivedAt: new Date(r.created_at).toISOString(),
        servedPerHour: rate.get(key) ?? 0,
        siteIds: sitesFor(r.subsidiary_id, r.language, r.tier),
      };
      queues.set(key, queue);
    }
    if (filter.siteId && !queue.siteIds.includes(filter.siteId)) continue;
    queue.waiting += 1;
    const arrived = new Date(r.created_at).toISOString();
    if (arrived < queue.oldestArrivedAt) queue.oldestArrivedAt = arrived;
    const due = r.first_response_due_at ? new Date(r.first_response_due_at).getTime() : null;
    const sla =
      due === null
        ? null
        : due < ctx.now.getTime()
          ? 'breached'
          : due <= ctx.now.getTime() + AT_RISK_WINDOW_MS
            ? 'at_risk'
            : 'on_time';
    if (sla === 'at_risk') queue.atRisk += 1;
    if (sla === 'breached') queue.breached += 1;
    items.push({
      conversationId: r.id,
      subsidiaryId: r.subsidiary_id,
      channel: r.channel,
      language: r.language,
      tier: r.tier,
      priority: r.priority,
      arrivedAt: new Date(r.created_at).toISOString(),
      position: queue.waiting,
      waitReason: reasons.get(r.id) ?? null,
      estimatedWaitSeconds: waitFromServiceRate(queue.waiting, queue.servedPerHour),
      siteIds: queue.siteIds,
      firstResponseDueAt: due === null ? null : new Date(due).toISOString(),
      sla,
    });
  }
  return { items, queues: [...queues.values()].filter((q) => q.waiting > 0) };
}

/** A queue: subsidiary × language × channel × tier. */
interface QueueKey {
  subsidiary_id: string;
  language: string;
  channel: string;
  tier: string;
}
const keyOf = (q: QueueKey) => `${q.subsidiary_id}|${q.language}|${q.channel}|${q.tier}`;

/**
 * Assignments per queue over the service-rate window before `now`, counted in the queue the
 * conversation waited in (its language and channel, the tier it was assigned at), by key.
 */
async function servedByQueue(db: Db, now: Date, only?: QueueKey): Promise<Map<string, number>> {
  let q = db
    .selectFrom('routing_decisions')
    .innerJoin('conversations', 'conversations.id', 'routing_decisions.conversation_id')
    .select([
      'conversations.subsidiary_id',
      'conversations.language',
      'conversations.channel',
      'routing_decisions.tier',
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('routing_decisions.kind', '=', 'assigned')
    .where('routing_decisions.at', '>=', new Date(now.getTime() - SERVICE_RATE_WINDOW_MS))
    .groupBy([
      'conversations.subsidiary_id',
      'conversations.language',
      'conversations.channel',
      'routing_decisions.tier',
    ]);
  if (only)
    q = q
      .where('conversations.subsidiary_id', '=', only.subsidiary_id)
      .where('conversations.language', '=', only.language)
      .where('conversations.channel', '=', only.channel)
      .where('routing_decisions.tier', '=', only.tier as Tier);
  const rows = await q.execute();
  return new Map(rows.map((r) => [keyOf(r), Number(r.n)]));
}

/**
 * The estimated wait, in seconds, of one conversation waiting for an agent, computed as the
 * queue view computes it: its position in its whole queue ÷ the queue's assignments over
 * the last hour. Null when it does not wait for an agent (not open, or someone's) or when its
 * queue served nothing in the last hour. Unscoped: for the conversation's own customer.
 */
export async function queuedWait(db: Db, conversationId: string, now: Date): Promise<number | null> {
  const c = await db
    .selectFrom('conversations')
    .select(['id', 'subsidiary_id', 'language', 'channel', 'tier', 'status', 'assignee_id'])
    .where('id', '=', conversationId)
    .executeTakeFirst();
  if (c?.status !== 'open' || c.assignee_id !== null) return null;
  const served = (await servedByQueue(db, now, c)).get(keyOf(c)) ?? 0;
  if (served === 0) return null;
  const queue = await db
    .selectFrom('conversations')
    .select(['id', 'priority', 'first_response_due_at', 'created_at'])
    .where('status', '=', 'open')
    .where('assignee_id', 'is', null)
    .where('subsidiary_id', '=', c.subsidiary_id)
    .where('language', '=', c.language)
    .where('channel', '=', c.channel)
    .where('tier', '=', c.tier)
    .execute();
  queue.sort(byRouterOrder);
  return waitFromServiceRate(queue.findIndex((r) => r.id === c.id) + 1, served);
}

export const RoutingDecision = z.object({
  id: z.uuid(),
  kind: z.enum(['assigned', 'waiting', 'escalated']),
  trigger: z.string(),
  tier: TierSchema,
  agentId: z.uuid().nullable(),
  siteId: z.uuid().nullable(),
  ring: z.number().int().nullable(),
  language: z.string().nullable(),
  fallbackLanguage: z.boolean(),
  score: z
    .object({
      total: z.number(),
      parts: z.array(
        z.object({ name: z.string(), value: z.number(), weight: z.number(), contribution: z.number() }),
      ),
    })
    .nullable(),
  reason: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
  at: z.string(),
});
export type RoutingDecision = z.infer<typeof RoutingDecision>;

/** Every routing decision about a conversation the caller sees, oldest first, with the score's parts. */
export async function routingHistory(
  db: Db,
  ctx: Context,
  conversationId: string,
): Promise<RoutingDecision[]> {
  const seen = await visibleConversations(db, ctx.actor)
    .select('id')
    .where('id', '=', conversationId)
    .executeTakeFirst();
  if (!seen) throw notFound('conversation', conversationId);
  const rows = await db
    .selectFrom('routing_decisions')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    trigger: r.trigger,
    tier: r.tier,
    agentId: r.agent_id,
    siteId: r.site_id,
    ring: r.ring,
    language: r.language,
    fallbackLanguage: r.fallback_language,
    score: r.score_total === null ? null : { total: r.score_total, parts: r.score_parts },
    reason: r.reason === null ? null : { code: r.reason_code, message: r.reason },
    at: new Date(r.at).toISOString(),
  }));
}

export const EscalationInput = z
  .object({ tier: TierSchema, reason: z.string().trim().min(1).max(1000) })
  .strict();
export type EscalationInput = z.infer<typeof EscalationInput>;

/**
 * Escalate: the conversation goes back to waiting with the new tier (its messages and
 * arrival stay); the router picks it up at its next sync. Audited.
 */
export async function escalateConversation(
  trx: Db,
  ctx: Context,
  conversationId: string,
  input: EscalationInput,
): Promise<{ conversationId: string; tier: Tier; status: 'open' }> {
  const current = await visibleConversations(trx, ctx.actor)
    .select(['id', 'subsidiary_id', 'site_id', 'tier', 'status', 'assignee_id'])
    .where('id', '=', conversationId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('conversation', conversationId);
  if (current.status === 'resolved' || current.status === 'closed')
    throw new DomainError('illegal_transition', `a ${current.status} conversation cannot be escalated`);
  if (current.tier === input.tier) throw invalid('tier', `the conversation is already at ${input.tier}`);
  const serving = await trx
    .selectFrom('sites')
    .select('id')
    .where(sql<boolean>`${current.subsidiary_id}::uuid = any(subsidiary_ids)`)
    .where(sql<boolean>`${input.tier} = any(tiers)`)
    .executeTakeFirst();
  if (!serving) throw invalid('tier', `no site serving this subsidiary works at ${input.tier}`);
  await trx
    .updateTable('conversations')
    .set((eb) => ({
      tier: input.tier,
      status: 'open',
      assignee_id: null,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', conversationId)
    .execute();
  await trx
    .insertInto('routing_decisions')
    .values({
      id: newId(),
      conversation_id: conversationId,
      subsidiary_id: current.subsidiary_id,
      kind: 'escalated',
      trigger: 'escalation',
      tier: input.tier,
      agent_id: current.assignee_id,
      site_id: current.site_id,
      ring: null,
      language: null,
      score_total: null,
      score_parts: '[]',
      reason_code: 'escalated',
      reason: input.reason,
      actor_id: ctx.actor.id,
      at: ctx.now,
    })
    .execute();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'escalate',
    entity: 'conversation',
    entityId: conversationId,
    subsidiaryId: current.subsidiary_id,
    siteId: current.site_id,
    changes: { from: current.tier, to: input.tier, reason: input.reason },
  });
  await recordEvent(trx, 'conversation.escalated', {
    conversationId,
    subsidiaryId: current.subsidiary_id,
    tier: input.tier,
    reason: input.reason,
  });
  if (current.status !== 'open')
    await recordEvent(trx, 'conversation.status_changed', {
      conversationId,
      from: current.status,
      to: 'open',
    });
  return { conversationId, tier: input.tier, status: 'open' };
}
