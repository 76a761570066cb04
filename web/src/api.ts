/** The Relais API as the web app calls it: the session cookie, and the CSRF token on changes. */
let csrfToken: string | undefined;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const problem = (data ?? {}) as { code?: string; detail?: string; title?: string };
    throw new ApiError(
      res.status,
      problem.code ?? 'error',
      problem.detail ?? problem.title ?? res.statusText,
    );
  }
  const token = (data as { csrfToken?: unknown } | null)?.csrfToken;
  if (typeof token === 'string') csrfToken = token;
  return data as T;
}

export interface Me {
  user: { id: string; email: string; displayName: string; locale: string; role: string; agentId?: string };
  csrfToken?: string;
}

export type Presence = 'available' | 'busy' | 'away' | 'offline';

export interface Conversation {
  id: string;
  subject: string | null;
  channel: string;
  language: string;
  status: string;
  createdAt: string;
}
