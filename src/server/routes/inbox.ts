import { agentInbox, Inbox } from '../../conversations/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors } from './resource.ts';

/** The signed-in agent's inbox, in one read: the web app's list of their work. */
export function inboxRoutes(app: App, deps: ServerDeps): void {
  app.get(
    '/api/inbox',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: "The signed-in agent's conversations still to work, most urgent first",
        description:
          'Assigned or pending conversations of the agent the caller is, with the customer’s name, ' +
          'since when the customer waits for an answer, and the due times. Empty for someone who is not an agent.',
        response: { 200: Inbox, ...errors },
      },
    },
    async (req) => agentInbox(deps.db, contextOf(req, deps.clock)),
  );
}
