import { z } from 'zod';
import {
  createSavedReply,
  deleteSavedReply,
  getSavedReply,
  listSavedReplies,
  SavedReply,
  SavedReplyCreate,
  SavedReplyFilter,
  SavedReplyUpdate,
  updateSavedReply,
} from '../../conversations/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf, expectedVersion } from '../request.ts';
import { errors, IdParams, resourceRoutes } from './resource.ts';

/**
 * Each subsidiary's saved replies: read by whoever reads its conversations, changed by its
 * administrators or the group's. Filling one in for a conversation is in conversation-work.ts.
 */
export function savedReplyRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  resourceRoutes(app, deps, {
    path: '/api/saved-replies',
    tag: 'saved replies',
    noun: 'saved reply',
    read: 'conversations:read',
    write: 'organisation:write',
    item: SavedReply,
    filter: SavedReplyFilter,
    create: SavedReplyCreate,
    update: SavedReplyUpdate,
    list: listSavedReplies,
    get: getSavedReply,
    insert: createSavedReply,
    change: updateSavedReply,
  });
  app.delete(
    '/api/saved-replies/:id',
    {
      config: { permission: 'organisation:write' },
      schema: {
        tags: ['saved replies'],
        summary: 'Remove a saved reply (If-Match optional: when given, it must be the current ETag)',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const version = expectedVersion(req);
      await db.transaction().execute((trx) => deleteSavedReply(trx, ctx, req.params.id, version));
      return reply.code(204).send(null);
    },
  );
}
