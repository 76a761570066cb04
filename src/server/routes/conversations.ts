import { z } from 'zod';
import {
  addMessage,
  Conversation,
  ConversationCreate,
  ConversationDetail,
  ConversationFilter,
  ConversationUpdate,
  createConversation,
  DeliveryEvent,
  deliveryHistory,
  getConversation,
  getMessage,
  getRawMessage,
  listConversations,
  listMessages,
  Message,
  MessageInput,
  updateConversation,
} from '../../conversations/index.ts';
import { notFound } from '../../core/index.ts';
import { PageQuery } from '../../store/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf, expectedVersion, withEtag } from '../request.ts';
import { errors, IdParams, pageOf } from './resource.ts';

const MessageParams = IdParams.extend({ messageId: z.uuid() });

export function conversationRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  const tags = ['conversations'];

  app.get(
    '/api/conversations',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags,
        summary: 'List conversations',
        querystring: PageQuery.extend(ConversationFilter.shape).strict(),
        response: { 200: pageOf(Conversation), ...errors },
      },
    },
    async (req) => listConversations(db, contextOf(req, clock), req.query, req.query),
  );
  app.post(
    '/api/conversations',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags,
        summary: 'Open a conversation with its first message',
        description:
          'Finds or creates the customer by identity. A first message whose externalId was already stored ' +
          'returns the existing conversation with 200 instead of 201: channels may deliver twice.',
        body: ConversationCreate,
        response: { 200: Conversation, 201: Conversation, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      // The command opens a transaction only when it writes more than one statement.
      const result = await createConversation(db, ctx, req.body);
      return reply.code(result.created ? 201 : 200).send(withEtag(reply, result.conversation));
    },
  );
  app.get(
    '/api/conversations/:id',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags,
        summary: 'Read a conversation with its latest messages',
        params: IdParams,
        response: { 200: ConversationDetail, ...errors },
      },
    },
    async (req, reply) => withEtag(reply, await getConversation(db, contextOf(req, clock), req.params.id)),
  );
  app.patch(
    '/api/conversations/:id',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags,
        summary: 'Change status, assignee, site, tier, priority or due times (If-Match required)',
        params: IdParams,
        body: ConversationUpdate,
        response: { 200: Conversation, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const version = expectedVersion(req);
      const updated = await db
        .transaction()
        .execute((trx) => updateConversation(trx, ctx, req.params.id, version, req.body));
      return withEtag(reply, updated);
    },
  );
  app.get(
    '/api/conversations/:id/messages',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags,
        summary: "Page through a conversation's messages, oldest first",
        params: IdParams,
        querystring: PageQuery.strict(),
        response: { 200: pageOf(Message), ...errors },
      },
    },
    async (req) => listMessages(db, contextOf(req, clock), req.params.id, req.query),
  );
  app.post(
    '/api/conversations/:id/messages',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags,
        summary: 'Add a message (inbound from the customer, or an outbound reply)',
        params: IdParams,
        body: MessageInput,
        response: { 200: Message, 201: Message, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const result = await db.transaction().execute((trx) => addMessage(trx, ctx, req.params.id, req.body));
      return reply.code(result.created ? 201 : 200).send(result.message);
    },
  );
  app.get(
    '/api/conversations/:id/messages/:messageId',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags,
        summary: 'Read one message',
        params: MessageParams,
        response: { 200: Message, ...errors },
      },
    },
    async (req) => getMessage(db, contextOf(req, clock), req.params.id, req.params.messageId),
  );
  app.get(
    '/api/conversations/:id/messages/:messageId/raw',
    {
      config: { permission: 'conversations:read' },
      schema: { tags, summary: 'The message as the channel delivered it', params: MessageParams },
    },
    async (req, reply) => {
      const raw = await getRawMessage(db, contextOf(req, clock), req.params.id, req.params.messageId);
      // Originals that are not UTF-8 are kept in base64: give back the bytes as received.
      const base64 = /;\s*encoding=base64$/.test(raw.mediaType);
      // Served as an attachment with no sniffing: a raw email must never render as a page of ours.
      return reply
        .type(raw.mediaType.replace(/;\s*encoding=base64$/, ''))
        .header('content-disposition', `attachment; filename="${req.params.messageId}"`)
        .header('x-content-type-options', 'nosniff')
        .send(base64 ? Buffer.from(raw.raw, 'base64') : raw.raw);
    },
  );

  app.get(
    '/api/conversations/:id/messages/:messageId/attachments/:sha256',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags,
        summary: "Download one of a message's attachments",
        params: MessageParams.extend({
          sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex'),
        }),
      },
    },
    async (req, reply) => {
      const message = await getMessage(db, contextOf(req, clock), req.params.id, req.params.messageId);
      const attachment = message.attachments.find((a) => a.sha256 === req.params.sha256);
      const content = attachment ? await deps.files.get(req.params.sha256) : undefined;
      if (!attachment || !content) throw notFound('attachment', req.params.sha256);
      // Always a download, never rendered as one of our pages.
      return reply
        .type(attachment.mediaType)
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .send(content);
    },
  );

  app.get(
    '/api/conversations/:id/messages/:messageId/deliveries',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags,
        summary: "An outbound message's delivery history: every try, its status and error",
        params: MessageParams,
        response: { 200: z.object({ items: z.array(DeliveryEvent) }), ...errors },
      },
    },
    async (req) => ({
      items: await deliveryHistory(db, contextOf(req, clock), req.params.id, req.params.messageId),
    }),
  );
}
