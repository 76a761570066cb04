/** Stable error codes. The edges (HTTP, CLI) map them to statuses and exit codes, each in one place. */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'duplicate_identity'
  | 'precondition_failed'
  | 'precondition_required'
  | 'illegal_transition'
  | 'csrf_failed'
  | 'rate_limited'
  | 'payload_too_large'
  | 'malformed_body'
  | 'unsupported_media_type'
  | 'not_ready'
  | 'config_invalid'
  | 'migration_checksum_mismatch'
  | 'migration_unknown';

/** One problem with one field of an input, named by its path (`customer.identities.0.value`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** A domain error: a stable code, a human message, and optional field issues. No HTTP status here. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];

  constructor(code: ErrorCode, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.issues = issues;
  }
}

export const notFound = (entity: string, id: string): DomainError =>
  new DomainError('not_found', `${entity} ${id} was not found`);

export const invalid = (path: string, message: string): DomainError =>
  new DomainError('validation_failed', `${path}: ${message}`, [{ path, message }]);
