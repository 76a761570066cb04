import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, type ErrorCode, type FieldIssue } from '../core/index.ts';

/** The one map from domain error codes to HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_body: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  duplicate_identity: 409,
  illegal_transition: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  precondition_required: 428,
  rate_limited: 429,
  not_ready: 503,
  config_invalid: 500,
  migration_checksum_mismatch: 500,
  migration_unknown: 500,
};

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  malformed_body: 'The request body could not be read',
  unauthenticated: 'Sign in first',
  forbidden: 'Not allowed',
  csrf_failed: 'The request lacks a valid CSRF token',
  not_found: 'Not found',
  conflict: 'Conflict',
  duplicate_identity: 'This identity belongs to another customer',
  illegal_transition: 'This status change is not allowed',
  precondition_failed: 'The resource changed since you read it',
  precondition_required: 'An If-Match header is required',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'Unsupported content type',
  rate_limited: 'Too many requests',
  not_ready: 'Relais is starting',
  config_invalid: 'Invalid configuration',
  migration_checksum_mismatch: 'Migration changed after it was applied',
  migration_unknown: 'Unknown migration',
};

/** An RFC 9457 problem document, with our stable code and the fields at fault. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  code: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

export function problemFor(
  code: ErrorCode,
  detail: string,
  req: FastifyRequest,
  issues: FieldIssue[] = [],
): Problem {
  return {
    type: `urn:relais:problem:${code}`,
    title: TITLES[code],
    status: STATUS[code],
    detail,
    instance: req.url,
    code,
    requestId: String(req.id),
    ...(issues.length > 0 ? { errors: issues } : {}),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Turn any error into a problem: domain errors by code, Fastify's own by their codes, the rest as 500. */
export function toProblem(error: unknown, req: FastifyRequest): Problem {
  if (error instanceof DomainError) return problemFor(error.code, error.message, req, error.issues);
  if (error instanceof z.ZodError) {
    const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return problemFor('validation_failed', describe(issues), req, issues);
  }
  const db = constraintProblem(error, req);
  if (db) return db;
  const fe = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const where = fe.validationContext ?? 'body';
    const issues = fe.validation.map((v) => {
      const path = v.instancePath.split('/').filter(Boolean);
      const keys = (v.params as { keys?: unknown }).keys;
      // Unknown fields are named, so the caller sees which one to drop.
      if (v.keyword === 'unrecognized_keys' && Array.isArray(keys) && keys.length > 0) {
        return { path: [where, ...path, keys.join(',')].join('.'), message: 'is not a known field' };
      }
      return { path: [where, ...path].join('.'), message: v.message ?? 'is not valid' };
    });
    return problemFor('validation_failed', describe(issues), req, issues);
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problemFor('payload_too_large', fe.message, req);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problemFor('unsupported_media_type', fe.message, req);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problemFor('malformed_body', fe.message, req, [{ path: 'body', message: fe.message }]);
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return problemFor('rate_limited', fe.message, req);
  }
  if (fe instanceof SyntaxError || fe.statusCode === 400) {
    return problemFor('malformed_body', fe.message, req, [{ path: 'body', message: fe.message }]);
  }
  if (fe.statusCode === 413) return problemFor('payload_too_large', fe.message, req);
  if (fe.statusCode === 429) return problemFor('rate_limited', fe.message, req);
  if (fe.statusCode === 415) return problemFor('unsupported_media_type', fe.message, req);
  return {
    type: 'about:blank',
    title: 'Internal error',
    status: 500,
    detail: 'Something went wrong on our side; the request id helps us find it.',
    instance: req.url,
    code: 'internal',
    requestId: String(req.id),
  };
}

const describe = (issues: FieldIssue[]): string =>
  issues.length === 0 ? 'invalid request' : issues.map((i) => `${i.path}: ${i.message}`).join('; ');

/** PostgreSQL constraint violations that reached the edge are the caller's fault, never a 500. */
function constraintProblem(error: unknown, req: FastifyRequest): Problem | undefined {
  const e = error as { code?: unknown; constraint?: unknown; detail?: unknown };
  if (typeof e.code !== 'string' || !/^23\d{3}$/.test(e.code)) return undefined;
  const where = typeof e.constraint === 'string' ? e.constraint : 'a constraint';
  if (e.code === '23505')
    return problemFor('conflict', `a record with the same unique value exists (${where})`, req);
  return problemFor('validation_failed', `the change breaks ${where}`, req, [
    { path: where, message: 'is violated' },
  ]);
}
