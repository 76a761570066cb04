/** The Relais API as the web app calls it: the session cookie, and the CSRF token on changes. */
let csrfToken: string | undefined;

/** A field the server refused, as problem+json names it (`body.timeZone`). */
export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }

  /** The server's message for one field of the body (`timeZone` finds `body.timeZone`), if it named it. */
  forField(field: string): string | undefined {
    return this.errors.find((e) => e.path === `body.${field}` || e.path.startsWith(`body.${field}.`))
      ?.message;
  }
}

async function send<T>(
  method: string,
  path: string,
  body: BodyInit | undefined,
  extra: Record<string, string>,
): Promise<{ data: T; res: Response }> {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body }),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const problem = (data ?? {}) as { code?: string; detail?: string; title?: string; errors?: FieldError[] };
    throw new ApiError(
      res.status,
      problem.code ?? 'error',
      problem.detail ?? problem.title ?? res.statusText,
      Array.isArray(problem.errors) ? problem.errors : [],
    );
  }
  const token = (data as { csrfToken?: unknown } | null)?.csrfToken;
  if (typeof token === 'string') csrfToken = token;
  return { data: data as T, res };
}

/** A JSON request: the session cookie, the CSRF token on changes; a refusal throws ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  return (await send<T>(method, path, json, json === undefined ? {} : { 'content-type': 'application/json' }))
    .data;
}

/** A GET with its ETag, for a PATCH with If-Match. */
export async function getWithEtag<T>(path: string): Promise<{ body: T; etag: string }> {
  const { data, res } = await send<T>('GET', path, undefined, {});
  return { body: data, etag: res.headers.get('etag') ?? '' };
}

/** A change guarded by If-Match: 412 (precondition_failed) when someone changed it since it was read. */
export async function patch<T>(path: string, etag: string, body: unknown): Promise<T> {
  return (
    await send<T>('PATCH', path, JSON.stringify(body), {
      'content-type': 'application/json',
      'if-match': etag,
    })
  ).data;
}

/** Sends a file's bytes as they are (an upload). */
export async function upload<T>(path: string, file: Blob): Promise<T> {
  return (await send<T>('POST', path, file, { 'content-type': file.type || 'application/octet-stream' }))
    .data;
}

export interface Me {
  user: { id: string; email: string; displayName: string; locale: string; role: string; agentId?: string };
  csrfToken?: string;
}

export type Presence = 'available' | 'busy' | 'away' | 'offline';

export interface Conversation {
  id: string;
  subsidiaryId: string;
  customerId: string;
  siteId: string | null;
  assigneeId: string | null;
  endpointId: string | null;
  /** The channel it began on; `channels` lists every channel it has used. */
  channel: string;
  channels: string[];
  subject: string | null;
  language: string;
  tier: string;
  requiredSkills: string[];
  priority: string;
  status: string;
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  lastMessageAt: string;
  queueId: string | null;
  /** Set while snoozed: the conversation comes back at that instant. */
  snoozedUntil?: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Attachment {
  filename: string;
  mediaType: string;
  size: number;
  sha256?: string;
  inline?: boolean;
  contentId?: string;
}

export interface Message {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  channel: string;
  authorKind: 'customer' | 'agent' | 'system';
  authorId: string | null;
  text: string;
  hasRaw: boolean;
  rawMediaType: string | null;
  attachments: Attachment[];
  language: string | null;
  deliveryStatus: 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
  deliveryAttempts: number;
  deliveryError: string | null;
  externalId: string | null;
  visibility: 'public' | 'private' | null;
  /** An internal note: seen by colleagues only, never sent. */
  internal?: boolean;
  createdAt: string;
}

/** GET /api/conversations/{id}: the conversation with its latest messages, oldest first. */
export interface ConversationDetail extends Conversation {
  messages: Message[];
  moreMessages: boolean;
}

export interface Identity {
  id: string;
  kind: string;
  value: string;
  [field: string]: unknown;
}

export interface Customer {
  id: string;
  subsidiaryId: string;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  language: string;
  country: string;
  timeZone: string;
  consentLevel: string;
  preferredChannels: string[];
  contactWindows: { [field: string]: unknown }[];
  approach: string;
  identities: Identity[];
  mergedInto: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/inbox: one of the agent's conversations still to work. */
export interface InboxItem {
  id: string;
  subject: string | null;
  channel: string;
  channels: string[];
  language: string;
  tier: string;
  priority: string;
  status: string;
  customerId: string;
  customerName: string;
  /** The customer's oldest unanswered message; null when nobody waits on the agent. */
  waitingSince: string | null;
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  /** Set while snoozed: the conversation comes back at that instant. */
  snoozedUntil: string | null;
  lastMessageAt: string;
  createdAt: string;
}
