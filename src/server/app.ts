import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { ChatHub } from '../channels/index.ts';
import {
  type Clock,
  type Config,
  DomainError,
  findUnstorableText,
  invalid,
  newId,
  type Permission,
} from '../core/index.ts';
import type { Db, FileStore } from '../store/index.ts';
import { authenticateApiKey, authenticateSession, SESSION_COOKIE, sameSecret } from './auth.ts';
import { problemFor, sendProblem, toProblem } from './problem.ts';
import { registerRoutes } from './routes/index.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Open without signing in (sign-in, health, docs). */
    public?: boolean;
    /** The permission a caller needs; data scope is applied by the module's queries. */
    permission?: Permission;
  }
}

export interface ServerDeps {
  db: Db;
  /** Attachments, by content. */
  files: FileStore;
  config: Config;
  clock: Clock;
  logger: Logger | false;
  /** True once migrations ran and the demo world (if any) exists. */
  isReady: () => boolean;
  /** Called after a request that may have committed a change (to relay its events). */
  onCommitted?: () => void;
  /** The web chat connections of this process, shared with the chat sender (one is made if absent). */
  chatHub?: ChatHub;
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Build the HTTP server: every route, the auth and scope hooks, problem+json errors, OpenAPI. */
export async function buildServer(deps: ServerDeps): Promise<App> {
  const fastify = Fastify({
    loggerInstance: (deps.logger || undefined) as FastifyBaseLogger | undefined,
    bodyLimit: deps.config.RELAIS_BODY_LIMIT,
    trustProxy: deps.config.RELAIS_TRUST_PROXY,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId();
    },
    ajv: { customOptions: { coerceTypes: false } },
  });
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // JSON only: a text/plain body is refused (415), never read as a string.
  app.removeContentTypeParser(['text/plain']);
  // Responses are built by typed mappers; serialising is plain JSON, kept off the hot path.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.decorateRequest('actor', undefined);
  app.decorateRequest('sessionCsrf', undefined);

  app.setErrorHandler((error, req, reply) => {
    const problem = toProblem(error, req);
    if (problem.status >= 500) req.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problemFor('not_found', `no route ${req.method} ${req.url.split('?')[0]}`, req)),
  );

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Relais API',
        version: '0.1.0',
        description:
          'The HTTP API of Relais. Errors are RFC 9457 problem+json with a stable `code`. Lists use cursor ' +
          'pagination (`cursor`, `limit`, `nextCursor`). Updates need `If-Match` with the ETag you read. ' +
          'Sign in with `POST /api/auth/login` (cookie session; send `X-CSRF-Token` on changes) or send an ' +
          'API key as `Authorization: Bearer rk_…`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  // Before anything is parsed: who is calling, may their role do this, is the CSRF token there.
  // A stranger learns nothing about a route's body from its validation errors.
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (req.url.startsWith('/api/') && !deps.isReady()) {
      return sendProblem(
        reply,
        problemFor('not_ready', 'migrations or the demo world are not done yet', req),
      );
    }
    await authenticate(req, deps);
    const config = req.routeOptions.config;
    if (config.public || !req.url.startsWith('/api/')) return;
    const actor = req.actor;
    if (!actor) throw new DomainError('unauthenticated', 'sign in or send an API key');
    if (config.permission && !actor.permissions.has(config.permission)) {
      throw new DomainError('forbidden', `your role may not do this (needs ${config.permission})`);
    }
    if (req.sessionCsrf !== undefined && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, req.sessionCsrf)) {
        throw new DomainError('csrf_failed', 'send the X-CSRF-Token header you received when signing in');
      }
    }
  });

  // PostgreSQL refuses NUL and lone surrogates in text: say which field, before any write.
  app.addHook('preValidation', async (req) => {
    const path = findUnstorableText(req.body, 'body') ?? findUnstorableText(req.query, 'querystring');
    if (path)
      throw invalid(path, 'contains a character that cannot be stored (NUL or a lone UTF-16 surrogate)');
  });

  app.addHook('onResponse', async (req, reply) => {
    if (!SAFE_METHODS.has(req.method) && reply.statusCode < 400) deps.onCommitted?.();
    // A WebSocket upgrade answered with plain HTTP (refused by the hook above, an unknown path…):
    // Node gave its socket away with the upgrade and no longer closes it, and @fastify/websocket
    // closes it only when its own onRequest hook ran, which a refusal here comes before. Left
    // open, it would hold a descriptor and keep the server's close() waiting. (An accepted
    // upgrade is hijacked: this hook does not run for it.)
    if (askedToUpgrade(req)) req.raw.socket?.destroy();
  });

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
    deps.isReady() ? { status: 'ready' } : reply.code(503).send({ status: 'starting' }),
  );
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  await registerRoutes(app, deps);
  return app;
}

/** An HTTP/1.1 upgrade request (Upgrade, with `upgrade` in Connection): Node hands these to its 'upgrade' listener. */
function askedToUpgrade(req: FastifyRequest): boolean {
  const connection = req.headers.connection ?? '';
  return (
    req.headers.upgrade !== undefined &&
    connection.split(',').some((token) => token.trim().toLowerCase() === 'upgrade')
  );
}

async function authenticate(req: FastifyRequest, deps: ServerDeps): Promise<void> {
  const now = deps.clock.now();
  const authorization = req.headers.authorization;
  if (authorization?.startsWith('Bearer ')) {
    const found = await authenticateApiKey(deps.db, authorization.slice(7).trim(), now);
    if (!found) throw new DomainError('unauthenticated', 'the API key is unknown or revoked');
    req.actor = found.actor;
    return;
  }
  const token = req.cookies[SESSION_COOKIE];
  if (token) {
    const found = await authenticateSession(deps.db, token, now);
    if (found) {
      req.actor = found.actor;
      req.sessionCsrf = found.csrfToken;
    }
  }
}
