import { sql } from 'kysely';
import { z } from 'zod';
import { type Context, DomainError, invalid, notFound, Text } from '../core/index.ts';
import {
  type AttachmentMeta,
  atomically,
  type Db,
  type FileStore,
  recordAudit,
  visibleConversations,
} from '../store/index.ts';

/** The largest file an agent may upload to send: what mail relays commonly accept. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export const UploadQuery = z
  .object({
    filename: Text(255)
      .refine((name) => !/[\\/\p{Cc}]/u.test(name), {
        message: 'a file name, without slashes or control characters',
      })
      .describe('the name the customer sees'),
  })
  .strict();
export type UploadQuery = z.infer<typeof UploadQuery>;

/** What an upload answers, and what a reply names in its `attachments` to send the file. */
export const UploadedAttachment = z.object({
  filename: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
});
export type UploadedAttachment = z.infer<typeof UploadedAttachment>;

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

/** The media type of a Content-Type header without its parameters; octet-stream when none is given. */
export function mediaTypeOf(contentType: string | undefined): string {
  const essence = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (essence === '') return 'application/octet-stream';
  if (!MEDIA_TYPE.test(essence))
    throw invalid('content-type', 'must be a media type such as application/pdf');
  return essence;
}

/**
 * Keep a file an agent will send in a reply: its bytes in the file store (by content, as
 * inbound attachments are), and the right to attach it in this conversation. The same
 * bytes uploaded again change nothing and answer the same.
 */
export async function uploadAttachment(
  db: Db,
  files: FileStore,
  ctx: Context,
  conversationId: string,
  upload: { filename: string; mediaType: string; content: Buffer },
): Promise<UploadedAttachment> {
  // Found before the bytes are kept: nothing is stored for a conversation out of reach.
  const conversation = await visibleConversations(db, ctx.actor)
    .select(['id', 'subsidiary_id', 'site_id', 'status'])
    .where('id', '=', conversationId)
    .executeTakeFirst();
  if (!conversation) throw notFound('conversation', conversationId);
  if (conversation.status === 'closed') {
    throw new DomainError(
      'illegal_transition',
      'a closed conversation takes no more messages; open a new one',
      [{ path: 'status', message: 'is closed' }],
    );
  }
  if (upload.content.length === 0) throw invalid('body', 'is empty: send the bytes of the file');
  const { sha256, size } = await files.put(upload.content);
  await atomically(db, async (trx) => {
    const added = await trx
      .insertInto('conversation_uploads')
      .values({
        conversation_id: conversation.id,
        sha256,
        subsidiary_id: conversation.subsidiary_id,
        filename: upload.filename,
        media_type: upload.mediaType,
        size,
        uploaded_by: ctx.actor.id,
        created_at: ctx.now,
      })
      .onConflict((oc) => oc.columns(['conversation_id', 'sha256']).doNothing())
      .returning('sha256')
      .executeTakeFirst();
    if (!added) return;
    await recordAudit(trx, ctx.actor, ctx.requestId, {
      action: 'upload_attachment',
      entity: 'conversation',
      entityId: conversation.id,
      subsidiaryId: conversation.subsidiary_id,
      siteId: conversation.site_id,
      changes: { filename: upload.filename, mediaType: upload.mediaType, size, sha256 },
    });
  });
  return { filename: upload.filename, mediaType: upload.mediaType, size, sha256 };
}

/**
 * The attachments of an outbound message as they will be sent: each must be a file
 * uploaded to this conversation or one of its own messages' files (what the customer
 * sent, forwarded). Its type and size are the stored ones; anything else is refused.
 */
export async function sendableAttachments(
  trx: Db,
  conversationId: string,
  attachments: AttachmentMeta[],
): Promise<AttachmentMeta[]> {
  if (attachments.length === 0) return attachments;
  const unnamed = attachments.findIndex((a) => !a.sha256);
  if (unnamed >= 0) {
    throw invalid(
      'attachments',
      `attachment ${unnamed} has no sha256: upload the file to the conversation first and send what the upload answered`,
    );
  }
  const hashes = [...new Set(attachments.map((a) => a.sha256 as string))];
  const uploaded = await trx
    .selectFrom('conversation_uploads')
    .select(['sha256', 'media_type', 'size'])
    .where('conversation_id', '=', conversationId)
    .where('sha256', 'in', hashes)
    .execute();
  const received = await sql<{ sha256: string; media_type: string; size: number }>`
    select a->>'sha256' as sha256, a->>'mediaType' as media_type, (a->>'size')::bigint as size
    from messages m cross join lateral jsonb_array_elements(m.attachments) a
    where m.conversation_id = ${conversationId} and a->>'sha256' in (${sql.join(hashes)})`.execute(trx);
  const stored = new Map<string, { media_type: string; size: number }>();
  for (const row of [...received.rows, ...uploaded]) stored.set(row.sha256, row);
  return attachments.map((a, i) => {
    const file = stored.get(a.sha256 as string);
    if (!file) {
      throw invalid(
        'attachments',
        `attachment ${i} (${a.filename}) is not a file of this conversation: upload it to this conversation first`,
      );
    }
    return { filename: a.filename, mediaType: file.media_type, size: Number(file.size), sha256: a.sha256 };
  });
}
