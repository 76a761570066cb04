import { DomainError, type ErrorCode } from '../core/index.ts';

/** Exit codes of the `relais` command, one place for all of them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  store: 4,
  invalidInput: 5,
  exists: 6,
} as const;

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  config_invalid: EXIT.config,
  migration_checksum_mismatch: EXIT.store,
  migration_unknown: EXIT.store,
  validation_failed: EXIT.invalidInput,
  conflict: EXIT.exists,
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof DomainError) return BY_CODE[error.code] ?? EXIT.failure;
  return EXIT.failure;
}
