import { z } from 'zod';
import { findUnstorableText } from '../../core/index.ts';

/**
 * The web chat protocol: JSON frames over one WebSocket, each with its type and the
 * protocol version `v`. Every frame from a browser is checked here before anything
 * reads it; a bad frame is answered with an `error` frame and changes nothing.
 */
export const CHAT_PROTOCOL = 1;

const Version = z.literal(CHAT_PROTOCOL);
const Language = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/, 'must be a language tag such as fr or ar-MA')
  .max(35);
/** A visitor's text: what a person types, not a document. */
const VisitorText = z
  .string()
  .max(10_000)
  .refine((t) => t.trim().length > 0, 'must not be empty');
/** Chosen by the widget for each message it sends; a resend carries the same one. */
export const ClientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, _ or -');
const MessageId = z.uuid();

export const VisitorFrame = z.discriminatedUnion('type', [
  z
    .object({
      v: Version,
      type: z.literal('hello'),
      key: z.string().min(1).max(320),
      visitor: z.string().min(1).max(200).optional().describe('the token a previous welcome gave'),
      language: Language.optional(),
      lastSeen: MessageId.optional().describe('the newest message the widget shows'),
    })
    .strict(),
  z.object({ v: Version, type: z.literal('message'), clientId: ClientId, text: VisitorText }).strict(),
  z.object({ v: Version, type: z.literal('typing') }).strict(),
  z
    .object({
      v: Version,
      type: z.literal('offline'),
      clientId: ClientId,
      name: z.string().trim().min(1).max(200),
      email: z.email().max(320),
      text: VisitorText,
    })
    .strict(),
]);
export type VisitorFrame = z.infer<typeof VisitorFrame>;

export interface Author {
  kind: 'customer' | 'agent' | 'system';
  name: string | null;
}

/** What the server sends. */
export type ServerFrame =
  | {
      v: 1;
      type: 'welcome';
      visitor: string;
      languages: string[];
      language: string;
      open: boolean;
      nextOpening: string | null;
      agentName: string | null;
      estimatedWait: number | null;
      greeting: string | null;
    }
  | { v: 1; type: 'ack'; clientId: string; id: string }
  | {
      v: 1;
      type: 'message';
      id: string;
      clientId: string | null;
      text: string;
      author: Author;
      at: string;
    }
  | { v: 1; type: 'typing'; name: string | null }
  | { v: 1; type: 'queue'; estimatedWait: number | null }
  | { v: 1; type: 'error'; code: string; message: string; clientId?: string };

/** Read one frame from the wire, or say precisely what is wrong with it. */
export function parseVisitorFrame(
  data: string,
): { ok: true; frame: VisitorFrame } | { ok: false; message: string; clientId?: string } {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, message: 'a frame is one JSON object' };
  }
  const clientId =
    typeof json === 'object' && json !== null && typeof (json as { clientId?: unknown }).clientId === 'string'
      ? String((json as { clientId: string }).clientId).slice(0, 64)
      : undefined;
  const unstorable = findUnstorableText(json, 'frame');
  if (unstorable) {
    const message = `${unstorable.replace(/^frame\.?/, '')}: contains a character that cannot be stored (NUL or a lone UTF-16 surrogate)`;
    return { ok: false, message, ...(clientId ? { clientId } : {}) };
  }
  const result = VisitorFrame.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const message = result.error.issues
    .map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
  return { ok: false, message, ...(clientId ? { clientId } : {}) };
}
