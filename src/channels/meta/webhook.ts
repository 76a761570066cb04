import { z } from 'zod';

/**
 * Meta's webhook payloads (Messenger, Page feed, Instagram, WhatsApp Cloud API) read into
 * the items Relais stores. Pure: bytes already verified in, items out. Fields Meta adds
 * later are ignored; events Relais does not take (reactions, reads, edits, our own
 * echoes) are listed as skipped with the reason.
 */

export type Network = 'facebook' | 'instagram' | 'whatsapp';

/** A customer's message: a private message, or a public comment. */
export interface MetaMessage {
  kind: 'message';
  channel: 'social' | 'whatsapp';
  network: Network;
  /** The page, Instagram account or WhatsApp phone number id it arrived on: an endpoint's address. */
  endpoint: string;
  /** The message id (mid), comment id or wamid: a redelivery carries the same. */
  externalId: string;
  /** Who wrote: a page- or Instagram-scoped id, or a WhatsApp number's digits. */
  from: string;
  name: string | undefined;
  text: string;
  visibility: 'public' | 'private';
  /** The event as Meta sent it, as JSON. */
  raw: string;
}

/** What became of a message we sent. */
export interface MetaStatus {
  kind: 'status';
  channel: 'social' | 'whatsapp';
  endpoint: string;
  externalId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  detail: string | null;
}

export type MetaItem = MetaMessage | MetaStatus;

export interface Skipped {
  endpoint: string;
  reason: string;
  /** The page or number id is not one of our active endpoints: a set-up problem worth a log line. */
  unknownEndpoint?: true;
}

const Id = z.union([z.string().min(1).max(200), z.number().int().nonnegative()]).transform(String);

const Envelope = z.object({
  object: z.string(),
  entry: z
    .array(
      z.object({
        id: Id,
        messaging: z.array(z.unknown()).optional(),
        changes: z.array(z.unknown()).optional(),
      }),
    )
    .max(10_000),
});

const Messaging = z.object({
  sender: z.object({ id: Id }),
  recipient: z.object({ id: Id }).optional(),
  message: z
    .object({
      mid: z.string().min(1).max(300),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      attachments: z
        .array(
          z.object({
            type: z.string(),
            payload: z.object({ url: z.string().optional() }).nullish(),
          }),
        )
        .optional(),
    })
    .optional(),
  postback: z.object({ mid: z.string().min(1).max(300).optional(), title: z.string().optional() }).optional(),
  delivery: z.object({ mids: z.array(z.string()).optional() }).optional(),
});

const FeedChange = z.object({
  field: z.literal('feed'),
  value: z.object({
    item: z.string(),
    verb: z.string(),
    comment_id: z.string().min(1).max(300).optional(),
    message: z.string().optional(),
    from: z.object({ id: Id, name: z.string().optional() }).optional(),
  }),
});

const InstagramComment = z.object({
  field: z.literal('comments'),
  value: z.object({
    id: z.string().min(1).max(300),
    text: z.string().optional(),
    from: z.object({ id: Id, username: z.string().optional() }),
  }),
});

const WhatsAppMedia = z.object({ caption: z.string().optional(), filename: z.string().optional() });
const WhatsAppMessage = z.object({
  from: z.string().regex(/^\+?[0-9]{5,20}$/),
  id: z.string().min(1).max(300),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  image: WhatsAppMedia.optional(),
  video: WhatsAppMedia.optional(),
  document: WhatsAppMedia.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional() }).optional(),
  button: z.object({ text: z.string() }).optional(),
  interactive: z
    .object({
      button_reply: z.object({ title: z.string() }).optional(),
      list_reply: z.object({ title: z.string() }).optional(),
    })
    .optional(),
});
const WhatsAppChange = z.object({
  field: z.literal('messages'),
  value: z.object({
    metadata: z.object({ phone_number_id: Id }),
    contacts: z
      .array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string() }).optional() }))
      .optional(),
    messages: z.array(z.unknown()).optional(),
    statuses: z.array(z.unknown()).optional(),
  }),
});
const WhatsAppStatus = z.object({
  id: z.string().min(1).max(300),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  errors: z
    .array(
      z.object({
        code: z.number().optional(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

const LONGEST_TEXT = 200_000;

/** Text the store can keep: no NUL, no lone surrogate, not empty, not endless. */
function storable(text: string): string {
  const clean = text
    .replaceAll('\u0000', '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .trim();
  return clean.length > LONGEST_TEXT ? `${clean.slice(0, LONGEST_TEXT)}…` : clean;
}

function whatsAppText(m: z.infer<typeof WhatsAppMessage>): string {
  switch (m.type) {
    case 'text':
      return m.text?.body ?? '';
    case 'image':
    case 'video':
    case 'document': {
      const media = m[m.type];
      return media?.caption || `(${m.type}${media?.filename ? `: ${media.filename}` : ''})`;
    }
    case 'location':
      return m.location
        ? `(location ${m.location.latitude},${m.location.longitude}${m.location.name ? ` ${m.location.name}` : ''})`
        : '(location)';
    case 'button':
      return m.button?.text ?? '(button)';
    case 'interactive':
      return m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? '(interactive)';
    default:
      return `(${m.type})`;
  }
}

/** The envelope is not Meta's: the whole body is refused. */
export class NotAMetaWebhook extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAMetaWebhook';
  }
}

/** Read a verified webhook body into items: every message, comment and status it carries. */
export function readWebhook(body: unknown): { items: MetaItem[]; skipped: Skipped[] } {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    throw new NotAMetaWebhook(
      `${['body', ...(issue?.path ?? [])].join('.')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const items: MetaItem[] = [];
  const skipped: Skipped[] = [];
  const { object } = envelope.data;
  const social = object === 'page' || object === 'instagram';
  const network: Network = object === 'instagram' ? 'instagram' : 'facebook';
  const skip = (endpoint: string, reason: string) => skipped.push({ endpoint, reason });

  for (const entry of envelope.data.entry) {
    if (!social && object !== 'whatsapp_business_account') {
      skip(entry.id, `object ${object} is not one Relais takes`);
      continue;
    }
    for (const event of entry.messaging ?? []) {
      const parsed = Messaging.safeParse(event);
      if (!social || !parsed.success) {
        skip(entry.id, 'a messaging event Relais does not read');
        continue;
      }
      const { sender, message, postback, delivery } = parsed.data;
      const base = {
        channel: 'social' as const,
        network,
        endpoint: entry.id,
        from: sender.id,
        name: undefined,
      };
      const raw = JSON.stringify(event);
      if (message?.is_echo) skip(entry.id, 'an echo of a message the page sent');
      else if (message) {
        const attached = (message.attachments ?? []).map(
          (a) => `(${a.type})${a.payload?.url ? ` ${a.payload.url}` : ''}`,
        );
        const text = storable([message.text ?? '', ...attached].filter(Boolean).join('\n'));
        items.push({
          kind: 'message',
          ...base,
          externalId: message.mid,
          text: text || '(empty message)',
          visibility: 'private',
          raw,
        });
      } else if (postback?.mid) {
        items.push({
          kind: 'message',
          ...base,
          externalId: postback.mid,
          text: storable(postback.title ?? '') || '(button)',
          visibility: 'private',
          raw,
        });
      } else if (delivery?.mids) {
        for (const mid of delivery.mids) {
          items.push({
            kind: 'status',
            channel: 'social',
            endpoint: entry.id,
            externalId: mid,
            status: 'delivered',
            detail: null,
          });
        }
      } else skip(entry.id, 'a messaging event Relais does not read (read, reaction, referral…)');
    }
    for (const change of entry.changes ?? []) {
      const raw = JSON.stringify(change);
      if (object === 'page') {
        const feed = FeedChange.safeParse(change);
        const value = feed.success ? feed.data.value : undefined;
        if (value?.item !== 'comment' || value.verb !== 'add' || !value.comment_id || !value.from) {
          skip(entry.id, 'a feed change that is not a new comment');
        } else if (value.from.id === entry.id) skip(entry.id, "the page's own comment");
        else {
          items.push({
            kind: 'message',
            channel: 'social',
            network: 'facebook',
            endpoint: entry.id,
            externalId: value.comment_id,
            from: value.from.id,
            name: value.from.name,
            text: storable(value.message ?? '') || '(comment without text)',
            visibility: 'public',
            raw,
          });
        }
      } else if (object === 'instagram') {
        const comment = InstagramComment.safeParse(change);
        if (!comment.success) skip(entry.id, 'an Instagram change that is not a comment');
        else if (comment.data.value.from.id === entry.id) skip(entry.id, "the account's own comment");
        else {
          const value = comment.data.value;
          items.push({
            kind: 'message',
            channel: 'social',
            network: 'instagram',
            endpoint: entry.id,
            externalId: value.id,
            from: value.from.id,
            name: value.from.username,
            text: storable(value.text ?? '') || '(comment without text)',
            visibility: 'public',
            raw,
          });
        }
      } else {
        const parsed = WhatsAppChange.safeParse(change);
        if (!parsed.success) {
          skip(entry.id, 'a WhatsApp change that is not messages or statuses');
          continue;
        }
        const { metadata, contacts, messages, statuses } = parsed.data.value;
        const endpoint = metadata.phone_number_id;
        for (const m of messages ?? []) {
          const message = WhatsAppMessage.safeParse(m);
          if (!message.success) {
            skip(endpoint, 'a WhatsApp message Relais does not read');
            continue;
          }
          if (message.data.type === 'reaction') {
            skip(endpoint, 'a reaction');
            continue;
          }
          const from = message.data.from.replace(/^\+/, '');
          const contact = contacts?.find((c) => c.wa_id === from);
          items.push({
            kind: 'message',
            channel: 'whatsapp',
            network: 'whatsapp',
            endpoint,
            externalId: message.data.id,
            from,
            name: contact?.profile?.name,
            text: storable(whatsAppText(message.data)) || `(${message.data.type})`,
            visibility: 'private',
            raw: JSON.stringify({ metadata, contacts: contact ? [contact] : [], messages: [m] }),
          });
        }
        for (const s of statuses ?? []) {
          const status = WhatsAppStatus.safeParse(s);
          if (!status.success) {
            skip(endpoint, 'a WhatsApp status Relais does not read');
            continue;
          }
          const error = status.data.errors?.[0];
          items.push({
            kind: 'status',
            channel: 'whatsapp',
            endpoint,
            externalId: status.data.id,
            status: status.data.status,
            detail: error
              ? storable(
                  [error.code, error.title, error.error_data?.details ?? error.message]
                    .filter((p) => p !== undefined && p !== '')
                    .join(' '),
                ) || null
              : null,
          });
        }
      }
    }
  }
  return { items, skipped };
}
