import { sql } from 'kysely';
import { z } from 'zod';
import { type Context, Tier } from '../core/index.ts';
import { type Db, visibleConversations } from '../store/index.ts';

/** The most conversations an inbox returns: an agent never holds that many, a bug might. */
export const INBOX_LIMIT = 10_000;

export const InboxItem = z.object({
  id: z.uuid(),
  subject: z.string().nullable(),
  channel: z.string(),
  channels: z.array(z.string()),
  language: z.string(),
  tier: Tier,
  priority: z.string(),
  status: z.string(),
  customerId: z.uuid(),
  customerName: z.string(),
  waitingSince: z.iso
    .datetime()
    .nullable()
    .describe("the customer's oldest message no agent has answered yet; null: nobody waits on the agent"),
  firstResponseDueAt: z.iso.datetime().nullable(),
  resolutionDueAt: z.iso.datetime().nullable(),
  snoozedUntil: z.iso.datetime().nullable().describe('set while snoozed: it comes back at that instant'),
  lastMessageAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
});
export type InboxItem = z.infer<typeof InboxItem>;

export const Inbox = z.object({
  items: z.array(InboxItem).describe('most urgent first: the nearest due time, then the longest wait'),
  truncated: z.boolean().describe(`more than ${INBOX_LIMIT} conversations: only the first are listed`),
});
export type Inbox = z.infer<typeof Inbox>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * The signed-in agent's inbox: the conversations assigned to them that are still theirs to
 * work (assigned, or pending on the customer), each with the customer's name, how long the
 * customer has waited for an answer and the due times that count now.
 */
export async function agentInbox(db: Db, ctx: Context): Promise<Inbox> {
  const agentId = ctx.actor.agentId;
  if (!agentId) return { items: [], truncated: false };
  const answered = sql<Date | null>`(
    select max(o.created_at) from messages o
    where o.conversation_id = conversations.id and o.direction = 'outbound' and o.author_kind = 'agent'
      and not o.internal
  )`;
  const waitingSince = sql<Date | null>`(
    select min(m.created_at) from messages m
    where m.conversation_id = conversations.id and m.direction = 'inbound'
      and m.created_at > coalesce(${answered}, '-infinity'::timestamptz)
  )`;
  // The first response's due time until someone answered, then the resolution's.
  const due = sql<Date | null>`case when conversations.first_responded_at is null
    then coalesce(conversations.first_response_due_at, conversations.resolution_due_at)
    else conversations.resolution_due_at end`;
  const rows = await visibleConversations(db, ctx.actor)
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .where('conversations.assignee_id', '=', agentId)
    .where('conversations.status', 'in', ['assigned', 'pending'])
    .select([
      'conversations.id',
      'conversations.subject',
      'conversations.channel',
      'conversations.channels',
      'conversations.language',
      'conversations.tier',
      'conversations.priority',
      'conversations.status',
      'conversations.customer_id',
      'customers.display_name as customer_name',
      'conversations.first_response_due_at',
      'conversations.resolution_due_at',
      'conversations.first_responded_at',
      'conversations.snoozed_until',
      'conversations.last_message_at',
      'conversations.created_at',
    ])
    .select(waitingSince.as('waiting_since'))
    .orderBy(sql`${due} asc nulls last`)
    .orderBy('conversations.last_message_at', 'asc')
    .orderBy('conversations.id')
    .limit(INBOX_LIMIT + 1)
    .execute();
  const truncated = rows.length > INBOX_LIMIT;
  return {
    truncated,
    items: rows.slice(0, INBOX_LIMIT).map((r) => ({
      id: r.id,
      subject: r.subject,
      channel: r.channel,
      channels: r.channels,
      language: r.language,
      tier: r.tier as InboxItem['tier'],
      priority: r.priority,
      status: r.status,
      customerId: r.customer_id,
      customerName: r.customer_name,
      waitingSince: iso(r.waiting_since ? new Date(r.waiting_since) : null),
      firstResponseDueAt: iso(r.first_response_due_at),
      resolutionDueAt: iso(r.resolution_due_at),
      snoozedUntil: iso(r.snoozed_until),
      lastMessageAt: r.last_message_at.toISOString(),
      createdAt: r.created_at.toISOString(),
    })),
  };
}
