import { z } from 'zod';
import { getImapStatus, ImapStatus } from '../../channels/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors } from './resource.ts';

export function imapRoutes(app: App, deps: ServerDeps): void {
  app.get(
    '/api/endpoints/:id/imap',
    {
      config: { permission: 'organisation:read' },
      schema: {
        tags: ['channels'],
        summary: "Where polling an email endpoint's IMAP mailbox stands: last poll, last error, cursor",
        description:
          'For an email endpoint with IMAP settings. A failing mailbox (wrong password, server unreachable, ' +
          'missing folder) shows consecutiveFailures above 0 and lastError; it is tried again later, each time ' +
          'after a longer wait (up to an hour).',
        params: z.object({ id: z.uuid() }),
        response: { 200: ImapStatus, ...errors },
      },
    },
    async (req) => getImapStatus(deps.db, contextOf(req, deps.clock), req.params.id),
  );
}
