import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { z } from 'zod';
import { type DomainEvent, eventRows, recordEvent } from '../bus/index.ts';
import {
  Channel,
  type Context,
  DomainError,
  Instant,
  invalid,
  LanguageTag,
  newId,
  notFound,
  SkillName,
  Text,
  Tier,
} from '../core/index.ts';
import { IdentityInput, identityKey, resolveCustomer } from '../customers/index.ts';
import {
  assertVersion,
  atomically,
  auditRow,
  type Db,
  type NewRow,
  type Page,
  type PageQuery,
  paginate,
  type Row,
  recordAudit,
  visibleAgents,
  visibleConversations,
  visibleCustomers,
  visibleSites,
  visibleSubsidiaries,
} from '../store/index.ts';
import { assertTransition, type ConversationStatus, STATUSES } from './status.ts';
import { sendableAttachments } from './uploads.ts';
import { recordWake, wokenStatus } from './wake.ts';

export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export const Status = z.enum(STATUSES);

export const AttachmentMeta = z
  .object({
    filename: Text(255),
    mediaType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as application/pdf'),
    size: z
      .number()
      .int()
      .min(0)
      .max(2 ** 40),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    inline: z
      .boolean()
      .optional()
      .describe("shown inside the message's HTML (an image its HTML references as cid:contentId)"),
    contentId: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe('the Content-ID an inline part is referenced by'),
  })
  .strict();

export const MessageInput = z
  .object({
    direction: z.enum(['inbound', 'outbound']).default('inbound'),
    channel: Channel.optional().describe("default: the conversation's channel"),
    text: z.string().min(1).max(200_000),
    raw: z
      .string()
      .max(900_000)
      .optional()
      .describe('the original as received (RFC 5322 mail, webhook JSON…)'),
    rawMediaType: z.string().max(100).optional(),
    attachments: z.array(AttachmentMeta).max(50).default([]),
    language: LanguageTag.optional(),
    externalId: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe("the channel's id for this message; a second delivery with the same id changes nothing"),
    visibility: z
      .enum(['public', 'private'])
      .optional()
      .describe(
        'social: public (a comment, or a reply under it) or private (a direct message); a reply to a conversation that began with a comment must say which',
      ),
  })
  .strict();
export type MessageInput = z.infer<typeof MessageInput>;

const Timestamp = Instant;

export const ConversationCreate = z
  .object({
    subsidiaryId: z.uuid(),
    customerId: z.uuid().optional(),
    customer: z
      .object({
        identity: IdentityInput,
        otherIdentities: z
          .array(IdentityInput)
          .max(10)
          .optional()
          .describe('more identities the contact states (a phone number in a form, a WhatsApp number)'),
        displayName: Text(200).optional(),
        language: LanguageTag.optional(),
      })
      .strict()
      .optional()
      .describe('find the customer by this identity, or create them'),
    channel: Channel,
    subject: Text(500).optional(),
    language: LanguageTag.optional().describe("default: the message's language, else the customer's"),
    tier: Tier.default('level1'),
    requiredSkills: z.array(SkillName).max(20).default([]),
    priority: Priority.default('normal'),
    siteId: z.uuid().optional(),
    endpointId: z
      .uuid()
      .optional()
      .describe("the subsidiary's endpoint the contact came in on; replies leave from it"),
    firstResponseDueAt: Timestamp.optional(),
    resolutionDueAt: Timestamp.optional(),
    queueId: z
      .uuid()
      .optional()
      .describe("a routing queue of the conversation's subsidiary: its rings apply"),
    message: MessageInput,
  })
  .strict()
  .refine((c) => (c.customerId === undefined) !== (c.customer === undefined), {
    message: 'give either customerId or customer, not both',
    path: ['customerId'],
  });
export type ConversationCreate = z.infer<typeof ConversationCreate>;

export const ConversationUpdate = z
  .object({
    status: Status,
    assigneeId: z.uuid().nullable(),
    siteId: z.uuid(),
    tier: Tier,
    priority: Priority,
    requiredSkills: z.array(SkillName).max(20),
    language: LanguageTag,
    subject: Text(500).nullable(),
    firstResponseDueAt: Timestamp.nullable(),
    resolutionDueAt: Timestamp.nullable(),
    queueId: z.uuid().nullable().describe("a routing queue of the conversation's subsidiary; null: none"),
  })
  .partial()
  .strict();
export type ConversationUpdate = z.infer<typeof ConversationUpdate>;

export const Message = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  direction: z.enum(['inbound', 'outbound']),
  channel: z.string(),
  authorKind: z.enum(['customer', 'agent', 'system']),
  authorId: z.string().nullable(),
  text: z.string(),
  hasRaw: z.boolean(),
  rawMediaType: z.string().nullable(),
  attachments: z.array(AttachmentMeta),
  language: z.string().nullable(),
  deliveryStatus: z.enum(['received', 'queued', 'sent', 'delivered', 'read', 'failed']),
  deliveryAttempts: z.number().int().describe('tries to send so far (outbound)'),
  deliveryError: z
    .string()
    .nullable()
    .describe('why the last try failed; with status failed, the message is a dead letter'),
  externalId: z.string().nullable(),
  visibility: z
    .enum(['public', 'private'])
    .nullable()
    .describe('social: a public comment or reply, or a private message'),
  internal: z
    .boolean()
    .describe('an internal note for colleagues: never sent on any channel, never shown to the customer'),
  createdAt: z.iso.datetime(),
});
export type Message = z.infer<typeof Message>;

export const Conversation = z.object({
  id: z.uuid(),
  subsidiaryId: z.uuid(),
  customerId: z.uuid(),
  siteId: z.uuid().nullable(),
  assigneeId: z.uuid().nullable(),
  endpointId: z.uuid().nullable(),
  channel: z.string(),
  channels: z.array(z.string()),
  subject: z.string().nullable(),
  language: z.string(),
  tier: Tier,
  requiredSkills: z.array(z.string()),
  priority: Priority,
  status: Status,
  firstResponseDueAt: z.iso.datetime().nullable(),
  resolutionDueAt: z.iso.datetime().nullable(),
  firstRespondedAt: z.iso.datetime().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  lastMessageAt: z.iso.datetime(),
  queueId: z.uuid().nullable(),
  snoozedUntil: z.iso
    .datetime()
    .nullable()
    .describe('pending until then, then back to its assignee (or open for routing); null: not snoozed'),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Conversation = z.infer<typeof Conversation>;

export const ConversationDetail = Conversation.extend({
  messages: z.array(Message).describe('the latest messages, oldest first'),
  moreMessages: z.boolean().describe('older messages exist: page through /messages'),
});
export type ConversationDetail = z.infer<typeof ConversationDetail>;

export const ConversationFilter = z.object({
  subsidiaryId: z.uuid().optional(),
  siteId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  assigneeId: z.union([z.uuid(), z.literal('me')]).optional(),
  status: Status.optional(),
  channel: Channel.optional(),
  language: z.string().max(35).optional(),
  tier: Tier.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('part of the subject'),
});
export type ConversationFilter = z.infer<typeof ConversationFilter>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toConversation = (r: Row<'conversations'>): Conversation => ({
  id: r.id,
  subsidiaryId: r.subsidiary_id,
  customerId: r.customer_id,
  siteId: r.site_id,
  assigneeId: r.assignee_id,
  endpointId: r.endpoint_id,
  channel: r.channel,
  channels: r.channels,
  subject: r.subject,
  language: r.language,
  tier: r.tier,
  requiredSkills: r.required_skills,
  priority: r.priority,
  status: r.status,
  firstResponseDueAt: iso(r.first_response_due_at),
  resolutionDueAt: iso(r.resolution_due_at),
  firstRespondedAt: iso(r.first_responded_at),
  resolvedAt: iso(r.resolved_at),
  lastMessageAt: r.last_message_at.toISOString(),
  queueId: r.queue_id,
  snoozedUntil: iso(r.snoozed_until),
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

type MessageRow = Omit<Row<'messages'>, 'raw' | 'next_attempt_at'> & { has_raw: boolean };

const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  conversationId: r.conversation_id,
  direction: r.direction,
  channel: r.channel,
  authorKind: r.author_kind,
  authorId: r.author_id,
  text: r.text,
  hasRaw: r.has_raw,
  rawMediaType: r.raw_media_type,
  attachments: r.attachments,
  language: r.language,
  deliveryStatus: r.delivery_status,
  deliveryAttempts: r.delivery_attempts,
  deliveryError: r.delivery_error,
  externalId: r.external_id,
  visibility: r.visibility,
  internal: r.internal,
  createdAt: r.created_at.toISOString(),
});

const messageColumns = [
  'id',
  'conversation_id',
  'subsidiary_id',
  'direction',
  'channel',
  'author_kind',
  'author_id',
  'text',
  'raw_media_type',
  'attachments',
  'language',
  'delivery_status',
  'external_id',
  'delivery_attempts',
  'delivery_error',
  'visibility',
  'internal',
  'created_at',
] as const;

async function findByExternalId(trx: Db, subsidiaryId: string, channel: string, externalId: string) {
  return trx
    .selectFrom('messages')
    .select(['id', 'conversation_id'])
    .where('subsidiary_id', '=', subsidiaryId)
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

function authorOf(ctx: Context, direction: 'inbound' | 'outbound') {
  if (direction === 'inbound') return { author_kind: 'customer' as const, author_id: null };
  if (ctx.actor.agentId) return { author_kind: 'agent' as const, author_id: ctx.actor.agentId };
  return { author_kind: 'system' as const, author_id: null };
}

/** The site a new conversation is routed to: site staff keep it at their own site. */
async function siteFor(trx: Db, ctx: Context, subsidiaryId: string, requested: string | undefined) {
  const scope = ctx.actor.scope;
  if (scope.kind === 'site') {
    if (requested && requested !== scope.siteId)
      throw invalid('siteId', 'site staff open conversations at their own site');
    return scope.siteId;
  }
  if (!requested) return null;
  const site = await visibleSites(trx, ctx.actor)
    .select('id')
    .where('id', '=', requested)
    .where(sql<boolean>`${subsidiaryId}::uuid = any(subsidiary_ids)`)
    .executeTakeFirst();
  if (!site) throw invalid('siteId', 'is not a site that serves this subsidiary');
  return site.id;
}

const NO_ID = '00000000-0000-0000-0000-000000000000';

/** A new conversation, or the one a redelivered message opened before (`created` false, no `messageId`). */
export interface Created {
  conversation: Conversation;
  created: boolean;
  /** The first message's id, when this call wrote it. */
  messageId?: string;
}

export interface CreateOptions {
  /** Filed as resolved at once, out of every queue (an automatic mail that starts nothing). */
  resolved?: boolean;
}

/**
 * Open a conversation with its first message: the path every contact takes. A message
 * with an externalId already stored returns the existing conversation: redelivery is idempotent.
 */
export async function createConversation(
  db: Db,
  ctx: Context,
  input: ConversationCreate,
  options: CreateOptions = {},
): Promise<Created> {
  const channel = input.message.channel ?? input.channel;
  if (input.message.direction === 'outbound' && input.message.attachments.length > 0) {
    // Files an agent sends are uploaded to the conversation first: it does not exist yet.
    throw invalid('message.attachments', 'open the conversation first, upload the files to it, then reply');
  }
  const externalId = input.message.externalId;
  const key = input.customer ? identityKey(input.customer.identity) : undefined;
  // One read: the subsidiary (if the actor reaches it), whether this message was delivered
  // before, and — when the identity's stored form is known already — who holds it.
  const subsidiary = await visibleSubsidiaries(db, ctx.actor)
    .selectAll('subsidiaries')
    .select((eb) => [
      eb
        .selectFrom('messages')
        .select('messages.conversation_id')
        .where('messages.subsidiary_id', '=', input.subsidiaryId)
        .where('messages.channel', '=', channel)
        // Stored ids are never empty: without an externalId nothing matches.
        .where('messages.external_id', '=', externalId ?? '')
        .limit(1)
        .$asScalar()
        .as('delivered_in'),
      eb
        .selectFrom('customer_identities')
        .innerJoin('customers', 'customers.id', 'customer_identities.customer_id')
        .select(sql<string>`json_build_array(customers.id, customers.language)`.as('holder'))
        .where('customer_identities.subsidiary_id', '=', input.subsidiaryId)
        .where('customer_identities.kind', '=', key?.kind ?? 'email')
        .where('customer_identities.value', '=', key?.value ?? '')
        .limit(1)
        .$asScalar()
        .as('holder'),
      eb
        .selectFrom('endpoints')
        .select('endpoints.id')
        .where('endpoints.id', '=', input.endpointId ?? NO_ID)
        .where('endpoints.subsidiary_id', '=', input.subsidiaryId)
        .$asScalar()
        .as('endpoint'),
    ])
    .where('subsidiaries.id', '=', input.subsidiaryId)
    .executeTakeFirst();
  if (!subsidiary) throw invalid('subsidiaryId', 'is not a subsidiary you can reach');
  if (input.endpointId && !subsidiary.endpoint) {
    throw invalid('endpointId', 'is not an endpoint of this subsidiary');
  }
  if (subsidiary.delivered_in)
    return { conversation: await deliveredBefore(db, ctx, subsidiary.delivered_in), created: false };

  const holder = subsidiary.holder as unknown as [string, string] | null;
  // A known customer of a group or subsidiary caller: the conversation is one statement.
  if (holder && ctx.actor.scope.kind !== 'site' && !input.customer?.otherIdentities?.length) {
    return writeConversation(
      db,
      ctx,
      input,
      { customerId: holder[0], language: holder[1] },
      channel,
      options,
    );
  }
  return atomically(db, async (trx) => {
    let customer: { customerId: string; language: string };
    if (input.customerId) {
      const found = await visibleCustomers(trx, ctx.actor)
        .select(['customers.id', 'customers.subsidiary_id', 'customers.language'])
        .where('customers.id', '=', input.customerId)
        .executeTakeFirst();
      if (!found || found.subsidiary_id !== input.subsidiaryId) {
        throw invalid('customerId', 'is not a customer of this subsidiary that you can see');
      }
      customer = { customerId: found.id, language: found.language };
    } else if (input.customer) {
      customer = await resolveCustomer(trx, ctx, subsidiary, input.customer);
    } else {
      throw invalid('customerId', 'give either customerId or customer');
    }
    return writeConversation(trx, ctx, input, customer, channel, options);
  });
}

async function deliveredBefore(db: Db, ctx: Context, conversationId: string): Promise<Conversation> {
  const row = await visibleConversations(db, ctx.actor)
    .selectAll()
    .where('id', '=', conversationId)
    .executeTakeFirst();
  if (!row)
    throw new DomainError('conflict', 'message.externalId: this message was already delivered elsewhere');
  return toConversation(row);
}

/**
 * Write a conversation, its first message, its events and its audit row in one
 * statement: atomic on its own, and one round trip. A concurrent delivery of the same
 * message loses on the unique index and answers with the conversation that won.
 */
async function writeConversation(
  db: Db,
  ctx: Context,
  input: ConversationCreate,
  customer: { customerId: string; language: string },
  channel: string,
  options: CreateOptions,
): Promise<Created> {
  const { customerId } = customer;
  const siteId = await siteFor(db, ctx, input.subsidiaryId, input.siteId);
  const language = input.language ?? input.message.language ?? customer.language;
  const id = newId();
  const message = messageRow(ctx, { id, subsidiary_id: input.subsidiaryId }, channel, input.message);
  const audit = auditRow(ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'conversation',
    entityId: id,
    subsidiaryId: input.subsidiaryId,
    siteId,
    changes: {
      channel: input.channel,
      customerId,
      language,
      tier: input.tier,
      priority: input.priority,
      messageId: message.row.id,
    },
  });
  const events = eventRows([
    { name: 'conversation.created', payload: { conversationId: id, subsidiaryId: input.subsidiaryId } },
    message.event,
  ]);
  // The contact path writes five rows in four tables: one statement, so one round trip.
  // Foreign keys are checked at the end of the statement, when the conversation exists.
  const write = db
    .with('message', (db) => db.insertInto('messages').values(message.row))
    .with('events', (db) => db.insertInto('outbox').values(events))
    .with('audit', (db) => db.insertInto('audit_log').values(audit))
    .insertInto('conversations')
    .values({
      id,
      subsidiary_id: input.subsidiaryId,
      customer_id: customerId,
      site_id: siteId,
      assignee_id: null,
      endpoint_id: input.endpointId ?? null,
      channel: input.channel,
      channels: [...new Set([input.channel, channel])],
      subject: input.subject ?? null,
      language,
      tier: input.tier,
      required_skills: input.requiredSkills,
      priority: input.priority,
      status: options.resolved ? 'resolved' : 'open',
      resolved_at: options.resolved ? ctx.now : null,
      first_response_due_at: input.firstResponseDueAt ?? null,
      resolution_due_at: input.resolutionDueAt ?? null,
      first_responded_at: input.message.direction === 'outbound' ? ctx.now : null,
      last_message_at: ctx.now,
      queue_id: input.queueId ?? null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll();
  try {
    const conversation = toConversation(await write.executeTakeFirstOrThrow());
    return { conversation, created: true, messageId: message.row.id };
  } catch (error) {
    refuseOtherQueue(error);
    const delivered =
      (error as { constraint?: string }).constraint === 'messages_external' && input.message.externalId;
    if (!delivered || db.isTransaction) throw error;
    const winner = await db
      .selectFrom('messages')
      .select('conversation_id')
      .where('subsidiary_id', '=', input.subsidiaryId)
      .where('channel', '=', channel)
      .where('external_id', '=', delivered)
      .executeTakeFirstOrThrow();
    return { conversation: await deliveredBefore(db, ctx, winner.conversation_id), created: false };
  }
}

/**
 * The store refuses a queue of another subsidiary (or none at all) by a foreign key on
 * (queue_id, subsidiary_id): said as the field at fault, nothing written.
 */
function refuseOtherQueue(error: unknown): void {
  if ((error as { constraint?: string }).constraint === 'conversations_queue')
    throw invalid('queueId', "is not a routing queue of the conversation's subsidiary");
}

/** A message's row and the event it raises, for the caller to write. */
function messageRow(
  ctx: Context,
  conversation: { id: string; subsidiary_id: string },
  channel: string,
  input: MessageInput,
): { row: NewRow<'messages'>; event: DomainEvent } {
  const id = newId();
  return {
    row: {
      id,
      conversation_id: conversation.id,
      subsidiary_id: conversation.subsidiary_id,
      direction: input.direction,
      channel,
      ...authorOf(ctx, input.direction),
      text: input.text,
      raw: input.raw ?? null,
      raw_media_type: input.raw ? (input.rawMediaType ?? 'text/plain') : null,
      attachments: JSON.stringify(input.attachments),
      language: input.language ?? null,
      delivery_status: input.direction === 'inbound' ? 'received' : 'queued',
      external_id: input.externalId ?? null,
      visibility: input.visibility ?? null,
      created_at: ctx.now,
    },
    event: {
      name: input.direction === 'inbound' ? 'message.received' : 'message.queued',
      payload: { messageId: id, conversationId: conversation.id, subsidiaryId: conversation.subsidiary_id },
    },
  };
}

/** A conversation the actor sees, locked for the rest of the transaction; 404 otherwise. */
export async function lockVisible(trx: Db, ctx: Context, id: string): Promise<Row<'conversations'>> {
  const row = await visibleConversations(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('conversation', id);
  return row;
}

/**
 * A channel's inbound message added to a conversation it found, in one statement (the
 * message, its event, the audit row, the conversation touched — reopened if resolved):
 * atomic on its own and one round trip, for channels that deliver a lot. The caller has
 * checked that the message was not stored before; a concurrent copy loses on the unique
 * index and the statement fails, writing nothing.
 */
export async function appendInboundMessage(
  db: Db,
  ctx: Context,
  conversation: { id: string; subsidiaryId: string; siteId: string | null; status: ConversationStatus },
  input: MessageInput & { channel: Channel },
  options: { reopen?: boolean } = {},
): Promise<{ messageId: string }> {
  if (conversation.status === 'pending' && options.reopen !== false) {
    // A customer writing wakes a snoozed conversation: that, and the message, or neither.
    return atomically(db, async (trx) => {
      await wakeSnoozed(trx, ctx, conversation.id);
      return appendInbound(trx, ctx, conversation, input, options);
    });
  }
  return appendInbound(db, ctx, conversation, input, options);
}

/** A snoozed conversation the customer wrote to wakes now (nothing when it is not snoozed). */
async function wakeSnoozed(trx: Db, ctx: Context, conversationId: string): Promise<void> {
  const woken = await trx
    .updateTable('conversations')
    .set((eb) => ({
      status: sql<ConversationStatus>`case when assignee_id is null then 'open' else 'assigned' end`,
      snoozed_until: null,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', conversationId)
    .where('status', '=', 'pending')
    .where('snoozed_until', 'is not', null)
    .returning(['id', 'subsidiary_id', 'site_id', 'status'])
    .executeTakeFirst();
  if (woken) await recordWake(trx, ctx, woken, 'customer_message');
}

async function appendInbound(
  db: Db,
  ctx: Context,
  conversation: { id: string; subsidiaryId: string; siteId: string | null; status: ConversationStatus },
  input: MessageInput & { channel: Channel },
  options: { reopen?: boolean },
): Promise<{ messageId: string }> {
  const message = messageRow(
    ctx,
    { id: conversation.id, subsidiary_id: conversation.subsidiaryId },
    input.channel,
    {
      ...input,
      direction: 'inbound',
    },
  );
  // An automatic message (out of office, bounce) is recorded but never reopens anything.
  const reopen = conversation.status === 'resolved' && options.reopen !== false;
  const audit = auditRow(ctx.actor, ctx.requestId, {
    action: 'add_message',
    entity: 'conversation',
    entityId: conversation.id,
    subsidiaryId: conversation.subsidiaryId,
    siteId: conversation.siteId,
    changes: {
      messageId: message.row.id,
      direction: 'inbound',
      channel: input.channel,
      ...(reopen ? { status: 'open' } : {}),
    },
  });
  await db
    .with('message', (db) => db.insertInto('messages').values(message.row))
    .with('events', (db) => db.insertInto('outbox').values(eventRows([message.event])))
    .with('audit', (db) => db.insertInto('audit_log').values(audit))
    .updateTable('conversations')
    .set((eb) => ({
      last_message_at: ctx.now,
      channels: sql<
        string[]
      >`case when ${input.channel} = any(channels) then channels else array_append(channels, ${input.channel}::text) end`,
      ...(reopen
        ? {
            status: sql<ConversationStatus>`case when status = 'resolved' then 'open' else status end`,
            resolved_at: sql<Date | null>`case when status = 'resolved' then null else resolved_at end`,
            assignee_id: sql<string | null>`case when status = 'resolved' then null else assignee_id end`,
          }
        : {}),
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', conversation.id)
    .execute();
  return { messageId: message.row.id };
}

/**
 * Add a message to a conversation; the customer writing again reopens a resolved one. An
 * `automatic` outbound message (a notice Relais sends by itself) is not the first response.
 */
export async function addMessage(
  trx: Db,
  ctx: Context,
  conversationId: string,
  input: MessageInput,
  options: { reopen?: boolean; automatic?: boolean } = {},
): Promise<{ message: Message; created: boolean }> {
  const conversation = await lockVisible(trx, ctx, conversationId);
  const channel = input.channel ?? conversation.channel;
  if (input.externalId) {
    const existing = await findByExternalId(trx, conversation.subsidiary_id, channel, input.externalId);
    if (existing) {
      if (existing.conversation_id !== conversationId) {
        throw new DomainError(
          'conflict',
          'externalId: this message was already delivered to another conversation',
        );
      }
      return { message: await getMessage(trx, ctx, conversationId, existing.id), created: false };
    }
  }
  if (conversation.status === 'closed') {
    throw new DomainError(
      'illegal_transition',
      'a closed conversation takes no more messages; open a new one',
      [{ path: 'status', message: 'is closed' }],
    );
  }
  if (channel === 'social' && input.direction === 'outbound' && !input.visibility) {
    // Under the comment for everyone to see, or privately: the agent decides, never a default.
    const comment = await trx
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'inbound')
      .where('visibility', '=', 'public')
      .executeTakeFirst();
    if (comment)
      throw invalid('visibility', 'say public (answer under the comment) or private (a private message)');
  }
  const attachments =
    input.direction === 'outbound'
      ? await sendableAttachments(trx, conversationId, input.attachments)
      : input.attachments;
  const message = messageRow(ctx, conversation, channel, { ...input, attachments });
  const messageId = message.row.id;
  await trx.insertInto('messages').values(message.row).execute();
  await recordEvent(trx, message.event.name, message.event.payload);
  // An automatic message (out of office, bounce) is recorded but never reopens anything.
  const reopen =
    input.direction === 'inbound' && conversation.status === 'resolved' && options.reopen !== false;
  // The customer writing before a snooze ends wakes the conversation early.
  const wake =
    input.direction === 'inbound' &&
    conversation.status === 'pending' &&
    conversation.snoozed_until !== null &&
    options.reopen !== false;
  await trx
    .updateTable('conversations')
    .set((eb) => ({
      last_message_at: ctx.now,
      channels: conversation.channels.includes(channel)
        ? conversation.channels
        : [...conversation.channels, channel],
      first_responded_at:
        input.direction === 'outbound' && conversation.first_responded_at === null && !options.automatic
          ? ctx.now
          : conversation.first_responded_at,
      ...(reopen ? { status: 'open' as const, resolved_at: null, assignee_id: null } : {}),
      ...(wake ? { status: wokenStatus(conversation.assignee_id), snoozed_until: null } : {}),
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', conversationId)
    .execute();
  if (wake) {
    await recordWake(
      trx,
      ctx,
      { ...conversation, status: wokenStatus(conversation.assignee_id) },
      'customer_message',
    );
  }
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'add_message',
    entity: 'conversation',
    entityId: conversationId,
    subsidiaryId: conversation.subsidiary_id,
    siteId: conversation.site_id,
    changes: { messageId, direction: input.direction, channel, ...(reopen ? { status: 'open' } : {}) },
  });
  return { message: await getMessage(trx, ctx, conversationId, messageId), created: true };
}

/** Change status, assignee, site, tier, priority, routing queue or SLA due times, within the lifecycle. */
export async function updateConversation(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: ConversationUpdate,
): Promise<Conversation> {
  const current = await lockVisible(trx, ctx, id);
  assertVersion('conversation', current.version, expectedVersion);
  let siteId = current.site_id;
  let assigneeId = current.assignee_id;

  if (input.siteId !== undefined && input.siteId !== current.site_id) {
    if (ctx.actor.scope.kind === 'site')
      throw invalid('siteId', 'site staff cannot move a conversation to another site');
    siteId = await siteFor(trx, ctx, current.subsidiary_id, input.siteId);
    assigneeId = null;
  }
  if (input.assigneeId !== undefined) {
    assigneeId = input.assigneeId;
    if (input.assigneeId !== null) {
      const agent = await visibleAgents(trx, ctx.actor)
        .innerJoin('sites', 'sites.id', 'agents.site_id')
        .select(['agents.id', 'agents.site_id', 'sites.subsidiary_ids'])
        .where('agents.id', '=', input.assigneeId)
        .executeTakeFirst();
      if (!agent) throw invalid('assigneeId', 'is not an agent you can assign to');
      if (!agent.subsidiary_ids.includes(current.subsidiary_id)) {
        throw invalid('assigneeId', "works at a site that does not serve this conversation's subsidiary");
      }
      if (input.siteId !== undefined && input.siteId !== agent.site_id) {
        throw invalid('siteId', 'differs from the site of the assignee');
      }
      siteId = agent.site_id;
    }
  }

  let status: ConversationStatus = input.status ?? current.status;
  if (input.status === undefined) {
    // Assigning an open or pending conversation makes it assigned; unassigning reopens it.
    if (
      assigneeId &&
      assigneeId !== current.assignee_id &&
      (current.status === 'open' || current.status === 'pending')
    ) {
      status = 'assigned';
    }
    if (!assigneeId && current.status === 'assigned') status = 'open';
  }
  if (status === 'assigned' && !assigneeId)
    throw invalid('assigneeId', 'is needed to make the conversation assigned');
  assertTransition(current.status, status);

  const row = await trx
    .updateTable('conversations')
    .set((eb) => ({
      queue_id: input.queueId === undefined ? current.queue_id : input.queueId,
      status,
      assignee_id: assigneeId,
      site_id: siteId,
      tier: input.tier ?? current.tier,
      priority: input.priority ?? current.priority,
      required_skills: input.requiredSkills ?? current.required_skills,
      language: input.language ?? current.language,
      subject: input.subject === undefined ? current.subject : input.subject,
      first_response_due_at:
        input.firstResponseDueAt === undefined ? current.first_response_due_at : input.firstResponseDueAt,
      resolution_due_at:
        input.resolutionDueAt === undefined ? current.resolution_due_at : input.resolutionDueAt,
      resolved_at:
        status === 'resolved'
          ? (current.resolved_at ?? ctx.now)
          : status === 'closed'
            ? current.resolved_at
            : null,
      // Any change of status ends a snooze (the store's trigger says the same for every writer).
      snoozed_until: status === current.status ? current.snoozed_until : null,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      refuseOtherQueue(error);
      throw error;
    });
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'conversation',
    entityId: id,
    subsidiaryId: current.subsidiary_id,
    siteId: row.site_id,
    changes: {
      ...input,
      ...(status !== current.status ? { status: { from: current.status, to: status } } : {}),
    },
  });
  if (status !== current.status) {
    await recordEvent(trx, 'conversation.status_changed', {
      conversationId: id,
      from: current.status,
      to: status,
    });
  }
  if (input.language && input.language !== current.language) {
    // An agent who corrects the language teaches the customer's record: the next contact starts right.
    const customer = await trx
      .updateTable('customers')
      .set((eb) => ({ language: input.language, version: eb('version', '+', 1), updated_at: ctx.now }))
      .where('id', '=', current.customer_id)
      .where('language', '<>', input.language as string)
      .returning(['id', 'language'])
      .executeTakeFirst();
    if (customer) {
      await recordAudit(trx, ctx.actor, ctx.requestId, {
        action: 'learn_language',
        entity: 'customer',
        entityId: customer.id,
        subsidiaryId: current.subsidiary_id,
        changes: { language: input.language, fromConversation: id },
      });
    }
  }
  return toConversation(row);
}

const DETAIL_MESSAGES = 200;

/** A conversation with its latest messages, oldest first. */
/** A conversation with its latest messages, oldest first: one round trip to the store. */
export async function getConversation(db: Db, ctx: Context, id: string): Promise<ConversationDetail> {
  const row = await visibleConversations(db, ctx.actor)
    .selectAll('conversations')
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('messages')
          .select(messageColumns)
          .select(sql<boolean>`raw is not null`.as('has_raw'))
          .whereRef('messages.conversation_id', '=', 'conversations.id')
          .orderBy('messages.id', 'desc')
          .limit(DETAIL_MESSAGES + 1),
      ).as('latest'),
    )
    .where('conversations.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('conversation', id);
  const { latest, ...conversation } = row;
  const more = latest.length > DETAIL_MESSAGES;
  // Inside JSON the store's timestamps arrive as text.
  const shown = (more ? latest.slice(0, DETAIL_MESSAGES) : latest)
    .reverse()
    .map((m) => toMessage({ ...m, created_at: new Date(m.created_at) }));
  return { ...toConversation(conversation), messages: shown, moreMessages: more };
}

export async function listMessages(
  db: Db,
  ctx: Context,
  conversationId: string,
  page: PageQuery,
): Promise<Page<Message>> {
  const visible = await visibleConversations(db, ctx.actor)
    .select('id')
    .where('id', '=', conversationId)
    .executeTakeFirst();
  if (!visible) throw notFound('conversation', conversationId);
  const q = db
    .selectFrom('messages')
    .select(messageColumns)
    .select(sql<boolean>`raw is not null`.as('has_raw'))
    .where('conversation_id', '=', conversationId);
  const result = await paginate(q, 'messages.id', page);
  return { items: result.items.map(toMessage), nextCursor: result.nextCursor };
}

export async function getMessage(
  db: Db,
  ctx: Context,
  conversationId: string,
  messageId: string,
): Promise<Message> {
  const row = await db
    .selectFrom('messages')
    .select(messageColumns)
    .select(sql<boolean>`raw is not null`.as('has_raw'))
    .where('id', '=', messageId)
    .where(
      'conversation_id',
      'in',
      visibleConversations(db, ctx.actor).select('id').where('id', '=', conversationId),
    )
    .executeTakeFirst();
  if (!row) throw notFound('message', messageId);
  return toMessage(row);
}

/** The original form of a message as the channel delivered it. */
export async function getRawMessage(
  db: Db,
  ctx: Context,
  conversationId: string,
  messageId: string,
): Promise<{ raw: string; mediaType: string }> {
  const row = await db
    .selectFrom('messages')
    .select(['raw', 'raw_media_type'])
    .where('id', '=', messageId)
    .where(
      'conversation_id',
      'in',
      visibleConversations(db, ctx.actor).select('id').where('id', '=', conversationId),
    )
    .executeTakeFirst();
  if (!row?.raw) throw notFound('raw message', messageId);
  return { raw: row.raw, mediaType: row.raw_media_type ?? 'text/plain' };
}

export async function listConversations(
  db: Db,
  ctx: Context,
  filter: ConversationFilter,
  page: PageQuery,
): Promise<Page<Conversation>> {
  let q = visibleConversations(db, ctx.actor).selectAll();
  if (filter.subsidiaryId) q = q.where('subsidiary_id', '=', filter.subsidiaryId);
  if (filter.siteId) q = q.where('site_id', '=', filter.siteId);
  if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
  if (filter.assigneeId) {
    const assignee = filter.assigneeId === 'me' ? ctx.actor.agentId : filter.assigneeId;
    if (!assignee) return { items: [], nextCursor: null };
    q = q.where('assignee_id', '=', assignee);
  }
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.channel) q = q.where(sql<boolean>`${filter.channel} = any(channels)`);
  if (filter.language) q = q.where('language', '=', filter.language);
  if (filter.tier) q = q.where('tier', '=', filter.tier);
  if (filter.q)
    q = q.where(
      sql<string>`lower(subject)`,
      'like',
      `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    );
  const result = await paginate(q, 'conversations.id', page);
  return { items: result.items.map(toConversation), nextCursor: result.nextCursor };
}

export const DeliveryEvent = z.object({
  status: z.string(),
  detail: z.string().nullable(),
  at: z.iso.datetime(),
});
export type DeliveryEvent = z.infer<typeof DeliveryEvent>;

/** Every delivery status an outbound message went through, oldest first. */
export async function deliveryHistory(
  db: Db,
  ctx: Context,
  conversationId: string,
  messageId: string,
): Promise<DeliveryEvent[]> {
  await getMessage(db, ctx, conversationId, messageId);
  const rows = await db
    .selectFrom('delivery_events')
    .select(['status', 'detail', 'at'])
    .where('message_id', '=', messageId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ status: r.status, detail: r.detail, at: r.at.toISOString() }));
}
