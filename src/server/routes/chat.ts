import websocket from '@fastify/websocket';
import { z } from 'zod';
import { ChatHub, demoPage, openChatSession, signalAgentTyping, widgetScript } from '../../channels/index.ts';
import { DEMO_CHAT_KEYS } from '../../demo/index.ts';
import { queuedWait } from '../../routing/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { AgentHub, agentSocketRoute, queueSocketRoute } from './agent-socket.ts';
import { errors, IdParams } from './resource.ts';
import { supervisorSocketRoute } from './supervisor.ts';

/** Largest frame a widget may send: a long message in any script, with room to spare. */
const MAX_FRAME_BYTES = 64 * 1024;

/**
 * The web chat: the widget script, its WebSocket, a demo host page, and the agent's
 * typing signal. The widget authenticates with its key and its visitor token, not a
 * session: these routes are public; the agent's route is not.
 */
export async function chatRoutes(app: App, deps: ServerDeps): Promise<void> {
  const hub =
    deps.chatHub ??
    new ChatHub(deps.db, {
      now: () => deps.clock.now(),
      onError: (error) => app.log.error({ err: error }, 'chat'),
    });
  app.addHook('onClose', async () => hub.close());
  const agents = new AgentHub(deps, { onError: (error) => app.log.error({ err: error }, 'agent socket') });
  app.addHook('onClose', async () => agents.close());

  // WebSocket support in a scope of its own: its hooks touch only the sockets (the widget's and the agents').
  await app.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });
    agentSocketRoute(scope, agents);
    queueSocketRoute(scope, agents);
    supervisorSocketRoute(scope, deps);
    scope.get('/chat/socket', { websocket: true, config: { public: true } }, (socket, req) => {
      const session = openChatSession(
        {
          db: deps.db,
          clock: deps.clock,
          hub,
          isReady: deps.isReady,
          // The widget's estimated wait is the queue view's: position ÷ the queue's service rate.
          queuedWait: (conversationId, now) => queuedWait(deps.db, conversationId, now),
          ...(deps.onCommitted ? { onCommitted: deps.onCommitted } : {}),
          onError: (error) => req.log.error({ err: error }, 'chat session'),
        },
        socket,
        { origin: req.headers.origin },
      );
      socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        if (isBinary) {
          socket.send(
            JSON.stringify({ v: 1, type: 'error', code: 'invalid_frame', message: 'frames are JSON text' }),
          );
          return;
        }
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        session.receive(bytes.toString('utf8'));
      });
      socket.on('close', () => session.close());
    });
  });

  app.get('/chat/widget.js', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const { body, etag } = widgetScript();
    reply
      .header('etag', etag)
      // Pages embed it on every view: cache it, and check now and then for a new version.
      .header('cache-control', 'public, max-age=600, stale-while-revalidate=86400')
      .header('x-content-type-options', 'nosniff')
      .header('cross-origin-resource-policy', 'cross-origin');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(body);
  });

  app.get(
    '/chat/demo',
    {
      config: { public: true },
      schema: {
        hide: true,
        querystring: z
          .object({
            key: z
              .string()
              .regex(/^[A-Za-z0-9._-]{1,100}$/)
              .optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const widgets = await deps.db
        .selectFrom('endpoints')
        .select(['address', 'name'])
        .where('channel', '=', 'chat')
        .where('active', '=', true)
        .where('address', 'in', Object.values(DEMO_CHAT_KEYS))
        .orderBy('address')
        .execute();
      const key = req.query.key ?? widgets[0]?.address ?? DEMO_CHAT_KEYS.FR ?? 'demo-fr';
      return reply.type('text/html; charset=utf-8').send(
        demoPage(
          key,
          widgets.map((w) => ({ key: w.address, name: w.name })),
        ),
      );
    },
  );

  app.post(
    '/api/conversations/:id/typing',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary: "The agent is typing an answer in a chat: the visitor's widget shows it",
        description:
          'Send it every few seconds while typing. Answers whether the visitor is typing too. ' +
          'Only chat conversations; both signals are known within one Relais process.',
        params: IdParams,
        response: { 200: z.object({ visitorTyping: z.boolean() }), ...errors },
      },
    },
    async (req) => signalAgentTyping(deps.db, hub, contextOf(req, deps.clock), req.params.id),
  );
}
