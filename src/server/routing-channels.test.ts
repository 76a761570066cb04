import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_PARTS } from '../routing/index.ts';
import {
  ChatClient,
  createFixture,
  deliver,
  type FakeGraph,
  FIXTURE_PASSWORD,
  freshStore,
  instagramDmEntry,
  messengerEntry,
  sentToSmsc,
  signed,
  startFakeGraph,
  startRunningRelais,
  startSmsc,
  type TestSmsc,
  webhook,
  whatsappMessageEntry,
} from '../testing/index.ts';
import type { Running } from './start.ts';

// A Monday, 12:00 in Bucharest: the fixture's sites are open.
const NOW = new Date('2026-11-23T10:00:00Z');
const META_SECRET = 'meta-app-secret-for-routing';
const MAILBOX = 'service@fr.routing.example';
const WIDGET = 'routing-channels-fr';
const SHORT_CODE = '36111';
const PAGE = '104500000000011';
const INSTAGRAM = '17841400000000012';
const PHONE_NUMBER_ID = '106540000000013';
const HOTLINE = '+33140000000';

/** A real SMTP server standing for the company's mail relay: it keeps what Relais sends out. */
async function captureRelay() {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push(mail);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
type Answer = { status: number; body: any };
interface Api {
  get(path: string): Promise<Answer>;
  post(path: string, body: unknown): Promise<Answer>;
  put(path: string, body: unknown): Promise<Answer>;
  /** PATCH with If-Match taken from a fresh GET. */
  patch(path: string, body: unknown): Promise<Answer>;
}

/** Waits for a condition, trying at most `tries` times. */
async function eventually<T>(what: string, read: () => Promise<T | undefined> | T | undefined, tries = 200) {
  for (let i = 0; i < tries; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never: ${what}`);
}

/**
 * Routing in Relais as `relais serve` runs it, for every channel: each contact comes in the
 * way its peer sends it (SMTP, the widget's socket, SMPP, Meta's signed webhooks, the
 * telephony platform's events, the mail room's upload), and the assignment service gives it
 * to the one agent who has capacity on that channel.
 */
describe('routing in a running Relais, channel by channel', () => {
  let running: Running;
  let store: Awaited<ReturnType<typeof freshStore>>;
  let fixture: Awaited<ReturnType<typeof createFixture>>;
  let relay: Awaited<ReturnType<typeof captureRelay>>;
  let graph: FakeGraph;
  let smsc: TestSmsc;
  let smtpPort: number;
  let admin: Api;
  let agent: Api;
  let agentId: string;
  let backOfficeId: string;
  const endpoints: Record<string, string> = {};

  const signIn = async (email: string, password = FIXTURE_PASSWORD): Promise<Api> => {
    const login = await fetch(`${running.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (login.status !== 200) throw new Error(`sign-in of ${email} failed: ${login.status}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const call = async (method: string, path: string, body?: unknown, etag?: string) => {
      const res = await fetch(`${running.url}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(etag ? { 'if-match': etag } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, etag: res.headers.get('etag') };
    };
    return {
      get: (path) => call('GET', path),
      post: (path, body) => call('POST', path, body),
      put: (path, body) => call('PUT', path, body),
      patch: async (path, body) => call('PATCH', path, body, (await call('GET', path)).etag ?? undefined),
    };
  };

  /** The conversation that came in on an endpoint, once it exists. */
  const conversationOn = (channel: string, endpointId: string | undefined): Promise<string> =>
    eventually(`a ${channel} conversation`, async () => {
      const list = await admin.get(`/api/conversations?channel=${channel}`);
      const found = list.body.items.filter((c: { endpointId: string }) => c.endpointId === endpointId);
      expect(found.length).toBeLessThanOrEqual(1);
      return found[0]?.id as string | undefined;
    });

  /**
   * Waits until the assignment service gave the conversation to someone, then checks it
   * was `assignee`, and that the routing decisions say so with the score's parts.
   */
  const expectAssigned = async (conversationId: string, assignee: string, channel: string) => {
    const conversation = await eventually(`${conversationId} assigned`, async () => {
      const got = await admin.get(`/api/conversations/${conversationId}`);
      return got.body.status === 'assigned' ? got.body : undefined;
    });
    expect(conversation).toMatchObject({ status: 'assigned', assigneeId: assignee, channel, language: 'fr' });
    const routing = await admin.get(`/api/conversations/${conversationId}/routing`);
    expect(routing.status).toBe(200);
    const assigned = routing.body.items.filter((d: { kind: string }) => d.kind === 'assigned');
    expect(assigned).toEqual([
      expect.objectContaining({
        kind: 'assigned',
        agentId: assignee,
        siteId: fixture.sites.bucharest.id,
        language: 'fr',
        fallbackLanguage: false,
      }),
    ]);
    const { score } = assigned[0];
    expect(score.parts.map((p: { name: string }) => p.name)).toEqual([...SCORE_PARTS]);
    const sum = score.parts.reduce((s: number, p: { contribution: number }) => s + p.contribution, 0);
    expect(score.total).toBeCloseTo(sum, 6);
    return routing.body.items as Array<{
      kind: string;
      agentId: string | null;
      reason: { code: string } | null;
    }>;
  };

  /** The agent answers; the delivery worker sends it on the conversation's channel. */
  const agentReplies = async (conversationId: string, text: string) => {
    const sent = await agent.post(`/api/conversations/${conversationId}/messages`, {
      direction: 'outbound',
      text,
    });
    expect(sent.status).toBe(201);
    return sent.body.id as string;
  };

  const metaDelivers = async (body: unknown) => {
    const request = signed(body, META_SECRET);
    const res = await fetch(`${running.url}/webhooks/meta`, {
      method: 'POST',
      headers: request.headers,
      body: request.payload,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stored: 1 });
  };

  const graphSent = (path: string) =>
    eventually(`a Graph request to ${path}`, () => graph.requests.find((r) => r.path === path));

  beforeAll(async () => {
    store = await freshStore();
    fixture = await createFixture(store.db);
    // A quiet floor: only the contacts of this test wait.
    await store.db
      .updateTable('conversations')
      .set({ status: 'closed' })
      .where('status', '=', 'open')
      .execute();
    relay = await captureRelay();
    graph = await startFakeGraph();
    smsc = await startSmsc();
    running = await startRunningRelais(store, {
      clock: { now: () => NOW },
      env: {
        RELAIS_SMTP: 'on',
        RELAIS_SMTP_PORT: '0',
        RELAIS_SMTP_RELAY: relay.url,
        RELAIS_META_APP_SECRET: META_SECRET,
        RELAIS_META_VERIFY_TOKEN: 'verify-routing',
        RELAIS_GRAPH_URL: graph.url,
        RELAIS_SMPP_URL: `smpp://relais:s3cret@127.0.0.1:${smsc.port}`,
      },
    });
    smtpPort = (await running.ready).smtpPort as number;

    // The French subsidiary's addresses on every channel, as its administrator sets them up.
    admin = await signIn('fr.admin@test.example');
    const fr = fixture.subsidiaries.fr.id;
    for (const [key, endpoint] of Object.entries({
      email: { channel: 'email', address: MAILBOX, name: 'Service client' },
      chat: { channel: 'chat', address: WIDGET, name: 'Chat' },
      sms: { channel: 'sms', address: SHORT_CODE, name: 'SMS' },
      whatsapp: { channel: 'whatsapp', address: PHONE_NUMBER_ID, name: 'WhatsApp', secret: 'wa-token' },
      facebook: {
        channel: 'social',
        address: PAGE,
        name: 'Page Facebook',
        settings: { network: 'facebook' },
        secret: 'page-token',
      },
      instagram: {
        channel: 'social',
        address: INSTAGRAM,
        name: 'Instagram',
        settings: { network: 'instagram' },
        secret: 'ig-token',
      },
      voice: { channel: 'voice', address: HOTLINE, name: 'Hotline' },
    })) {
      const created = await admin.post('/api/endpoints', { subsidiaryId: fr, ...endpoint });
      expect(created.status).toBe(201);
      endpoints[key] = created.body.id;
    }

    // Bucharest also does the back office (letters), for the group.
    const group = await signIn('group.admin@test.example');
    const site = await group.patch(`/api/sites/${fixture.sites.bucharest.id}`, {
      tiers: ['level1', 'back_office'],
    });
    expect(site.status).toBe(200);
    // One level-1 agent with room for one item on each channel, and a back-office agent for letters.
    const created = await group.post('/api/agents', {
      user: { email: 'ioana@test.example', displayName: 'Ioana', password: FIXTURE_PASSWORD, locale: 'fr' },
      siteId: fixture.sites.bucharest.id,
      tier: 'level1',
      languages: [{ tag: 'fr', proficiency: 5 }],
      capacity: {
        perChannel: { email: 1, chat: 1, sms: 1, whatsapp: 1, social: 2, voice: 1 },
        total: 10,
      },
    });
    expect(created.status).toBe(201);
    agentId = created.body.id;
    const backOffice = await group.post('/api/agents', {
      user: { email: 'mihai@test.example', displayName: 'Mihai', password: FIXTURE_PASSWORD, locale: 'fr' },
      siteId: fixture.sites.bucharest.id,
      tier: 'back_office',
      languages: [{ tag: 'fr', proficiency: 4 }],
      capacity: { perChannel: { mail: 2 }, total: 2 },
    });
    expect(backOffice.status).toBe(201);
    backOfficeId = backOffice.body.id;
    agent = await signIn('ioana@test.example');
    expect((await agent.put('/api/agents/me/presence', { presence: 'available' })).status).toBe(200);
    const mihai = await signIn('mihai@test.example');
    expect((await mihai.put('/api/agents/me/presence', { presence: 'available' })).status).toBe(200);
    await sentToSmsc(smsc, (p) => p.command === 'bind_transceiver');
  });
  afterAll(async () => {
    await running?.close();
    await smsc?.close();
    await graph?.close();
    await relay?.close();
    await store?.close();
  });

  it('gives a mail received over SMTP to the agent, whose reply leaves through the relay', async () => {
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true })
      .sendMail({
        from: 'Hélène Garnier <helene@client.example>',
        to: MAILBOX,
        subject: 'Facture en double ce mois-ci',
        text: 'Bonjour, j’ai été prélevée deux fois pour la facture de novembre. Pouvez-vous vérifier ?',
      });
    const id = await conversationOn('email', endpoints.email);
    await expectAssigned(id, agentId, 'email');
    // Why it went there is France's to read, not another subsidiary's.
    const morocco = await signIn('ma.supervisor@test.example');
    expect((await morocco.get(`/api/conversations/${id}/routing`)).status).toBe(404);

    await agentReplies(id, 'Bonjour Madame Garnier, le second prélèvement vous sera remboursé.');
    const mail = await eventually('the reply at the relay', () => relay.received[0]);
    expect(mail.to).toMatchObject({ value: [expect.objectContaining({ address: 'helene@client.example' })] });
    expect(mail.subject).toBe('Re: Facture en double ce mois-ci');
    expect(mail.text).toContain('le second prélèvement vous sera remboursé');
  });

  it('gives a web chat to the agent, whose reply shows in the widget', async () => {
    const widget = await ChatClient.connect(`${running.url.replace(/^http/, 'ws')}/chat/socket`);
    try {
      widget.send({ type: 'hello', key: WIDGET, language: 'fr' });
      await widget.next('welcome');
      widget.send({
        type: 'message',
        clientId: 'routing-chat-1',
        text: 'Bonjour, ma box ne se connecte plus',
      });
      await widget.next('ack');
      const id = await conversationOn('chat', endpoints.chat);
      await expectAssigned(id, agentId, 'chat');

      await agentReplies(id, 'Bonjour, redémarrez la box, je regarde la ligne.');
      const shown = await widget.next('message', (f) => f.author.kind === 'agent');
      expect(shown).toMatchObject({
        text: 'Bonjour, redémarrez la box, je regarde la ligne.',
        author: { name: 'Ioana' },
      });
    } finally {
      widget.close();
    }
  });

  it('gives an SMS from the SMSC to the agent, whose reply leaves as an SMS', async () => {
    const response = await deliver(smsc.session(), {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '33611223344',
      destination_addr: SHORT_CODE,
      data_coding: 0,
      short_message: Buffer.from(
        'Bonjour, ma ligne est coupee depuis hier soir, pouvez-vous verifier ?',
        'latin1',
      ),
    });
    expect(response.command_status).toBe(0);
    const id = await conversationOn('sms', endpoints.sms);
    await expectAssigned(id, agentId, 'sms');

    await agentReplies(id, 'Un technicien verifie votre ligne ce matin.');
    const [submit] = await sentToSmsc(smsc, (p) => p.command === 'submit_sm');
    expect(submit).toMatchObject({ source_addr: SHORT_CODE, destination_addr: '33611223344' });
    expect((submit?.short_message as { message: string } | undefined)?.message).toBe(
      'Un technicien verifie votre ligne ce matin.',
    );
  });

  it('gives a WhatsApp message to the agent, whose reply leaves through the Graph API', async () => {
    await metaDelivers(
      webhook('whatsapp_business_account', [
        whatsappMessageEntry(
          PHONE_NUMBER_ID,
          '33622334455',
          'wamid.ROUTING1',
          'Bonjour, je voudrais changer de forfait mobile, le mien est trop cher',
        ),
      ]),
    );
    const id = await conversationOn('whatsapp', endpoints.whatsapp);
    await expectAssigned(id, agentId, 'whatsapp');

    await agentReplies(id, 'Bonjour, je vous propose le forfait 100 Go.');
    const sent = await graphSent(`/${PHONE_NUMBER_ID}/messages`);
    expect(sent.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: '33622334455',
      text: { body: 'Bonjour, je vous propose le forfait 100 Go.' },
    });
  });

  it('gives a Messenger message to the agent, whose reply leaves through the Graph API', async () => {
    await metaDelivers(
      webhook('page', [
        messengerEntry(PAGE, 'psid-routing-1', 'm_routing_1', 'Bonjour, ma facture est trop élevée'),
      ]),
    );
    const id = await conversationOn('social', endpoints.facebook);
    await expectAssigned(id, agentId, 'social');

    await agentReplies(id, 'Bonjour, je regarde votre facture tout de suite.');
    const sent = await graphSent(`/${PAGE}/messages`);
    expect(sent.body).toMatchObject({
      recipient: { id: 'psid-routing-1' },
      message: { text: 'Bonjour, je regarde votre facture tout de suite.' },
    });
  });

  it('gives an Instagram message to the agent, whose reply leaves through the Graph API', async () => {
    await metaDelivers(
      webhook('instagram', [
        instagramDmEntry(
          INSTAGRAM,
          'igsid-routing-1',
          'm_routing_ig_1',
          'Bonjour, je n’ai plus de réseau chez moi',
        ),
      ]),
    );
    const id = await conversationOn('social', endpoints.instagram);
    await expectAssigned(id, agentId, 'social');

    await agentReplies(id, 'Bonjour, une antenne est en maintenance près de chez vous.');
    const sent = await graphSent(`/${INSTAGRAM}/messages`);
    expect(sent.body).toMatchObject({
      recipient: { id: 'igsid-routing-1' },
      message: { text: 'Bonjour, une antenne est en maintenance près de chez vous.' },
    });
  });

  it('gives a call to the agent with room for voice, never to a free agent who takes no calls', async () => {
    const key = await admin.post('/api/api-keys', {
      name: 'telephony',
      permissions: ['conversations:write'],
    });
    expect(key.status).toBe(201);
    const call = async (callId: string, from: string) => {
      const res = await fetch(`${running.url}/api/channels/voice/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.body.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'ringing', callId, from, to: HOTLINE, at: NOW.toISOString() }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { conversationId: string }).conversationId;
    };
    // The fixture's Bucharest agent — same site, tier and language, nothing held, so the better
    // score on fairness — is free, but takes only chats and email.
    const other = fixture.agents.bucharest.id;
    const presence = await admin.put('/api/agents/me/presence', { presence: 'available', agentId: other });
    expect(presence.status).toBe(200);

    const first = await call('routing-call-1', '06 11 11 11 11');
    await expectAssigned(first, agentId, 'voice');

    // The agent's one line is taken: the next call waits rather than go to the other agent.
    const second = await call('routing-call-2', '06 22 22 22 22');
    await eventually('the second call waiting', async () => {
      const routing = await admin.get(`/api/conversations/${second}/routing`);
      return routing.body.items.find((d: { kind: string }) => d.kind === 'waiting');
    });
    const waiting = await admin.get(`/api/conversations/${second}`);
    expect(waiting.body).toMatchObject({ status: 'open', assigneeId: null });
    const reasons = (await admin.get(`/api/conversations/${second}/routing`)).body.items;
    expect(reasons).toEqual([
      expect.objectContaining({
        kind: 'waiting',
        reason: expect.objectContaining({ code: 'all_agents_busy' }),
      }),
    ]);

    // A second line for the agent: the waiting call takes it, still not the other agent.
    const group = await signIn('group.admin@test.example');
    const widened = await group.patch(`/api/agents/${agentId}`, {
      capacity: { perChannel: { email: 1, chat: 1, sms: 1, whatsapp: 1, social: 2, voice: 2 }, total: 10 },
    });
    expect(widened.status).toBe(200);
    const decisions = await expectAssigned(second, agentId, 'voice');
    expect(decisions.some((d) => d.agentId === other)).toBe(false);
  });

  it('gives a letter from the mail room to the back-office agent', async () => {
    const pdf = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n${'%'.repeat(2000)}\n%%EOF\n`);
    const letter = await admin.post('/api/channels/letters', {
      subsidiaryId: fixture.subsidiaries.fr.id,
      sender: { name: 'Gérard Lambert', identity: { kind: 'phone', value: '04 78 00 00 00' } },
      subject: 'Réclamation par courrier',
      text: 'Madame, Monsieur, je conteste la facture du mois d’octobre.',
      scan: { filename: 'courrier.pdf', mediaType: 'application/pdf', contentBase64: pdf.toString('base64') },
    });
    expect(letter.status).toBe(201);
    await expectAssigned(letter.body.conversationId, backOfficeId, 'mail');
  });
});
