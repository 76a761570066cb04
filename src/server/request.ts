import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Clock, Context } from '../core/index.ts';
import { DomainError } from '../core/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
    /** The session's CSRF token when the actor signed in with a cookie. */
    sessionCsrf: string | undefined;
  }
}

/** The command context of an authenticated request. */
export function contextOf(req: FastifyRequest, clock: Clock): Context {
  if (!req.actor) throw new DomainError('unauthenticated', 'sign in or send an API key');
  return { actor: req.actor, requestId: String(req.id), now: clock.now() };
}

/**
 * The version named by If-Match (`"3"` or `W/"3"`): undefined when absent, NaN when it is
 * no ETag of ours — refused by the command after it found the row, so an invisible row
 * still answers 404.
 */
export function expectedVersion(req: FastifyRequest): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(String(header).trim());
  return match ? Number(match[1]) : Number.NaN;
}

/** Send a versioned resource with its ETag. */
export function withEtag<T extends { version: number }>(reply: FastifyReply, resource: T): T {
  reply.header('etag', `"${resource.version}"`);
  return resource;
}
