import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingService } from '../routing/index.ts';
import {
  type Client,
  FIXTURE_PASSWORD,
  onPostgres,
  type Response,
  rowCounts,
  startTestServer,
  type TestServer,
} from '../testing/index.ts';

/**
 * The router's configuration over HTTP: each subsidiary's routing policy and its queues,
 * refused (naming the field, writing nothing) when the router could not use them, scoped
 * to the subsidiary, and used by the assignment service.
 */

// A Monday, 11:00 in Paris: every fixture site is open.
const NOW = new Date('2026-11-23T10:00:00Z');

let server: TestServer;
let f: TestServer['fixture'];
let groupAdmin: Client;
let frAdmin: Client;
let maAdmin: Client;

beforeAll(async () => {
  server = await startTestServer();
  f = server.fixture;
  groupAdmin = await server.as('group.admin@test.example');
  const ma = await groupAdmin.post('/api/users', {
    email: 'ma.admin@test.example',
    displayName: 'Administratrice Maroc',
    password: FIXTURE_PASSWORD,
    role: 'admin',
    scope: { kind: 'subsidiary', subsidiaryId: f.subsidiaries.ma.id },
  });
  expect(ma.status, ma.text).toBe(201);
  [frAdmin, maAdmin] = await Promise.all([
    server.as('fr.admin@test.example'),
    server.as('ma.admin@test.example'),
  ]);
});
afterAll(async () => {
  await server?.close();
});

const policyOf = (subsidiaryId: string) => `/api/subsidiaries/${subsidiaryId}/routing-policy`;
const frPolicy = () => policyOf(f.subsidiaries.fr.id);
const maPolicy = () => policyOf(f.subsidiaries.ma.id);

/** PUT with If-Match taken from a fresh GET. */
async function put(client: Client, url: string, body: unknown): Promise<Response> {
  const etag = (await client.get(url)).headers.etag;
  return client.request('PUT', url, { body, headers: etag ? { 'if-match': String(etag) } : {} });
}

async function del(client: Client, url: string): Promise<Response> {
  const etag = (await client.get(url)).headers.etag;
  return client.request('DELETE', url, { headers: etag ? { 'if-match': String(etag) } : {} });
}

/** A refusal: problem+json with this status, naming this field (and saying this, when given), and no table changed. */
async function refused(
  send: () => Promise<Response>,
  status: number,
  path?: string,
  message?: string,
): Promise<Response> {
  const before = await rowCounts(server.db);
  const res = await send();
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (path !== undefined) {
    const errors: Array<{ path: string; message: string }> = res.body.errors ?? [];
    expect(
      errors.map((e) => e.path),
      res.text,
    ).toContain(path);
    if (message !== undefined) expect(errors.find((e) => e.path === path)?.message).toBe(message);
  }
  expect(await rowCounts(server.db), res.text).toEqual(before);
  return res;
}

type RingBody = { afterSeconds: number; sites: string[] | null; dropSkills?: string[] };
const validQueue = (): {
  subsidiaryId: string;
  name: string;
  requiredSkills: Array<{ name: string; minProficiency: number }>;
  optionalSkills: Array<{ name: string; minProficiency: number }>;
  rings: RingBody[];
} => ({
  subsidiaryId: f.subsidiaries.fr.id,
  name: `Facturation ${Math.random().toString(36).slice(2, 8)}`,
  requiredSkills: [{ name: 'billing', minProficiency: 2 }],
  optionalSkills: [{ name: 'technical', minProficiency: 3 }],
  rings: [
    { afterSeconds: 0, sites: [f.sites.bucharest.id] },
    { afterSeconds: 30, sites: [f.sites.bucharest.id, f.sites.casablanca.id], dropSkills: ['technical'] },
    { afterSeconds: 90, sites: null },
  ],
});

describe(`routing policy (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('shows the defaults, version 0, until the subsidiary sets its own; setting it needs If-Match and is audited', async () => {
    const read = await frAdmin.get(maPolicy());
    expect(read.status).toBe(404);
    const mine = await frAdmin.get(frPolicy());
    expect(mine.status).toBe(200);
    expect(mine.headers.etag).toBe('"0"');
    expect(mine.body).toMatchObject({
      isDefault: true,
      version: 0,
      weights: {},
      fallbacks: [],
      targetShares: {},
      effectiveWeights: {
        cost: 0.3,
        quality: 0.2,
        share: 0.15,
        proficiency: 0.15,
        fairness: 0.1,
        preferred: 0.1,
      },
    });

    const body = {
      weights: { cost: 0.5 },
      fallbacks: [{ language: 'ar', fallback: 'fr', afterSeconds: 120 }],
      targetShares: { [f.sites.casablanca.id]: 0.6, [f.sites.bucharest.id]: 0.4 },
    };
    await refused(() => frAdmin.request('PUT', frPolicy(), { body }), 428);
    const set = await frAdmin.request('PUT', frPolicy(), { body, headers: { 'if-match': '"0"' } });
    expect(set.status, set.text).toBe(200);
    expect(set.headers.etag).toBe('"1"');
    expect(set.body).toMatchObject({ isDefault: false, version: 1, ...body });
    expect(set.body.effectiveWeights.cost).toBe(0.5);
    expect(set.body.effectiveWeights.quality).toBe(0.2);
    // Someone who read version 0 is told it changed.
    await refused(() => frAdmin.request('PUT', frPolicy(), { body, headers: { 'if-match': '"0"' } }), 412);
    const audit = await server.db
      .selectFrom('audit_log')
      .select(['action', 'subsidiary_id'])
      .where('entity', '=', 'routing_policy')
      .execute();
    expect(audit).toEqual([{ action: 'update', subsidiary_id: f.subsidiaries.fr.id }]);
  });

  it.each([
    ['a negative weight', { weights: { cost: -0.1 } }, 'weights.cost', 'a weight is ≥ 0 (got -0.1)'],
    [
      'a fallback to the same language',
      { fallbacks: [{ language: 'fr', fallback: 'fr', afterSeconds: 60 }] },
      'fallbacks.0.fallback',
      'fr falls back to itself: a fallback names another language',
    ],
    [
      'a fallback no site serving the subsidiary speaks',
      { fallbacks: [{ language: 'ar', fallback: 'en', afterSeconds: 60 }] },
      'fallbacks.0.fallback',
      'no site serving FR speaks en',
    ],
    [
      'a target share above 1',
      () => ({ targetShares: { [f.sites.casablanca.id]: 1.5 } }),
      () => `targetShares.${f.sites.casablanca.id}`,
      'a share is between 0 and 1 (got 1.5)',
    ],
    [
      'a negative target share',
      () => ({ targetShares: { [f.sites.casablanca.id]: -0.2 } }),
      () => `targetShares.${f.sites.casablanca.id}`,
      'a share is between 0 and 1 (got -0.2)',
    ],
    [
      'target shares that add up to more than 1',
      () => ({ targetShares: { [f.sites.casablanca.id]: 0.7, [f.sites.bucharest.id]: 0.6 } }),
      'targetShares',
      'the shares add up to 1.3; at most 1',
    ],
    [
      'a target share for a site that does not serve the subsidiary',
      () => ({ targetShares: { [f.sites.bucharest.id]: 0.5 } }),
      () => `targetShares.${f.sites.bucharest.id}`,
      'site BUC does not serve MA',
      'ma',
    ],
  ] as Array<[string, unknown, string | (() => string), string, 'ma'?]>)(
    'refuses %s, naming the field, and writes nothing',
    async (_what, body, path, message, sub) => {
      const client = sub === 'ma' ? maAdmin : frAdmin;
      const url = sub === 'ma' ? maPolicy() : frPolicy();
      const res = await refused(
        () => put(client, url, typeof body === 'function' ? body() : body),
        400,
        typeof path === 'function' ? path() : path,
        message,
      );
      expect(res.body.code).toBe('validation_failed');
    },
  );

  it('is still set when a new site serves no subsidiary yet', async () => {
    const site = await groupAdmin.post('/api/sites', {
      code: 'LIS',
      name: 'Lisboa',
      country: 'PT',
      operator: 'partner',
      partnerName: 'Atlântico BPO',
      timeZone: 'Europe/Lisbon',
      calendar: { weekly: { mon: [{ start: '09:00', end: '17:00' }] }, holidays: [], exceptions: [] },
      languages: [{ tag: 'pt', proficiency: 5 }],
      tiers: ['level1'],
      costPerHour: { amountMinor: 2200, currency: 'EUR' },
      qualityIndex: 80,
      seats: 10,
    });
    expect(site.status, site.text).toBe(201);
    expect(site.body.subsidiaryIds).toEqual([]);
    const res = await put(frAdmin, frPolicy(), { weights: { cost: 2 } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.weights.cost).toBe(2);
  });

  it("another subsidiary's administrator can neither read nor set it; site staff may read but not set it", async () => {
    const body = { weights: { cost: 1 } };
    await refused(() => maAdmin.request('PUT', frPolicy(), { body, headers: { 'if-match': '"1"' } }), 404);
    expect((await maAdmin.get(maPolicy())).status).toBe(200);
    // Casablanca serves France: its staff see France's policy, and cannot change it.
    const casAdmin = await server.as('cas.admin@test.example');
    expect((await casAdmin.get(frPolicy())).status).toBe(200);
    await refused(() => put(casAdmin, frPolicy(), body), 403);
    const casSupervisor = await server.as('cas.supervisor@test.example');
    await refused(() => put(casSupervisor, frPolicy(), body), 403);
    const frAnalyst = await server.as('fr.analyst@test.example');
    await refused(() => put(frAnalyst, frPolicy(), body), 403);
    // Bucharest does not serve Morocco: its policy does not exist for Bucharest's staff.
    const bucAgent = await server.as('buc.agent@test.example');
    expect((await bucAgent.get(maPolicy())).status).toBe(404);
  });
});

describe('routing queues', () => {
  it('are created, read, listed, changed and removed by the subsidiary, with ETags and an audit trail', async () => {
    const created = await frAdmin.post('/api/routing-queues', validQueue());
    expect(created.status, created.text).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const id = created.body.id;
    expect(created.body).toMatchObject({ subsidiaryId: f.subsidiaries.fr.id, version: 1 });

    const listed = await frAdmin.get(`/api/routing-queues?subsidiaryId=${f.subsidiaries.fr.id}`);
    expect(listed.body.items.map((q: { id: string }) => q.id)).toContain(id);
    expect((await maAdmin.get('/api/routing-queues')).body.items).toEqual([]);

    const changed = await frAdmin.patch(`/api/routing-queues/${id}`, { name: 'Facturation' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Facturation', version: 2 });

    // A conversation routed through it is detached when it goes.
    const conversation = await frAdmin.patch(`/api/conversations/${f.conversations.frUnrouted.id}`, {
      queueId: id,
    });
    expect(conversation.status, conversation.text).toBe(200);
    expect(conversation.body.queueId).toBe(id);
    await refused(() => frAdmin.request('DELETE', `/api/routing-queues/${id}`), 428);
    const removed = await del(frAdmin, `/api/routing-queues/${id}`);
    expect(removed.status, removed.text).toBe(204);
    expect((await frAdmin.get(`/api/routing-queues/${id}`)).status).toBe(404);
    expect(
      (await frAdmin.get(`/api/conversations/${f.conversations.frUnrouted.id}`)).body.queueId,
    ).toBeNull();
    const audit = await server.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'routing_queue')
      .where('entity_id', '=', id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
  });

  it('refuses a second queue of the same name in a subsidiary', async () => {
    const queue = validQueue();
    expect((await frAdmin.post('/api/routing-queues', queue)).status).toBe(201);
    await refused(
      () => frAdmin.post('/api/routing-queues', { ...queue, rings: [{ afterSeconds: 0, sites: null }] }),
      409,
      'name',
      `FR has a queue named ${queue.name} already`,
    );
  });

  it('refuses a ring that drops a required skill: required skills never relax', async () => {
    const queue = validQueue();
    queue.rings[2] = { afterSeconds: 90, sites: null, dropSkills: ['billing'] };
    await refused(
      () => frAdmin.post('/api/routing-queues', queue),
      400,
      'rings.2.dropSkills.0',
      'ring 2 drops required skill billing; required skills never relax',
    );
  });

  it('refuses rings whose start does not increase', async () => {
    const queue = validQueue();
    queue.rings[2] = { afterSeconds: 30, sites: null };
    await refused(
      () => frAdmin.post('/api/routing-queues', queue),
      400,
      'rings.2.afterSeconds',
      'ring 2 starts at 30 s, not after ring 1 (30 s): each ring starts later than the one before',
    );
  });

  it('refuses a ring naming a site that does not serve the subsidiary', async () => {
    await refused(
      () =>
        maAdmin.post('/api/routing-queues', {
          subsidiaryId: f.subsidiaries.ma.id,
          name: 'Arabe',
          rings: [{ afterSeconds: 0, sites: [f.sites.bucharest.id] }],
        }),
      400,
      'rings.0.sites.0',
      'site BUC does not serve MA',
    );
  });

  it('refuses a change that would narrow the rings, and keeps the queue as it was', async () => {
    const created = await frAdmin.post('/api/routing-queues', validQueue());
    expect(created.status, created.text).toBe(201);
    const url = `/api/routing-queues/${created.body.id}`;
    await refused(
      () =>
        frAdmin.patch(url, {
          rings: [
            { afterSeconds: 0, sites: [f.sites.bucharest.id, f.sites.casablanca.id] },
            { afterSeconds: 60, sites: [f.sites.casablanca.id] },
          ],
        }),
      400,
      'rings.1.sites',
      'ring 1 leaves out site BUC of ring 0: rings only widen',
    );
    expect((await frAdmin.get(url)).body).toEqual(created.body);
  });

  it("are out of reach of another subsidiary's administrator, and site staff may not change them", async () => {
    const created = await frAdmin.post('/api/routing-queues', validQueue());
    const url = `/api/routing-queues/${created.body.id}`;
    expect((await maAdmin.get(url)).status).toBe(404);
    await refused(() => maAdmin.patch(url, { name: 'Pris' }, '"1"'), 404);
    await refused(() => maAdmin.request('DELETE', url, { headers: { 'if-match': '"1"' } }), 404);
    await refused(() => maAdmin.post('/api/routing-queues', validQueue()), 400, 'subsidiaryId');
    const casAdmin = await server.as('cas.admin@test.example');
    expect((await casAdmin.get(url)).status).toBe(200);
    await refused(() => casAdmin.patch(url, { name: 'Casablanca' }), 403);
    await refused(() => casAdmin.post('/api/routing-queues', validQueue()), 403);
    const casSupervisor = await server.as('cas.supervisor@test.example');
    await refused(() => casSupervisor.post('/api/routing-queues', validQueue()), 403);
  });

  it('a conversation goes only into a queue of its own subsidiary, when opened or changed', async () => {
    const ma = await maAdmin.post('/api/routing-queues', {
      subsidiaryId: f.subsidiaries.ma.id,
      name: 'Maroc',
      rings: [{ afterSeconds: 0, sites: null }],
    });
    expect(ma.status, ma.text).toBe(201);
    await refused(
      () => frAdmin.patch(`/api/conversations/${f.conversations.frAtBucharest.id}`, { queueId: ma.body.id }),
      400,
      'queueId',
      "is not a routing queue of the conversation's subsidiary",
    );
    const opening = {
      subsidiaryId: f.subsidiaries.fr.id,
      customerId: f.customers.frUnrouted.id,
      channel: 'chat',
      message: { text: 'Bonjour' },
    };
    await refused(
      () => frAdmin.post('/api/conversations', { ...opening, queueId: ma.body.id }),
      400,
      'queueId',
    );
    const fr = await frAdmin.post('/api/routing-queues', validQueue());
    const opened = await frAdmin.post('/api/conversations', { ...opening, queueId: fr.body.id });
    expect(opened.status, opened.text).toBe(201);
    expect(opened.body.queueId).toBe(fr.body.id);
  });
});

describe('sites and agents the router could not use', () => {
  const site = () => ({
    code: `N${Math.random().toString(36).slice(2, 6).toUpperCase()}`,
    name: 'Nuit',
    country: 'SN',
    operator: 'in_house',
    timeZone: 'Africa/Dakar',
    calendar: { weekly: {}, holidays: [], exceptions: [{ date: '2026-12-24', intervals: [] }] },
    languages: [{ tag: 'fr', proficiency: 5 }],
    tiers: ['level1'],
    subsidiaryIds: [f.subsidiaries.fr.id],
    costPerHour: { amountMinor: 900, currency: 'EUR' },
    qualityIndex: 70,
    seats: 10,
  });

  it('refuses a site whose calendar never opens, unless it serves a subsidiary around the clock', async () => {
    await refused(() => groupAdmin.post('/api/sites', site()), 400, 'calendar');
    await refused(
      () => groupAdmin.post('/api/sites', { ...site(), alwaysOpenFor: [f.subsidiaries.ma.id] }),
      400,
      'alwaysOpenFor.0',
      'is not a subsidiary this site serves (subsidiaryIds)',
    );
    const always = await groupAdmin.post('/api/sites', { ...site(), alwaysOpenFor: [f.subsidiaries.fr.id] });
    expect(always.status, always.text).toBe(201);
    expect(always.body.alwaysOpenFor).toEqual([f.subsidiaries.fr.id]);
    // Taking the 24/7 cover away from a site that never opens is refused too.
    await refused(
      () => groupAdmin.patch(`/api/sites/${always.body.id}`, { alwaysOpenFor: [] }),
      400,
      'calendar',
    );
    await refused(
      () => groupAdmin.patch(`/api/sites/${f.sites.bucharest.id}`, { calendar: { weekly: { mon: [] } } }),
      400,
      'calendar',
    );
    // A site's own administrators do not decide whom it serves around the clock.
    const casAdmin = await server.as('cas.admin@test.example');
    await refused(
      () => casAdmin.patch(`/api/sites/${f.sites.casablanca.id}`, { alwaysOpenFor: [f.subsidiaries.ma.id] }),
      403,
    );
  });

  it('refuses an agent who speaks no language', async () => {
    await refused(
      () =>
        groupAdmin.post('/api/agents', {
          user: { email: 'mute@test.example', displayName: 'Sans langue' },
          siteId: f.sites.bucharest.id,
          tier: 'level1',
          languages: [],
          capacity: { perChannel: { chat: 2 }, total: 2 },
        }),
      400,
      'body.languages',
    );
  });
});

describe('weights steer the assignment service', () => {
  it('with cost weighing 0 the better site takes the chat; with cost weighing 1 the cheaper one does', async () => {
    // Nothing else waits; Casablanca is cheap, Bucharest better.
    await server.db
      .updateTable('conversations')
      .set({ status: 'resolved', resolved_at: NOW })
      .where('status', 'in', ['open', 'assigned', 'pending'])
      .execute();
    expect(
      (
        await groupAdmin.patch(`/api/sites/${f.sites.casablanca.id}`, {
          costPerHour: { amountMinor: 500, currency: 'EUR' },
          qualityIndex: 60,
        })
      ).status,
    ).toBe(200);
    expect((await groupAdmin.patch(`/api/sites/${f.sites.bucharest.id}`, { qualityIndex: 95 })).status).toBe(
      200,
    );
    await server.db
      .updateTable('agents')
      .set({ presence: 'available', presence_since: NOW })
      .where('id', 'in', [f.agents.casablanca.id, f.agents.bucharest.id])
      .execute();

    const chat = async (email: string): Promise<string> => {
      const res = await frAdmin.post('/api/conversations', {
        subsidiaryId: f.subsidiaries.fr.id,
        customer: { identity: { kind: 'email', value: email } },
        channel: 'chat',
        message: { text: 'Bonjour' },
      });
      expect(res.status, res.text).toBe(201);
      return res.body.id;
    };
    const routeOnce = async (id: string) => {
      const service = new RoutingService(server.db, { now: () => NOW });
      await service.sync();
      await service.stop();
      const decisions = (await frAdmin.get(`/api/conversations/${id}/routing`)).body.items;
      return decisions.find((d: { kind: string }) => d.kind === 'assigned');
    };

    expect((await put(frAdmin, frPolicy(), { weights: { cost: 0 } })).status).toBe(200);
    const first = await chat('cost.zero@client.example');
    const better = await routeOnce(first);
    expect(better).toMatchObject({ agentId: f.agents.bucharest.id, siteId: f.sites.bucharest.id });
    expect(better.score.parts.find((p: { name: string }) => p.name === 'cost').weight).toBe(0);
    await server.db
      .updateTable('conversations')
      .set({ status: 'resolved' })
      .where('id', '=', first)
      .execute();

    expect((await put(frAdmin, frPolicy(), { weights: { cost: 1 } })).status).toBe(200);
    const second = await chat('cost.one@client.example');
    const cheaper = await routeOnce(second);
    expect(cheaper).toMatchObject({ agentId: f.agents.casablanca.id, siteId: f.sites.casablanca.id });
    expect(cheaper.score.parts.find((p: { name: string }) => p.name === 'cost').weight).toBe(1);
  });
});

describe('the assignment service routes by the stored configuration', () => {
  const resolveEverything = () =>
    server.db
      .updateTable('conversations')
      .set({ status: 'resolved', resolved_at: NOW })
      .where('status', 'in', ['open', 'assigned', 'pending'])
      .execute();
  const presence = (agentId: string, value: 'available' | 'offline') =>
    server.db
      .updateTable('agents')
      .set({ presence: value, presence_since: NOW })
      .where('id', '=', agentId)
      .execute();
  const open = async (body: Record<string, unknown>): Promise<string> => {
    const res = await frAdmin.post('/api/conversations', {
      subsidiaryId: f.subsidiaries.fr.id,
      channel: 'chat',
      message: { text: 'Bonjour' },
      ...body,
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id;
  };
  const decisions = async (id: string) => (await frAdmin.get(`/api/conversations/${id}/routing`)).body.items;
  const state = async (id: string) => (await frAdmin.get(`/api/conversations/${id}`)).body;

  it("a queue's rings widen as the conversation waits, and its required skills never relax", async () => {
    await resolveEverything();
    await presence(f.agents.casablanca.id, 'available');
    await presence(f.agents.bucharest.id, 'offline');
    const queue = await frAdmin.post('/api/routing-queues', {
      subsidiaryId: f.subsidiaries.fr.id,
      name: 'Bucarest d’abord',
      requiredSkills: [{ name: 'billing', minProficiency: 4 }],
      rings: [
        { afterSeconds: 0, sites: [f.sites.bucharest.id] },
        { afterSeconds: 60, sites: null },
      ],
    });
    expect(queue.status, queue.text).toBe(201);
    const strict = await frAdmin.post('/api/routing-queues', {
      subsidiaryId: f.subsidiaries.fr.id,
      name: 'Technique confirmé',
      requiredSkills: [{ name: 'technical', minProficiency: 3 }],
      rings: [{ afterSeconds: 0, sites: null }],
    });
    expect(strict.status, strict.text).toBe(201);
    const inRings = await open({
      customer: { identity: { kind: 'email', value: 'rings@client.example' } },
      queueId: queue.body.id,
    });
    const needsSkill = await open({
      customer: { identity: { kind: 'email', value: 'skill@client.example' } },
      queueId: strict.body.id,
    });

    // The server runs on the wall clock, the service on the test's: the conversations arrive at NOW.
    await sql`update conversations set created_at = ${NOW} where id in (${inRings}, ${needsSkill})`.execute(
      server.db,
    );
    let now = NOW;
    const service = new RoutingService(server.db, { now: () => now });
    await service.sync();
    // Ring 0 is Bucharest only, where nobody is available; Casablanca's agent waits for ring 1.
    expect(await state(inRings)).toMatchObject({ status: 'open', assigneeId: null });
    now = new Date(NOW.getTime() + 61_000);
    await service.sync();
    expect(await state(inRings)).toMatchObject({ status: 'assigned', assigneeId: f.agents.casablanca.id });
    expect((await decisions(inRings)).find((d: { kind: string }) => d.kind === 'assigned')).toMatchObject({
      ring: 1,
    });
    // Nobody has the queue's required skill: it waits, however long, and says why.
    now = new Date(NOW.getTime() + 3_600_000);
    await service.sync();
    await service.stop();
    expect(await state(needsSkill)).toMatchObject({ status: 'open', assigneeId: null });
    expect(
      (await decisions(needsSkill)).map((d: { reason: { code: string } | null }) => d.reason?.code),
    ).toEqual(['no_agent_with_skills']);
  });

  it('prefers the last agent who helped the same customer', async () => {
    await resolveEverything();
    await presence(f.agents.casablanca.id, 'available');
    await presence(f.agents.bucharest.id, 'available');
    const customer = { identity: { kind: 'email', value: 'fidele@client.example' } };
    const before = await open({ customer });
    await server.db
      .updateTable('conversations')
      .set({
        assignee_id: f.agents.bucharest.id,
        site_id: f.sites.bucharest.id,
        status: 'resolved',
        resolved_at: NOW,
      })
      .where('id', '=', before)
      .execute();
    // Only the preferred part counts: without it, the tie would go to Casablanca's agent (registered first).
    const weights = { cost: 0, quality: 0, share: 0, proficiency: 0, fairness: 0, preferred: 1 };
    expect((await put(frAdmin, frPolicy(), { weights })).status).toBe(200);
    const again = await open({ customer });
    const service = new RoutingService(server.db, { now: () => NOW });
    await service.sync();
    await service.stop();
    expect(await state(again)).toMatchObject({ assigneeId: f.agents.bucharest.id });
    const assigned = (await decisions(again)).find((d: { kind: string }) => d.kind === 'assigned');
    expect(assigned.score.parts.find((p: { name: string }) => p.name === 'preferred')).toMatchObject({
      value: 1,
      weight: 1,
    });
  });

  it('a site always open for the subsidiary takes its work at night, when every other site is closed', async () => {
    await resolveEverything();
    const night = await groupAdmin.post('/api/sites', {
      code: 'VEIL',
      name: 'Veille',
      country: 'FR',
      operator: 'in_house',
      timeZone: 'Europe/Paris',
      calendar: { weekly: {} },
      languages: [{ tag: 'fr', proficiency: 5 }],
      tiers: ['level1'],
      subsidiaryIds: [f.subsidiaries.fr.id],
      alwaysOpenFor: [f.subsidiaries.fr.id],
      costPerHour: { amountMinor: 4000, currency: 'EUR' },
      qualityIndex: 80,
      seats: 5,
    });
    expect(night.status, night.text).toBe(201);
    const watcher = await groupAdmin.post('/api/agents', {
      user: { email: 'veille@test.example', displayName: 'Veille' },
      siteId: night.body.id,
      tier: 'level1',
      languages: [{ tag: 'fr', proficiency: 5 }],
      capacity: { perChannel: { chat: 2 }, total: 2 },
    });
    expect(watcher.status, watcher.text).toBe(201);
    await presence(watcher.body.id, 'available');
    const id = await open({ customer: { identity: { kind: 'email', value: 'insomnie@client.example' } } });
    // Sunday, 04:00 in Paris.
    const service = new RoutingService(server.db, { now: () => new Date('2026-11-22T03:00:00Z') });
    await service.sync();
    await service.stop();
    expect(await state(id)).toMatchObject({ status: 'assigned', assigneeId: watcher.body.id });
  });
});
