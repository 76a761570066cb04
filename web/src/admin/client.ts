import { api } from '../api.ts';

/** One field the server refused, named by its path in the request body (`calendar.weekly.mon.0`). */
export interface FieldIssue {
  path: string;
  message: string;
  /** The message's language: the server speaks English; the page's own checks speak the admin's. */
  lang?: string;
}

/**
 * A problem+json answer as the admin pages need it: besides the code, the fields at fault,
 * so each message can stand next to its field.
 */
export class AdminProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly issues: FieldIssue[],
  ) {
    super(detail);
  }
}

/**
 * The paths of schema errors start with `body.`; the domain's do not: one form for both.
 * (A domain path `body` is a field of that name, such as a saved reply's text.)
 */
export const fieldPath = (path: string): string => path.replace(/^body\./, '');

/** Who is signed in, as far as administration cares: their role, scope and permissions. */
export interface Admin {
  id: string;
  displayName: string;
  role: string;
  scope: { kind: 'group' | 'subsidiary' | 'site'; subsidiaryId?: string; siteId?: string };
  permissions: string[];
}

let csrfToken: string | undefined;

/** The signed-in person, read again (and the session's CSRF token with it). */
export async function whoAmI(): Promise<Admin> {
  const me = await api<{ user: Admin; csrfToken?: string }>('GET', '/api/auth/me');
  if (me.csrfToken) csrfToken = me.csrfToken;
  return me.user;
}

/** An answer and its ETag (the version a later change must name in If-Match). */
export interface Loaded<T> {
  data: T;
  etag: string | null;
}

/** A call to the API that keeps the ETag and the whole problem document, which `api()` does not. */
export async function call<T>(
  method: string,
  path: string,
  options: { body?: unknown; ifMatch?: string | null } = {},
): Promise<Loaded<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    if (!csrfToken) await whoAmI();
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
  }
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const problem = (data ?? {}) as {
      code?: string;
      detail?: string;
      title?: string;
      errors?: FieldIssue[];
    };
    throw new AdminProblem(
      res.status,
      problem.code ?? 'error',
      problem.detail ?? problem.title ?? res.statusText,
      (problem.errors ?? []).map((i) => ({ path: fieldPath(i.path), message: i.message })),
    );
  }
  return { data: data as T, etag: res.headers.get('etag') };
}

export const get = <T>(path: string) => call<T>('GET', path);

/** Every item of a list in the caller's scope, page after page (admin lists are short). */
export async function listAll<T>(path: string, pages = 20): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { data: { items: T[]; nextCursor: string | null } } = await get(url);
    items.push(...page.data.items);
    cursor = page.data.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** The ETag of a resource read from a list (lists carry versions, not ETags). */
export const etagOf = (item: { version: number }): string => `"${item.version}"`;

/**
 * The fields of `draft` that differ from `original`: a PATCH sends only those, so a site's
 * own administrator who changes the hours never touches what the group sets.
 */
export function changedFields<T extends object>(original: T, draft: T): Partial<T> {
  const changes: Partial<T> = {};
  for (const key of Object.keys(draft) as Array<keyof T>) {
    if (JSON.stringify(draft[key]) !== JSON.stringify(original[key])) changes[key] = draft[key];
  }
  return changes;
}
