import { z } from 'zod';
import { newId, SYSTEM_ACTOR } from '../core/index.ts';
import { setPresence } from '../organisation/index.ts';
import type { Db, Row } from '../store/index.ts';
import { claimWithin } from './service.ts';
import type { Assignment, Tier } from './types.ts';

/**
 * Offers: with RELAIS_ROUTING_OFFERS=offer the router's choice is not the assignment but a
 * question to the agent, stored in routing_offers (at most one pending per conversation,
 * by a unique index, whichever process asks). Accepting claims the conversation with the
 * same conditional update as an automatic assignment, so it is never assigned twice;
 * declining or letting it expire sends it to the next agent, and the same agent is not
 * asked about it again for {@link OFFER_HOLD_MS}.
 */

/** How the router's choice becomes an assignment. */
export const OfferMode = z.enum(['auto', 'offer']);
export type OfferMode = z.infer<typeof OfferMode>;

/** After declining (or letting expire) an offer, the agent is not asked about that conversation again for this long. */
export const OFFER_HOLD_MS = 5 * 60 * 1000;

/** Offers left to expire in a row before the agent is set away. */
export const MISSED_OFFERS_BEFORE_AWAY = 2;

export type Offer = Row<'routing_offers'>;

/**
 * Store an offer of the router's decision: the agent's row is locked (as a claim does),
 * the agent must be available with room, the conversation open and nobody's, and nobody
 * else may hold a pending offer for it. The new offer's id, or null when any of that fails.
 */
export async function createOffer(
  db: Db,
  decision: Assignment,
  tier: Tier,
  now: Date,
  seconds: number,
): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const agent = await trx
      .selectFrom('agents')
      .select(['capacity', 'presence'])
      .where('id', '=', decision.agentId)
      .forUpdate()
      .executeTakeFirst();
    if (agent?.presence !== 'available') return null;
    const conversation = await trx
      .selectFrom('conversations')
      .select(['subsidiary_id', 'channel', 'status', 'assignee_id'])
      .where('id', '=', decision.itemId)
      .executeTakeFirst();
    if (conversation?.status !== 'open' || conversation.assignee_id !== null) return null;
    const held = await trx
      .selectFrom('conversations')
      .select('channel')
      .where('assignee_id', '=', decision.agentId)
      .where('status', '=', 'assigned')
      .execute();
    const offered = await trx
      .selectFrom('routing_offers')
      .innerJoin('conversations', 'conversations.id', 'routing_offers.conversation_id')
      .select('conversations.channel')
      .where('routing_offers.agent_id', '=', decision.agentId)
      .where('routing_offers.state', '=', 'pending')
      .execute();
    const load = [...held, ...offered];
    if (load.length >= agent.capacity.total) return null;
    const onChannel = load.filter((h) => h.channel === conversation.channel).length;
    if (onChannel >= (agent.capacity.perChannel[conversation.channel] ?? 0)) return null;
    const id = newId();
    const inserted = await trx
      .insertInto('routing_offers')
      .values({
        id,
        conversation_id: decision.itemId,
        subsidiary_id: conversation.subsidiary_id,
        agent_id: decision.agentId,
        state: 'pending',
        trigger: decision.trigger,
        tier,
        site_id: decision.siteId,
        ring: decision.ring,
        language: decision.language,
        fallback_language: decision.fallbackLanguage,
        score_total: decision.score.total,
        score_parts: JSON.stringify(decision.score.parts),
        offered_at: now,
        expires_at: new Date(now.getTime() + seconds * 1000),
        answered_at: null,
      })
      .onConflict((oc) => oc.column('conversation_id').where('state', '=', 'pending').doNothing())
      .executeTakeFirst();
    return (inserted.numInsertedOrUpdatedRows ?? 0n) === 1n ? id : null;
  });
}

export type OfferAnswer =
  | { outcome: 'assigned'; conversationId: string }
  | { outcome: 'declined'; conversationId: string }
  | { outcome: 'gone'; message: string };

/**
 * The agent accepts their offer: in one transaction the offer is locked, still pending
 * and unexpired, and the conversation is claimed by the conditional update every
 * assignment uses. Two accepts of one offer (two tabs, two processes): one wins.
 */
export async function acceptOffer(db: Db, agentId: string, offerId: string, now: Date): Promise<OfferAnswer> {
  return db.transaction().execute(async (trx) => {
    const offer = await trx
      .selectFrom('routing_offers')
      .selectAll()
      .where('id', '=', offerId)
      .where('agent_id', '=', agentId)
      .forUpdate()
      .executeTakeFirst();
    if (!offer) return { outcome: 'gone', message: 'no such offer of yours' };
    if (offer.state !== 'pending') return { outcome: 'gone', message: `the offer was ${offer.state}` };
    if (new Date(offer.expires_at).getTime() <= now.getTime())
      return { outcome: 'gone', message: 'the offer expired' };
    const decision: Assignment = {
      kind: 'assigned',
      itemId: offer.conversation_id,
      agentId,
      siteId: offer.site_id,
      ring: offer.ring,
      language: offer.language,
      fallbackLanguage: offer.fallback_language,
      trigger: offer.trigger as Assignment['trigger'],
      score: { total: offer.score_total, parts: offer.score_parts as Assignment['score']['parts'] },
    } as Assignment;
    const claimed = await claimWithin(trx, decision, offer.tier, now, { ignorePresence: true });
    await trx
      .updateTable('routing_offers')
      .set({ state: claimed ? 'accepted' : 'withdrawn', answered_at: now })
      .where('id', '=', offerId)
      .execute();
    return claimed
      ? { outcome: 'assigned', conversationId: offer.conversation_id }
      : { outcome: 'gone', message: 'the conversation is no longer waiting or you have no room for it' };
  });
}

/** The agent declines their pending offer: the router offers the conversation to the next agent. */
export async function declineOffer(
  db: Db,
  agentId: string,
  offerId: string,
  now: Date,
): Promise<OfferAnswer> {
  const row = await db
    .updateTable('routing_offers')
    .set({ state: 'declined', answered_at: now })
    .where('id', '=', offerId)
    .where('agent_id', '=', agentId)
    .where('state', '=', 'pending')
    .returning('conversation_id')
    .executeTakeFirst();
  return row
    ? { outcome: 'declined', conversationId: row.conversation_id }
    : { outcome: 'gone', message: 'no pending offer of yours with that id' };
}

/**
 * Expire every pending offer past its time (each row by exactly one process: a conditional
 * update); an agent whose last {@link MISSED_OFFERS_BEFORE_AWAY} offers since they became
 * available all expired is set away, so work stops waiting on someone who is not there.
 * Returns the expired offers.
 */
export async function expireOffers(
  db: Db,
  now: Date,
): Promise<Array<{ id: string; agentId: string; conversationId: string }>> {
  const expired = await db
    .updateTable('routing_offers')
    .set({ state: 'expired', answered_at: now })
    .where('state', '=', 'pending')
    .where('expires_at', '<=', now)
    .returning(['id', 'agent_id', 'conversation_id'])
    .execute();
  for (const agentId of new Set(expired.map((e) => e.agent_id))) {
    await db.transaction().execute(async (trx) => {
      const agent = await trx
        .selectFrom('agents')
        .select(['presence', 'presence_since'])
        .where('id', '=', agentId)
        .forUpdate()
        .executeTakeFirst();
      if (agent?.presence !== 'available') return;
      // Counted since they last became available: someone back at their desk starts afresh.
      const last = await trx
        .selectFrom('routing_offers')
        .select('state')
        .where('agent_id', '=', agentId)
        .where('state', '!=', 'pending')
        .where('offered_at', '>=', agent.presence_since)
        .orderBy('answered_at', 'desc')
        .orderBy('offered_at', 'desc')
        .limit(MISSED_OFFERS_BEFORE_AWAY)
        .execute();
      if (last.length < MISSED_OFFERS_BEFORE_AWAY || last.some((o) => o.state !== 'expired')) return;
      await setPresence(trx, { actor: SYSTEM_ACTOR, now }, agentId, 'away');
    });
  }
  return expired.map((e) => ({ id: e.id, agentId: e.agent_id, conversationId: e.conversation_id }));
}

/** Conversations with a pending offer, and the agent each is offered to. */
export async function pendingOffers(db: Db): Promise<Map<string, { offerId: string; agentId: string }>> {
  const rows = await db
    .selectFrom('routing_offers')
    .select(['id', 'conversation_id', 'agent_id'])
    .where('state', '=', 'pending')
    .execute();
  return new Map(rows.map((r) => [r.conversation_id, { offerId: r.id, agentId: r.agent_id }]));
}

/** Agents who declined or let expire an offer of each conversation within {@link OFFER_HOLD_MS}. */
export async function recentRefusals(db: Db, now: Date): Promise<Map<string, Set<string>>> {
  const rows = await db
    .selectFrom('routing_offers')
    .select(['conversation_id', 'agent_id'])
    .where('state', 'in', ['declined', 'expired'])
    .where('answered_at', '>', new Date(now.getTime() - OFFER_HOLD_MS))
    .execute();
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.conversation_id) ?? new Set<string>();
    set.add(r.agent_id);
    out.set(r.conversation_id, set);
  }
  return out;
}

/** What an agent is shown of an offer. */
export const OfferView = z.object({
  offerId: z.uuid(),
  conversationId: z.uuid(),
  channel: z.string(),
  language: z.string(),
  customerName: z.string(),
  waitingSince: z.string(),
  expiresAt: z.string(),
  score: z.object({
    total: z.number(),
    /** The three parts that counted most. */
    top: z.array(z.object({ name: z.string(), contribution: z.number() })),
  }),
});
export type OfferView = z.infer<typeof OfferView>;

/** The agent's pending, unexpired offers, as they are shown. */
export async function offersFor(db: Db, agentId: string, now: Date): Promise<OfferView[]> {
  const rows = await db
    .selectFrom('routing_offers')
    .innerJoin('conversations', 'conversations.id', 'routing_offers.conversation_id')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .select([
      'routing_offers.id',
      'routing_offers.conversation_id',
      'routing_offers.language',
      'routing_offers.expires_at',
      'routing_offers.score_total',
      'routing_offers.score_parts',
      'conversations.channel',
      'conversations.created_at',
      'customers.display_name',
    ])
    .where('routing_offers.agent_id', '=', agentId)
    .where('routing_offers.state', '=', 'pending')
    .where('routing_offers.expires_at', '>', now)
    .orderBy('routing_offers.offered_at')
    .execute();
  return rows.map((r) => ({
    offerId: r.id,
    conversationId: r.conversation_id,
    channel: r.channel,
    language: r.language,
    customerName: r.display_name,
    waitingSince: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
    score: {
      total: r.score_total,
      top: [...r.score_parts]
        .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
        .slice(0, 3)
        .map((p) => ({ name: p.name, contribution: p.contribution })),
    },
  }));
}

/** The states of the given offers now (for telling an agent that one expired or was withdrawn). */
export async function offerStates(db: Db, ids: string[]): Promise<Map<string, Offer['state']>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('routing_offers').select(['id', 'state']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.state]));
}

/** Conversations assigned to the agent now. */
export async function assignedTo(db: Db, agentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('conversations')
    .select('id')
    .where('assignee_id', '=', agentId)
    .where('status', '=', 'assigned')
    .execute();
  return rows.map((r) => r.id);
}
