import { sql } from 'kysely';
import type { ConversationStatus } from '../../conversations/index.ts';
import { appendInboundMessage, createConversation } from '../../conversations/index.ts';
import { type Context, SYSTEM_ACTOR, toE164 } from '../../core/index.ts';
import { atomically, type Db } from '../../store/index.ts';
import { recordDeliveryStatus } from '../delivery.ts';
import { DETECTABLE, detectLanguage } from '../language.ts';
import type { MetaItem, MetaMessage, MetaStatus, Skipped } from './webhook.ts';

/** What one webhook delivery did, as answered to Meta (and read by whoever debugs a page). */
export interface MetaIntake {
  /** Messages and comments stored now. */
  stored: number;
  /** Messages, comments and statuses stored before: a redelivery. */
  duplicates: number;
  /** Delivery statuses recorded on the messages we sent. */
  statuses: number;
  /** What was not taken, and why: unknown page or number ids, events Relais does not read. */
  skipped: Skipped[];
}

/** The identity a social or WhatsApp id becomes: social ids are scoped to the page they wrote to. */
export function identityOf(item: Pick<MetaMessage, 'network' | 'endpoint' | 'from'>): {
  kind: 'facebook' | 'instagram' | 'whatsapp';
  value: string;
} | null {
  if (item.network === 'whatsapp') {
    const value = toE164(`+${item.from}`, undefined);
    return value ? { kind: 'whatsapp', value } : null;
  }
  return { kind: item.network, value: `${item.endpoint}:${item.from}` };
}

/**
 * Store every message, comment and status of one verified webhook delivery in one
 * transaction: the caller answers Meta only after it commits. A message already
 * stored (same mid, comment id or wamid) is not stored again. Items for a page or
 * number that is not an active endpoint are skipped and listed, the rest stored.
 */
export async function ingestMetaWebhook(
  db: Db,
  items: MetaItem[],
  skippedBefore: Skipped[],
  now: Date,
  requestId: string,
): Promise<MetaIntake> {
  const ctx: Context = { actor: SYSTEM_ACTOR, requestId: requestId.slice(0, 64), now };
  const skipped = [...skippedBefore];
  if (items.length === 0) return { stored: 0, duplicates: 0, statuses: 0, skipped };
  // One message alone needs no transaction of its own: its write is one statement (or
  // createConversation's own transaction). Several items, or a status, share one.
  const alone = items.length === 1 && items[0]?.kind === 'message';
  const run = <T>(work: (trx: Db) => Promise<T>): Promise<T> => (alone ? work(db) : atomically(db, work));
  return run(async (trx) => {
    const result: MetaIntake = { stored: 0, duplicates: 0, statuses: 0, skipped };
    const unknown = (item: MetaItem) =>
      skipped.push({
        endpoint: item.endpoint,
        unknownEndpoint: true,
        reason:
          item.channel === 'whatsapp'
            ? 'no active whatsapp endpoint has this phone number id'
            : 'no active social endpoint has this page or Instagram account id',
      });
    for (const item of items) {
      if (item.kind === 'status') {
        const outcome = await recordStatus(trx, item);
        if (outcome === 'recorded') result.statuses += 1;
        else if (outcome === 'duplicate') result.duplicates += 1;
        else if (outcome === 'no endpoint') unknown(item);
        else
          skipped.push({
            endpoint: item.endpoint,
            reason: `no message sent from here has id ${item.externalId}`,
          });
        continue;
      }
      const identity = identityOf(item);
      if (!identity) {
        skipped.push({ endpoint: item.endpoint, reason: `${item.from} is not a phone number` });
        continue;
      }
      const outcome = await storeMessage(trx, ctx, item, identity);
      if (outcome === 'stored') result.stored += 1;
      else if (outcome === 'duplicate') result.duplicates += 1;
      else unknown(item);
    }
    return result;
  });
}

/**
 * One message: stored before (nothing to do), the next one of the customer's conversation
 * on this endpoint that is not closed, or the first of a new conversation.
 */
async function storeMessage(
  trx: Db,
  ctx: Context,
  item: MetaMessage,
  identity: { kind: 'facebook' | 'instagram' | 'whatsapp'; value: string },
): Promise<'stored' | 'duplicate' | 'no endpoint'> {
  // One read: the endpoint, whether the message was stored before, the customer's
  // language and their conversation on this endpoint that is not closed.
  const known = await trx
    .selectFrom('endpoints')
    .innerJoin('subsidiaries', 'subsidiaries.id', 'endpoints.subsidiary_id')
    .select((eb) => [
      'endpoints.id',
      'endpoints.subsidiary_id',
      'subsidiaries.languages',
      eb
        .selectFrom('messages')
        .select('conversation_id')
        .whereRef('messages.subsidiary_id', '=', 'endpoints.subsidiary_id')
        .where('messages.channel', '=', item.channel)
        .where('messages.external_id', '=', item.externalId)
        .limit(1)
        .$asScalar()
        .as('delivered_in'),
      eb
        .selectFrom('customer_identities')
        .innerJoin('customers', 'customers.id', 'customer_identities.customer_id')
        .select('customers.language')
        .whereRef('customer_identities.subsidiary_id', '=', 'endpoints.subsidiary_id')
        .where('customer_identities.kind', '=', identity.kind)
        .where('customer_identities.value', '=', identity.value)
        .limit(1)
        .$asScalar()
        .as('language'),
      eb
        .selectFrom('conversations')
        .innerJoin('customer_identities', 'customer_identities.customer_id', 'conversations.customer_id')
        .select(
          sql<string>`json_build_array(conversations.id, conversations.status, conversations.site_id)`.as(
            't',
          ),
        )
        .whereRef('customer_identities.subsidiary_id', '=', 'endpoints.subsidiary_id')
        .where('customer_identities.kind', '=', identity.kind)
        .where('customer_identities.value', '=', identity.value)
        .whereRef('conversations.subsidiary_id', '=', 'endpoints.subsidiary_id')
        .whereRef('conversations.endpoint_id', '=', 'endpoints.id')
        .where('conversations.status', '<>', 'closed')
        .orderBy('conversations.id', 'desc')
        .limit(1)
        .$asScalar()
        .as('thread'),
    ])
    .where('endpoints.channel', '=', item.channel)
    .where('endpoints.address', '=', item.endpoint)
    .where('endpoints.active', '=', true)
    .executeTakeFirst();
  if (!known) return 'no endpoint';
  const endpoint = { id: known.id, subsidiaryId: known.subsidiary_id };
  if (known.delivered_in) return 'duplicate';
  const language = detectLanguage(item.text, {
    candidates: [...known.languages, ...DETECTABLE],
    known: known.language ?? undefined,
  }).language;
  const message = {
    direction: 'inbound' as const,
    channel: item.channel,
    text: item.text,
    raw: item.raw,
    rawMediaType: 'application/json',
    attachments: [],
    language,
    externalId: item.externalId,
    visibility: item.visibility,
  };
  const thread = known.thread as unknown as [string, ConversationStatus, string | null] | null;
  if (thread) {
    const [id, status, siteId] = thread;
    await appendInboundMessage(
      trx,
      ctx,
      { id, subsidiaryId: endpoint.subsidiaryId, siteId, status },
      message,
    );
    return 'stored';
  }
  const opened = await createConversation(trx, ctx, {
    subsidiaryId: endpoint.subsidiaryId,
    endpointId: endpoint.id,
    channel: item.channel,
    customer: {
      identity,
      // A WhatsApp number is a phone number: the customer who called or texted from it.
      ...(identity.kind === 'whatsapp'
        ? { otherIdentities: [{ kind: 'phone' as const, value: identity.value }] }
        : {}),
      language,
      ...(item.name?.trim() ? { displayName: item.name.trim().slice(0, 200) } : {}),
    },
    tier: 'level1',
    requiredSkills: [],
    priority: 'normal',
    language,
    message,
  });
  return opened.created ? 'stored' : 'duplicate';
}

/** A status of a message we sent, recorded once: Meta redelivers statuses too. */
async function recordStatus(
  trx: Db,
  item: MetaStatus,
): Promise<'recorded' | 'duplicate' | 'unknown' | 'no endpoint'> {
  const endpoint = await trx
    .selectFrom('endpoints')
    .select(['id', 'subsidiary_id as subsidiaryId'])
    .where('channel', '=', item.channel)
    .where('address', '=', item.endpoint)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!endpoint) return 'no endpoint';
  const sent = await trx
    .selectFrom('messages')
    .select([
      'messages.id',
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('delivery_events')
              .select(sql`1`.as('one'))
              .whereRef('delivery_events.message_id', '=', 'messages.id')
              .where('delivery_events.status', '=', item.status),
          )
          .as('seen'),
    ])
    .where('messages.subsidiary_id', '=', endpoint.subsidiaryId)
    .where('messages.channel', '=', item.channel)
    .where('messages.external_id', '=', item.externalId)
    .where('messages.direction', '=', 'outbound')
    .executeTakeFirst();
  if (!sent) return 'unknown';
  if (sent.seen) return 'duplicate';
  // "sent" is what our own send already recorded when the Graph API answered.
  if (item.status === 'sent') return 'recorded';
  await recordDeliveryStatus(trx, {
    channel: item.channel,
    externalId: item.externalId,
    status: item.status,
    detail: item.detail,
    subsidiaryId: endpoint.subsidiaryId,
  });
  return 'recorded';
}
