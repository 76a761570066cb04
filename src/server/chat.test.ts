import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatSender, createEndpoint, deliverMessage } from '../channels/index.ts';
import { SYSTEM_ACTOR } from '../core/index.ts';
import {
  ChatClient,
  type ChatServer,
  type ChatClient as Client,
  rowCounts,
  startChatServer,
} from '../testing/index.ts';

// A Wednesday morning: every fixture site is open (weekdays 08:00–20:00 local).
const WEDNESDAY = new Date('2026-11-25T10:00:00Z');
// A Saturday: every site is closed until Monday; Bucharest (UTC+2) opens first.
const SATURDAY = new Date('2026-11-28T10:00:00Z');

let clientIds = 0;
const clientId = () => `client-${Date.now().toString(36)}-${(clientIds++).toString().padStart(4, '0')}`;

async function hello(server: ChatServer, frame: Record<string, unknown> = {}, headers = {}) {
  const client = await ChatClient.connect(server.socketUrl, headers);
  client.send({ type: 'hello', key: server.keys.fr, language: 'fr-FR', ...frame });
  const welcome = await client.next('welcome');
  return { client, welcome };
}

async function messagesWith(server: ChatServer, externalIdEnd: string) {
  return server.store.db
    .selectFrom('messages')
    .selectAll()
    .where('channel', '=', 'chat')
    .where('external_id', 'like', `%:${externalIdEnd}`)
    .execute();
}

describe('web chat while sites are open', () => {
  let server: ChatServer;
  const open: Client[] = [];
  beforeAll(async () => {
    server = await startChatServer(WEDNESDAY);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await server?.close();
  });

  it('refuses a key that is no widget and closes the connection', async () => {
    const client = await ChatClient.connect(server.socketUrl);
    client.send({ type: 'hello', key: 'no-such-widget' });
    const error = await client.next('error');
    expect(error.code).toBe('unknown_key');
    expect(await client.closed()).toBe(4400);
  });

  it('welcomes a visitor in their language when the subsidiary serves it', async () => {
    const { client, welcome } = await hello(server);
    open.push(client);
    expect(welcome).toMatchObject({ v: 1, open: true, nextOpening: null, languages: ['fr'], language: 'fr' });
    expect(welcome.visitor).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ma = await ChatClient.connect(server.socketUrl);
    open.push(ma);
    ma.send({ type: 'hello', key: server.keys.ma, language: 'ar-MA' });
    expect(await ma.next('welcome')).toMatchObject({ languages: ['ar', 'fr'], language: 'ar' });
    const english = await ChatClient.connect(server.socketUrl);
    open.push(english);
    english.send({ type: 'hello', key: server.keys.ma, language: 'en-GB' });
    expect((await english.next('welcome')).language).toBe('ar');
  });

  it('acknowledges a message after it is stored, and stores a resent one once', async () => {
    const { client } = await hello(server);
    open.push(client);
    const id = clientId();
    client.send({ type: 'message', clientId: id, text: 'Bonjour, ma box ne marche plus' });
    const ack = await client.next('ack');
    expect(ack.clientId).toBe(id);
    const stored = await messagesWith(server, id);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.id).toBe(ack.id);
    const conversation = await server.store.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', stored[0]?.conversation_id ?? '')
      .executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({
      channel: 'chat',
      subsidiary_id: server.fixture.subsidiaries.fr.id,
      status: 'open',
    });
    const identity = await server.store.db
      .selectFrom('customer_identities')
      .selectAll()
      .where('customer_id', '=', conversation.customer_id)
      .executeTakeFirstOrThrow();
    expect(identity.kind).toBe('chat');

    // The connection drops before the ack arrives; the widget resends on a new one.
    client.send({ type: 'message', clientId: id, text: 'Bonjour, ma box ne marche plus' });
    expect((await client.next('ack')).id).toBe(ack.id);
    expect(await messagesWith(server, id)).toHaveLength(1);
  });

  it('refuses a bad frame with an error, stores nothing, and takes the next good frame', async () => {
    const { client } = await hello(server);
    open.push(client);
    const before = await rowCounts(server.store.db);
    client.sendRaw('{not json');
    expect((await client.next('error')).code).toBe('invalid_frame');
    const id = clientId();
    client.send({ type: 'message', clientId: id, text: '   ' });
    expect(await client.next('error')).toMatchObject({ code: 'invalid_frame', clientId: id });
    client.send({ type: 'message', clientId: id, text: 'x', extra: true });
    expect((await client.next('error')).message).toMatch(/extra/);
    client.send({ v: 2, type: 'message', clientId: id, text: 'version 2' });
    expect((await client.next('error')).message).toMatch(/^v:/);
    client.sendRaw(Buffer.from([1, 2, 3]));
    expect((await client.next('error')).message).toMatch(/JSON text/);
    client.send({ type: 'message', clientId: id, text: 'a\u0000b' });
    expect((await client.next('error')).message).toMatch(/cannot be stored/);
    expect(await rowCounts(server.store.db)).toEqual(before);

    client.send({ type: 'message', clientId: id, text: 'Et maintenant ?' });
    expect((await client.next('ack')).clientId).toBe(id);
  });

  it('asks for hello before anything else', async () => {
    const client = await ChatClient.connect(server.socketUrl);
    open.push(client);
    client.send({ type: 'message', clientId: clientId(), text: 'hello?' });
    expect((await client.next('error')).message).toMatch(/hello first/);
    client.send({ type: 'hello', key: server.keys.fr });
    expect((await client.next('welcome')).open).toBe(true);
  });

  it('brings the answer of an agent signed in through the API, with their name and typing', async () => {
    const { client, welcome } = await hello(server);
    open.push(client);
    const id = clientId();
    client.send({ type: 'message', clientId: id, text: 'Ma facture est fausse' });
    await client.next('ack');
    // Nobody has answered a chat yet: no history to estimate the wait from.
    expect((await client.next('queue')).estimatedWait).toBeNull();
    const conversationId = (await messagesWith(server, id))[0]?.conversation_id ?? '';

    const admin = await server.signIn('fr.admin@test.example');
    const paris = server.fixture.agents.paris;
    const assigned = await admin.patch(`/api/conversations/${conversationId}`, { assigneeId: paris.id });
    expect(assigned.status).toBe(200);

    const agent = await server.signIn('paris.agent@test.example');
    client.send({ type: 'typing' });
    // The typing frame is handled before this message: frames are taken in order.
    client.send({ type: 'message', clientId: clientId(), text: 'Vous êtes là ?' });
    await client.next('ack');
    const typing = await agent.post(`/api/conversations/${conversationId}/typing`, undefined);
    expect(typing).toEqual({ status: 200, body: { visitorTyping: true } });
    expect(await client.next('typing')).toEqual({ v: 1, type: 'typing', name: 'paris.agent' });

    const reply = await agent.post(`/api/conversations/${conversationId}/messages`, {
      direction: 'outbound',
      text: 'Bonjour, je regarde votre facture.',
    });
    expect(reply.status).toBe(201);
    const replyId = (reply.body as { id: string }).id;
    const shown = await client.next('message', (m) => m.id === replyId);
    expect(shown).toMatchObject({
      text: 'Bonjour, je regarde votre facture.',
      author: { kind: 'agent', name: 'paris.agent' },
    });

    // The chat sender shows it at once where the visitor is connected, and it is sent.
    const outcome = await deliverMessage(
      server.store.db,
      { chat: chatSender({ db: server.store.db, hub: server.hub }) },
      replyId,
    );
    expect(outcome).toBe('sent');

    // Back after a reload: the same visitor sees their chat and who serves them.
    const again = await hello(server, { visitor: welcome.visitor });
    open.push(again.client);
    expect(again.welcome.agentName).toBe('paris.agent');
    expect(again.welcome.visitor).toBe(welcome.visitor);
    const replayed = await again.client.next('message', (m) => m.id === replyId);
    expect(replayed.author.name).toBe('paris.agent');
    const mine = await again.client.next('message', (m) => m.clientId === id);
    expect(mine.author.kind).toBe('customer');

    // A chat was answered: the next visitor's wait is estimated from it.
    const next = await hello(server);
    open.push(next.client);
    next.client.send({ type: 'message', clientId: clientId(), text: 'Bonjour' });
    await next.client.next('ack');
    expect(typeof (await next.client.next('queue')).estimatedWait).toBe('number');

    // Typing is for chats only.
    const other = await agent.post(
      `/api/conversations/${server.fixture.conversations.frAtBucharest.id}/typing`,
      undefined,
    );
    expect(other.status).toBe(404);
  });

  it('replays on reconnect what the visitor missed while away', async () => {
    const { client, welcome } = await hello(server);
    const id = clientId();
    client.send({ type: 'message', clientId: id, text: 'Je reviens' });
    const ack = await client.next('ack');
    client.close();
    const conversationId = (await messagesWith(server, id))[0]?.conversation_id ?? '';
    const admin = await server.signIn('fr.admin@test.example');
    const reply = await admin.post(`/api/conversations/${conversationId}/messages`, {
      direction: 'outbound',
      text: 'Nous avons répondu pendant votre absence.',
    });
    expect(reply.status).toBe(201);

    const back = await hello(server, { visitor: welcome.visitor, lastSeen: ack.id });
    open.push(back.client);
    const missed = await back.client.next('message', (m) => m.id === (reply.body as { id: string }).id);
    expect(missed.text).toBe('Nous avons répondu pendant votre absence.');
    // The unacknowledged message sent again on the new connection: stored once.
    back.client.send({ type: 'message', clientId: id, text: 'Je reviens' });
    expect((await back.client.next('ack')).id).toBe(ack.id);
    expect(await messagesWith(server, id)).toHaveLength(1);
  });

  it('brings a reply to a visitor whose widget is connected to another process', async () => {
    const other = await server.twin();
    const client = await ChatClient.connect(other.socketUrl);
    open.push(client);
    client.send({ type: 'hello', key: server.keys.fr });
    await client.next('welcome');
    const id = clientId();
    client.send({ type: 'message', clientId: id, text: 'Je suis sur une autre machine' });
    await client.next('ack');
    const conversationId = (await messagesWith(server, id))[0]?.conversation_id ?? '';

    // The agent's request and the delivery worker run here; the widget is held there.
    const admin = await server.signIn('fr.admin@test.example');
    const reply = await admin.post(`/api/conversations/${conversationId}/messages`, {
      direction: 'outbound',
      text: 'Réponse depuis le premier processus',
    });
    const replyId = (reply.body as { id: string }).id;
    const senders = { chat: chatSender({ db: server.store.db, hub: server.hub }) };
    expect(await deliverMessage(server.store.db, senders, replyId)).toBe('sent');
    const shown = await client.next('message', (m) => m.id === replyId);
    expect(shown.text).toBe('Réponse depuis le premier processus');
  });

  it('never lets a made-up or foreign token resume someone else’s conversation', async () => {
    const first = await hello(server);
    open.push(first.client);
    first.client.send({ type: 'message', clientId: clientId(), text: 'Mon numéro de client est 12345' });
    await first.client.next('ack');

    const guessed = await hello(server, { visitor: `${first.welcome.visitor.slice(0, -2)}AA` });
    open.push(guessed.client);
    expect(guessed.welcome.visitor).not.toBe(first.welcome.visitor);
    guessed.client.send({ type: 'message', clientId: clientId(), text: 'Qui suis-je ?' });
    await guessed.client.next('ack');
    // Everything a resumed visitor is sent comes before the answer to their first frame.
    expect(guessed.client.frames.filter((f) => f.type === 'message')).toEqual([]);

    // The right token on another subsidiary's widget is nobody there.
    const foreign = await ChatClient.connect(server.socketUrl);
    open.push(foreign);
    foreign.send({ type: 'hello', key: server.keys.ma, visitor: first.welcome.visitor });
    const welcome = await foreign.next('welcome');
    expect(welcome.visitor).not.toBe(first.welcome.visitor);
    foreign.send({ type: 'typing' });
    foreign.send({ type: 'message', clientId: clientId(), text: 'مرحبا' });
    await foreign.next('ack');
    expect(foreign.frames.filter((f) => f.type === 'message')).toEqual([]);
  });

  it('takes the widget only on the pages its endpoint allows', async () => {
    await createEndpoint(
      server.store.db,
      { actor: SYSTEM_ACTOR, now: new Date() },
      {
        subsidiaryId: server.fixture.subsidiaries.fr.id,
        channel: 'chat',
        address: 'fr-shop-widget',
        name: 'Boutique',
        settings: { allowedOrigins: ['https://shop.example.fr/'], greeting: { fr: 'Bienvenue !' } },
      },
    );
    const stranger = await ChatClient.connect(server.socketUrl, { origin: 'https://evil.example' });
    stranger.send({ type: 'hello', key: 'fr-shop-widget' });
    expect((await stranger.next('error')).code).toBe('origin_refused');
    expect(await stranger.closed()).toBe(4400);
    const shop = await ChatClient.connect(server.socketUrl, { origin: 'https://shop.example.fr' });
    open.push(shop);
    shop.send({ type: 'hello', key: 'fr-shop-widget', language: 'fr' });
    expect((await shop.next('welcome')).greeting).toBe('Bienvenue !');
  });

  it('serves the widget script with caching headers', async () => {
    const res = await fetch(`${server.url}/chat/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = res.headers.get('etag') ?? '';
    expect(await res.text()).toMatch(/attachShadow/);
    const again = await fetch(`${server.url}/chat/widget.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });
});

describe('web chat while every site is closed', () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer(SATURDAY);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('offers the offline form with the next opening, and files it once as an email conversation', async () => {
    const { client, welcome } = await hello(server);
    expect(welcome.open).toBe(false);
    expect(welcome.nextOpening).toBe('2026-11-30T06:00:00.000Z');
    const id = clientId();
    const form = {
      type: 'offline',
      clientId: id,
      name: 'Léa Dupont',
      email: 'Lea@Example.fr',
      text: 'Rappelez-moi lundi',
    };
    client.send({ ...form, email: 'not an address' });
    expect(await client.next('error')).toMatchObject({ code: 'invalid_frame', clientId: id });
    client.send(form);
    const ack = await client.next('ack');
    client.send(form);
    expect((await client.next('ack')).id).toBe(ack.id);
    client.close();

    const stored = await messagesWith(server, id);
    expect(stored).toHaveLength(1);
    const conversation = await server.store.db
      .selectFrom('conversations')
      .innerJoin('customers', 'customers.id', 'conversations.customer_id')
      .innerJoin('customer_identities', 'customer_identities.customer_id', 'customers.id')
      .select([
        'conversations.channel',
        'conversations.subsidiary_id',
        'customers.display_name',
        'customer_identities.kind',
        'customer_identities.value',
      ])
      .where('conversations.id', '=', stored[0]?.conversation_id ?? '')
      .executeTakeFirstOrThrow();
    expect(conversation).toEqual({
      channel: 'email',
      subsidiary_id: server.fixture.subsidiaries.fr.id,
      display_name: 'Léa Dupont',
      kind: 'email',
      value: 'lea@example.fr',
    });
  });
});
