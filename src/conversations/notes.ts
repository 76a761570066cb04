import { z } from 'zod';
import { type Context, isUuid, newId, Text } from '../core/index.ts';
import { type Db, recordAudit } from '../store/index.ts';
import { getMessage, lockVisible, type Message } from './conversations.ts';

export const NoteInput = z.object({ text: Text(50_000) }).strict();
export type NoteInput = z.infer<typeof NoteInput>;

/**
 * An internal note for colleagues in a conversation's thread. It is stored as received
 * (never queued, so no channel sends it), raises no event, and changes nothing of the
 * conversation: not its status, its first response, its SLA clocks or its version.
 */
export async function addNote(
  trx: Db,
  ctx: Context,
  conversationId: string,
  input: NoteInput,
): Promise<Message> {
  const conversation = await lockVisible(trx, ctx, conversationId);
  const id = newId();
  const actor = ctx.actor;
  await trx
    .insertInto('messages')
    .values({
      id,
      conversation_id: conversation.id,
      subsidiary_id: conversation.subsidiary_id,
      direction: 'outbound',
      channel: conversation.channel,
      author_kind: 'agent',
      author_id: actor.agentId ?? (isUuid(actor.id) ? actor.id : null),
      text: input.text,
      raw: null,
      raw_media_type: null,
      attachments: '[]',
      language: null,
      delivery_status: 'received',
      external_id: null,
      internal: true,
      created_at: ctx.now,
    })
    .execute();
  await recordAudit(trx, actor, ctx.requestId, {
    action: 'add_note',
    entity: 'conversation',
    entityId: conversation.id,
    subsidiaryId: conversation.subsidiary_id,
    siteId: conversation.site_id,
    changes: { messageId: id },
  });
  return getMessage(trx, ctx, conversation.id, id);
}
