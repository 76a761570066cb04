import { type Context, invalid, notFound } from '../../core/index.ts';
import { type Db, visibleConversations } from '../../store/index.ts';
import type { ChatHub } from './hub.ts';
import { visitorsOf } from './intake.ts';

/**
 * An agent is typing an answer in a chat: the visitor's widget shows it. Answers whether
 * the visitor is typing too. Both are known within this process only.
 */
export async function signalAgentTyping(
  db: Db,
  hub: ChatHub,
  ctx: Context,
  conversationId: string,
): Promise<{ visitorTyping: boolean }> {
  const conversation = await visibleConversations(db, ctx.actor)
    .select(['id', 'channel', 'customer_id', 'subsidiary_id'])
    .where('id', '=', conversationId)
    .executeTakeFirst();
  if (!conversation) throw notFound('conversation', conversationId);
  if (conversation.channel !== 'chat') throw invalid('id', 'is not a chat conversation');
  const visitors = await visitorsOf(db, conversation);
  const person = ctx.actor.agentId
    ? await db
        .selectFrom('agents')
        .innerJoin('users', 'users.id', 'agents.user_id')
        .select('users.display_name')
        .where('agents.id', '=', ctx.actor.agentId)
        .executeTakeFirst()
    : undefined;
  hub.agentTyping(visitors, person?.display_name ?? null);
  return { visitorTyping: hub.isVisitorTyping(visitors, ctx.now) };
}
