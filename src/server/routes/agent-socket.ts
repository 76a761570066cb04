import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../core/index.ts';
import { DomainError } from '../../core/index.ts';
import { Presence, setPresence } from '../../organisation/index.ts';
import {
  acceptOffer,
  assignedTo,
  declineOffer,
  listQueues,
  type OfferAnswer,
  offerStates,
  offersFor,
  QueueFilter,
  type QueueView,
} from '../../routing/index.ts';
import type { ServerDeps } from '../app.ts';

/** Frames an agent sends. */
export const AgentFrame = z.discriminatedUnion('type', [
  z.object({ v: z.literal(1), type: z.literal('presence'), presence: Presence }).strict(),
  z.object({ v: z.literal(1), type: z.literal('accept'), offerId: z.uuid() }).strict(),
  z.object({ v: z.literal(1), type: z.literal('decline'), offerId: z.uuid() }).strict(),
  z.object({ v: z.literal(1), type: z.literal('ping') }).strict(),
]);
export type AgentFrame = z.infer<typeof AgentFrame>;

/** The part of a `ws` socket used here. */
export interface Socket {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  on(event: 'close', listener: () => void): void;
}

interface Connection {
  actor: Actor;
  /** Undefined on a queue view's socket (a supervisor's, an administrator's): no offers, no presence. */
  agentId: string | undefined;
  /** The queue view's filter, as `GET /api/queues` takes it. */
  filter: QueueFilter;
  socket: Socket;
  /** Offers shown on this socket and not yet answered or gone. */
  shown: Set<string>;
  assigned: Set<string> | undefined;
  queues: string | undefined;
}

/**
 * The agents' sockets of this process, and the queue views' sockets of supervisors and
 * administrators. Everything they are shown is read from the store every `pollMs` by one
 * poller, so an offer made by the assignment service of any process, an expiry, an
 * assignment or a queue change reaches them wherever they are connected. Sockets with the
 * same scope and filter share one read of the queues per poll.
 */
export class AgentHub {
  readonly #deps: ServerDeps;
  readonly #connections = new Set<Connection>();
  readonly #timer: NodeJS.Timeout;
  #polling = false;

  readonly #onError: (error: unknown) => void;

  constructor(deps: ServerDeps, options: { pollMs?: number; onError: (error: unknown) => void }) {
    this.#deps = deps;
    this.#onError = options.onError;
    const pollMs = options.pollMs ?? 500;
    this.#timer = setInterval(() => this.poll(), pollMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
    for (const c of this.#connections) c.socket.close(1001, 'server closing');
    this.#connections.clear();
  }

  /** An agent's socket (`agentId`), or a queue view's (`agentId` undefined, with the view's filter). */
  open(actor: Actor, agentId: string | undefined, socket: Socket, filter: QueueFilter = {}): void {
    const connection: Connection = {
      actor,
      agentId,
      filter,
      socket,
      shown: new Set(),
      assigned: undefined,
      queues: undefined,
    };
    this.#connections.add(connection);
    socket.on('close', () => this.#connections.delete(connection));
    socket.on('message', (data, isBinary) => {
      const text = isBinary
        ? undefined
        : (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
      this.#receive(connection, text).catch((error: unknown) => {
        const domain = error instanceof DomainError;
        send(connection, {
          type: 'error',
          code: domain ? error.code : 'internal',
          message: domain ? error.message : 'something went wrong; try again',
        });
        if (!domain) this.#onError(error);
      });
    });
    send(connection, agentId ? { type: 'welcome', agentId } : { type: 'welcome', filter });
    this.#refresh(connection, new Map()).catch((error: unknown) => this.#onError(error));
  }

  /** Read the store for every connection and push what changed. */
  async poll(): Promise<void> {
    if (this.#polling || !this.#deps.isReady()) return;
    this.#polling = true;
    try {
      const views = new Map<string, Promise<QueueView>>();
      for (const c of [...this.#connections]) await this.#refresh(c, views);
    } catch (error) {
      // The next poll tries again.
      this.#onError(error);
    } finally {
      this.#polling = false;
    }
  }

  async #refresh(c: Connection, views: Map<string, Promise<QueueView>>): Promise<void> {
    const { db, clock } = this.#deps;
    const now = clock.now();
    if (c.agentId) await this.#refreshAgent(c, c.agentId, now);
    // The view depends on the caller only through their scope.
    const key = JSON.stringify([c.actor.scope, c.filter]);
    let view = views.get(key);
    if (!view) {
      view = listQueues(db, { actor: c.actor, now }, c.filter);
      views.set(key, view);
    }
    const snapshot = JSON.stringify(await view);
    if (snapshot !== c.queues) {
      c.queues = snapshot;
      send(c, { type: 'queues', ...(await view) });
    }
  }

  async #refreshAgent(c: Connection, agentId: string, now: Date): Promise<void> {
    const { db } = this.#deps;
    for (const offer of await offersFor(db, agentId, now)) {
      if (c.shown.has(offer.offerId)) continue;
      c.shown.add(offer.offerId);
      send(c, { type: 'offer', ...offer });
    }
    const states = await offerStates(db, [...c.shown]);
    for (const [id, state] of states) {
      if (state === 'pending') continue;
      c.shown.delete(id);
      if (state === 'expired' || state === 'withdrawn')
        send(c, { type: 'offer_expired', offerId: id, state });
    }
    const assigned = await assignedTo(db, agentId);
    if (c.assigned)
      for (const id of assigned) if (!c.assigned.has(id)) send(c, { type: 'assigned', conversationId: id });
    c.assigned = new Set(assigned);
  }

  async #receive(c: Connection, text: string | undefined): Promise<void> {
    let json: unknown;
    try {
      json = text === undefined ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = AgentFrame.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      send(c, {
        type: 'error',
        code: 'invalid_frame',
        message:
          json === undefined
            ? 'frames are JSON text'
            : `${issue?.path.join('.') || 'frame'}: ${issue?.message ?? 'not a frame'}`,
      });
      return;
    }
    const frame = parsed.data;
    const { db, clock } = this.#deps;
    const now = clock.now();
    const agentId = c.agentId;
    if (frame.type === 'ping') {
      send(c, { type: 'pong' });
    } else if (!agentId) {
      send(c, { type: 'error', code: 'invalid_frame', message: 'a queue view only answers ping' });
    } else if (frame.type === 'presence') {
      const agent = await db
        .transaction()
        .execute((trx) => setPresence(trx, { actor: c.actor, now }, agentId, frame.presence));
      this.#deps.onCommitted?.();
      send(c, { type: 'presence', presence: agent.presence });
    } else {
      const answer: OfferAnswer =
        frame.type === 'accept'
          ? await acceptOffer(db, agentId, frame.offerId, now)
          : await declineOffer(db, agentId, frame.offerId, now);
      this.#deps.onCommitted?.();
      if (answer.outcome === 'gone') {
        c.shown.delete(frame.offerId);
        send(c, { type: 'error', code: 'offer_gone', message: answer.message, offerId: frame.offerId });
      } else if (answer.outcome === 'assigned') {
        c.shown.delete(frame.offerId);
        c.assigned?.add(answer.conversationId);
        send(c, { type: 'assigned', conversationId: answer.conversationId, offerId: frame.offerId });
      } else {
        c.shown.delete(frame.offerId);
        send(c, { type: 'declined', conversationId: answer.conversationId, offerId: frame.offerId });
      }
    }
  }
}

function send(c: Connection, frame: Record<string, unknown>): void {
  if (c.socket.readyState === 1) c.socket.send(JSON.stringify({ v: 1, ...frame }));
}

/** The request and its socket, as the routes below read them. */
interface Upgrade {
  headers: { origin?: string | undefined; host?: string | undefined };
  sessionCsrf?: string | undefined;
}

/**
 * A cookie travels with any page's socket: only pages of this server may use one. False
 * (and the socket closed) when a page of another origin tried.
 */
export function sameOrigin(req: Upgrade, socket: Socket): boolean {
  const origin = req.headers.origin;
  if (req.sessionCsrf === undefined || origin === undefined) return true;
  let sameHost = false;
  try {
    sameHost = new URL(origin).host === req.headers.host;
  } catch {
    sameHost = false;
  }
  if (!sameHost) socket.close(1008, 'cross-origin');
  return sameHost;
}

/**
 * `GET /api/agents/me/socket`: the signed-in agent's socket (session cookie or API key,
 * checked by the server's onRequest hook like any /api route). Registered inside the scope
 * that already has @fastify/websocket (see chat.ts), so the plugin is registered once.
 */
export function agentSocketRoute(scope: FastifyInstance, hub: AgentHub): void {
  scope.get(
    '/api/agents/me/socket',
    { websocket: true, config: { permission: 'conversations:write' }, schema: { hide: true } },
    (ws, req) => {
      const socket = ws as unknown as Socket;
      const actor = req.actor;
      if (!sameOrigin(req, socket)) return;
      if (!actor?.agentId) {
        socket.send(
          JSON.stringify({ v: 1, type: 'error', code: 'not_found', message: 'you are not an agent' }),
        );
        socket.close(1008, 'not an agent');
        return;
      }
      hub.open(actor, actor.agentId, socket);
    },
  );
}

/**
 * `GET /api/queues/socket`: the queue view of `GET /api/queues` (same permission, scope and
 * filter parameters), pushed as a `queues` frame whenever it changes. For supervisors and
 * administrators who are not agents; an agent's own socket carries the same frames.
 */
export function queueSocketRoute(scope: FastifyInstance, hub: AgentHub): void {
  scope.get(
    '/api/queues/socket',
    {
      websocket: true,
      config: { permission: 'conversations:read' },
      schema: { hide: true, querystring: QueueFilter.strict() },
    },
    (ws, req) => {
      const socket = ws as unknown as Socket;
      const actor = req.actor;
      if (!sameOrigin(req, socket)) return;
      // Not reached without one: the server's onRequest hook refuses the upgrade first.
      if (!actor) return socket.close(1008, 'not signed in');
      hub.open(actor, undefined, socket, req.query as QueueFilter);
    },
  );
}
