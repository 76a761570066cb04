import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue, metaSignature, type Senders, socialSender, whatsappSender } from '../channels/index.ts';
import {
  type Client,
  type FakeGraph,
  feedCommentEntry,
  instagramCommentEntry,
  instagramDmEntry,
  messengerEntry,
  rowCounts,
  signed,
  startFakeGraph,
  startTestServer,
  type TestServer,
  webhook,
  whatsappMessageEntry,
  whatsappStatusEntry,
} from '../testing/index.ts';

const SECRET = 'meta-app-secret-for-tests';
const PAGE = '104500000000001';
const INSTAGRAM = '17841400000000002';
const PHONE = '106540000000003';

let server: TestServer;
let graph: FakeGraph;
let admin: Client;
let senders: Senders;

beforeAll(async () => {
  graph = await startFakeGraph();
  server = await startTestServer({
    RELAIS_META_APP_SECRET: SECRET,
    RELAIS_META_VERIFY_TOKEN: 'verify-relais',
    RELAIS_GRAPH_URL: graph.url,
    RELAIS_META_MAX_BYTES: String(256 * 1024),
  });
  admin = await server.as('fr.admin@test.example');
  const fr = server.fixture.subsidiaries.fr.id;
  for (const endpoint of [
    {
      channel: 'social',
      address: PAGE,
      name: 'Page Facebook',
      settings: { network: 'facebook' },
      secret: 'page-token',
    },
    {
      channel: 'social',
      address: INSTAGRAM,
      name: 'Instagram',
      settings: { network: 'instagram' },
      secret: 'ig-token',
    },
    { channel: 'whatsapp', address: PHONE, name: 'WhatsApp', secret: 'wa-token' },
  ]) {
    const created = await admin.post('/api/endpoints', { subsidiaryId: fr, ...endpoint });
    expect(created.status, created.text).toBe(201);
  }
  const options = { db: server.db, graphUrl: graph.url };
  senders = { social: socialSender(options), whatsapp: whatsappSender(options) };
});
afterAll(async () => {
  await server?.close();
  await graph?.close();
});

const deliver = (body: unknown, headers: Record<string, string> = {}) => {
  const request = signed(body, SECRET);
  return server.app.inject({
    method: 'POST',
    url: '/webhooks/meta',
    payload: request.payload,
    headers: { ...request.headers, ...headers },
  });
};

const conversationOf = async (externalId: string) =>
  server.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select([
      'conversations.id',
      'conversations.channel',
      'conversations.customer_id',
      'messages.text',
      'messages.visibility',
      'messages.raw_media_type',
    ])
    .where('messages.external_id', '=', externalId)
    .executeTakeFirstOrThrow();

const identitiesOf = async (customerId: string) =>
  server.db
    .selectFrom('customer_identities')
    .innerJoin('customers', 'customers.id', 'customer_identities.customer_id')
    .select(['customer_identities.kind', 'customer_identities.value', 'customers.display_name'])
    .where('customer_id', '=', customerId)
    .execute();

/** An agent's reply, then the delivery worker's pass: what the Graph API received. */
async function reply(conversationId: string, text: string, visibility?: 'public' | 'private') {
  const sent = await admin.post(`/api/conversations/${conversationId}/messages`, {
    direction: 'outbound',
    text,
    ...(visibility ? { visibility } : {}),
  });
  expect(sent.status, sent.text).toBe(201);
  const before = graph.requests.length;
  await deliverDue(server.db, senders, new Date());
  const message = await server.db
    .selectFrom('messages')
    .select(['delivery_status', 'external_id', 'delivery_error'])
    .where('id', '=', sent.body.id)
    .executeTakeFirstOrThrow();
  return { id: sent.body.id as string, message, requests: graph.requests.slice(before) };
}

describe('the subscription handshake', () => {
  it('echoes the challenge to Meta when the verify token is ours, and refuses otherwise', async () => {
    const ok = await server.app.inject({
      method: 'GET',
      url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-relais&hub.challenge=1158201444',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.body).toBe('1158201444');
    const wrong = await server.app.inject({
      method: 'GET',
      url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).not.toBe('1158201444');
    expect(wrong.json().code).toBe('forbidden');
  });
});

describe('Messenger', () => {
  it('stores a message once, threads the next one, and keeps social ids per page', async () => {
    const first = await deliver(
      webhook('page', [messengerEntry(PAGE, '7001', 'm_A1', 'Bonjour, ma box ne marche plus')]),
    );
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ stored: 1, duplicates: 0 });
    const stored = await conversationOf('m_A1');
    expect(stored).toMatchObject({
      channel: 'social',
      visibility: 'private',
      raw_media_type: 'application/json',
    });
    expect(await identitiesOf(stored.customer_id)).toEqual([
      { kind: 'facebook', value: `${PAGE}:7001`, display_name: `${PAGE}:7001` },
    ]);

    const counts = await rowCounts(server.db);
    const again = await deliver(
      webhook('page', [messengerEntry(PAGE, '7001', 'm_A1', 'Bonjour, ma box ne marche plus')]),
    );
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await rowCounts(server.db)).toEqual(counts);

    await deliver(webhook('page', [messengerEntry(PAGE, '7001', 'm_A2', 'Elle clignote en rouge.')]));
    expect((await conversationOf('m_A2')).id).toBe(stored.id);

    // Writing again after the matter was resolved reopens it, as open work with an event.
    await server.db
      .updateTable('conversations')
      .set({ status: 'resolved' })
      .where('id', '=', stored.id)
      .execute();
    const events = (await rowCounts(server.db)).outbox ?? 0;
    await deliver(webhook('page', [messengerEntry(PAGE, '7001', 'm_A3', 'Toujours rien.')]));
    const reopened = await admin.get(`/api/conversations/${stored.id}`);
    expect(reopened.body.status).toBe('open');
    expect(reopened.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'Bonjour, ma box ne marche plus',
      'Elle clignote en rouge.',
      'Toujours rien.',
    ]);
    expect((await rowCounts(server.db)).outbox).toBe(events + 1);
  });

  it('answers privately through the page, and ignores the echo of its own message', async () => {
    await deliver(webhook('page', [messengerEntry(PAGE, '7002', 'm_B1', 'Je voudrais changer mon forfait')]));
    const { id } = await conversationOf('m_B1');
    const sent = await reply(id, 'Bien sûr, lequel vous intéresse ?');
    expect(sent.message).toMatchObject({
      delivery_status: 'sent',
      external_id: expect.stringMatching(/^m_out/),
    });
    expect(sent.requests).toEqual([
      {
        method: 'POST',
        path: `/${PAGE}/messages`,
        authorization: 'Bearer page-token',
        body: {
          recipient: { id: '7002' },
          messaging_type: 'RESPONSE',
          message: { text: 'Bien sûr, lequel vous intéresse ?' },
        },
      },
    ]);
    const counts = await rowCounts(server.db);
    const echo = webhook('page', [
      {
        id: PAGE,
        time: 1,
        messaging: [
          {
            sender: { id: PAGE },
            recipient: { id: '7002' },
            timestamp: 1,
            message: {
              mid: sent.message.external_id,
              text: 'Bien sûr, lequel vous intéresse ?',
              is_echo: true,
            },
          },
        ],
      },
    ]);
    const answered = await deliver(echo);
    expect(answered.statusCode).toBe(200);
    expect(answered.json().stored).toBe(0);
    expect(await rowCounts(server.db)).toEqual(counts);
  });
});

describe('Facebook comments', () => {
  it('become public messages, answered publicly under the comment or privately', async () => {
    const comment = await deliver(
      webhook('page', [
        feedCommentEntry(
          PAGE,
          { id: '7003', name: 'Léa Martin' },
          '9001_5001',
          'Toujours pas de réseau à Lyon !',
        ),
      ]),
    );
    expect(comment.json()).toMatchObject({ stored: 1 });
    const stored = await conversationOf('9001_5001');
    expect(stored).toMatchObject({
      channel: 'social',
      visibility: 'public',
      text: 'Toujours pas de réseau à Lyon !',
    });
    expect((await identitiesOf(stored.customer_id))[0]?.display_name).toBe('Léa Martin');

    // On a conversation that began in public, the agent must say where the answer goes.
    const unsaid = await admin.post(`/api/conversations/${stored.id}/messages`, {
      direction: 'outbound',
      text: 'Nous regardons.',
    });
    expect(unsaid.status).toBe(400);
    expect(unsaid.body.errors[0].path).toBe('visibility');

    const publicly = await reply(stored.id, 'Nous regardons, Léa : écrivez-nous en privé.', 'public');
    expect(publicly.message.delivery_status).toBe('sent');
    expect(publicly.requests).toEqual([
      {
        method: 'POST',
        path: '/9001_5001/comments',
        authorization: 'Bearer page-token',
        body: { message: 'Nous regardons, Léa : écrivez-nous en privé.' },
      },
    ]);
    const privately = await reply(stored.id, 'Pouvez-vous nous donner votre adresse ?', 'private');
    expect(privately.message.delivery_status).toBe('sent');
    expect(privately.requests).toEqual([
      {
        method: 'POST',
        path: `/${PAGE}/messages`,
        authorization: 'Bearer page-token',
        body: {
          recipient: { comment_id: '9001_5001' },
          message: { text: 'Pouvez-vous nous donner votre adresse ?' },
        },
      },
    ]);

    // Our own public reply comes back as a feed change from the page: not a customer's comment.
    const counts = await rowCounts(server.db);
    const own = await deliver(
      webhook('page', [feedCommentEntry(PAGE, { id: PAGE, name: 'Relais' }, '9001_5002', 'Nous regardons')]),
    );
    expect(own.json().stored).toBe(0);
    expect(await rowCounts(server.db)).toEqual(counts);
  });
});

describe('Instagram', () => {
  it('takes direct messages and comments, and answers a comment under it with /replies', async () => {
    const dm = await deliver(
      webhook('instagram', [instagramDmEntry(INSTAGRAM, '8001', 'aWdfZAG1_1', 'Salut, mon colis ?')]),
    );
    expect(dm.json()).toMatchObject({ stored: 1 });
    const conversation = await conversationOf('aWdfZAG1_1');
    expect(await identitiesOf(conversation.customer_id)).toMatchObject([
      { kind: 'instagram', value: `${INSTAGRAM}:8001` },
    ]);
    const comment = await deliver(
      webhook('instagram', [
        instagramCommentEntry(
          INSTAGRAM,
          { id: '8001', username: 'lea.m' },
          '17865799348089039',
          'Et toujours rien !',
        ),
      ]),
    );
    expect(comment.json()).toMatchObject({ stored: 1 });
    const threaded = await conversationOf('17865799348089039');
    expect(threaded).toMatchObject({ id: conversation.id, visibility: 'public' });

    const publicly = await reply(conversation.id, 'Nous vous répondons en message privé.', 'public');
    expect(publicly.requests).toEqual([
      {
        method: 'POST',
        path: '/17865799348089039/replies',
        authorization: 'Bearer ig-token',
        body: { message: 'Nous vous répondons en message privé.' },
      },
    ]);
    // The customer wrote privately in this conversation: a private answer goes to their inbox.
    const privately = await reply(conversation.id, 'Votre colis part demain.', 'private');
    expect(privately.requests).toEqual([
      {
        method: 'POST',
        path: `/${INSTAGRAM}/messages`,
        authorization: 'Bearer ig-token',
        body: {
          recipient: { id: '8001' },
          messaging_type: 'RESPONSE',
          message: { text: 'Votre colis part demain.' },
        },
      },
    ]);
  });
});

describe('WhatsApp', () => {
  it('joins the customer who called or texted from the same number', async () => {
    const texted = await admin.post('/api/conversations', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'sms',
      customer: { identity: { kind: 'phone', value: '06 55 44 33 22' }, displayName: 'Jules Martin' },
      message: { text: 'Ma ligne est coupée.' },
    });
    expect(texted.status).toBe(201);
    await deliver(
      webhook('whatsapp_business_account', [
        whatsappMessageEntry(PHONE, '33655443322', 'wamid.SAME_NUMBER', 'C’est encore moi', 'Jules'),
      ]),
    );
    const conversation = await conversationOf('wamid.SAME_NUMBER');
    expect(conversation.customer_id).toBe(texted.body.customerId);
    expect((await identitiesOf(conversation.customer_id)).map((i) => i.kind).sort()).toEqual([
      'phone',
      'whatsapp',
    ]);
  });

  it('stores a message with the sender in E.164, replies, and follows the statuses of the reply', async () => {
    const inbound = await deliver(
      webhook('whatsapp_business_account', [
        whatsappMessageEntry(
          PHONE,
          '33612345678',
          'wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQz',
          'Bonjour, facture en double',
          'Awa Diop',
        ),
      ]),
    );
    expect(inbound.json()).toMatchObject({ stored: 1 });
    const conversation = await conversationOf('wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQz');
    expect(conversation.channel).toBe('whatsapp');
    expect(await identitiesOf(conversation.customer_id)).toEqual([
      { kind: 'whatsapp', value: '+33612345678', display_name: 'Awa Diop' },
      { kind: 'phone', value: '+33612345678', display_name: 'Awa Diop' },
    ]);

    const sent = await reply(conversation.id, 'Nous annulons la seconde facture.');
    expect(sent.requests).toEqual([
      {
        method: 'POST',
        path: `/${PHONE}/messages`,
        authorization: 'Bearer wa-token',
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '33612345678',
          type: 'text',
          text: { preview_url: false, body: 'Nous annulons la seconde facture.' },
        },
      },
    ]);
    const wamid = sent.message.external_id as string;
    expect(wamid).toMatch(/^wamid\./);

    const status = (s: 'sent' | 'delivered' | 'read') =>
      deliver(webhook('whatsapp_business_account', [whatsappStatusEntry(PHONE, wamid, s, '33612345678')]));
    const statusOf = async () =>
      (
        await server.db
          .selectFrom('messages')
          .select('delivery_status')
          .where('id', '=', sent.id)
          .executeTakeFirstOrThrow()
      ).delivery_status;
    expect((await status('sent')).statusCode).toBe(200);
    expect((await status('delivered')).json()).toMatchObject({ statuses: 1 });
    expect(await statusOf()).toBe('delivered');
    expect((await status('read')).json()).toMatchObject({ statuses: 1 });
    expect(await statusOf()).toBe('read');
    // Meta redelivers statuses too: the history keeps each once.
    expect((await status('read')).json()).toMatchObject({ statuses: 0, duplicates: 1 });
    const history = await admin.get(`/api/conversations/${conversation.id}/messages/${sent.id}/deliveries`);
    expect(history.body.items.map((e: { status: string }) => e.status)).toEqual([
      'sent',
      'delivered',
      'read',
    ]);
  });

  it('a failed status makes the reply a dead letter with its reason', async () => {
    await deliver(
      webhook('whatsapp_business_account', [
        whatsappMessageEntry(PHONE, '33698765432', 'wamid.IN_FAIL', 'Allô ?'),
      ]),
    );
    const { id } = await conversationOf('wamid.IN_FAIL');
    const sent = await reply(id, 'Bonjour !');
    await deliver(
      webhook('whatsapp_business_account', [
        whatsappStatusEntry(PHONE, sent.message.external_id as string, 'failed', '33698765432'),
      ]),
    );
    const message = await server.db
      .selectFrom('messages')
      .select(['delivery_status', 'delivery_error'])
      .where('id', '=', sent.id)
      .executeTakeFirstOrThrow();
    expect(message.delivery_status).toBe('failed');
    expect(message.delivery_error).toContain('131047');
  });

  it('a Graph refusal is permanent, a Graph outage is tried again', async () => {
    await deliver(
      webhook('whatsapp_business_account', [
        whatsappMessageEntry(PHONE, '33611112222', 'wamid.IN_GRAPH', 'Hello'),
      ]),
    );
    const { id } = await conversationOf('wamid.IN_GRAPH');
    graph.failNext(1, 503, { message: 'Service temporarily unavailable', code: 2 });
    const later = await reply(id, 'Un instant.');
    expect(later.message).toMatchObject({ delivery_status: 'queued' });
    expect(later.message.delivery_error).toContain('Graph API 503');
    graph.failNext(1, 400, { message: '(#100) Invalid parameter', code: 100 });
    const refused = await reply(id, 'Encore un instant.');
    expect(refused.message).toMatchObject({ delivery_status: 'failed' });
    expect(refused.message.delivery_error).toContain('code 100');
  });
});

describe('a delivery with several entries', () => {
  it('stores every item in one go, and skips (and names) a page that is no endpoint of ours', async () => {
    const counts = await rowCounts(server.db);
    const unknownOnly = await deliver(
      webhook('page', [messengerEntry('999000999', '7100', 'm_U1', 'Hello?')]),
    );
    expect(unknownOnly.statusCode).toBe(200);
    expect(unknownOnly.json().skipped).toEqual([
      { endpoint: '999000999', reason: 'no active social endpoint has this page or Instagram account id' },
    ]);
    expect(await rowCounts(server.db)).toEqual(counts);

    const mixed = await deliver(
      webhook('page', [
        messengerEntry(PAGE, '7101', 'm_M1', 'Premier'),
        messengerEntry('999000999', '7100', 'm_U2', 'Hello?'),
        messengerEntry(PAGE, '7102', 'm_M2', 'Second'),
        feedCommentEntry(PAGE, { id: '7103', name: 'Jean' }, '9001_5101', 'Troisième'),
      ]),
    );
    expect(mixed.statusCode).toBe(200);
    expect(mixed.json()).toMatchObject({ stored: 3, duplicates: 0 });
    expect(mixed.json().skipped).toHaveLength(1);
    for (const id of ['m_M1', 'm_M2', '9001_5101']) expect((await conversationOf(id)).channel).toBe('social');
  });
});

describe('bad input', () => {
  const valid = (n: number) => webhook('page', [messengerEntry(PAGE, '7200', `m_BAD${n}`, `Message ${n}`)]);

  it('a missing or wrong signature: 401, nothing stored, the next valid delivery taken', async () => {
    const counts = await rowCounts(server.db);
    const body = JSON.stringify(valid(1));
    const missing = await server.app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
    const wrong = await deliver(valid(1), { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` });
    expect(wrong.statusCode).toBe(401);
    const otherSecret = signed(valid(1), 'not-the-secret');
    const forged = await server.app.inject({ method: 'POST', url: '/webhooks/meta', ...otherSecret });
    expect(forged.statusCode).toBe(401);
    // The signature is over the bytes: the same JSON written differently is not signed.
    const reformatted = await server.app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      payload: JSON.stringify(valid(1), null, 2),
      headers: signed(valid(1), SECRET).headers,
    });
    expect(reformatted.statusCode).toBe(401);
    expect(await rowCounts(server.db)).toEqual(counts);
    expect((await deliver(valid(1))).json()).toMatchObject({ stored: 1 });
  });

  it('a body of several megabytes: 413, nothing stored, the next valid delivery taken', async () => {
    const counts = await rowCounts(server.db);
    const huge = webhook('page', [messengerEntry(PAGE, '7201', 'm_HUGE', 'x'.repeat(4 * 1024 * 1024))]);
    const refused = await deliver(huge);
    expect(refused.statusCode).toBe(413);
    expect(refused.json().code).toBe('payload_too_large');
    expect(await rowCounts(server.db)).toEqual(counts);
    expect((await deliver(valid(2))).json()).toMatchObject({ stored: 1 });
  });

  it('signed bytes that are not a Meta delivery: 400, nothing stored', async () => {
    const counts = await rowCounts(server.db);
    for (const body of [
      'not json',
      '{"object":"page"}',
      '[]',
      '{"object":"page","entry":[{"messaging":[]}]}',
    ]) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/webhooks/meta',
        payload: body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
      });
      expect(res.statusCode, body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, body).toBeLessThan(500);
    }
    expect(await rowCounts(server.db)).toEqual(counts);
  });

  it('any body with a wrong signature stores nothing and never fails with 5xx', async () => {
    const counts = await rowCounts(server.db);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.constant(JSON.stringify(valid(3))),
        ),
        fc.oneof(
          fc.constant(undefined),
          fc.string({ maxLength: 80 }),
          fc.stringMatching(/^sha256=[0-9a-f]{64}$/),
          fc.constant('sha256='),
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'),
        async (payload, signature, contentType) => {
          const res = await server.app.inject({
            method: 'POST',
            url: '/webhooks/meta',
            payload,
            headers: {
              'content-type': contentType,
              ...(signature !== undefined ? { 'x-hub-signature-256': signature } : {}),
            },
          });
          expect(res.statusCode).toBe(401);
        },
      ),
      { numRuns: 150 },
    );
    expect(await rowCounts(server.db)).toEqual(counts);
  });
});

describe('without an app secret', () => {
  it('webhooks answer 404 with what to set', async () => {
    const bare = await startTestServer();
    try {
      const res = await bare.app.inject({
        method: 'POST',
        url: '/webhooks/meta',
        ...signed(webhook('page', []), SECRET),
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().detail).toContain('RELAIS_META_APP_SECRET');
    } finally {
      await bare.close();
    }
  });
});
