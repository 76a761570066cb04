import { z } from 'zod';
import { DomainError, permissionsOf, verifyPassword } from '../../core/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { CSRF_COOKIE, endSession, SESSION_COOKIE, scopeOf, startSession } from '../auth.ts';
import { Problem } from '../problem.ts';

const Login = z
  .object({
    email: z.string().trim().toLowerCase().max(320),
    password: z.string().min(1).max(1024),
  })
  .strict();

const Me = z.object({
  user: z.object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    locale: z.string(),
    role: z.string(),
    scope: z.object({ kind: z.string(), subsidiaryId: z.string().optional(), siteId: z.string().optional() }),
    permissions: z.array(z.string()),
    agentId: z.string().optional(),
  }),
  csrfToken: z.string().optional(),
});

// Verifying against a real hash when the email is unknown keeps both answers equally slow.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function authRoutes(app: App, deps: ServerDeps): void {
  const cookieOptions = {
    path: '/',
    sameSite: 'lax' as const,
    secure: deps.config.RELAIS_COOKIE_SECURE,
  };

  app.post(
    '/api/auth/login',
    {
      config: {
        public: true,
        rateLimit: {
          max: deps.config.RELAIS_LOGIN_LIMIT,
          timeWindow: '1 minute',
          // After parsing, so the key can include the email being tried.
          hook: 'preHandler',
          keyGenerator: (req) => {
            const body = req.body as { email?: unknown } | undefined;
            const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
            return `${req.ip}|${email}`;
          },
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        body: Login,
        response: { 200: Me, 401: Problem, 429: Problem },
      },
    },
    async (req, reply) => {
      const user = await deps.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', req.body.email)
        .executeTakeFirst();
      const ok = await verifyPassword(req.body.password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !ok || !user.active)
        throw new DomainError('unauthenticated', 'the email or the password is wrong');
      const agent = await deps.db
        .selectFrom('agents')
        .select('id')
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      const session = await startSession(
        deps.db,
        user.id,
        deps.clock.now(),
        deps.config.RELAIS_SESSION_HOURS,
      );
      reply.setCookie(SESSION_COOKIE, session.token, {
        ...cookieOptions,
        httpOnly: true,
        expires: session.expiresAt,
      });
      reply.setCookie(CSRF_COOKIE, session.csrfToken, {
        ...cookieOptions,
        httpOnly: false,
        expires: session.expiresAt,
      });
      const scope = scopeOf(user);
      return {
        user: {
          id: user.id,
          email: user.email,
          displayName: user.display_name,
          locale: user.locale,
          role: user.role,
          scope,
          permissions: [...permissionsOf(user.role)],
          ...(agent ? { agentId: agent.id } : {}),
        },
        csrfToken: session.csrfToken,
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'Sign out', response: { 204: z.null() } },
    },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await endSession(deps.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: 'Who am I', response: { 200: Me, 401: Problem } } },
    async (req) => {
      const actor = req.actor;
      if (!actor) throw new DomainError('unauthenticated', 'sign in or send an API key');
      const user =
        actor.kind === 'user'
          ? await deps.db.selectFrom('users').selectAll().where('id', '=', actor.id).executeTakeFirstOrThrow()
          : undefined;
      return {
        user: {
          id: actor.id,
          email: user?.email ?? '',
          displayName: user?.display_name ?? 'API key',
          locale: user?.locale ?? 'en',
          role: actor.role,
          scope: actor.scope,
          permissions: [...actor.permissions],
          ...(actor.agentId ? { agentId: actor.agentId } : {}),
        },
        ...(req.sessionCsrf ? { csrfToken: req.sessionCsrf } : {}),
      };
    },
  );
}
