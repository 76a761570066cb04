import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Actor } from '../../core/index.ts';
import {
  AgentsBoard,
  agentsBoard,
  ServiceLevelToday,
  SupervisorFilter,
  serviceLevelToday,
} from '../../routing/index.ts';
import type { Db } from '../../store/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { type Socket, sameOrigin } from './agent-socket.ts';
import { errors } from './resource.ts';

/** The supervisor console's reads: the agents' board and today's service level. */
export function supervisorRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  const tags = ['supervision'];

  app.get(
    '/api/agents/board',
    {
      config: { permission: 'agents:write' },
      schema: {
        tags,
        summary: 'The agents in your scope with their presence, load against capacity and conversations',
        description:
          "Supervisors and administrators. A site's people see their site's agents; a subsidiary's people " +
          'those of the sites serving it. Pushed live by `GET /api/supervisor/socket`.',
        querystring: SupervisorFilter.strict(),
        response: { 200: AgentsBoard, ...errors },
      },
    },
    async (req) => agentsBoard(db, contextOf(req, clock), req.query),
  );
  app.get(
    '/api/service-level/today',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags,
        summary: "Today's service level per subsidiary and channel, today in each subsidiary's time zone",
        description:
          'Arrivals, answers within the first-response target, breaches, waiting and at-risk work, and the ' +
          'average speed of answer, over the conversations you see (docs/supervisor-guide.md defines each).',
        querystring: SupervisorFilter.strict(),
        response: { 200: ServiceLevelToday, ...errors },
      },
    },
    async (req) => serviceLevelToday(db, contextOf(req, clock), req.query),
  );
}

interface Watcher {
  actor: Actor;
  filter: SupervisorFilter;
  socket: Socket;
  /** The last frame sent, without its instant. */
  sent: string | undefined;
}

/**
 * A mark that moves whenever something is recorded: every change of an agent or a
 * conversation writes an audit row, an outbox event, or both, in its own transaction
 * (a reassignment only the first, an SLA event only the second). Two index lookups.
 */
async function changeMark(db: Db): Promise<string> {
  const { rows } = await sql<{ audit: string | null; outbox: string | null }>`
    select (select max(id) from audit_log)::text as audit, (select max(id) from outbox)::text as outbox
  `.execute(db);
  return `${rows[0]?.audit}/${rows[0]?.outbox}`;
}

/**
 * The supervisors' sockets of this process. Every `pollMs` one look at the store tells
 * whether anything was recorded since (by any process); if so — and every `refreshMs` in
 * any case, as time alone makes work late or at risk — the board is read once per scope
 * and filter and pushed where it changed: at most one frame per socket per poll.
 */
export class SupervisorHub {
  readonly #deps: ServerDeps;
  readonly #watchers = new Set<Watcher>();
  readonly #timer: NodeJS.Timeout;
  readonly #refreshMs: number;
  readonly #onError: (error: unknown) => void;
  #mark: string | undefined;
  #readAt = 0;
  #polling = false;

  constructor(
    deps: ServerDeps,
    options: { pollMs?: number; refreshMs?: number; onError: (error: unknown) => void },
  ) {
    this.#deps = deps;
    this.#onError = options.onError;
    this.#refreshMs = options.refreshMs ?? 5000;
    this.#timer = setInterval(() => void this.poll(), options.pollMs ?? 500);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
    for (const w of this.#watchers) w.socket.close(1001, 'server closing');
    this.#watchers.clear();
  }

  open(actor: Actor, socket: Socket, filter: SupervisorFilter): void {
    const watcher: Watcher = { actor, filter, socket, sent: undefined };
    this.#watchers.add(watcher);
    socket.on('close', () => this.#watchers.delete(watcher));
    socket.on('message', (data, isBinary) => {
      const text = isBinary
        ? ''
        : (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
      let ping = false;
      try {
        const frame = JSON.parse(text) as { v?: unknown; type?: unknown };
        ping = frame.v === 1 && frame.type === 'ping';
      } catch {
        ping = false;
      }
      send(
        watcher,
        ping
          ? { type: 'pong' }
          : { type: 'error', code: 'invalid_frame', message: 'the board only answers {"v":1,"type":"ping"}' },
      );
    });
    this.#push(watcher, new Map()).catch((error: unknown) => this.#onError(error));
  }

  /** Push the board where it changed, if anything was recorded since the last read or it is time to. */
  async poll(): Promise<void> {
    if (this.#polling || this.#watchers.size === 0 || !this.#deps.isReady()) return;
    this.#polling = true;
    try {
      const mark = await changeMark(this.#deps.db);
      if (mark === this.#mark && Date.now() - this.#readAt < this.#refreshMs) return;
      this.#mark = mark;
      this.#readAt = Date.now();
      const boards = new Map<string, Promise<Board>>();
      for (const w of [...this.#watchers]) await this.#push(w, boards);
    } catch (error) {
      // The next poll tries again.
      this.#onError(error);
    } finally {
      this.#polling = false;
    }
  }

  async #push(w: Watcher, boards: Map<string, Promise<Board>>): Promise<void> {
    // What a socket is shown depends on the caller only through their scope.
    const key = JSON.stringify([w.actor.scope, w.filter]);
    let board = boards.get(key);
    if (!board) {
      board = readBoard(this.#deps, w.actor, w.filter);
      boards.set(key, board);
    }
    const { agents, serviceLevel } = await board;
    const { asOf: _, ...figures } = serviceLevel;
    const snapshot = JSON.stringify([agents, figures]);
    if (snapshot === w.sent) return;
    w.sent = snapshot;
    send(w, { type: 'board', agents, serviceLevel });
  }
}

interface Board {
  agents: AgentsBoard['agents'];
  serviceLevel: ServiceLevelToday;
}

async function readBoard(deps: ServerDeps, actor: Actor, filter: SupervisorFilter): Promise<Board> {
  const ctx = { actor, now: deps.clock.now() };
  const [board, serviceLevel] = await Promise.all([
    agentsBoard(deps.db, ctx, filter),
    serviceLevelToday(deps.db, ctx, filter),
  ]);
  return { agents: board.agents, serviceLevel };
}

function send(w: Watcher, frame: Record<string, unknown>): void {
  if (w.socket.readyState === 1) w.socket.send(JSON.stringify({ v: 1, ...frame }));
}

/**
 * `GET /api/supervisor/socket`: the board and today's service level, pushed as a `board`
 * frame on connecting and whenever they change. Signed in, scoped and origin-checked as
 * `GET /api/queues/socket`; registered inside the scope that has @fastify/websocket.
 */
export function supervisorSocketRoute(scope: FastifyInstance, deps: ServerDeps): void {
  const hub = new SupervisorHub(deps, { onError: (error) => scope.log.error({ err: error }, 'board') });
  scope.addHook('onClose', async () => hub.close());
  scope.get(
    '/api/supervisor/socket',
    {
      websocket: true,
      config: { permission: 'agents:write' },
      schema: { hide: true, querystring: SupervisorFilter.strict() },
    },
    (ws, req) => {
      const socket = ws as unknown as Socket;
      if (!sameOrigin(req, socket)) return;
      // Not reached without one: the server's onRequest hook refuses the upgrade first.
      if (!req.actor) return socket.close(1008, 'not signed in');
      hub.open(req.actor, socket, req.query as SupervisorFilter);
    },
  );
}
