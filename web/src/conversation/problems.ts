/** A refusal as the API client throws it (ApiError): its HTTP status, its code, the fields at fault. */
interface Refusal {
  status: number;
  code: string;
  message: string;
  errors: Array<{ message: string }>;
}

const isRefusal = (error: unknown): error is Refusal =>
  error instanceof Error && typeof (error as Partial<Refusal>).status === 'number';

/**
 * Why a request failed, as a catalog key under `composer.problems` (the same words for
 * the composer and the actions), and the server's own words for a refused field.
 */
export function problemOf(error: unknown): { key: string; detail?: string } {
  if (!isRefusal(error)) return { key: 'composer.problems.network' };
  switch (error.status) {
    case 400:
      return { key: 'composer.problems.invalid', detail: error.errors[0]?.message ?? error.message };
    case 401:
      return { key: 'composer.problems.signedOut' };
    case 403:
      return { key: 'composer.problems.forbidden' };
    case 404:
      return { key: 'composer.problems.notFound' };
    case 409:
      return {
        key:
          error.code === 'illegal_transition' ? 'composer.problems.transition' : 'composer.problems.conflict',
      };
    case 412:
      return { key: 'composer.problems.changed' };
    case 413:
      return { key: 'composer.problems.tooLarge' };
    case 415:
      return { key: 'composer.problems.fileType' };
    case 429:
      return { key: 'composer.problems.tooMany' };
    default:
      return { key: 'composer.problems.server' };
  }
}

/** The failure in the agent's words. */
export function sayProblem(
  t: (key: string, options?: Record<string, unknown>) => string,
  error: unknown,
): string {
  const problem = problemOf(error);
  return t(problem.key, { detail: problem.detail ?? '' });
}
