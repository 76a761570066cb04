import type { Db } from '../../store/index.ts';
import { type ChannelSender, type Outbound, PermanentFailure } from '../delivery.ts';

/**
 * Replies through Meta's Graph API: Messenger and Instagram messages, public replies
 * under a Facebook or Instagram comment, private replies to a comment, WhatsApp Cloud
 * API messages. The endpoint's secret is its access token (a page token, or a WhatsApp
 * system user token).
 */
export interface GraphOptions {
  db: Db;
  /** With its version, e.g. https://graph.facebook.com/v21.0 */
  graphUrl: string;
  timeoutMs?: number;
}

// Graph error codes that say "later": throttling, temporary outages.
// https://developers.facebook.com/docs/graph-api/guides/error-handling
// https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
const TRANSIENT_CODES = new Set([
  1, 2, 4, 17, 32, 341, 613, 80001, 80002, 80004, 80006, 130429, 131000, 131016, 131056, 133004,
]);

interface GraphError {
  error?: { message?: string; code?: number; error_subcode?: number; is_transient?: boolean };
}

/** POST JSON to the Graph API; a refusal that retrying cannot change is a PermanentFailure. */
async function graphPost(
  options: GraphOptions,
  token: string,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${options.graphUrl.replace(/\/$/, '')}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (response.ok && json && typeof json === 'object') return json as Record<string, unknown>;
  const error = (json as GraphError | undefined)?.error;
  const reason = `Graph API ${response.status}: ${error?.message ?? (text.slice(0, 200) || response.statusText)}${
    error?.code !== undefined
      ? ` (code ${error.code}${error.error_subcode ? `/${error.error_subcode}` : ''})`
      : ''
  }`;
  const transient =
    response.status >= 500 ||
    response.status === 429 ||
    error?.is_transient === true ||
    (error?.code !== undefined && TRANSIENT_CODES.has(error.code));
  if (transient || response.ok) throw new Error(reason);
  throw new PermanentFailure(reason);
}

const tokenOf = (out: Outbound): string => {
  if (!out.endpoint.secret)
    throw new PermanentFailure(`endpoint ${out.endpoint.address} has no access token: set its secret`);
  return out.endpoint.secret;
};

/** The customer's latest message of this kind in the conversation: what a reply answers. */
async function latestInbound(db: Db, out: Outbound, visibility: 'public' | 'private') {
  return db
    .selectFrom('messages')
    .select('external_id')
    .where('conversation_id', '=', out.conversation.id)
    .where('channel', '=', 'social')
    .where('direction', '=', 'inbound')
    .where('visibility', '=', visibility)
    .where('external_id', 'is not', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * Facebook and Instagram. A public reply goes under the customer's latest comment; a
 * private one to the customer's inbox when they have written privately in this
 * conversation, else as the private reply to their latest comment.
 */
export function socialSender(options: GraphOptions): ChannelSender {
  return {
    async send(out) {
      const token = tokenOf(out);
      const page = out.endpoint.address;
      const instagram = out.endpoint.settings.network === 'instagram';
      const text = out.message.text;
      if (out.message.visibility === 'public') {
        const comment = await latestInbound(options.db, out, 'public');
        if (!comment?.external_id)
          throw new PermanentFailure('there is no comment in this conversation to answer publicly');
        const answer = await graphPost(
          options,
          token,
          `/${encodeURIComponent(comment.external_id)}/${instagram ? 'replies' : 'comments'}`,
          { message: text },
        );
        return { externalId: typeof answer.id === 'string' ? answer.id : null };
      }
      const privately = await latestInbound(options.db, out, 'private');
      const scoped = out.identities.find(
        (i) => i.kind === (instagram ? 'instagram' : 'facebook') && i.value.startsWith(`${page}:`),
      );
      let recipient: { id: string } | { comment_id: string };
      if (privately && scoped) recipient = { id: scoped.value.slice(page.length + 1) };
      else {
        const comment = await latestInbound(options.db, out, 'public');
        if (!comment?.external_id)
          throw new PermanentFailure(`the customer has no id on ${page} to write to privately`);
        recipient = { comment_id: comment.external_id };
      }
      const answer = await graphPost(options, token, `/${encodeURIComponent(page)}/messages`, {
        recipient,
        ...('id' in recipient ? { messaging_type: 'RESPONSE' } : {}),
        message: { text },
      });
      return { externalId: typeof answer.message_id === 'string' ? answer.message_id : null };
    },
  };
}

/** WhatsApp Cloud API: a text message to the customer's WhatsApp number. */
export function whatsappSender(options: GraphOptions): ChannelSender {
  return {
    async send(out) {
      const token = tokenOf(out);
      const number =
        out.identities.find((i) => i.kind === 'whatsapp') ?? out.identities.find((i) => i.kind === 'phone');
      if (!number) throw new PermanentFailure('the customer has no WhatsApp number');
      const answer = await graphPost(
        options,
        token,
        `/${encodeURIComponent(out.endpoint.address)}/messages`,
        {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: number.value.replace(/^\+/, ''),
          type: 'text',
          text: { preview_url: false, body: out.message.text },
        },
      );
      const sent = (answer.messages as Array<{ id?: unknown }> | undefined)?.[0]?.id;
      return { externalId: typeof sent === 'string' ? sent : null };
    },
  };
}
