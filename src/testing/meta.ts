import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metaSignature } from '../channels/index.ts';

/**
 * Meta's side of the webhooks, for tests: payloads in the documented shapes (Messenger,
 * Page feed, Instagram, WhatsApp Cloud API), signed as Meta signs them, and a Graph API
 * that records what Relais sent and answers as the Graph API answers.
 */

const time = 1_795_000_000_000;

/** A delivery of one or more entries of one object kind. */
export const webhook = (object: string, entries: unknown[]) => ({ object, entry: entries });

/** Messenger: a customer's message to a Facebook Page (object "page"). */
export const messengerEntry = (page: string, psid: string, mid: string, text: string) => ({
  id: page,
  time,
  messaging: [{ sender: { id: psid }, recipient: { id: page }, timestamp: time, message: { mid, text } }],
});

/** A Page feed change: a new comment under one of the page's posts (object "page"). */
export const feedCommentEntry = (
  page: string,
  from: { id: string; name: string },
  commentId: string,
  text: string,
) => ({
  id: page,
  time,
  changes: [
    {
      field: 'feed',
      value: {
        from,
        post: { status_type: 'added_photos', is_published: true, id: `${page}_9001` },
        message: text,
        post_id: `${page}_9001`,
        comment_id: commentId,
        created_time: Math.floor(time / 1000),
        item: 'comment',
        parent_id: `${page}_9001`,
        verb: 'add',
      },
    },
  ],
});

/** Instagram: a direct message to the account (object "instagram"). */
export const instagramDmEntry = (account: string, igsid: string, mid: string, text: string) => ({
  id: account,
  time,
  messaging: [{ sender: { id: igsid }, recipient: { id: account }, timestamp: time, message: { mid, text } }],
});

/** Instagram: a comment on one of the account's posts (object "instagram"). */
export const instagramCommentEntry = (
  account: string,
  from: { id: string; username: string },
  commentId: string,
  text: string,
) => ({
  id: account,
  time,
  changes: [
    {
      field: 'comments',
      value: { from, media: { id: '17900000000000001', media_product_type: 'FEED' }, id: commentId, text },
    },
  ],
});

/** WhatsApp Cloud API: a customer's text message (object "whatsapp_business_account"). */
export const whatsappMessageEntry = (
  phoneNumberId: string,
  from: string,
  wamid: string,
  text: string,
  name = 'Client WhatsApp',
) => ({
  id: '102290129340398',
  changes: [
    {
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '33140000009', phone_number_id: phoneNumberId },
        contacts: [{ profile: { name }, wa_id: from }],
        messages: [
          { from, id: wamid, timestamp: String(Math.floor(time / 1000)), text: { body: text }, type: 'text' },
        ],
      },
    },
  ],
});

/** WhatsApp Cloud API: what became of a message the business sent. */
export const whatsappStatusEntry = (
  phoneNumberId: string,
  wamid: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  recipient: string,
) => ({
  id: '102290129340398',
  changes: [
    {
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '33140000009', phone_number_id: phoneNumberId },
        statuses: [
          {
            id: wamid,
            status,
            timestamp: String(Math.floor(time / 1000)),
            recipient_id: recipient,
            ...(status === 'failed'
              ? {
                  errors: [
                    {
                      code: 131047,
                      title: 'Re-engagement message',
                      message: 'Re-engagement message',
                      error_data: {
                        details: 'Message failed to send because more than 24 hours have passed',
                      },
                    },
                  ],
                }
              : {}),
          },
        ],
      },
    },
  ],
});

/** The body and headers of a delivery as Meta sends it: JSON bytes and their signature. */
export function signed(
  body: unknown,
  appSecret: string,
): { payload: string; headers: Record<string, string> } {
  const payload = JSON.stringify(body);
  return {
    payload,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(payload, appSecret) },
  };
}

export interface GraphRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeGraph {
  url: string;
  requests: GraphRequest[];
  /** Answer the next requests with this status and Graph error instead. */
  failNext(count: number, status: number, error: { message: string; code: number }): void;
  close(): Promise<void>;
}

const read = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/**
 * A Graph API on a local port: records every request and answers like the Graph API —
 * `/{page}/messages` with recipient_id and message_id, `/{comment}/comments` and
 * `/{comment}/replies` with the new comment's id, `/{phone-number-id}/messages` with a wamid.
 */
export async function startFakeGraph(version = 'v21.0'): Promise<FakeGraph> {
  const requests: GraphRequest[] = [];
  let failures: Array<{ status: number; error: { message: string; code: number } }> = [];
  let n = 0;
  const server = createServer(async (req, res) => {
    const text = await read(req);
    const path = (req.url ?? '').replace(`/${version}`, '');
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text);
    } catch {
      // recorded as empty
    }
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const failure = failures.shift();
    if (failure)
      return answer(failure.status, {
        error: { ...failure.error, type: 'OAuthException', fbtrace_id: 'AbCdEf' },
      });
    n += 1;
    const [, id, edge] = path.split('/');
    if (edge === 'comments' || edge === 'replies') return answer(200, { id: `${id}_reply${n}` });
    if (edge === 'messages' && body.messaging_product === 'whatsapp') {
      return answer(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: `wamid.OUT${n}` }],
      });
    }
    if (edge === 'messages') {
      const recipient = body.recipient as { id?: string } | undefined;
      return answer(200, { recipient_id: recipient?.id ?? `psid-${n}`, message_id: `m_out${n}` });
    }
    return answer(400, {
      error: { message: `Unknown path components: ${path}`, type: 'OAuthException', code: 2500 },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${version}`,
    requests,
    failNext(count, status, error) {
      failures = Array.from({ length: count }, () => ({ status, error }));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
