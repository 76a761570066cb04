import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Db, FileStore } from '../../store/index.ts';
import { type ChannelSender, PermanentFailure } from '../delivery.ts';

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

const REPLY_PREFIX = /^\s*(re|aw|sv|tr|rv|antw)\s*:/i;

/** The token that lets a reply find its conversation: in Message-ID and in the Reply-To address. */
export const replyToAddress = (mailbox: string, conversationId: string): string => {
  const [local, domain] = mailbox.split('@');
  return `${local}+c${conversationId.replace(/-/g, '')}@${domain}`;
};

/**
 * Email replies through the relay, threaded under the customer's mail: In-Reply-To the
 * last mail they sent, References the whole thread, our Message-ID and Reply-To
 * carrying the conversation's token.
 */
export function emailSender(deps: { db: Db; relay: MailRelay; files: FileStore }): ChannelSender {
  return {
    async send({ message, conversation, endpoint, identities }) {
      const recipient = identities.find((i) => i.kind === 'email');
      if (!recipient) throw new PermanentFailure('the customer has no email address');
      const thread = await deps.db
        .selectFrom('messages')
        .select(['external_id', 'direction'])
        .where('conversation_id', '=', conversation.id)
        .where('channel', '=', 'email')
        .where('external_id', 'is not', null)
        .orderBy('id')
        .execute();
      const references = thread
        .map((m) => m.external_id)
        .filter((id): id is string => Boolean(id?.startsWith('<')));
      const lastInbound = thread.filter((m) => m.direction === 'inbound').at(-1)?.external_id ?? undefined;
      const domain = endpoint.address.split('@')[1] ?? 'relais.invalid';
      const ownId = `<relais.${conversation.id}.${message.id}@${domain}>`;
      const subject = conversation.subject ?? '';
      const attachments = [];
      for (const a of message.attachments) {
        const content = a.sha256 ? await deps.files.get(a.sha256) : undefined;
        if (content) attachments.push({ filename: a.filename, content, contentType: a.mediaType });
      }
      await deps.relay.send({
        from: { name: endpoint.name, address: endpoint.address },
        replyTo: replyToAddress(endpoint.address, conversation.id),
        to: recipient.value,
        subject: REPLY_PREFIX.test(subject) || !subject ? subject : `Re: ${subject}`,
        text: message.text,
        messageId: ownId,
        ...(lastInbound ? { inReplyTo: lastInbound } : {}),
        ...(references.length > 0 ? { references } : {}),
        attachments,
        headers: { 'Auto-Submitted': 'no' },
      });
      return { externalId: ownId };
    },
  };
}
