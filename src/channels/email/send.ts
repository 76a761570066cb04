import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Db, FileStore } from '../../store/index.ts';

/** Where outbound mail goes: the company's mail relay (SMTP). */
export interface MailRelay {
  send(mail: SendMailOptions): Promise<void>;
}

export function smtpRelay(url: string): MailRelay {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail(mail);
    },
  };
}

/** Tries before an outbound message becomes a dead letter (status failed, visible on its conversation). */
export const MAX_ATTEMPTS = 8;

const REPLY_PREFIX = /^\s*(re|aw|sv|tr|rv|antw)\s*:/i;

/** The token that lets a reply find its conversation: in Message-ID and in the Reply-To address. */
export const replyToAddress = (mailbox: string, conversationId: string): string => {
  const [local, domain] = mailbox.split('@');
  return `${local}+c${conversationId.replace(/-/g, '')}@${domain}`;
};

async function record(db: Db, messageId: string, status: string, detail: string | null): Promise<void> {
  await db.insertInto('delivery_events').values({ message_id: messageId, status, detail }).execute();
}

/**
 * Send one queued outbound email message through the relay, threaded under the
 * customer's mail. On success the message is `sent` and carries its Message-ID; a
 * failure is recorded and thrown, so the bus offers it again; after MAX_ATTEMPTS the
 * message is `failed` for good.
 */
export async function sendQueuedEmail(
  db: Db,
  relay: MailRelay,
  files: FileStore,
  messageId: string,
): Promise<'sent' | 'failed' | 'skipped'> {
  const message = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select([
      'messages.id',
      'messages.conversation_id',
      'messages.channel',
      'messages.direction',
      'messages.delivery_status',
      'messages.delivery_attempts',
      'messages.text',
      'messages.attachments',
      'conversations.subject',
      'conversations.endpoint_id',
      'conversations.customer_id',
      'conversations.subsidiary_id',
    ])
    .where('messages.id', '=', messageId)
    .executeTakeFirst();
  if (
    message?.channel !== 'email' ||
    message.direction !== 'outbound' ||
    message.delivery_status !== 'queued'
  ) {
    return 'skipped';
  }
  const endpoint = await db
    .selectFrom('endpoints')
    .selectAll()
    .where('subsidiary_id', '=', message.subsidiary_id)
    .where('channel', '=', 'email')
    .where('active', '=', true)
    .$if(message.endpoint_id !== null, (q) => q.where('id', '=', message.endpoint_id ?? ''))
    .orderBy('id')
    .executeTakeFirst();
  const recipient = await db
    .selectFrom('customer_identities')
    .select('value')
    .where('customer_id', '=', message.customer_id)
    .where('kind', '=', 'email')
    .orderBy('id')
    .executeTakeFirst();
  const fail = async (reason: string) => {
    await db
      .updateTable('messages')
      .set((eb) => ({
        delivery_status: 'failed',
        delivery_error: reason,
        delivery_attempts: eb('delivery_attempts', '+', 1),
      }))
      .where('id', '=', messageId)
      .execute();
    await record(db, messageId, 'failed', reason);
    return 'failed' as const;
  };
  if (!endpoint) return fail('the subsidiary has no active mailbox to send from');
  if (!recipient) return fail('the customer has no email address');

  const thread = await db
    .selectFrom('messages')
    .select(['external_id', 'direction'])
    .where('conversation_id', '=', message.conversation_id)
    .where('channel', '=', 'email')
    .where('external_id', 'is not', null)
    .orderBy('id')
    .execute();
  const references = thread
    .map((m) => m.external_id)
    .filter((id): id is string => Boolean(id?.startsWith('<')));
  const lastInbound = thread.filter((m) => m.direction === 'inbound').at(-1)?.external_id ?? undefined;
  const domain = endpoint.address.split('@')[1] ?? 'relais.invalid';
  const ownId = `<relais.${message.conversation_id}.${message.id}@${domain}>`;
  const subject = message.subject ?? '';
  const attachments = [];
  for (const a of message.attachments) {
    const content = a.sha256 ? await files.get(a.sha256) : undefined;
    if (content) attachments.push({ filename: a.filename, content, contentType: a.mediaType });
  }
  try {
    await relay.send({
      from: { name: endpoint.name, address: endpoint.address },
      replyTo: replyToAddress(endpoint.address, message.conversation_id),
      to: recipient.value,
      subject: REPLY_PREFIX.test(subject) || !subject ? subject : `Re: ${subject}`,
      text: message.text,
      messageId: ownId,
      ...(lastInbound ? { inReplyTo: lastInbound } : {}),
      ...(references.length > 0 ? { references } : {}),
      attachments,
      headers: { 'Auto-Submitted': 'no' },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (message.delivery_attempts + 1 >= MAX_ATTEMPTS) return fail(reason);
    await db
      .updateTable('messages')
      .set((eb) => ({ delivery_error: reason, delivery_attempts: eb('delivery_attempts', '+', 1) }))
      .where('id', '=', messageId)
      .execute();
    await record(db, messageId, 'retry', reason);
    throw error;
  }
  await db
    .updateTable('messages')
    .set((eb) => ({
      delivery_status: 'sent',
      external_id: ownId,
      delivery_error: null,
      delivery_attempts: eb('delivery_attempts', '+', 1),
    }))
    .where('id', '=', messageId)
    .execute();
  await record(db, messageId, 'sent', null);
  return 'sent';
}
