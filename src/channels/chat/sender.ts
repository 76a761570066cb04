import type { Db } from '../../store/index.ts';
import { type ChannelSender, PermanentFailure } from '../delivery.ts';
import type { ChatHub } from './hub.ts';

/**
 * Chat replies: shown at once on the visitor's widgets connected to this process. The
 * reply is in the store already, so a visitor connected elsewhere gets it from that
 * process's poll, and one who is away gets it when their widget reconnects.
 */
export function chatSender(deps: { db: Db; hub: ChatHub }): ChannelSender {
  return {
    async send({ message, identities }) {
      const visitors = identities.filter((i) => i.kind === 'chat').map((i) => i.value);
      if (visitors.length === 0)
        throw new PermanentFailure('the customer never chatted: no widget to answer');
      const author =
        message.author_kind === 'agent' && message.author_id
          ? await deps.db
              .selectFrom('agents')
              .innerJoin('users', 'users.id', 'agents.user_id')
              .select('users.display_name')
              .where('agents.id', '=', message.author_id)
              .executeTakeFirst()
          : undefined;
      for (const visitorId of visitors) {
        deps.hub.show(visitorId, {
          id: message.id,
          visitorId,
          clientId: null,
          text: message.text,
          author: { kind: message.author_kind, name: author?.display_name ?? null },
          at: message.created_at.toISOString(),
        });
      }
      return { externalId: null };
    },
  };
}
