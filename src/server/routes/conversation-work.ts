import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addNote,
  Conversation,
  MAX_UPLOAD_BYTES,
  Message,
  mediaTypeOf,
  NoteInput,
  RenderedReply,
  RenderInput,
  renderSavedReply,
  SnoozeInput,
  snoozeConversation,
  UploadedAttachment,
  UploadQuery,
  uploadAttachment,
} from '../../conversations/index.ts';
import { invalid } from '../../core/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf, expectedVersion, withEtag } from '../request.ts';
import { errors, IdParams } from './resource.ts';

/**
 * An uploaded file's bytes. Kept in a private field so the server's generic text checks
 * do not walk 25 MB byte by byte.
 */
class FileBody {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

/** What an agent does inside a conversation besides replying: notes, snoozing, files to send, saved replies. */
export async function conversationWorkRoutes(app: App, deps: ServerDeps): Promise<void> {
  const { db, clock } = deps;
  const tags = ['conversations'];

  app.post(
    '/api/conversations/:id/notes',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags,
        summary: 'Add an internal note for colleagues',
        description:
          'A message with internal true, authored by you, in the thread in time order. It is never sent on any ' +
          'channel nor shown to the customer, and changes neither the status, the first response nor the SLA.',
        params: IdParams,
        body: NoteInput,
        response: { 201: Message, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const note = await db.transaction().execute((trx) => addNote(trx, ctx, req.params.id, req.body));
      return reply.code(201).send(note);
    },
  );

  app.post(
    '/api/conversations/:id/snooze',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags,
        summary: 'Snooze until an instant: pending until then, then back to its assignee or open for routing',
        description:
          '`until` must be in the future and at most 90 days ahead. The customer writing wakes it earlier; any ' +
          'change of status ends the snooze. If-Match is optional: when given, it must be the current ETag.',
        params: IdParams,
        body: SnoozeInput,
        response: { 200: Conversation, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const version = expectedVersion(req);
      const snoozed = await db
        .transaction()
        .execute((trx) => snoozeConversation(trx, ctx, req.params.id, version, req.body));
      return withEtag(reply, snoozed);
    },
  );

  app.post(
    '/api/conversations/:id/saved-replies/:replyId/render',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags: ['saved replies'],
        summary: "A saved reply of the conversation's subsidiary, filled in for this conversation",
        description:
          "{{customer.name}}, {{customer.localTime}} (now, on the customer's clock, in the reply's language) and " +
          '{{agent.name}} (yours) are filled in, {{order}} from the variables given; the others stay as written ' +
          'and are listed in missing. Writes nothing.',
        params: IdParams.extend({ replyId: z.uuid({ message: 'must be a UUID' }) }),
        body: RenderInput.nullish().describe('optional: without a body, no variables are given'),
        response: { 200: RenderedReply, ...errors },
      },
    },
    async (req) =>
      renderSavedReply(db, contextOf(req, clock), req.params.id, req.params.replyId, req.body ?? {}),
  );

  await app.register(async (scope) => {
    // Only here the body is the file itself, whatever its type (a JSON file stays bytes).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, new FileBody(body as Buffer)),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/conversations/:id/attachments',
      {
        bodyLimit: MAX_UPLOAD_BYTES,
        config: { permission: 'conversations:write' },
        schema: {
          tags,
          summary: 'Upload a file to send in a reply (the body is the file, its Content-Type its type)',
          description:
            'At most 25 MB (413 beyond). Answers the attachment to name in the `attachments` of an outbound ' +
            'message of this conversation; the same bytes uploaded twice are kept once.',
          params: IdParams,
          querystring: UploadQuery,
          response: { 201: UploadedAttachment, ...errors },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req, clock);
        if (!(req.body instanceof FileBody)) throw invalid('body', 'is empty: send the bytes of the file');
        const uploaded = await uploadAttachment(db, deps.files, ctx, req.params.id, {
          filename: req.query.filename,
          mediaType: mediaTypeOf(req.headers['content-type']),
          content: req.body.bytes,
        });
        return reply.code(201).send(uploaded);
      },
    );
  });
}
