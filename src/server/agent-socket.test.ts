import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../conversations/index.ts';
import { SYSTEM_ACTOR } from '../core/index.ts';
import { RoutingService } from '../routing/index.ts';
import { type ChatServer, FIXTURE_PASSWORD, onPostgres, startChatServer } from '../testing/index.ts';

// A Monday, 11:00 in Paris: the fixture's sites are open.
const NOW = new Date('2026-11-23T10:00:00Z');

interface WsClient {
  readyState: number;
  send(data: string): void;
  close(): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'open', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (
  url: string,
  options?: { headers?: Record<string, string> },
) => WsClient;

type Frame = { type: string } & Record<string, unknown>;

/** An agent's side of the socket, spoken with the `ws` client. */
class AgentClient {
  readonly frames: Frame[] = [];
  readonly #socket: WsClient;
  #wake: Array<() => void> = [];
  constructor(socket: WsClient) {
    this.#socket = socket;
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString('utf8')) as Frame);
      for (const wake of this.#wake.splice(0)) wake();
    });
  }
  static connect(url: string, cookie: string): Promise<AgentClient> {
    const socket = new WebSocket(url, { headers: { cookie } });
    return new Promise((resolve, reject) => {
      const client = new AgentClient(socket);
      socket.on('open', () => resolve(client));
      socket.on('error', reject);
    });
  }
  send(frame: Record<string, unknown> | string): void {
    this.#socket.send(typeof frame === 'string' ? frame : JSON.stringify({ v: 1, ...frame }));
  }
  /** The first frame not taken yet that matches; waits for it (at most 10 s). */
  async next(type: string, match: (f: Frame) => boolean = () => true): Promise<Frame> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type && match(f));
      if (i >= 0) return this.frames.splice(i, 1)[0] as Frame;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  /** Whether a matching frame was received (without waiting). */
  has(type: string, match: (f: Frame) => boolean = () => true): boolean {
    return this.frames.some((f) => f.type === type && match(f));
  }
  close(): void {
    this.#socket.close();
  }
}

describe(`agents' socket: presence and offers (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: ChatServer;
  let service: RoutingService;
  let skew = 0;
  const cookies = new Map<string, string>();
  const sockets: AgentClient[] = [];

  const cookieOf = async (email: string) => {
    const known = cookies.get(email);
    if (known) return known;
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: FIXTURE_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    cookies.set(email, cookie);
    return cookie;
  };
  const connect = async (email: string) => {
    const client = await AgentClient.connect(
      `${server.url.replace(/^http/, 'ws')}/api/agents/me/socket`,
      await cookieOf(email),
    );
    sockets.push(client);
    await client.next('welcome');
    return client;
  };
  const conversation = async (subject: string, subsidiary: 'fr' | 'ma' = 'fr') =>
    server.store.db.transaction().execute(async (trx) => {
      const c = await createConversation(
        trx,
        { actor: SYSTEM_ACTOR, now: new Date() },
        {
          subsidiaryId: server.fixture.subsidiaries[subsidiary].id,
          customerId:
            subsidiary === 'fr'
              ? server.fixture.customers.frUnrouted.id
              : server.fixture.customers.maAtCasablanca.id,
          channel: 'chat',
          language: 'fr',
          subject,
          tier: 'level1',
          requiredSkills: [],
          priority: 'normal',
          message: { direction: 'inbound', text: subject, attachments: [] },
        },
      );
      return c.conversation.id;
    });
  const assigneeOf = async (id: string) =>
    (
      await server.store.db
        .selectFrom('conversations')
        .select('assignee_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).assignee_id;

  /** The agent a conversation is offered to now, and their socket of the given ones. */
  const offeredTo = async (id: string, clients: Record<string, AgentClient>) => {
    for (let i = 0; i < 100; i++) {
      const row = await server.store.db
        .selectFrom('routing_offers')
        .select('agent_id')
        .where('conversation_id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (row) {
        const [name, client] = Object.entries(clients).find(
          ([n]) => server.fixture.agents[n as 'bucharest'].id === row.agent_id,
        ) as [string, AgentClient];
        const other = Object.entries(clients).find(([n]) => n !== name)?.[1] as AgentClient;
        return { client, other, offer: await client.next('offer', (f) => f.conversationId === id) };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no pending offer for ${id}`);
  };

  beforeAll(async () => {
    server = await startChatServer(NOW);
    // A quiet floor: only the conversations of these tests wait.
    await server.store.db
      .updateTable('conversations')
      .set({ status: 'closed' })
      .where('status', '=', 'open')
      .execute();
    service = new RoutingService(server.store.db, {
      now: () => new Date(NOW.getTime() + skew),
      offers: { mode: 'offer', seconds: 20 },
    });
    await service.sync();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await service?.stop();
    await server?.close();
  });

  it('sets the presence of the signed-in agent', async () => {
    const buc = await connect('buc.agent@test.example');
    buc.send({ type: 'presence', presence: 'available' });
    expect((await buc.next('presence')).presence).toBe('available');
    const row = await server.store.db
      .selectFrom('agents')
      .select('presence')
      .where('id', '=', server.fixture.agents.bucharest.id)
      .executeTakeFirstOrThrow();
    expect(row.presence).toBe('available');
  });

  it('answers a bad frame with an error frame and stays usable', async () => {
    const buc = await connect('buc.agent@test.example');
    buc.send('not json');
    expect((await buc.next('error')).code).toBe('invalid_frame');
    buc.send({ type: 'presence', presence: 'on the moon' });
    expect((await buc.next('error')).code).toBe('invalid_frame');
    buc.send({ type: 'accept', offerId: 'nope' });
    expect((await buc.next('error')).code).toBe('invalid_frame');
    buc.send({ type: 'ping' });
    await buc.next('pong');
  });

  it('refuses a caller who is not signed in', async () => {
    const res = await fetch(`${server.url}/api/agents/me/socket`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('unauthenticated');
  });

  it('offers a conversation; accepting assigns it to the agent', async () => {
    const buc = await connect('buc.agent@test.example');
    const id = await conversation('Ma box ne marche plus');
    expect((await service.sync()).offered).toBe(1);
    const offer = await buc.next('offer', (f) => f.conversationId === id);
    expect(offer).toMatchObject({ channel: 'chat', language: 'fr', customerName: 'Chloé Petit' });
    expect(typeof offer.expiresAt).toBe('string');
    expect(await assigneeOf(id)).toBeNull();
    buc.send({ type: 'accept', offerId: offer.offerId });
    expect((await buc.next('assigned', (f) => f.conversationId === id)).offerId).toBe(offer.offerId);
    expect(await assigneeOf(id)).toBe(server.fixture.agents.bucharest.id);
    await service.sync();
  });

  it('a declined offer goes to the next agent', async () => {
    const buc = await connect('buc.agent@test.example');
    const cas = await connect('cas.agent@test.example');
    cas.send({ type: 'presence', presence: 'available' });
    await cas.next('presence');
    await service.sync();
    const id = await conversation('Facture');
    await service.sync();
    const { client, other, offer } = await offeredTo(id, { bucharest: buc, casablanca: cas });
    const first = { client, o: offer };
    first.client.send({ type: 'decline', offerId: first.o.offerId });
    await first.client.next('declined', (f) => f.conversationId === id);
    await service.sync();
    const second = await other.next('offer', (f) => f.conversationId === id);
    other.send({ type: 'accept', offerId: second.offerId });
    await other.next('assigned', (f) => f.conversationId === id);
    expect(await assigneeOf(id)).not.toBeNull();
    await service.sync();
  });

  it('an offer nobody answers expires and goes to the next agent', async () => {
    const buc = await connect('buc.agent@test.example');
    const cas = await connect('cas.agent@test.example');
    const id = await conversation('Résiliation');
    await service.sync();
    const { client, other, offer } = await offeredTo(id, { bucharest: buc, casablanca: cas });
    const first = { client, o: offer };
    skew += 25_000;
    await service.sync();
    await first.client.next('offer_expired', (f) => f.offerId === first.o.offerId);
    const second = await other.next('offer', (f) => f.conversationId === id);
    // The first agent's late answer is refused; the second one's wins.
    first.client.send({ type: 'accept', offerId: first.o.offerId });
    expect((await first.client.next('error')).code).toBe('offer_gone');
    other.send({ type: 'accept', offerId: second.offerId });
    await other.next('assigned', (f) => f.conversationId === id);
    await service.sync();
  });

  it('accepting one offer from two sockets at once, and from another agent: one assignment', async () => {
    const a = await connect('buc.agent@test.example');
    const b = await connect('buc.agent@test.example');
    const cas = await connect('cas.agent@test.example');
    const id = await conversation('Double accept');
    await service.sync();
    const { offer } = await offeredTo(id, { bucharest: a, casablanca: cas });
    expect(await assigneeOf(id)).toBeNull();
    for (const client of [a, b, cas]) client.send({ type: 'accept', offerId: offer.offerId });
    const answers = await Promise.all(
      [a, b, cas].map((client) =>
        Promise.race([
          client.next('assigned', (f) => f.conversationId === id).then(() => 'assigned'),
          client.next('error', (f) => f.code === 'offer_gone').then(() => 'gone'),
        ]),
      ),
    );
    expect(answers.filter((x) => x === 'assigned')).toHaveLength(1);
    expect(answers.filter((x) => x === 'gone')).toHaveLength(2);
    const decisions = await server.store.db
      .selectFrom('routing_decisions')
      .select('agent_id')
      .where('conversation_id', '=', id)
      .where('kind', '=', 'assigned')
      .execute();
    expect(decisions).toHaveLength(1);
    expect(await assigneeOf(id)).toBe(decisions[0]?.agent_id);
    await service.sync();
  });

  it("an agent at a site that does not serve the conversation's subsidiary never sees its offer", async () => {
    const buc = await connect('buc.agent@test.example');
    const cas = await connect('cas.agent@test.example');
    const id = await conversation('Bonjour depuis Rabat', 'ma');
    await service.sync();
    const offer = await cas.next('offer', (f) => f.conversationId === id);
    cas.send({ type: 'decline', offerId: offer.offerId });
    await cas.next('declined');
    await service.sync();
    // Declined by the only agent who may take it: it waits, and Bucharest (France only) is never asked.
    buc.send({ type: 'ping' });
    await buc.next('pong');
    expect(buc.has('offer', (f) => f.conversationId === id)).toBe(false);
    expect(await assigneeOf(id)).toBeNull();
  });
});
