import { sql } from 'kysely';
import { addMessage } from '../conversations/index.ts';
import { type Channel, SYSTEM_ACTOR } from '../core/index.ts';
import type { Db, Row } from '../store/index.ts';
import { closedNoticeText, firstOpening, isTimeZone, type NoticeSite } from './closed-notice.ts';

/**
 * The written channels whose customers are told when a closed team opens again. The chat
 * widget tells its visitors itself; a call or a letter is not answered this way.
 */
export const NOTICE_CHANNELS: ReadonlySet<string> = new Set<Channel>(['email', 'sms', 'whatsapp', 'social']);

/** The identity a channel's sender writes to (src/channels/*). */
type IdentityKind = Row<'customer_identities'>['kind'];
const ADDRESS_KINDS: Record<string, IdentityKind[]> = {
  email: ['email'],
  sms: ['phone'],
  whatsapp: ['whatsapp', 'phone'],
  social: ['facebook', 'instagram'],
};

/** A notice answers a customer who wrote lately: within Meta's 24-hour window, and not about old news. */
export const NOTICE_RECENT_MS = 24 * 3_600_000;

export type ClosedNoticeOutcome =
  | 'sent'
  | 'already_sent'
  | 'not_waiting'
  | 'not_for_channel'
  | 'no_consent'
  | 'no_endpoint'
  | 'no_address'
  | 'public_comment'
  | 'not_recent'
  | 'nothing_to_announce';

/**
 * Queue the one automatic "closed, opens at …" reply of a conversation that waits because
 * no site is open, through the normal outbound path (authored by the system, delivered and
 * retried like an agent's reply). Exactly once per conversation: the `closed_notices` row
 * is claimed in the transaction that queues the message, so a second process, or this one
 * after a restart, finds it taken. Nothing is sent — and nothing recorded — when the
 * channel is not a written one, the customer consents to no contact, no active endpoint or
 * address can carry it, the conversation began as a public comment (the agent chooses how
 * to answer those), the customer has not written in the last day, or no opening is ahead.
 */
export async function sendClosedNotice(
  db: Db,
  conversationId: string,
  now: Date,
): Promise<ClosedNoticeOutcome> {
  const conversation = await db
    .selectFrom('conversations')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .innerJoin('subsidiaries', 'subsidiaries.id', 'conversations.subsidiary_id')
    .select([
      'conversations.id',
      'conversations.subsidiary_id',
      'conversations.customer_id',
      'conversations.channel',
      'conversations.language',
      'conversations.tier',
      'conversations.status',
      'conversations.assignee_id',
      'conversations.endpoint_id',
      'customers.consent_level',
      'customers.time_zone as customer_time_zone',
      'subsidiaries.time_zone as subsidiary_time_zone',
    ])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  if (conversation?.status !== 'open' || conversation.assignee_id !== null) return 'not_waiting';
  if (!NOTICE_CHANNELS.has(conversation.channel)) return 'not_for_channel';
  const sent = await db
    .selectFrom('closed_notices')
    .select('conversation_id')
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (sent) return 'already_sent';
  if (conversation.consent_level === 'none') return 'no_consent';

  // The endpoint delivery would send from (src/channels/delivery.ts).
  const endpoint = await db
    .selectFrom('endpoints')
    .select('id')
    .where('subsidiary_id', '=', conversation.subsidiary_id)
    .where('channel', '=', conversation.channel as Channel)
    .where('active', '=', true)
    .$if(conversation.endpoint_id !== null, (q) => q.where('id', '=', conversation.endpoint_id ?? ''))
    .executeTakeFirst();
  if (!endpoint) return 'no_endpoint';
  const address = await db
    .selectFrom('customer_identities')
    .select('id')
    .where('customer_id', '=', conversation.customer_id)
    .where('kind', 'in', ADDRESS_KINDS[conversation.channel] ?? [])
    .executeTakeFirst();
  if (!address) return 'no_address';

  const inbound = await db
    .selectFrom('messages')
    .select([
      sql<Date | string | null>`max(created_at)`.as('last'),
      sql<boolean>`bool_or(visibility = 'public')`.as('public'),
    ])
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'inbound')
    .executeTakeFirst();
  if (inbound?.public) return 'public_comment';
  if (!inbound?.last || now.getTime() - new Date(inbound.last).getTime() > NOTICE_RECENT_MS)
    return 'not_recent';

  const sites = await db
    .selectFrom('sites')
    .select(['calendar', 'time_zone', 'subsidiary_ids', 'always_open_for', 'languages', 'tiers'])
    .where(sql<boolean>`${conversation.subsidiary_id}::uuid = any(subsidiary_ids)`)
    .execute();
  const noticeSites: NoticeSite[] = sites.map((s) => ({
    calendar: s.calendar,
    timeZone: s.time_zone,
    subsidiaryIds: s.subsidiary_ids,
    alwaysOpenFor: s.always_open_for,
    languages: s.languages.map((l) => l.tag),
    tiers: s.tiers,
  }));
  const opensAt = firstOpening(
    noticeSites,
    { subsidiaryId: conversation.subsidiary_id, language: conversation.language, tier: conversation.tier },
    now,
  );
  if (!opensAt) return 'nothing_to_announce';
  const timeZone = isTimeZone(conversation.customer_time_zone)
    ? conversation.customer_time_zone
    : conversation.subsidiary_time_zone;
  const notice = closedNoticeText(conversation.language, opensAt, timeZone);

  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('closed_notices')
      .values({
        conversation_id: conversationId,
        subsidiary_id: conversation.subsidiary_id,
        message_id: null,
        opens_at: opensAt,
        time_zone: timeZone,
        language: notice.language,
        created_at: now,
      })
      .onConflict((oc) => oc.column('conversation_id').doNothing())
      .returning('conversation_id')
      .executeTakeFirst();
    if (!claimed) return 'already_sent';
    const { message } = await addMessage(
      trx,
      { actor: SYSTEM_ACTOR, now },
      conversationId,
      {
        direction: 'outbound',
        text: notice.text,
        language: notice.language,
        attachments: [],
        ...(conversation.channel === 'social' ? { visibility: 'private' as const } : {}),
      },
      { automatic: true },
    );
    await trx
      .updateTable('closed_notices')
      .set({ message_id: message.id })
      .where('conversation_id', '=', conversationId)
      .execute();
    return 'sent';
  });
}
