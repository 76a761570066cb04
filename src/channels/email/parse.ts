import { type AddressObject, simpleParser } from 'mailparser';
import { DomainError } from '../../core/index.ts';

export interface ParsedEmail {
  messageId: string | undefined;
  /** In-Reply-To then References, newest first: the messages this one answers. */
  answers: string[];
  from: { address: string; name: string | undefined };
  recipients: string[];
  subject: string | undefined;
  text: string;
  html: string | undefined;
  /** An automatic message (out of office, delivery report): recorded, never answered. */
  automatic: boolean;
  attachments: Array<{
    filename: string;
    mediaType: string;
    content: Buffer;
    inline: boolean;
    contentId?: string;
  }>;
}

const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) =>
    a.value.map((v) => v.address?.toLowerCase()).filter((v): v is string => Boolean(v)),
  );

const AUTOMATIC_SUBJECT =
  /^(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?reply|absence|réponse automatique|abwesenheit|automatische antwort|delivery status notification|undeliver(?:ed|able)|mail delivery (?:failed|subsystem)|رد تلقائي)/i;

/** Read a raw RFC 5322 message in any common charset, with its parts and attachments. */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const mail = await simpleParser(raw, { skipImageLinks: true, keepCidLinks: true });
  const sender = Array.isArray(mail.from) ? mail.from[0] : mail.from;
  const from = sender?.value[0];
  if (!from?.address) {
    throw new DomainError('validation_failed', 'the message has no sender address (From)', [
      { path: 'From', message: 'is missing' },
    ]);
  }
  const header = (name: string) => {
    const value = mail.headers.get(name);
    return typeof value === 'string' ? value.toLowerCase() : undefined;
  };
  const contentType = mail.headers.get('content-type') as { value?: string } | undefined;
  const references = Array.isArray(mail.references)
    ? mail.references
    : mail.references
      ? [mail.references]
      : [];
  const automatic =
    (header('auto-submitted') !== undefined && header('auto-submitted') !== 'no') ||
    contentType?.value?.toLowerCase() === 'multipart/report' ||
    ['auto_reply', 'bulk', 'junk'].includes(header('precedence') ?? '') ||
    mail.headers.has('x-autoreply') ||
    mail.headers.has('x-autorespond') ||
    AUTOMATIC_SUBJECT.test(mail.subject ?? '');
  const html = typeof mail.html === 'string' ? mail.html : undefined;
  return {
    messageId: mail.messageId,
    answers: [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...references].reverse()],
    from: { address: from.address.toLowerCase(), name: from.name || undefined },
    recipients: [...addresses(mail.to), ...addresses(mail.cc)],
    subject: mail.subject,
    text: (mail.text ?? '').trim(),
    html,
    automatic,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? 'attachment',
      mediaType: a.contentType,
      content: a.content,
      // Inline: the HTML shows it in place (<img src="cid:…">), so it is not listed beside it.
      inline: Boolean(a.cid && html?.includes(`cid:${a.cid}`)),
      ...(a.cid ? { contentId: a.cid } : {}),
    })),
  };
}
