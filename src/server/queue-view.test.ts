import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../conversations/index.ts';
import { hashPassword, SYSTEM_ACTOR } from '../core/index.ts';
import { createUser } from '../organisation/index.ts';
import { type ChatServer, FIXTURE_PASSWORD, onPostgres, startChatServer } from '../testing/index.ts';

// A Monday, 11:00 in Paris.
const NOW = new Date('2026-11-23T10:00:00Z');

interface WsClient {
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
type QueuesFrame = Frame & {
  items: Array<{ conversationId: string; subsidiaryId: string; position: number }>;
};

/** A supervisor's queue view over the socket. */
class QueueWatcher {
  readonly frames: Frame[] = [];
  #wake: Array<() => void> = [];
  constructor(readonly socket: WsClient) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString('utf8')) as Frame);
      for (const wake of this.#wake.splice(0)) wake();
    });
  }
  /** Waits (at most 10 s) for a `queues` frame that matches, dropping the frames before it. */
  async queues(match: (f: QueuesFrame) => boolean): Promise<QueuesFrame> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === 'queues' && match(f as QueuesFrame));
      if (i >= 0) return this.frames.splice(0, i + 1)[i] as QueuesFrame;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such queues frame; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  /** Every `queues` frame received so far. */
  all(): QueuesFrame[] {
    return this.frames.filter((f) => f.type === 'queues') as QueuesFrame[];
  }
}

const ids = (f: QueuesFrame) => f.items.map((i) => i.conversationId);

describe(`queue views for supervisors (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: ChatServer;
  const sockets: WsClient[] = [];
  const cookies = new Map<string, string>();

  const cookieOf = async (email: string) => {
    const known = cookies.get(email);
    if (known) return known;
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: FIXTURE_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    cookies.set(email, cookie);
    return cookie;
  };
  const watch = async (email: string, query = '') => {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/queues/socket${query}`, {
      headers: { cookie: await cookieOf(email) },
    });
    sockets.push(socket);
    const watcher = new QueueWatcher(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => resolve());
      socket.on('error', reject);
    });
    return watcher;
  };
  const waiting = async (
    subject: string,
    subsidiary: 'fr' | 'ma',
    options: { language?: string; tier?: 'level1' | 'level2' } = {},
  ) =>
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
          language: options.language ?? 'fr',
          subject,
          tier: options.tier ?? 'level1',
          requiredSkills: [],
          priority: 'normal',
          message: { direction: 'inbound', text: subject, attachments: [] },
        },
      );
      return c.conversation.id;
    });

  let startedAt = 0;
  beforeAll(async () => {
    startedAt = Date.now();
    server = await startChatServer(NOW);
    // A quiet floor: only the conversations of these tests wait.
    await server.store.db
      .updateTable('conversations')
      .set({ status: 'closed' })
      .where('status', '=', 'open')
      .execute();
    // People the fixture lacks: France's supervisor, and Bucharest's (a site that serves France only, level 1, in French).
    await server.store.db.transaction().execute(async (trx) => {
      const ctx = { actor: SYSTEM_ACTOR, now: new Date() };
      await createUser(trx, ctx, {
        email: 'fr.supervisor@test.example',
        displayName: 'fr.supervisor',
        locale: 'fr',
        role: 'supervisor',
        scope: { kind: 'subsidiary', subsidiaryId: server.fixture.subsidiaries.fr.id },
      });
      await createUser(trx, ctx, {
        email: 'buc.supervisor@test.example',
        displayName: 'buc.supervisor',
        locale: 'ro',
        role: 'supervisor',
        scope: { kind: 'site', siteId: server.fixture.sites.bucharest.id },
      });
      await trx
        .updateTable('users')
        .set({ password_hash: await hashPassword(FIXTURE_PASSWORD) })
        .where('email', 'in', ['fr.supervisor@test.example', 'buc.supervisor@test.example'])
        .execute();
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
  });

  it("pushes the view when work arrives in the supervisor's subsidiary, and not to another subsidiary's", async () => {
    const fr = await watch('fr.supervisor@test.example');
    const ma = await watch('ma.supervisor@test.example');
    await fr.queues(() => true);
    await ma.queues(() => true);

    const frId = await waiting('Ma fibre ne marche plus', 'fr');
    const seen = await fr.queues((f) => ids(f).includes(frId));
    expect(seen.items.find((i) => i.conversationId === frId)).toMatchObject({
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      position: 1,
    });

    // Morocco's supervisor gets Morocco's work, read after France's arrived, and never France's.
    const maId = await waiting('Ma facture', 'ma', { language: 'ar' });
    await ma.queues((f) => ids(f).includes(maId));
    for (const frame of ma.all()) expect(ids(frame)).not.toContain(frId);
    for (const frame of fr.all()) expect(ids(frame)).not.toContain(maId);
  });

  it('counts, per queue, the work at risk of missing its first response and the work already late', async () => {
    // The server's clock runs from NOW since it started.
    const serverNow = () => NOW.getTime() + (Date.now() - startedAt);
    const due = { breached: -3_600_000, atRisk: 120_000, onTime: 3_600_000 };
    const ids: Record<string, string> = {};
    for (const [name, offset] of Object.entries(due)) {
      ids[name] = await waiting(`Retard ${name}`, 'fr', { language: 'nl' });
      await server.store.db
        .updateTable('conversations')
        .set({ first_response_due_at: new Date(serverNow() + offset) })
        .where('id', '=', ids[name] ?? '')
        .execute();
    }
    const res = await fetch(`${server.url}/api/queues?language=nl`, {
      headers: { cookie: await cookieOf('group.admin@test.example') },
    });
    const view = (await res.json()) as {
      items: { conversationId: string; sla: string | null }[];
      queues: { waiting: number; atRisk: number; breached: number; oldestArrivedAt: string }[];
    };
    expect(view.queues).toHaveLength(1);
    expect(view.queues[0]).toMatchObject({ waiting: 3, atRisk: 1, breached: 1 });
    const sla = Object.fromEntries(view.items.map((i) => [i.conversationId, i.sla]));
    expect(sla).toEqual({
      [ids.breached ?? '']: 'breached',
      [ids.atRisk ?? '']: 'at_risk',
      [ids.onTime ?? '']: 'on_time',
    });
    await server.store.db
      .updateTable('conversations')
      .set({ status: 'closed' })
      .where('id', 'in', Object.values(ids))
      .execute();
  });

  it('takes the filters of GET /api/queues, and refuses a bad one before the upgrade', async () => {
    const arabic = await watch('group.admin@test.example', '?language=ar');
    const view = await arabic.queues(() => true);
    expect(view.items.length).toBeGreaterThan(0);
    for (const item of view.items) expect(item).toMatchObject({ language: 'ar' });

    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/queues/socket?tier=level9`, {
        headers: { cookie: cookies.get('group.admin@test.example') ?? '' },
      });
      socket.on('error', (e) => resolve(e.message));
      socket.on('open', () => resolve('opened'));
    });
    expect(refused).toContain('400');
    const stranger = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/queues/socket`);
      socket.on('error', (e) => resolve(e.message));
      socket.on('open', () => resolve('opened'));
    });
    expect(stranger).toContain('401');
  });

  it('a site supervisor sees the waiting work their site could take, and only that', async () => {
    const frWork = await waiting('Changement de forfait', 'fr');
    const frLevel2 = await waiting('Litige', 'fr', { tier: 'level2' });
    const maWork = await waiting('Question', 'ma', { language: 'fr' });

    // Casablanca serves France and Morocco, in French and Arabic, at levels 1 and 2.
    const cas = await server.signIn('cas.supervisor@test.example');
    const casView = (await cas.get('/api/queues')).body as QueuesFrame;
    expect(ids(casView)).toEqual(expect.arrayContaining([frWork, frLevel2, maWork]));
    // Seeing it wait is not opening it: the conversation is not routed to Casablanca yet.
    expect((await cas.get(`/api/conversations/${frWork}`)).status).toBe(404);

    // Bucharest serves France only, at level 1: not Morocco's work, not France's level 2.
    const buc = await server.signIn('buc.supervisor@test.example');
    const bucView = (await buc.get('/api/queues')).body as QueuesFrame;
    expect(ids(bucView)).toContain(frWork);
    expect(ids(bucView)).not.toContain(frLevel2);
    expect(ids(bucView)).not.toContain(maWork);
    for (const item of bucView.items) expect(item.subsidiaryId).toBe(server.fixture.subsidiaries.fr.id);

    // The same over the socket.
    const socket = await watch('buc.supervisor@test.example');
    const pushed = await socket.queues((f) => ids(f).includes(frWork));
    expect(ids(pushed)).not.toContain(maWork);
    expect(ids(pushed)).not.toContain(frLevel2);
  });
});
