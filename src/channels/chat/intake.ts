import { addMessage, createConversation } from '../../conversations/index.ts';
import type { Context } from '../../core/index.ts';
import { atomically, type Db } from '../../store/index.ts';
import { detectLanguage } from '../language.ts';
import type { Author } from './protocol.ts';
import { visitorLabel } from './visitor-label.ts';
import { type ChatVisitor, keepVisitor } from './visitors.ts';

export interface Received {
  messageId: string;
  conversationId: string;
  /** False when this clientId was stored before: a resend changes nothing. */
  created: boolean;
}

/** A visitor's message is known by who sent it and the id their widget gave it. */
const externalIdOf = (visitor: ChatVisitor, clientId: string): string => `${visitor.id}:${clientId}`;

async function storedBefore(trx: Db, visitor: ChatVisitor, externalId: string) {
  return trx
    .selectFrom('messages')
    .select(['id', 'conversation_id'])
    .where('subsidiary_id', '=', visitor.subsidiaryId)
    .where('channel', '=', 'chat')
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

/** The visitor's conversation that is still going (not closed), newest first. */
export async function currentChat(db: Db, visitor: ChatVisitor) {
  return db
    .selectFrom('conversations')
    .innerJoin('customer_identities as ci', 'ci.customer_id', 'conversations.customer_id')
    .selectAll('conversations')
    .where('ci.subsidiary_id', '=', visitor.subsidiaryId)
    .where('ci.kind', '=', 'chat')
    .where('ci.value', '=', visitor.id)
    .where('conversations.subsidiary_id', '=', visitor.subsidiaryId)
    .where('conversations.channel', '=', 'chat')
    .where('conversations.status', '<>', 'closed')
    .orderBy('conversations.id', 'desc')
    .executeTakeFirst();
}

/**
 * Store a visitor's chat message, once: it continues their conversation, or opens one
 * with them as a customer known by their chat identity. The same clientId sent again
 * (a resend after a lost connection) returns the message stored the first time.
 */
export async function receiveChatMessage(
  db: Db,
  ctx: Context,
  visitor: ChatVisitor,
  input: { clientId: string; text: string; languages: string[] },
): Promise<Received> {
  const externalId = externalIdOf(visitor, input.clientId);
  return atomically(db, async (trx) => {
    const before = await storedBefore(trx, visitor, externalId);
    if (before) return { messageId: before.id, conversationId: before.conversation_id, created: false };
    await keepVisitor(trx, visitor, ctx.now);
    const language = detectLanguage(input.text, {
      candidates: input.languages,
      known: visitor.language,
    }).language;
    const message = {
      direction: 'inbound' as const,
      channel: 'chat' as const,
      text: input.text,
      attachments: [],
      language,
      externalId,
    };
    const current = await currentChat(trx, visitor);
    if (current) {
      const added = await addMessage(trx, ctx, current.id, message);
      return { messageId: added.message.id, conversationId: current.id, created: true };
    }
    const opened = await createConversation(trx, ctx, {
      subsidiaryId: visitor.subsidiaryId,
      endpointId: visitor.endpointId,
      channel: 'chat',
      customer: {
        identity: { kind: 'chat', value: visitor.id },
        displayName: visitorLabel(visitor.id, visitor.language),
        language: visitor.language,
      },
      language: visitor.language,
      tier: 'level1',
      requiredSkills: [],
      priority: 'normal',
      message,
    });
    const stored = await storedBefore(trx, visitor, externalId);
    if (!stored) throw new Error('the chat message was not stored');
    return { messageId: stored.id, conversationId: opened.conversation.id, created: true };
  });
}

/**
 * A message left on the offline form: a conversation of channel email with the
 * customer found or created by the address they gave, so the answer reaches them by
 * mail — they left because nobody was there to chat. Stored once per clientId.
 */
export async function receiveOfflineForm(
  db: Db,
  ctx: Context,
  visitor: ChatVisitor,
  input: { clientId: string; name: string; email: string; text: string; languages: string[] },
): Promise<Received> {
  const externalId = externalIdOf(visitor, input.clientId);
  return atomically(db, async (trx) => {
    const before = await storedBefore(trx, visitor, externalId);
    if (before) return { messageId: before.id, conversationId: before.conversation_id, created: false };
    await keepVisitor(trx, visitor, ctx.now);
    const language = detectLanguage(input.text, {
      candidates: input.languages,
      known: visitor.language,
    }).language;
    const opened = await createConversation(trx, ctx, {
      subsidiaryId: visitor.subsidiaryId,
      channel: 'email',
      subject: 'Message left on the chat widget while closed',
      customer: {
        identity: { kind: 'email', value: input.email },
        displayName: input.name,
        language: visitor.language,
      },
      tier: 'level1',
      requiredSkills: [],
      priority: 'normal',
      message: {
        direction: 'inbound',
        channel: 'chat',
        text: input.text,
        raw: JSON.stringify({
          form: 'offline',
          endpointId: visitor.endpointId,
          name: input.name,
          email: input.email,
          text: input.text,
        }),
        rawMediaType: 'application/json',
        attachments: [],
        language,
        externalId,
      },
    });
    const stored = await storedBefore(trx, visitor, externalId);
    if (!stored) throw new Error('the offline message was not stored');
    return { messageId: stored.id, conversationId: opened.conversation.id, created: true };
  });
}

export interface ChatLine {
  id: string;
  visitorId: string;
  clientId: string | null;
  text: string;
  author: Author;
  at: string;
}

/** How far back a reconnecting widget is sent messages before the one it last saw: ids of two processes may interleave. */
const OVERLAP_MS = 60_000;
const MOST_LINES = 200;

/**
 * The messages of visitors' chats, oldest first: since `after` (with an overlap the
 * widget removes by id), else the latest ones. What a widget shows.
 */
export async function chatLines(
  db: Db,
  subsidiaryId: string | undefined,
  visitorIds: string[],
  after: Date | undefined,
): Promise<ChatLine[]> {
  if (visitorIds.length === 0) return [];
  let q = db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .innerJoin('customer_identities as ci', 'ci.customer_id', 'c.customer_id')
    .leftJoin('agents as a', (j) => j.onRef('a.id', '=', 'm.author_id').on('m.author_kind', '=', 'agent'))
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select([
      'm.id',
      'm.text',
      'm.author_kind',
      'm.external_id',
      'm.created_at',
      'ci.value as visitor_id',
      'u.display_name',
    ])
    .where('ci.kind', '=', 'chat')
    .where('ci.value', 'in', visitorIds)
    .whereRef('ci.subsidiary_id', '=', 'c.subsidiary_id')
    .where('c.channel', '=', 'chat')
    .where('m.channel', '=', 'chat')
    .where('m.delivery_status', '<>', 'failed')
    // Internal notes are for colleagues: never in the customer's widget.
    .where('m.internal', '=', false);
  if (subsidiaryId) q = q.where('c.subsidiary_id', '=', subsidiaryId);
  if (after) q = q.where('m.created_at', '>=', new Date(after.getTime() - OVERLAP_MS));
  const rows = await q.orderBy('m.id', 'desc').limit(MOST_LINES).execute();
  return rows.reverse().map((r) => ({
    id: r.id,
    visitorId: r.visitor_id,
    clientId:
      r.author_kind === 'customer' && r.external_id?.startsWith(`${r.visitor_id}:`)
        ? r.external_id.slice(r.visitor_id.length + 1)
        : null,
    text: r.text,
    author: { kind: r.author_kind, name: r.display_name },
    at: r.created_at.toISOString(),
  }));
}

/** When a message of a visitor's chats was written: where a reconnecting widget resumes. */
export async function seenAt(db: Db, visitor: ChatVisitor, messageId: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .innerJoin('customer_identities as ci', 'ci.customer_id', 'c.customer_id')
    .select('m.created_at')
    .where('m.id', '=', messageId)
    .where('ci.kind', '=', 'chat')
    .where('ci.value', '=', visitor.id)
    .where('c.subsidiary_id', '=', visitor.subsidiaryId)
    .executeTakeFirst();
  return row?.created_at;
}

/** The name of the agent serving a chat: its assignee, else the last agent who wrote in it. */
export async function agentNameOf(db: Db, conversation: { id: string; assignee_id: string | null }) {
  const agentId =
    conversation.assignee_id ??
    (
      await db
        .selectFrom('messages')
        .select('author_id')
        .where('conversation_id', '=', conversation.id)
        .where('author_kind', '=', 'agent')
        .where('internal', '=', false)
        .orderBy('id', 'desc')
        .executeTakeFirst()
    )?.author_id;
  if (!agentId) return null;
  const row = await db
    .selectFrom('agents')
    .innerJoin('users', 'users.id', 'agents.user_id')
    .select('users.display_name')
    .where('agents.id', '=', agentId)
    .executeTakeFirst();
  return row?.display_name ?? null;
}

/** The visitors behind a conversation (its customer's chat identities). */
export async function visitorsOf(db: Db, conversation: { customer_id: string; subsidiary_id: string }) {
  const rows = await db
    .selectFrom('customer_identities')
    .select('value')
    .where('customer_id', '=', conversation.customer_id)
    .where('subsidiary_id', '=', conversation.subsidiary_id)
    .where('kind', '=', 'chat')
    .execute();
  return rows.map((r) => r.value);
}

/** Whether a chat still waits for its first answer from an agent. */
export const isWaiting = (c: { status: string; first_responded_at: Date | null }): boolean =>
  c.status === 'open' && c.first_responded_at === null;
