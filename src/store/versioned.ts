import { DomainError } from '../core/index.ts';

/**
 * Optimistic concurrency: a change names the version it was made from (the ETag the
 * client read). A different current version means someone else changed the row first.
 * The version counts edits, by people and integrations; values Relais derives afterwards
 * (the SLA due times the watcher sets from the policy) are written without bumping it:
 * an update writes only the fields it names, so nothing is lost over them, and a client's
 * ETag from a create stays good.
 */
export function assertVersion(entity: string, current: number, expected: number | undefined): void {
  if (expected === undefined) {
    throw new DomainError(
      'precondition_required',
      `updating a ${entity} needs an If-Match header with the ETag you read, so no one's change is lost`,
    );
  }
  if (Number.isNaN(expected)) {
    throw new DomainError('precondition_failed', 'If-Match must be an ETag this API returned, such as "3"');
  }
  if (current !== expected) {
    throw new DomainError(
      'precondition_failed',
      `the ${entity} changed since you read it (version ${expected}, now ${current}); read it again`,
    );
  }
}
