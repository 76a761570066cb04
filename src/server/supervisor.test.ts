import { createRequire } from 'node:module';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../conversations/index.ts';
import { type Context, hashPassword, SYSTEM_ACTOR } from '../core/index.ts';
import { createAgent, createUser } from '../organisation/index.ts';
import type { Store } from '../store/index.ts';
import {
  createFixture,
  FIXTURE_PASSWORD,
  type Fixture,
  freshStore,
  onPostgres,
  startRunningRelais,
} from '../testing/index.ts';
import type { Running } from './start.ts';

interface WsClient {
  send(data: string): void;
  close(): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'open', listener: () => void): void;
  on(event: 'close', listener: (code: number) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (
  url: string,
  options?: { headers?: Record<string, string> },
) => WsClient;

interface BoardAgent {
  id: string;
  displayName: string;
  site: { id: string; name: string; subsidiaryIds: string[] };
  tier: string;
  presence: string;
  presenceSince: string;
  load: { total: number; perChannel: Record<string, number> };
  capacity: { total: number; perChannel: Record<string, number> };
  conversations: Array<{ id: string; subsidiaryId: string; channel: string; subject: string | null }>;
}
interface Figures {
  arrived: number;
  answered: number;
  answeredInTarget: number;
  serviceLevel: number | null;
  breaches: { firstResponse: number; resolution: number };
  waiting: number;
  atRisk: number;
  averageSpeedOfAnswerSeconds: number | null;
}
interface ServiceLevel {
  asOf: string;
  subsidiaries: Array<{
    subsidiaryId: string;
    name: string;
    timeZone: string;
    day: string;
    dayStart: string;
    total: Figures;
    channels: Array<Figures & { channel: string }>;
  }>;
}
type Frame = { v: number; type: string; agents?: BoardAgent[]; serviceLevel?: ServiceLevel };

/** A person signed in over HTTP, as the web app is. */
async function signIn(url: string, email: string) {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: FIXTURE_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      etag: res.headers.get('etag') ?? '',
      // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
      body: (text ? JSON.parse(text) : undefined) as any,
    };
  };
  return {
    cookie,
    get: (path: string) => call('GET', path),
    put: (path: string, body: unknown) => call('PUT', path, body),
    /** PATCH with If-Match from a fresh GET, unless one is given. */
    patch: async (path: string, body: unknown, etag?: string) =>
      call('PATCH', path, body, { 'if-match': etag ?? (await call('GET', path)).etag }),
  };
}

/** People the fixture lacks: Morocco's administrator and a second agent in Casablanca. */
async function addPeople(store: Store, fixture: Fixture): Promise<{ casSecond: string }> {
  const ctx: Context = { actor: SYSTEM_ACTOR, now: new Date() };
  const casSecond = await store.db.transaction().execute(async (trx) => {
    await createUser(trx, ctx, {
      email: 'ma.admin@test.example',
      displayName: 'ma.admin',
      locale: 'ar',
      role: 'admin',
      scope: { kind: 'subsidiary', subsidiaryId: fixture.subsidiaries.ma.id },
    });
    return createAgent(trx, ctx, {
      user: { email: 'cas.agent2@test.example', displayName: 'cas.agent2', locale: 'ar' },
      siteId: fixture.sites.casablanca.id,
      tier: 'level1',
      languages: [
        { tag: 'ar', proficiency: 5 },
        { tag: 'fr', proficiency: 4 },
      ],
      skills: [],
      capacity: { perChannel: { chat: 3, email: 2 }, total: 4 },
    });
  });
  await store.db
    .updateTable('users')
    .set({ password_hash: await hashPassword(FIXTURE_PASSWORD) })
    .where('email', 'in', ['ma.admin@test.example', 'cas.agent2@test.example'])
    .execute();
  return { casSecond: casSecond.id };
}

/** The board over the socket: every frame kept, waited for by what it shows. */
class BoardWatcher {
  readonly frames: Frame[] = [];
  closedWith: number | undefined;
  #wake: Array<() => void> = [];
  constructor(readonly socket: WsClient) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString('utf8')) as Frame);
      for (const wake of this.#wake.splice(0)) wake();
    });
    socket.on('close', (code) => {
      this.closedWith = code;
      for (const wake of this.#wake.splice(0)) wake();
    });
  }
  /** The first frame not taken yet that matches (at most 10 s), dropping those before it. */
  async next(match: (f: Frame) => boolean): Promise<Frame> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const i = this.frames.findIndex(match);
      if (i >= 0) return this.frames.splice(0, i + 1)[i] as Frame;
      const left = deadline - Date.now();
      if (left <= 0 || this.closedWith !== undefined)
        throw new Error(`no such frame (closed: ${this.closedWith}); got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

const agentIn = (agents: BoardAgent[] | undefined, id: string) => agents?.find((a) => a.id === id);

describe(`the agents' board, reassigning and its socket (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let fixture: Fixture;
  let running: Running;
  let casSecond: string;
  const sockets: WsClient[] = [];

  const socketUrl = (query = '') => `${running.url.replace(/^http/, 'ws')}/api/supervisor/socket${query}`;
  const watch = async (email: string, query = '') => {
    const { cookie } = await signIn(running.url, email);
    const socket = new WebSocket(socketUrl(query), { headers: { cookie } });
    sockets.push(socket);
    const watcher = new BoardWatcher(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => resolve());
      socket.on('error', reject);
    });
    return watcher;
  };
  /** Who holds a conversation, in the store. */
  const holder = async (id: string) =>
    store.db
      .selectFrom('conversations')
      .select(['assignee_id', 'site_id', 'status', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    store = await freshStore();
    fixture = await createFixture(store.db);
    ({ casSecond } = await addPeople(store, fixture));
    running = await startRunningRelais(store, { env: { RELAIS_ROUTING: 'off', RELAIS_LOGIN_LIMIT: '1000' } });
    // Casablanca's agent holds a French and a Moroccan conversation; Bucharest's a French one.
    const admin = await signIn(running.url, 'group.admin@test.example');
    const c = fixture.conversations;
    for (const [id, agent] of [
      [c.frAtCasablanca.id, fixture.agents.casablanca.id],
      [c.maAtCasablanca.id, fixture.agents.casablanca.id],
      [c.frAtBucharest.id, fixture.agents.bucharest.id],
    ] as const)
      expect((await admin.patch(`/api/conversations/${id}`, { assigneeId: agent })).status).toBe(200);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await running?.close();
    await store?.close();
  });

  it("shows France's administrator the agents of every site serving France, by site, with load against capacity", async () => {
    const fr = await signIn(running.url, 'fr.admin@test.example');
    const res = await fr.get('/api/agents/board');
    expect(res.status).toBe(200);
    const agents = res.body.agents as BoardAgent[];
    expect(agents.map((a) => [a.site.name, a.displayName])).toEqual([
      ['Bucharest', 'buc.agent'],
      ['Casablanca', 'cas.agent'],
      ['Casablanca', 'cas.agent2'],
      ['Paris', 'paris.agent'],
    ]);
    const cas = agentIn(agents, fixture.agents.casablanca.id);
    expect(cas).toMatchObject({
      site: { id: fixture.sites.casablanca.id, name: 'Casablanca' },
      tier: 'level1',
      languages: [{ tag: 'fr', proficiency: 5 }],
      presence: 'offline',
      // Capacity is one, whichever subsidiary the work is for: Morocco's conversation counts too…
      load: { total: 2, perChannel: { email: 2 } },
      capacity: { total: 5, perChannel: { chat: 3, email: 2 } },
    });
    expect(cas?.site.subsidiaryIds.sort()).toEqual(
      [fixture.subsidiaries.fr.id, fixture.subsidiaries.ma.id].sort(),
    );
    // …but France sees only its own.
    expect(cas?.conversations).toEqual([
      {
        id: fixture.conversations.frAtCasablanca.id,
        subsidiaryId: fixture.subsidiaries.fr.id,
        channel: 'email',
        subject: 'Facture incorrecte',
      },
    ]);
    expect(agentIn(agents, fixture.agents.paris.id)).toMatchObject({ load: { total: 0, perChannel: {} } });

    // Narrowed to a site.
    const paris = await fr.get(`/api/agents/board?siteId=${fixture.sites.paris.id}`);
    expect((paris.body.agents as BoardAgent[]).map((a) => a.id)).toEqual([fixture.agents.paris.id]);
  });

  it("shows a partner site's supervisor their own site's agents only, with the work routed to their site", async () => {
    const cas = await signIn(running.url, 'cas.supervisor@test.example');
    const agents = (await cas.get('/api/agents/board')).body.agents as BoardAgent[];
    expect(agents.map((a) => a.id).sort()).toEqual([fixture.agents.casablanca.id, casSecond].sort());
    expect(
      agentIn(agents, fixture.agents.casablanca.id)
        ?.conversations.map((c) => c.id)
        .sort(),
    ).toEqual([fixture.conversations.frAtCasablanca.id, fixture.conversations.maAtCasablanca.id].sort());
    // Another site, asked for by name: nothing.
    const other = await cas.get(`/api/agents/board?siteId=${fixture.sites.bucharest.id}`);
    expect(other.body.agents).toEqual([]);
  });

  it("shows Morocco's administrator none of France's agents, conversations or figures", async () => {
    const ma = await signIn(running.url, 'ma.admin@test.example');
    const agents = (await ma.get('/api/agents/board')).body.agents as BoardAgent[];
    expect(agents.map((a) => a.site.name)).toEqual(['Casablanca', 'Casablanca']);
    const french = [
      fixture.conversations.frAtCasablanca.id,
      fixture.conversations.frAtBucharest.id,
      fixture.conversations.frUnrouted.id,
    ];
    for (const agent of agents)
      for (const c of agent.conversations) {
        expect(french).not.toContain(c.id);
        expect(c.subsidiaryId).toBe(fixture.subsidiaries.ma.id);
      }
    const figures = (await ma.get('/api/service-level/today')).body as ServiceLevel;
    expect(figures.subsidiaries.map((s) => s.subsidiaryId)).toEqual([fixture.subsidiaries.ma.id]);
    const asked = await ma.get(`/api/service-level/today?subsidiaryId=${fixture.subsidiaries.fr.id}`);
    expect(asked.body.subsidiaries).toEqual([]);
  });

  it('is for supervisors and administrators: an agent and an analyst are refused the board', async () => {
    const agent = await signIn(running.url, 'cas.agent@test.example');
    expect((await agent.get('/api/agents/board')).status).toBe(403);
    const analyst = await signIn(running.url, 'fr.analyst@test.example');
    expect((await analyst.get('/api/agents/board')).status).toBe(403);
    // Figures are a read of conversations: the analyst sees France's.
    const figures = await analyst.get('/api/service-level/today');
    expect(figures.status).toBe(200);
    expect(figures.body.subsidiaries.map((s: { name: string }) => s.name)).toEqual(['Test France']);
    const bad = await analyst.get('/api/service-level/today?siteId=paris');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
  });

  it("lets France's administrator reassign across the sites serving France, guarded by If-Match", async () => {
    const fr = await signIn(running.url, 'fr.admin@test.example');
    const id = fixture.conversations.frAtCasablanca.id;
    const url = `/api/conversations/${id}`;
    const read = await fr.get(url);
    // Someone changed it since it was read: refused, nothing moves.
    const bumped = await fr.patch(url, { priority: 'high' }, read.etag);
    expect(bumped.status).toBe(200);
    const stale = await fr.patch(url, { assigneeId: fixture.agents.bucharest.id }, read.etag);
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    expect((await holder(id)).assignee_id).toBe(fixture.agents.casablanca.id);

    const moved = await fr.patch(url, { assigneeId: fixture.agents.bucharest.id });
    expect(moved.status).toBe(200);
    expect(await holder(id)).toMatchObject({
      assignee_id: fixture.agents.bucharest.id,
      site_id: fixture.sites.bucharest.id,
      status: 'assigned',
    });
    const board = (await fr.get('/api/agents/board')).body.agents as BoardAgent[];
    expect(agentIn(board, fixture.agents.bucharest.id)?.load.total).toBe(2);
    expect(agentIn(board, fixture.agents.casablanca.id)?.load.total).toBe(1);
  });

  it("lets a partner site's supervisor reassign between their own agents, not to or from another site's", async () => {
    const cas = await signIn(running.url, 'cas.supervisor@test.example');
    const ma = `/api/conversations/${fixture.conversations.maAtCasablanca.id}`;
    expect((await cas.patch(ma, { assigneeId: casSecond })).status).toBe(200);
    expect((await holder(fixture.conversations.maAtCasablanca.id)).assignee_id).toBe(casSecond);

    // To Bucharest's agent: refused, naming the field.
    const before = await holder(fixture.conversations.maAtCasablanca.id);
    const away = await cas.patch(ma, { assigneeId: fixture.agents.bucharest.id });
    expect(away.status).toBe(400);
    expect(away.body.errors.map((e: { path: string }) => e.path)).toContain('assigneeId');
    expect(await holder(fixture.conversations.maAtCasablanca.id)).toEqual(before);

    // From Bucharest's agent: the conversation is not theirs to see.
    const buc = fixture.conversations.frAtBucharest.id;
    const bucBefore = await holder(buc);
    const group = await signIn(running.url, 'group.admin@test.example');
    const etag = (await group.get(`/api/conversations/${buc}`)).etag;
    const pulled = await cas.patch(`/api/conversations/${buc}`, { assigneeId: casSecond }, etag);
    expect(pulled.status).toBe(404);
    expect(await holder(buc)).toEqual(bucBefore);
  });

  it('pushes the board on connecting, and again when an agent changes presence or work is reassigned', async () => {
    const board = await watch('fr.admin@test.example');
    const first = await board.next((f) => f.type === 'board');
    expect(first.v).toBe(1);
    expect(first.agents?.map((a) => a.displayName)).toEqual([
      'buc.agent',
      'cas.agent',
      'cas.agent2',
      'paris.agent',
    ]);
    expect(first.serviceLevel?.subsidiaries.map((s) => s.name)).toEqual(['Test France']);
    const before = agentIn(first.agents, fixture.agents.paris.id)?.presence;

    // The agent, from their own workspace.
    const paris = await signIn(running.url, 'paris.agent@test.example');
    const next = before === 'available' ? 'away' : 'available';
    expect((await paris.put('/api/agents/me/presence', { presence: next })).status).toBe(200);
    const changed = await board.next(
      (f) => f.type === 'board' && agentIn(f.agents, fixture.agents.paris.id)?.presence === next,
    );
    expect(Date.parse(agentIn(changed.agents, fixture.agents.paris.id)?.presenceSince ?? '')).toBeGreaterThan(
      Date.parse(agentIn(first.agents, fixture.agents.paris.id)?.presenceSince ?? ''),
    );

    // A reassignment writes no event, only its audit row: the board follows all the same.
    const fr = await signIn(running.url, 'fr.admin@test.example');
    const id = fixture.conversations.frAtCasablanca.id;
    expect((await fr.patch(`/api/conversations/${id}`, { assigneeId: fixture.agents.paris.id })).status).toBe(
      200,
    );
    const moved = await board.next(
      (f) =>
        f.type === 'board' &&
        (agentIn(f.agents, fixture.agents.paris.id)?.conversations.some((c) => c.id === id) ?? false),
    );
    expect(agentIn(moved.agents, fixture.agents.bucharest.id)?.conversations.map((c) => c.id)).not.toContain(
      id,
    );

    board.socket.send(JSON.stringify({ v: 1, type: 'ping' }));
    await board.next((f) => f.type === 'pong');
  });

  it("pushes a partner site's supervisor their own site only", async () => {
    const board = await watch('cas.supervisor@test.example');
    const first = await board.next((f) => f.type === 'board');
    for (const agent of first.agents ?? []) expect(agent.site.id).toBe(fixture.sites.casablanca.id);
    expect(first.agents?.length).toBe(2);
  });

  it('refuses the socket without signing in, to an agent, and to a page of another origin', async () => {
    const refusal = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(socketUrl(), { headers });
        socket.on('error', (e) => resolve(e.message));
        socket.on('open', () => resolve('opened'));
      });
    expect(await refusal({})).toContain('401');
    const agent = await signIn(running.url, 'cas.agent@test.example');
    expect(await refusal({ cookie: agent.cookie })).toContain('403');
    const admin = await signIn(running.url, 'fr.admin@test.example');
    expect(
      await new Promise<string>((resolve) => {
        const socket = new WebSocket(`${socketUrl()}?siteId=nope`, { headers: { cookie: admin.cookie } });
        socket.on('error', (e) => resolve(e.message));
        socket.on('open', () => resolve('opened'));
      }),
    ).toContain('400');

    const socket = new WebSocket(socketUrl(), {
      headers: { cookie: admin.cookie, origin: 'https://elsewhere.example' },
    });
    sockets.push(socket);
    const stranger = new BoardWatcher(socket);
    await expect(stranger.next((f) => f.type === 'board')).rejects.toThrow(/closed: 1008/);
  });
});

describe("today's service level on a constructed day", () => {
  // Monday 23 November 2026, 16:00 in Paris and in Casablanca (both UTC+1 then).
  const NOW = new Date('2026-11-23T15:00:00Z');
  let store: Awaited<ReturnType<typeof freshStore>>;
  let fixture: Fixture;
  let running: Running;

  interface Shape {
    subsidiary?: 'fr' | 'ma';
    channel: 'chat' | 'email';
    createdAt: string;
    status?: 'open' | 'assigned' | 'resolved';
    respondedAt?: string;
    firstDue?: string;
    resolutionDue?: string;
    resolvedAt?: string;
    site?: 'casablanca';
  }
  const d = (iso: string | undefined) => (iso === undefined ? null : new Date(iso));
  /** A conversation as it stands now: its times written straight to the store. */
  async function conversation(shape: Shape): Promise<string> {
    const subsidiary = shape.subsidiary ?? 'fr';
    const ctx: Context = { actor: SYSTEM_ACTOR, now: NOW };
    const { conversation } = await createConversation(store.db, ctx, {
      subsidiaryId: fixture.subsidiaries[subsidiary].id,
      customerId: subsidiary === 'fr' ? fixture.customers.frUnrouted.id : fixture.customers.maAtCasablanca.id,
      channel: shape.channel,
      language: 'fr',
      tier: 'level1',
      requiredSkills: [],
      priority: 'normal',
      ...(shape.site ? { siteId: fixture.sites[shape.site].id } : {}),
      message: { direction: 'inbound', text: 'Bonjour', attachments: [] },
    });
    await sql`
      update conversations set
        created_at = ${new Date(shape.createdAt)},
        status = ${shape.status ?? 'open'},
        assignee_id = ${shape.status === 'assigned' ? fixture.agents.casablanca.id : null},
        first_responded_at = ${d(shape.respondedAt)},
        first_response_due_at = ${d(shape.firstDue)},
        resolution_due_at = ${d(shape.resolutionDue)},
        resolved_at = ${d(shape.resolvedAt)}
      where id = ${conversation.id}
    `.execute(store.db);
    return conversation.id;
  }
  const LATER = '2026-11-25T12:00:00Z';

  beforeAll(async () => {
    store = await freshStore();
    fixture = await createFixture(store.db);
    await addPeople(store, fixture);
    // The fixture's conversations were closed long ago.
    await sql`
      update conversations set status = 'closed', created_at = '2020-01-06T10:00:00Z',
        resolved_at = '2020-01-06T11:00:00Z', first_response_due_at = null, resolution_due_at = null
    `.execute(store.db);
    // France's chats.
    // 00:30 in Paris (still the 22nd in UTC), answered in 30 s.
    await conversation({
      channel: 'chat',
      createdAt: '2026-11-22T23:30:00Z',
      status: 'resolved',
      respondedAt: '2026-11-22T23:30:30Z',
      firstDue: '2026-11-22T23:31:00Z',
      resolutionDue: '2026-11-23T00:30:00Z',
      resolvedAt: '2026-11-22T23:40:00Z',
    });
    // Answered in 150 s, a minute and a half late; routed to Casablanca.
    await conversation({
      channel: 'chat',
      createdAt: '2026-11-23T10:00:00Z',
      status: 'resolved',
      respondedAt: '2026-11-23T10:02:30Z',
      firstDue: '2026-11-23T10:01:00Z',
      resolutionDue: LATER,
      resolvedAt: '2026-11-23T10:20:00Z',
      site: 'casablanca',
    });
    // Waiting, due in 3 minutes: at risk.
    await conversation({
      channel: 'chat',
      createdAt: '2026-11-23T14:58:00Z',
      firstDue: '2026-11-23T15:03:00Z',
      resolutionDue: LATER,
    });
    // Waiting, due an hour ago: a breach, and no longer at risk.
    await conversation({
      channel: 'chat',
      createdAt: '2026-11-23T14:00:00Z',
      firstDue: '2026-11-23T14:01:00Z',
      resolutionDue: LATER,
    });
    // No due times stored (no SLA clock yet): the default policy's chat target, 60 s around the
    // clock, applies — answered in 5 minutes, late; resolved within its hour.
    await conversation({
      channel: 'chat',
      createdAt: '2026-11-23T12:00:00Z',
      status: 'resolved',
      respondedAt: '2026-11-23T12:05:00Z',
      resolvedAt: '2026-11-23T12:30:00Z',
    });
    // Last evening in Paris: yesterday's.
    await conversation({
      channel: 'chat',
      createdAt: '2026-11-22T22:30:00Z',
      status: 'resolved',
      respondedAt: '2026-11-22T22:35:00Z',
      firstDue: '2026-11-22T22:31:00Z',
      resolutionDue: '2026-11-22T23:30:00Z',
      resolvedAt: '2026-11-22T22:40:00Z',
    });
    // France's emails.
    // Arrived Friday, due this morning, unanswered: today's breach, and still waiting.
    await conversation({
      channel: 'email',
      createdAt: '2026-11-20T16:00:00Z',
      firstDue: '2026-11-23T10:00:00Z',
      resolutionDue: LATER,
    });
    // Answered in 10 minutes; resolved an hour after its resolution due time.
    await conversation({
      channel: 'email',
      createdAt: '2026-11-23T08:00:00Z',
      status: 'resolved',
      respondedAt: '2026-11-23T08:10:00Z',
      firstDue: '2026-11-24T08:00:00Z',
      resolutionDue: '2026-11-23T12:00:00Z',
      resolvedAt: '2026-11-23T13:00:00Z',
    });
    // No due times stored: 24 business hours from the policy; answered in 30 minutes.
    await conversation({
      channel: 'email',
      createdAt: '2026-11-23T11:00:00Z',
      status: 'assigned',
      respondedAt: '2026-11-23T11:30:00Z',
    });
    // Morocco's one chat today.
    await conversation({
      subsidiary: 'ma',
      channel: 'chat',
      createdAt: '2026-11-23T09:00:00Z',
      status: 'resolved',
      respondedAt: '2026-11-23T09:00:20Z',
      firstDue: '2026-11-23T09:01:00Z',
      resolutionDue: LATER,
      resolvedAt: '2026-11-23T09:10:00Z',
      site: 'casablanca',
    });
    running = await startRunningRelais(store, {
      env: { RELAIS_ROUTING: 'off', RELAIS_LOGIN_LIMIT: '1000' },
      clock: { now: () => NOW },
    });
  });
  afterAll(async () => {
    await running?.close();
    await store?.close();
  });

  it('counts each subsidiary’s day in its time zone, per channel and in all', async () => {
    const group = await signIn(running.url, 'group.admin@test.example');
    const res = await group.get('/api/service-level/today');
    expect(res.status).toBe(200);
    const figures = res.body as ServiceLevel;
    expect(figures.asOf).toBe(NOW.toISOString());
    expect(figures.subsidiaries.map((s) => s.name)).toEqual(['Test France', 'Test Maroc']);
    const france = figures.subsidiaries[0];
    expect(france).toMatchObject({
      subsidiaryId: fixture.subsidiaries.fr.id,
      timeZone: 'Europe/Paris',
      day: '2026-11-23',
      dayStart: '2026-11-22T23:00:00.000Z',
    });
    expect(france?.channels).toEqual([
      {
        channel: 'chat',
        arrived: 5,
        answered: 3,
        answeredInTarget: 1,
        serviceLevel: 1 / 3,
        breaches: { firstResponse: 3, resolution: 0 },
        waiting: 2,
        atRisk: 1,
        averageSpeedOfAnswerSeconds: (30 + 150 + 300) / 3,
      },
      {
        channel: 'email',
        arrived: 2,
        answered: 2,
        answeredInTarget: 2,
        serviceLevel: 1,
        breaches: { firstResponse: 1, resolution: 1 },
        waiting: 1,
        atRisk: 0,
        averageSpeedOfAnswerSeconds: (600 + 1800) / 2,
      },
    ]);
    expect(france?.total).toEqual({
      arrived: 7,
      answered: 5,
      answeredInTarget: 3,
      serviceLevel: 3 / 5,
      breaches: { firstResponse: 4, resolution: 1 },
      waiting: 3,
      atRisk: 1,
      averageSpeedOfAnswerSeconds: (30 + 150 + 300 + 600 + 1800) / 5,
    });
    expect(figures.subsidiaries[1]?.total).toMatchObject({
      arrived: 1,
      answered: 1,
      answeredInTarget: 1,
      serviceLevel: 1,
      averageSpeedOfAnswerSeconds: 20,
    });
  });

  it("gives a site's supervisor the work routed to their site, and as waiting the work it could take", async () => {
    const cas = await signIn(running.url, 'cas.supervisor@test.example');
    const figures = (await cas.get('/api/service-level/today')).body as ServiceLevel;
    expect(figures.subsidiaries.map((s) => s.name)).toEqual(['Test France', 'Test Maroc']);
    const france = figures.subsidiaries[0];
    // The late chat routed to Casablanca; the two chats and the email waiting unrouted, which
    // Casablanca (French, level 1) could take. The email answered in 30 minutes is held by
    // Casablanca's agent but routed to no site: not Casablanca's.
    expect(france?.total).toEqual({
      arrived: 1,
      answered: 1,
      answeredInTarget: 0,
      serviceLevel: 0,
      breaches: { firstResponse: 1, resolution: 0 },
      waiting: 3,
      atRisk: 1,
      averageSpeedOfAnswerSeconds: 150,
    });
    // France's administrator narrows to Casablanca and reads the same.
    const fr = await signIn(running.url, 'fr.admin@test.example');
    const narrowed = (await fr.get(`/api/service-level/today?siteId=${fixture.sites.casablanca.id}`))
      .body as ServiceLevel;
    expect(narrowed.subsidiaries.map((s) => s.total)).toEqual([france?.total]);
  });
});
