import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import {
  appendInboundMessage,
  type ConversationStatus,
  createConversation,
} from '../../conversations/index.ts';
import { type Context, SYSTEM_ACTOR } from '../../core/index.ts';
import type { Db, FileStore, Row } from '../../store/index.ts';
import { DETECTABLE, detectLanguage } from '../language.ts';
import { type ParsedEmail, parseEmail } from './parse.ts';
import { normaliseSubject } from './subject.ts';

export interface Ingested {
  conversationId: string;
  messageId: string;
  /** False when this mail was stored before (same Message-ID): nothing new was written. */
  created: boolean;
}

// The Message-ID Relais gives its outbound mail carries the conversation: a reply finds
// its thread even when the mail program dropped References.
const REPLY_TOKEN = /^<?relais\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\./i;

const LONGEST_TEXT = 200_000;

// NUL cannot be stored as text; a mail may carry one.
const clean = (value: string | undefined): string => (value ?? '').replaceAll('\u0000', '').trim();

/** The raw form as text the store can keep: UTF-8 when it is, base64 otherwise. */
function rawForm(raw: Buffer): { raw: string; rawMediaType: string } {
  const text = raw.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(raw) && !text.includes('\u0000'))
    return { raw: text, rawMediaType: 'message/rfc822' };
  return { raw: raw.toString('base64'), rawMediaType: 'message/rfc822; encoding=base64' };
}

/** The conversation a mail answers: by the messages it names, then our reply tokens (Message-ID, Reply-To). */
async function threadByReference(
  db: Db,
  endpoint: Row<'endpoints'>,
  mail: ParsedEmail,
): Promise<Row<'conversations'> | undefined> {
  const base = db
    .selectFrom('conversations')
    .selectAll('conversations')
    .where('conversations.subsidiary_id', '=', endpoint.subsidiary_id);
  if (mail.answers.length > 0) {
    const answered = await base
      .innerJoin('messages', 'messages.conversation_id', 'conversations.id')
      .where('messages.subsidiary_id', '=', endpoint.subsidiary_id)
      .where('messages.channel', '=', 'email')
      .where('messages.external_id', 'in', mail.answers)
      .orderBy('messages.id', 'desc')
      .executeTakeFirst();
    if (answered) return answered;
    for (const id of mail.answers) {
      const token = REPLY_TOKEN.exec(id)?.[1];
      if (!token) continue;
      const replied = await base.where('conversations.id', '=', token.toLowerCase()).executeTakeFirst();
      if (replied) return replied;
    }
  }
  for (const recipient of mail.recipients) {
    const token = /\+c([0-9a-f]{32})@/i.exec(recipient)?.[1];
    if (!token) continue;
    const id = token.toLowerCase().replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const replied = await base.where('conversations.id', '=', id).executeTakeFirst();
    if (replied) return replied;
  }
  return undefined;
}

/**
 * Take one inbound mail for an endpoint: parse it, keep its attachments, find its
 * thread or open a conversation, and commit. Only then may the channel acknowledge.
 * A mail whose Message-ID is already stored changes nothing.
 */
export async function ingestEmail(
  db: Db,
  files: FileStore,
  endpoint: Row<'endpoints'>,
  raw: Buffer,
  now: Date,
): Promise<Ingested> {
  const mail = await parseEmail(raw);
  const attachments = [];
  for (const a of mail.attachments) {
    const stored = await files.put(a.content);
    attachments.push({
      filename: a.filename,
      mediaType: a.mediaType,
      size: stored.size,
      sha256: stored.sha256,
      // The HTML (in the raw original) names it cid:<contentId>: a reader swaps in the file's URL.
      ...(a.inline ? { inline: true } : {}),
      ...(a.contentId ? { contentId: a.contentId.slice(0, 300) } : {}),
    });
  }
  const externalId = mail.messageId ?? `<sha256.${createHash('sha256').update(raw).digest('hex')}@relais>`;
  const ctx: Context = { actor: SYSTEM_ACTOR, requestId: externalId.slice(0, 64), now };
  const text =
    clean(mail.text) ||
    (mail.attachments.length > 0 ? `(${mail.attachments.length} attachment(s))` : '(empty message)');
  const message = {
    direction: 'inbound' as const,
    channel: 'email' as const,
    text: text.length > LONGEST_TEXT ? `${text.slice(0, LONGEST_TEXT)}…` : text,
    ...rawForm(raw),
    attachments,
    externalId,
  };
  // One read: the subsidiary's languages, the sender's known language, and the sender's
  // open email conversation with this subject (the thread of last resort).
  const subject = normaliseSubject(mail.subject);
  const context = await db
    .selectFrom('subsidiaries')
    .select([
      'subsidiaries.languages',
      (eb) =>
        eb
          .selectFrom('customer_identities')
          .innerJoin('customers', 'customers.id', 'customer_identities.customer_id')
          .select('customers.language')
          .where('customer_identities.subsidiary_id', '=', endpoint.subsidiary_id)
          .where('customer_identities.kind', '=', 'email')
          .where('customer_identities.value', '=', mail.from.address)
          .limit(1)
          .$asScalar()
          .as('known'),
      (eb) =>
        eb
          .selectFrom('messages')
          .select(sql<string>`json_build_array(messages.conversation_id, messages.id)`.as('m'))
          .where('messages.subsidiary_id', '=', endpoint.subsidiary_id)
          .where('messages.channel', '=', 'email')
          .where('messages.external_id', '=', externalId)
          .$asScalar()
          .as('delivered'),
      (eb) =>
        eb
          .selectFrom('conversations')
          .innerJoin('customer_identities', 'customer_identities.customer_id', 'conversations.customer_id')
          .select(
            sql<string>`json_build_array(conversations.id, conversations.status, conversations.site_id)`.as(
              't',
            ),
          )
          .where('conversations.subsidiary_id', '=', endpoint.subsidiary_id)
          .where('customer_identities.subsidiary_id', '=', endpoint.subsidiary_id)
          .where('customer_identities.kind', '=', 'email')
          .where('customer_identities.value', '=', mail.from.address)
          .where('conversations.status', 'in', ['open', 'assigned', 'pending'])
          .where(sql<boolean>`'email' = any(conversations.channels)`)
          .where(
            sql<string>`lower(regexp_replace(coalesce(conversations.subject, ''), '\\s+', ' ', 'g'))`,
            '=',
            subject,
          )
          .$if(!subject, (q) => q.where(sql<boolean>`false`))
          .orderBy('conversations.id', 'desc')
          .limit(1)
          .$asScalar()
          .as('by_subject'),
    ])
    .where('subsidiaries.id', '=', endpoint.subsidiary_id)
    .executeTakeFirstOrThrow();
  const language = detectLanguage(`${clean(mail.subject)}\n${message.text}`, {
    // The subsidiary's languages first; a customer may write in any the group knows.
    candidates: [...context.languages, ...DETECTABLE],
    known: context.known ?? undefined,
  }).language;
  const detected = { ...message, language };
  const delivered = context.delivered as unknown as [string, string] | null;
  if (delivered) return { conversationId: delivered[0], messageId: delivered[1], created: false };
  const referenced = await threadByReference(db, endpoint, mail);
  const bySubject = context.by_subject as unknown as [string, ConversationStatus, string | null] | null;
  // A mail answering a closed conversation opens a new one.
  const thread = referenced
    ? referenced.status === 'closed'
      ? undefined
      : { id: referenced.id, status: referenced.status, siteId: referenced.site_id }
    : bySubject && { id: bySubject[0], status: bySubject[1], siteId: bySubject[2] };
  if (thread) {
    const conversation = { ...thread, subsidiaryId: endpoint.subsidiary_id };
    try {
      const { messageId } = await appendInboundMessage(db, ctx, conversation, detected, {
        reopen: !mail.automatic,
      });
      return { conversationId: thread.id, messageId, created: true };
    } catch (error) {
      // The same mail, delivered twice at once: the other delivery stored it.
      if ((error as { constraint?: string }).constraint !== 'messages_external') throw error;
      const stored = await db
        .selectFrom('messages')
        .select(['id', 'conversation_id'])
        .where('subsidiary_id', '=', endpoint.subsidiary_id)
        .where('channel', '=', 'email')
        .where('external_id', '=', externalId)
        .executeTakeFirstOrThrow();
      return { conversationId: stored.conversation_id, messageId: stored.id, created: false };
    }
  }
  // A new conversation: for a known sender one statement, atomic on its own.
  const opened = await createConversation(
    db,
    ctx,
    {
      subsidiaryId: endpoint.subsidiary_id,
      endpointId: endpoint.id,
      channel: 'email',
      customer: {
        identity: { kind: 'email', value: mail.from.address },
        language,
        ...(mail.from.name ? { displayName: clean(mail.from.name).slice(0, 200) || undefined } : {}),
      },
      ...(clean(mail.subject) ? { subject: clean(mail.subject).slice(0, 500) } : {}),
      tier: 'level1',
      requiredSkills: [],
      priority: 'normal',
      language,
      message: detected,
    },
    // An automatic mail that starts nothing is kept, out of every queue.
    { resolved: mail.automatic },
  );
  const messageId =
    opened.messageId ??
    (
      await db
        .selectFrom('messages')
        .select('id')
        .where('conversation_id', '=', opened.conversation.id)
        .where('external_id', '=', externalId)
        .executeTakeFirstOrThrow()
    ).id;
  return { conversationId: opened.conversation.id, messageId, created: opened.created };
}
