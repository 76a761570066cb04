import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  FIXTURE_PASSWORD,
  type Response,
  rowCounts,
  startTestServer,
  type TestServer,
} from '../testing/index.ts';

/**
 * Scope: every person signs in and tries to read and change what lies outside their
 * scope — by id, by list filter and by search — and gets 404 (or 403 where the role
 * itself forbids the act), with nothing changed in the store.
 */

let server: TestServer;
let f: TestServer['fixture'];
let groupAdmin: Client;
let groupAnalyst: Client;
let frAdmin: Client;
let frAnalyst: Client;
let maSupervisor: Client;
let casAdmin: Client;
let casSupervisor: Client;
let casAgent: Client;
let bucAgent: Client;

/** A message with its raw original in the conversation routed to Bucharest. */
let bucharestMessageId: string;
/** A second agent at Casablanca, whose presence the first may not set. */
let secondCasablancaAgentId: string;
/** A site that serves only Morocco: invisible to French staff. */
let rabatSiteId: string;
/** A team at Paris, the in-house site serving France only. */
let parisTeamId: string;

/** Row counts of every table a command may write. */
async function counts(): Promise<Record<string, number>> {
  return rowCounts(server.db);
}

const conversationRow = (id: string) =>
  server.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const customerRow = (id: string) =>
  server.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const subsidiaryRow = (id: string) =>
  server.db.selectFrom('subsidiaries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const siteRow = (id: string) =>
  server.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const agentRow = (id: string) =>
  server.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const userRow = (id: string) =>
  server.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

function expectProblem(res: Response, status: number, code?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (code) expect(res.body.code).toBe(code);
}

/** Every item of a list, following nextCursor. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
async function all(client: Client, url: string): Promise<any[]> {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const items: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = url.includes('?') ? '&' : '?';
    const res = await client.get(`${url}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, `${url}: ${res.text}`).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`${url} never ended`);
}

/** Sign in without the test client: the raw cookie header, so a test can leave the CSRF token out. */
async function signIn(email: string): Promise<string> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: FIXTURE_PASSWORD },
  });
  expect(res.statusCode).toBe(200);
  return res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

const idsOf = (items: { id: string }[]): string[] => items.map((i) => i.id);
const enc = encodeURIComponent;

beforeAll(async () => {
  server = await startTestServer();
  f = server.fixture;
  [groupAdmin, groupAnalyst, frAdmin, frAnalyst, maSupervisor, casAdmin, casSupervisor, casAgent, bucAgent] =
    (await Promise.all(
      [
        'group.admin',
        'group.analyst',
        'fr.admin',
        'fr.analyst',
        'ma.supervisor',
        'cas.admin',
        'cas.supervisor',
        'cas.agent',
        'buc.agent',
      ].map((name) => server.as(`${name}@test.example`)),
    )) as [Client, Client, Client, Client, Client, Client, Client, Client, Client];

  const message = await groupAdmin.post(`/api/conversations/${f.conversations.frAtBucharest.id}/messages`, {
    text: 'Ma box clignote toujours',
    raw: 'From: lucas@client.example\r\nSubject: Box en panne\r\n\r\nMa box clignote toujours',
    rawMediaType: 'message/rfc822',
  });
  expect(message.status, message.text).toBe(201);
  bucharestMessageId = message.body.id;

  const agent = await groupAdmin.post('/api/agents', {
    user: { email: 'cas.agent2@test.example', displayName: 'Second Casablanca agent' },
    siteId: f.sites.casablanca.id,
    tier: 'level1',
    languages: [{ tag: 'ar', proficiency: 5 }],
    capacity: { perChannel: { chat: 2 }, total: 2 },
  });
  expect(agent.status, agent.text).toBe(201);
  secondCasablancaAgentId = agent.body.id;

  const rabat = await groupAdmin.post('/api/sites', {
    code: 'RBA',
    name: 'Rabat',
    country: 'MA',
    operator: 'in_house',
    timeZone: 'Africa/Casablanca',
    calendar: { weekly: { mon: [{ start: '09:00', end: '17:00' }] }, holidays: [], exceptions: [] },
    languages: [{ tag: 'ar', proficiency: 5 }],
    tiers: ['level1'],
    subsidiaryIds: [f.subsidiaries.ma.id],
    costPerHour: { amountMinor: 1500, currency: 'MAD' },
    qualityIndex: 80,
    seats: 20,
  });
  expect(rabat.status, rabat.text).toBe(201);
  rabatSiteId = rabat.body.id;

  const team = await groupAdmin.post('/api/teams', { siteId: f.sites.paris.id, name: 'Fibre' });
  expect(team.status, team.text).toBe(201);
  parisTeamId = team.body.id;
});

afterAll(async () => {
  await server?.close();
});

describe.each([
  ['the Casablanca partner agent', 'cas.agent@test.example'],
  ['the Casablanca partner supervisor', 'cas.supervisor@test.example'],
])('site scope: %s', (_who, email) => {
  let me: Client;
  beforeAll(async () => {
    me = await server.as(email);
  });

  it('reads the French and Moroccan conversations routed to Casablanca, and their customers', async () => {
    for (const c of [f.conversations.frAtCasablanca, f.conversations.maAtCasablanca]) {
      const res = await me.get(`/api/conversations/${c.id}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.siteId).toBe(f.sites.casablanca.id);
      expect((await me.get(`/api/conversations/${c.id}/messages`)).status).toBe(200);
    }
    for (const c of [f.customers.frAtCasablanca, f.customers.maAtCasablanca]) {
      const res = await me.get(`/api/customers/${c.id}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.displayName).toBe(c.displayName);
    }
  });

  it('gets 404 by id for the conversation routed to Bucharest, the unrouted one, and their customers', async () => {
    for (const c of [f.conversations.frAtBucharest, f.conversations.frUnrouted]) {
      expectProblem(await me.get(`/api/conversations/${c.id}`), 404, 'not_found');
    }
    for (const c of [f.customers.frAtBucharest, f.customers.frUnrouted]) {
      expectProblem(await me.get(`/api/customers/${c.id}`), 404, 'not_found');
      expectProblem(await me.get(`/api/customers/${c.id}/consent`), 404, 'not_found');
    }
  });

  it('never lists them, whatever the filter', async () => {
    const hidden = [f.conversations.frAtBucharest.id, f.conversations.frUnrouted.id];
    const everything = idsOf(await all(me, '/api/conversations'));
    expect(everything).toContain(f.conversations.frAtCasablanca.id);
    expect(everything).toContain(f.conversations.maAtCasablanca.id);
    for (const id of hidden) expect(everything).not.toContain(id);

    const french = await all(me, `/api/conversations?subsidiaryId=${f.subsidiaries.fr.id}`);
    expect(idsOf(french)).toContain(f.conversations.frAtCasablanca.id);
    for (const c of french) expect(c.siteId).toBe(f.sites.casablanca.id);

    expect(await all(me, `/api/conversations?siteId=${f.sites.bucharest.id}`)).toEqual([]);
    expect(await all(me, `/api/conversations?customerId=${f.customers.frAtBucharest.id}`)).toEqual([]);
    expect(await all(me, `/api/conversations?q=${enc('Box en panne')}`)).toEqual([]);
    expect(await all(me, `/api/conversations?q=${enc('forfait')}`)).toEqual([]);
    expect(await all(me, `/api/conversations?assigneeId=${f.agents.bucharest.id}`)).toEqual([]);
    // Every conversation listed is one routed to Casablanca.
    for (const c of await all(me, '/api/conversations')) expect(c.siteId).toBe(f.sites.casablanca.id);
  });

  it('does not find the Bucharest or unrouted customers by search', async () => {
    expect(await all(me, '/api/customers?q=Lucas')).toEqual([]);
    expect(await all(me, `/api/customers?q=${enc('lucas@client.example')}`)).toEqual([]);
    expect(await all(me, `/api/customers?q=${enc('Chloé')}`)).toEqual([]);
    expect(await all(me, `/api/customers?q=${enc('chloe@client.example')}`)).toEqual([]);
    // …while the searches work for the customers Casablanca does see.
    expect(idsOf(await all(me, '/api/customers?q=Camille'))).toEqual([f.customers.frAtCasablanca.id]);
    expect(idsOf(await all(me, `/api/customers?q=${enc('youssef@client.example')}`))).toEqual([
      f.customers.maAtCasablanca.id,
    ]);
    const listed = idsOf(await all(me, '/api/customers'));
    expect(listed).toEqual(
      expect.arrayContaining([f.customers.frAtCasablanca.id, f.customers.maAtCasablanca.id]),
    );
    expect(listed).not.toContain(f.customers.frAtBucharest.id);
    expect(listed).not.toContain(f.customers.frUnrouted.id);
    expect(idsOf(await all(me, `/api/customers?subsidiaryId=${f.subsidiaries.fr.id}`))).not.toContain(
      f.customers.frAtBucharest.id,
    );
  });

  it("gets 404 for the Bucharest conversation's messages, one message, and its raw original", async () => {
    const url = `/api/conversations/${f.conversations.frAtBucharest.id}/messages`;
    // The group administrator reads them: the 404s below are scope, not absence.
    expect((await groupAdmin.get(url)).status).toBe(200);
    expect((await groupAdmin.get(`${url}/${bucharestMessageId}`)).status).toBe(200);
    const raw = await groupAdmin.get(`${url}/${bucharestMessageId}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.text).toContain('From: lucas@client.example');

    expectProblem(await me.get(url), 404, 'not_found');
    expectProblem(await me.get(`${url}/${bucharestMessageId}`), 404, 'not_found');
    const leaked = await me.get(`${url}/${bucharestMessageId}/raw`);
    expectProblem(leaked, 404, 'not_found');
    expect(leaked.text).not.toContain('lucas@client.example');
    // Nor through a conversation it does see.
    const viaOwn = `/api/conversations/${f.conversations.frAtCasablanca.id}/messages/${bucharestMessageId}`;
    expectProblem(await me.get(viaOwn), 404, 'not_found');
    expectProblem(await me.get(`${viaOwn}/raw`), 404, 'not_found');
  });

  it('cannot change the Bucharest conversation nor write to it: 404, and the row is unchanged', async () => {
    const id = f.conversations.frAtBucharest.id;
    const url = `/api/conversations/${id}`;
    const before = await conversationRow(id);
    const etag = (await groupAdmin.get(url)).headers.etag as string;
    const tallies = await counts();

    for (const body of [
      { priority: 'urgent' },
      { status: 'resolved' },
      { assigneeId: f.agents.casablanca.id },
      { siteId: f.sites.casablanca.id },
    ]) {
      expectProblem(await me.patch(url, body, etag), 404, 'not_found');
    }
    expectProblem(
      await me.post(`${url}/messages`, { text: 'Bonjour de Casablanca', direction: 'outbound' }),
      404,
    );
    expectProblem(await me.post(`${url}/messages`, { text: 'spoofed inbound', externalId: 'spoof-1' }), 404);

    expect(await conversationRow(id)).toEqual(before);
    expect(await counts()).toEqual(tallies);
    const after = await groupAdmin.get(url);
    expect(after.headers.etag).toBe(etag);
    expect(after.body.priority).toBe(before.priority);
    expect(after.body.siteId).toBe(f.sites.bucharest.id);
  });

  it('cannot change the unrouted conversation nor pull it to Casablanca', async () => {
    const id = f.conversations.frUnrouted.id;
    const url = `/api/conversations/${id}`;
    const before = await conversationRow(id);
    const etag = (await groupAdmin.get(url)).headers.etag as string;
    expectProblem(await me.patch(url, { siteId: f.sites.casablanca.id }, etag), 404, 'not_found');
    expectProblem(await me.patch(url, { assigneeId: f.agents.casablanca.id }, etag), 404, 'not_found');
    expect(await conversationRow(id)).toEqual(before);
  });

  it('cannot assign a conversation to the Bucharest agent', async () => {
    const id = f.conversations.frAtCasablanca.id;
    const url = `/api/conversations/${id}`;
    const before = await conversationRow(id);
    const tallies = await counts();
    const res = await me.patch(url, { assigneeId: f.agents.bucharest.id });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('assigneeId');
    expect(await conversationRow(id)).toEqual(before);
    expect(await counts()).toEqual(tallies);
  });

  it('cannot move a conversation to another site', async () => {
    const id = f.conversations.maAtCasablanca.id;
    const url = `/api/conversations/${id}`;
    const before = await conversationRow(id);
    for (const siteId of [f.sites.bucharest.id, f.sites.paris.id, rabatSiteId]) {
      const res = await me.patch(url, { siteId });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('siteId');
    }
    expect(await conversationRow(id)).toEqual(before);
  });

  it('cannot open a conversation at another site', async () => {
    const tallies = await counts();
    const res = await me.post('/api/conversations', {
      subsidiaryId: f.subsidiaries.fr.id,
      customerId: f.customers.frAtCasablanca.id,
      channel: 'email',
      siteId: f.sites.bucharest.id,
      message: { text: 'Routed elsewhere?' },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('siteId');
    const hidden = await me.post('/api/conversations', {
      subsidiaryId: f.subsidiaries.fr.id,
      customerId: f.customers.frAtBucharest.id,
      channel: 'email',
      message: { text: 'A customer I cannot see' },
    });
    expectProblem(hidden, 400, 'validation_failed');
    expect(hidden.body.errors.map((e: { path: string }) => e.path)).toContain('customerId');
    expect(await counts()).toEqual(tallies);
  });

  it('cannot change, consent for or add identities to a customer it does not see', async () => {
    const id = f.customers.frAtBucharest.id;
    const before = await customerRow(id);
    const tallies = await counts();
    const etag = (await groupAdmin.get(`/api/customers/${id}`)).headers.etag as string;
    expectProblem(
      await me.patch(`/api/customers/${id}`, { displayName: 'Hijacked' }, etag),
      404,
      'not_found',
    );
    expectProblem(await me.post(`/api/customers/${id}/consent`, { level: 'marketing', source: 'call' }), 404);
    expectProblem(
      await me.post(`/api/customers/${id}/identities`, { kind: 'email', value: 'evil@x.example' }),
      404,
    );
    expect(await customerRow(id)).toEqual(before);
    expect(await counts()).toEqual(tallies);
  });

  it("cannot remove another customer's identity through a customer it sees", async () => {
    const lucas = await groupAdmin.get(`/api/customers/${f.customers.frAtBucharest.id}`);
    const identityId = lucas.body.identities[0].id as string;
    const tallies = await counts();
    const camille = await customerRow(f.customers.frAtCasablanca.id);
    expectProblem(
      await me.del(`/api/customers/${f.customers.frAtCasablanca.id}/identities/${identityId}`),
      404,
    );
    expectProblem(
      await me.del(`/api/customers/${f.customers.frAtBucharest.id}/identities/${identityId}`),
      404,
    );
    expect(await counts()).toEqual(tallies);
    expect(await customerRow(f.customers.frAtCasablanca.id)).toEqual(camille);
    expect((await groupAdmin.get(`/api/customers/${f.customers.frAtBucharest.id}`)).body.identities).toEqual(
      lucas.body.identities,
    );
  });

  it("neither sees nor changes another site's teams", async () => {
    expect(await all(me, '/api/teams')).toEqual([]);
    expect(await all(me, `/api/teams?siteId=${f.sites.paris.id}`)).toEqual([]);
    expectProblem(await me.get(`/api/teams/${parisTeamId}`), 404, 'not_found');
    const etag = (await groupAdmin.get(`/api/teams/${parisTeamId}`)).headers.etag as string;
    const res = await me.patch(`/api/teams/${parisTeamId}`, { name: 'Renamed' }, etag);
    expect([403, 404]).toContain(res.status);
    expect((await groupAdmin.get(`/api/teams/${parisTeamId}`)).body.name).toBe('Fibre');
  });

  it('lists only the subsidiaries Casablanca serves, only its own site, only its own agents', async () => {
    const subsidiaries = await all(me, '/api/subsidiaries');
    expect(idsOf(subsidiaries).sort()).toEqual([f.subsidiaries.fr.id, f.subsidiaries.ma.id].sort());
    expect((await me.get(`/api/subsidiaries/${f.subsidiaries.ma.id}`)).status).toBe(200);

    expect(idsOf(await all(me, '/api/sites'))).toEqual([f.sites.casablanca.id]);
    expect(await all(me, `/api/sites?subsidiaryId=${f.subsidiaries.fr.id}`)).toHaveLength(1);
    for (const site of [f.sites.bucharest.id, f.sites.paris.id, rabatSiteId]) {
      expectProblem(await me.get(`/api/sites/${site}`), 404, 'not_found');
    }

    const agents = await all(me, '/api/agents');
    expect(idsOf(agents)).toEqual(expect.arrayContaining([f.agents.casablanca.id, secondCasablancaAgentId]));
    for (const a of agents) expect(a.siteId).toBe(f.sites.casablanca.id);
    expect(await all(me, `/api/agents?siteId=${f.sites.bucharest.id}`)).toEqual([]);
    expectProblem(await me.get(`/api/agents/${f.agents.bucharest.id}`), 404, 'not_found');
    expectProblem(await me.get(`/api/agents/${f.agents.paris.id}`), 404, 'not_found');
  });

  it('may not create customers outside a conversation (403), and nothing is written', async () => {
    const tallies = await counts();
    const res = await me.post('/api/customers', {
      subsidiaryId: f.subsidiaries.fr.id,
      displayName: 'Created by a partner',
      identities: [{ kind: 'email', value: 'partner-made@client.example' }],
    });
    expectProblem(res, 403, 'forbidden');
    expect(await counts()).toEqual(tallies);
  });

  it('cannot change a subsidiary it serves (404)', async () => {
    const id = f.subsidiaries.fr.id;
    const before = await subsidiaryRow(id);
    const etag = (await groupAdmin.get(`/api/subsidiaries/${id}`)).headers.etag as string;
    const res = await me.patch(`/api/subsidiaries/${id}`, { name: 'Renamed by a partner' }, etag);
    expect([403, 404]).toContain(res.status);
    expect(await subsidiaryRow(id)).toEqual(before);
  });
});

describe('site scope: the Bucharest agent and the Casablanca administrator', () => {
  it('the Bucharest agent cannot reach Morocco: no MA data, no conversation opened there', async () => {
    expectProblem(await bucAgent.get(`/api/conversations/${f.conversations.maAtCasablanca.id}`), 404);
    expectProblem(await bucAgent.get(`/api/customers/${f.customers.maAtCasablanca.id}`), 404);
    expect(await all(bucAgent, `/api/customers?q=${enc('يوسف')}`)).toEqual([]);
    expect(idsOf(await all(bucAgent, '/api/subsidiaries'))).toEqual([f.subsidiaries.fr.id]);
    expectProblem(await bucAgent.get(`/api/subsidiaries/${f.subsidiaries.ma.id}`), 404, 'not_found');
    expect(idsOf(await all(bucAgent, '/api/sites'))).toEqual([f.sites.bucharest.id]);
    const tallies = await counts();
    const res = await bucAgent.post('/api/conversations', {
      subsidiaryId: f.subsidiaries.ma.id,
      channel: 'chat',
      customer: { identity: { kind: 'email', value: 'new-ma@client.example' }, displayName: 'Nouveau' },
      message: { text: 'السلام عليكم' },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('subsidiaryId');
    expect(await counts()).toEqual(tallies);
  });

  it("the Casablanca administrator cannot change another site, nor the group's settings of its own", async () => {
    const bucharest = await siteRow(f.sites.bucharest.id);
    const casablanca = await siteRow(f.sites.casablanca.id);
    const bucTag = (await groupAdmin.get(`/api/sites/${f.sites.bucharest.id}`)).headers.etag as string;
    expectProblem(await casAdmin.patch(`/api/sites/${f.sites.bucharest.id}`, { seats: 1 }, bucTag), 404);
    for (const body of [
      { subsidiaryIds: [f.subsidiaries.fr.id] },
      { costPerHour: { amountMinor: 1, currency: 'EUR' } },
      { qualityIndex: 100 },
    ]) {
      expectProblem(await casAdmin.patch(`/api/sites/${f.sites.casablanca.id}`, body), 403, 'forbidden');
    }
    expect(await siteRow(f.sites.bucharest.id)).toEqual(bucharest);
    expect(await siteRow(f.sites.casablanca.id)).toEqual(casablanca);
  });

  it('the Casablanca administrator cannot create people or agents elsewhere, nor see other accounts', async () => {
    const tallies = await counts();
    for (const scope of [
      { kind: 'site', siteId: f.sites.bucharest.id },
      { kind: 'subsidiary', subsidiaryId: f.subsidiaries.fr.id },
      { kind: 'group' },
    ]) {
      const res = await casAdmin.post('/api/users', {
        email: `widen-${scope.kind}@test.example`,
        displayName: 'Wider than me',
        role: 'admin',
        scope,
      });
      expectProblem(res, 403, 'forbidden');
    }
    const agent = await casAdmin.post('/api/agents', {
      user: { email: 'buc.new@test.example', displayName: 'Bucharest newcomer' },
      siteId: f.sites.bucharest.id,
      tier: 'level1',
      languages: [{ tag: 'ro', proficiency: 5 }],
      capacity: { perChannel: { chat: 2 }, total: 2 },
    });
    expectProblem(agent, 400, 'validation_failed');
    expect(agent.body.errors.map((e: { path: string }) => e.path)).toContain('siteId');
    const team = await casSupervisor.post('/api/teams', { siteId: f.sites.bucharest.id, name: 'Intruders' });
    expectProblem(team, 400, 'validation_failed');
    expect(await counts()).toEqual(tallies);

    const users = await all(casAdmin, '/api/users');
    for (const u of users) expect(u.scope).toEqual({ kind: 'site', siteId: f.sites.casablanca.id });
    const frAdminUser = f.users.frAdmin.id;
    expectProblem(await casAdmin.get(`/api/users/${frAdminUser}`), 404);
    const before = await userRow(frAdminUser);
    const etag = (await groupAdmin.get(`/api/users/${frAdminUser}`)).headers.etag as string;
    expectProblem(await casAdmin.patch(`/api/users/${frAdminUser}`, { active: false }, etag), 404);
    expect(await userRow(frAdminUser)).toEqual(before);
  });
});

describe('subsidiary scope', () => {
  it('French staff never see Moroccan customers or conversations: by id, list, filter or search', async () => {
    for (const me of [frAdmin, frAnalyst]) {
      expectProblem(await me.get(`/api/customers/${f.customers.maAtCasablanca.id}`), 404, 'not_found');
      expectProblem(await me.get(`/api/customers/${f.customers.maAtCasablanca.id}/consent`), 404);
      expectProblem(
        await me.get(`/api/conversations/${f.conversations.maAtCasablanca.id}`),
        404,
        'not_found',
      );
      expectProblem(await me.get(`/api/conversations/${f.conversations.maAtCasablanca.id}/messages`), 404);

      const customers = await all(me, '/api/customers');
      expect(idsOf(customers)).toContain(f.customers.frAtBucharest.id);
      for (const c of customers) expect(c.subsidiaryId).toBe(f.subsidiaries.fr.id);
      expect(await all(me, `/api/customers?subsidiaryId=${f.subsidiaries.ma.id}`)).toEqual([]);
      expect(await all(me, `/api/customers?q=${enc('يوسف')}`)).toEqual([]);
      expect(await all(me, `/api/customers?q=${enc('youssef@client.example')}`)).toEqual([]);
      expect(await all(me, '/api/customers?country=MA')).toEqual([]);
      expect(await all(me, '/api/customers?language=ar')).toEqual([]);
      expect(idsOf(await all(me, '/api/customers?q=Lucas'))).toEqual([f.customers.frAtBucharest.id]);

      const conversations = await all(me, '/api/conversations');
      expect(conversations.length).toBeGreaterThanOrEqual(3);
      for (const c of conversations) expect(c.subsidiaryId).toBe(f.subsidiaries.fr.id);
      expect(await all(me, `/api/conversations?subsidiaryId=${f.subsidiaries.ma.id}`)).toEqual([]);
      expect(idsOf(await all(me, `/api/conversations?siteId=${f.sites.casablanca.id}`))).toEqual([
        f.conversations.frAtCasablanca.id,
      ]);
      expect(await all(me, `/api/conversations?customerId=${f.customers.maAtCasablanca.id}`)).toEqual([]);
      expect(await all(me, `/api/conversations?q=${enc('الفاتورة')}`)).toEqual([]);

      expect(idsOf(await all(me, '/api/subsidiaries'))).toEqual([f.subsidiaries.fr.id]);
      expectProblem(await me.get(`/api/subsidiaries/${f.subsidiaries.ma.id}`), 404);
      const sites = idsOf(await all(me, '/api/sites'));
      expect(sites.sort()).toEqual([f.sites.paris.id, f.sites.casablanca.id, f.sites.bucharest.id].sort());
      expectProblem(await me.get(`/api/sites/${rabatSiteId}`), 404);
    }
  });

  it('Moroccan staff never see French customers or conversations', async () => {
    const me = maSupervisor;
    for (const c of Object.values(f.customers).filter((c) => c.subsidiaryId === f.subsidiaries.fr.id)) {
      expectProblem(await me.get(`/api/customers/${c.id}`), 404, 'not_found');
    }
    for (const c of [
      f.conversations.frAtCasablanca,
      f.conversations.frAtBucharest,
      f.conversations.frUnrouted,
    ]) {
      expectProblem(await me.get(`/api/conversations/${c.id}`), 404, 'not_found');
    }
    const customers = await all(me, '/api/customers');
    expect(idsOf(customers)).toContain(f.customers.maAtCasablanca.id);
    for (const c of customers) expect(c.subsidiaryId).toBe(f.subsidiaries.ma.id);
    expect(await all(me, '/api/customers?q=Lucas')).toEqual([]);
    expect(await all(me, '/api/customers?q=Camille')).toEqual([]);
    expect(await all(me, `/api/customers?q=${enc('camille@client.example')}`)).toEqual([]);
    expect(await all(me, `/api/customers?subsidiaryId=${f.subsidiaries.fr.id}`)).toEqual([]);
    expect(idsOf(await all(me, `/api/customers?q=${enc('يوسف')}`))).toEqual([f.customers.maAtCasablanca.id]);

    const conversations = await all(me, '/api/conversations');
    for (const c of conversations) expect(c.subsidiaryId).toBe(f.subsidiaries.ma.id);
    expect(idsOf(await all(me, `/api/conversations?siteId=${f.sites.casablanca.id}`))).toEqual([
      f.conversations.maAtCasablanca.id,
    ]);
    expect(await all(me, `/api/conversations?subsidiaryId=${f.subsidiaries.fr.id}`)).toEqual([]);
    expect(await all(me, `/api/conversations?siteId=${f.sites.bucharest.id}`)).toEqual([]);

    expect(idsOf(await all(me, '/api/subsidiaries'))).toEqual([f.subsidiaries.ma.id]);
    expect(idsOf(await all(me, '/api/sites')).sort()).toEqual([f.sites.casablanca.id, rabatSiteId].sort());
    expectProblem(await me.get(`/api/sites/${f.sites.paris.id}`), 404);
    for (const a of await all(me, '/api/agents')) expect(a.siteId).toBe(f.sites.casablanca.id);
    expectProblem(await me.get(`/api/agents/${f.agents.bucharest.id}`), 404);
  });

  it('Moroccan staff cannot change French conversations, assign to Bucharest, or move to Paris', async () => {
    const fr = f.conversations.frAtCasablanca.id;
    const frBefore = await conversationRow(fr);
    const etag = (await groupAdmin.get(`/api/conversations/${fr}`)).headers.etag as string;
    expectProblem(await maSupervisor.patch(`/api/conversations/${fr}`, { priority: 'low' }, etag), 404);
    expectProblem(await maSupervisor.post(`/api/conversations/${fr}/messages`, { text: 'hello' }), 404);
    expect(await conversationRow(fr)).toEqual(frBefore);

    const ma = f.conversations.maAtCasablanca.id;
    const maBefore = await conversationRow(ma);
    const assign = await maSupervisor.patch(`/api/conversations/${ma}`, {
      assigneeId: f.agents.bucharest.id,
    });
    expectProblem(assign, 400, 'validation_failed');
    expect(assign.body.errors.map((e: { path: string }) => e.path)).toContain('assigneeId');
    const move = await maSupervisor.patch(`/api/conversations/${ma}`, { siteId: f.sites.paris.id });
    expectProblem(move, 400, 'validation_failed');
    expect(move.body.errors.map((e: { path: string }) => e.path)).toContain('siteId');
    expect(await conversationRow(ma)).toEqual(maBefore);
  });

  it('the French administrator cannot change the Moroccan subsidiary (404) nor create subsidiaries or sites (403)', async () => {
    const ma = f.subsidiaries.ma.id;
    const before = await subsidiaryRow(ma);
    const etag = (await groupAdmin.get(`/api/subsidiaries/${ma}`)).headers.etag as string;
    expectProblem(
      await frAdmin.patch(`/api/subsidiaries/${ma}`, { name: 'Annexed' }, etag),
      404,
      'not_found',
    );
    expectProblem(await frAdmin.patch(`/api/subsidiaries/${ma}`, { timeZone: 'Europe/Paris' }, etag), 404);
    expect(await subsidiaryRow(ma)).toEqual(before);
    expect((await groupAdmin.get(`/api/subsidiaries/${ma}`)).headers.etag).toBe(etag);

    const tallies = await counts();
    const sub = await frAdmin.post('/api/subsidiaries', {
      code: 'BE',
      name: 'Test Belgique',
      country: 'BE',
      languages: ['fr', 'nl'],
      defaultLanguage: 'fr',
      timeZone: 'Europe/Brussels',
      currency: 'EUR',
      dataRegion: 'eu-west',
    });
    expectProblem(sub, 403, 'forbidden');
    const site = await frAdmin.post('/api/sites', {
      code: 'LIL',
      name: 'Lille',
      country: 'FR',
      operator: 'in_house',
      timeZone: 'Europe/Paris',
      calendar: { weekly: { mon: [{ start: '09:00', end: '17:00' }] }, holidays: [], exceptions: [] },
      languages: [{ tag: 'fr', proficiency: 5 }],
      tiers: ['level1'],
      subsidiaryIds: [f.subsidiaries.fr.id],
      costPerHour: { amountMinor: 3500, currency: 'EUR' },
      qualityIndex: 90,
      seats: 10,
    });
    expectProblem(site, 403, 'forbidden');
    // Nor change a site shared by the group.
    const casablanca = await siteRow(f.sites.casablanca.id);
    expectProblem(await frAdmin.patch(`/api/sites/${f.sites.casablanca.id}`, { seats: 1 }), 403, 'forbidden');
    expect(await siteRow(f.sites.casablanca.id)).toEqual(casablanca);
    expect(await counts()).toEqual(tallies);
  });

  it('the French administrator cannot create a customer or a conversation in Morocco (400 naming subsidiaryId)', async () => {
    const listed = async () => (await all(groupAdmin, '/api/customers')).length;
    const visibleBefore = await listed();
    const tallies = await counts();
    const res = await frAdmin.post('/api/customers', {
      subsidiaryId: f.subsidiaries.ma.id,
      displayName: 'Fatima Zahra',
      identities: [{ kind: 'phone', value: '+212612345678' }],
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('subsidiaryId');

    const conversation = await frAdmin.post('/api/conversations', {
      subsidiaryId: f.subsidiaries.ma.id,
      channel: 'sms',
      customer: { identity: { kind: 'phone', value: '+212612345679' } },
      message: { text: 'Salam' },
    });
    expectProblem(conversation, 400, 'validation_failed');
    expect(conversation.body.errors.map((e: { path: string }) => e.path)).toContain('subsidiaryId');

    expect(await listed()).toBe(visibleBefore);
    expect(await counts()).toEqual(tallies);
    expect(await all(groupAdmin, `/api/customers?q=${enc('+212612345678')}`)).toEqual([]);
  });

  it('the French administrator manages only French accounts', async () => {
    const users = await all(frAdmin, '/api/users');
    const ids = idsOf(users);
    expect(ids).toContain(f.users.frAnalyst.id);
    for (const hidden of [f.users.maSupervisor.id, f.users.groupAdmin.id, f.users.groupAnalyst.id]) {
      expect(ids).not.toContain(hidden);
      expectProblem(await frAdmin.get(`/api/users/${hidden}`), 404);
    }
    for (const u of users) {
      if (u.scope.kind === 'subsidiary') expect(u.scope.subsidiaryId).toBe(f.subsidiaries.fr.id);
      else expect(u.scope.kind).toBe('site');
    }

    const ma = await userRow(f.users.maSupervisor.id);
    const maTag = (await groupAdmin.get(`/api/users/${ma.id}`)).headers.etag as string;
    expectProblem(await frAdmin.patch(`/api/users/${ma.id}`, { active: false }, maTag), 404);
    expect(await userRow(ma.id)).toEqual(ma);

    // A partner supervisor at a site serving France is visible, but managed by the site or the group.
    const cas = await userRow(f.users.casSupervisor.id);
    expectProblem(await frAdmin.patch(`/api/users/${cas.id}`, { displayName: 'Renamed' }), 403, 'forbidden');
    expect(await userRow(cas.id)).toEqual(cas);

    const tallies = await counts();
    for (const scope of [
      { kind: 'subsidiary', subsidiaryId: f.subsidiaries.ma.id },
      { kind: 'group' },
      { kind: 'site', siteId: f.sites.casablanca.id },
    ]) {
      const res = await frAdmin.post('/api/users', {
        email: `grant-${scope.kind}@test.example`,
        displayName: 'Beyond my scope',
        role: 'admin',
        scope,
      });
      expectProblem(res, 403, 'forbidden');
    }
    expect(await counts()).toEqual(tallies);
  });

  it("subsidiary staff see the teams and agents of the sites serving them, but change only the group's or the site's own", async () => {
    expect(idsOf(await all(frAdmin, '/api/teams'))).toContain(parisTeamId);
    expect(idsOf(await all(maSupervisor, '/api/teams'))).not.toContain(parisTeamId);
    expectProblem(await maSupervisor.get(`/api/teams/${parisTeamId}`), 404);

    const team = await server.db
      .selectFrom('teams')
      .selectAll()
      .where('id', '=', parisTeamId)
      .executeTakeFirstOrThrow();
    expectProblem(await frAdmin.patch(`/api/teams/${parisTeamId}`, { name: 'Renamed' }), 403, 'forbidden');
    expect(
      await server.db.selectFrom('teams').selectAll().where('id', '=', parisTeamId).executeTakeFirstOrThrow(),
    ).toEqual(team);

    const cas = await agentRow(f.agents.casablanca.id);
    expectProblem(
      await frAdmin.patch(`/api/agents/${f.agents.casablanca.id}`, { tier: 'level2' }),
      403,
      'forbidden',
    );
    expect(await agentRow(f.agents.casablanca.id)).toEqual(cas);
    const buc = await agentRow(f.agents.bucharest.id);
    const etag = (await groupAdmin.get(`/api/agents/${f.agents.bucharest.id}`)).headers.etag as string;
    expectProblem(
      await maSupervisor.patch(`/api/agents/${f.agents.bucharest.id}`, { tier: 'level1' }, etag),
      404,
    );
    expect(await agentRow(f.agents.bucharest.id)).toEqual(buc);

    const tallies = await counts();
    const created = await frAdmin.post('/api/teams', { siteId: f.sites.paris.id, name: 'Annex' });
    expectProblem(created, 400, 'validation_failed');
    expect(created.body.errors.map((e: { path: string }) => e.path)).toContain('siteId');
    expect(await counts()).toEqual(tallies);
  });

  it('analysts cannot write anything, anywhere (403), and nothing changes', async () => {
    const customer = f.customers.frAtBucharest.id;
    const conversation = f.conversations.frAtBucharest.id;
    const customerBefore = await customerRow(customer);
    const conversationBefore = await conversationRow(conversation);
    const agentBefore = await agentRow(f.agents.paris.id);
    const tallies = await counts();
    for (const analyst of [frAnalyst, groupAnalyst]) {
      const attempts: Response[] = [
        await analyst.post('/api/customers', {
          subsidiaryId: f.subsidiaries.fr.id,
          displayName: 'By an analyst',
        }),
        await analyst.patch(`/api/customers/${customer}`, { displayName: 'Changed by an analyst' }),
        await analyst.post(`/api/customers/${customer}/consent`, { level: 'none', source: 'web' }),
        await analyst.post(`/api/customers/${customer}/identities`, {
          kind: 'email',
          value: 'a@analyst.example',
        }),
        await analyst.post(`/api/conversations/${conversation}/messages`, { text: 'A note from analytics' }),
        await analyst.patch(`/api/conversations/${conversation}`, { priority: 'urgent' }),
        await analyst.post('/api/conversations', {
          subsidiaryId: f.subsidiaries.fr.id,
          customerId: customer,
          channel: 'email',
          message: { text: 'Opened by an analyst' },
        }),
        await analyst.request('PUT', `/api/agents/${f.agents.paris.id}/presence`, {
          body: { presence: 'away' },
        }),
        await analyst.patch(`/api/subsidiaries/${f.subsidiaries.fr.id}`, { name: 'Analysed' }),
        await analyst.post('/api/teams', { siteId: f.sites.paris.id, name: 'Analysts' }),
        await analyst.post('/api/api-keys', { name: 'reporting', permissions: ['customers:read'] }),
        await analyst.post('/api/users', {
          email: 'by-analyst@test.example',
          displayName: 'x',
          role: 'analyst',
          scope: { kind: 'subsidiary', subsidiaryId: f.subsidiaries.fr.id },
        }),
      ];
      for (const res of attempts) expectProblem(res, 403, 'forbidden');
    }
    expect(await customerRow(customer)).toEqual(customerBefore);
    expect(await conversationRow(conversation)).toEqual(conversationBefore);
    expect(await agentRow(f.agents.paris.id)).toEqual(agentBefore);
    expect(await counts()).toEqual(tallies);
  });
});

describe('accounts', () => {
  it('a deactivated account is locked out at once, not only at its next sign-in', async () => {
    const created = await groupAdmin.post('/api/users', {
      email: 'leaver@test.example',
      displayName: 'Leaver',
      password: FIXTURE_PASSWORD,
      role: 'analyst',
      scope: { kind: 'subsidiary', subsidiaryId: f.subsidiaries.fr.id },
    });
    expect(created.status, created.text).toBe(201);
    const leaver = await server.as('leaver@test.example');
    expect((await leaver.get('/api/customers')).status).toBe(200);

    const off = await groupAdmin.patch(`/api/users/${created.body.id}`, { active: false });
    expect(off.status, off.text).toBe(200);
    expectProblem(await leaver.get('/api/customers'), 401, 'unauthenticated');
    expectProblem(await leaver.get(`/api/customers/${f.customers.frAtBucharest.id}`), 401, 'unauthenticated');
    await expect(server.as('leaver@test.example')).rejects.toThrow(/401/);
  });

  it('a password change ends the other sessions at once', async () => {
    const created = await groupAdmin.post('/api/users', {
      email: 'rotated@test.example',
      displayName: 'Rotated',
      password: FIXTURE_PASSWORD,
      role: 'analyst',
      scope: { kind: 'subsidiary', subsidiaryId: f.subsidiaries.fr.id },
    });
    expect(created.status, created.text).toBe(201);
    const stolen = await server.as('rotated@test.example');
    expect((await stolen.get('/api/customers')).status).toBe(200);
    const changed = await groupAdmin.patch(`/api/users/${created.body.id}`, {
      password: 'a-brand-new-passphrase',
    });
    expect(changed.status, changed.text).toBe(200);
    expectProblem(await stolen.get('/api/customers'), 401, 'unauthenticated');
  });
});

describe('the agent role', () => {
  it('cannot create users, read the audit log, or manage API keys (403)', async () => {
    const tallies = await counts();
    expectProblem(
      await casAgent.post('/api/users', {
        email: 'friend@test.example',
        displayName: 'A friend',
        role: 'agent',
        scope: { kind: 'site', siteId: f.sites.casablanca.id },
      }),
      403,
      'forbidden',
    );
    expectProblem(await casAgent.get('/api/users'), 403, 'forbidden');
    expectProblem(await casAgent.get('/api/audit'), 403, 'forbidden');
    expectProblem(
      await casAgent.post('/api/api-keys', { name: 'mine', permissions: ['customers:read'] }),
      403,
    );
    expectProblem(await casAgent.get('/api/api-keys'), 403, 'forbidden');
    expectProblem(
      await casAgent.post('/api/agents', {
        user: { email: 'friend2@test.example', displayName: 'Another friend' },
        siteId: f.sites.casablanca.id,
        tier: 'level1',
        languages: [{ tag: 'fr', proficiency: 3 }],
        capacity: { perChannel: { chat: 1 }, total: 1 },
      }),
      403,
      'forbidden',
    );
    expect(await counts()).toEqual(tallies);
  });

  it('sets its own presence, and no one else’s', async () => {
    const own = await casAgent.request('PUT', `/api/agents/${f.agents.casablanca.id}/presence`, {
      body: { presence: 'available' },
    });
    expect(own.status, own.text).toBe(200);
    expect(own.body.presence).toBe('available');

    const colleague = await agentRow(secondCasablancaAgentId);
    const paris = await agentRow(f.agents.paris.id);
    const bucharest = await agentRow(f.agents.bucharest.id);
    const res = await casAgent.request('PUT', `/api/agents/${secondCasablancaAgentId}/presence`, {
      body: { presence: 'away' },
    });
    expectProblem(res, 403, 'forbidden');
    for (const [who, id] of [
      [casAgent, f.agents.paris.id],
      [casAgent, f.agents.bucharest.id],
      [bucAgent, f.agents.casablanca.id],
    ] as const) {
      const other = await who.request('PUT', `/api/agents/${id}/presence`, { body: { presence: 'busy' } });
      expect([403, 404]).toContain(other.status);
      expectProblem(other, other.status);
    }
    expect(await agentRow(secondCasablancaAgentId)).toEqual(colleague);
    expect(await agentRow(f.agents.paris.id)).toEqual(paris);
    expect(await agentRow(f.agents.bucharest.id)).toEqual(bucharest);
    expect((await agentRow(f.agents.casablanca.id)).presence).toBe('available');
    // The site's supervisor may set it.
    const bySupervisor = await casSupervisor.request(
      'PUT',
      `/api/agents/${secondCasablancaAgentId}/presence`,
      {
        body: { presence: 'busy' },
      },
    );
    expect(bySupervisor.status, bySupervisor.text).toBe(200);
  });
});

describe('group scope', () => {
  it('group administrators and analysts see across both subsidiaries', async () => {
    for (const me of [groupAdmin, groupAnalyst]) {
      const conversations = idsOf(await all(me, '/api/conversations'));
      expect(conversations).toEqual(expect.arrayContaining(Object.values(f.conversations).map((c) => c.id)));
      const customers = idsOf(await all(me, '/api/customers'));
      expect(customers).toEqual(expect.arrayContaining(Object.values(f.customers).map((c) => c.id)));
      for (const c of Object.values(f.conversations))
        expect((await me.get(`/api/conversations/${c.id}`)).status).toBe(200);
      for (const c of Object.values(f.customers))
        expect((await me.get(`/api/customers/${c.id}`)).status).toBe(200);
      expect(idsOf(await all(me, '/api/subsidiaries'))).toEqual(
        expect.arrayContaining([f.subsidiaries.fr.id, f.subsidiaries.ma.id]),
      );
      expect(idsOf(await all(me, '/api/sites'))).toEqual(
        expect.arrayContaining([f.sites.paris.id, f.sites.casablanca.id, f.sites.bucharest.id, rabatSiteId]),
      );
      expect(idsOf(await all(me, `/api/customers?q=${enc('يوسف')}`))).toEqual([
        f.customers.maAtCasablanca.id,
      ]);
      expect(idsOf(await all(me, '/api/customers?q=Lucas'))).toEqual([f.customers.frAtBucharest.id]);
      const audit = await all(me, '/api/audit');
      const subsidiaries = new Set(audit.map((e) => e.subsidiaryId));
      expect(subsidiaries.has(f.subsidiaries.fr.id) && subsidiaries.has(f.subsidiaries.ma.id)).toBe(true);
    }
  });
});

describe('API keys', () => {
  it('a key scoped to Morocco with customers:read reads Moroccan customers only, writes nothing, and dies when revoked', async () => {
    const issued = await groupAdmin.post('/api/api-keys', {
      name: 'Moroccan CRM export',
      permissions: ['customers:read'],
      scope: { kind: 'subsidiary', subsidiaryId: f.subsidiaries.ma.id },
    });
    expect(issued.status, issued.text).toBe(201);
    expect(issued.body.apiKey.scope).toEqual({ kind: 'subsidiary', subsidiaryId: f.subsidiaries.ma.id });
    const key = server.withKey(issued.body.token);

    const youssef = await key.get(`/api/customers/${f.customers.maAtCasablanca.id}`);
    expect(youssef.status, youssef.text).toBe(200);
    const listed = await all(key, '/api/customers');
    expect(idsOf(listed)).toContain(f.customers.maAtCasablanca.id);
    for (const c of listed) expect(c.subsidiaryId).toBe(f.subsidiaries.ma.id);
    for (const c of [f.customers.frAtCasablanca, f.customers.frAtBucharest, f.customers.frUnrouted]) {
      expectProblem(await key.get(`/api/customers/${c.id}`), 404, 'not_found');
    }
    expect(await all(key, '/api/customers?q=Lucas')).toEqual([]);
    expect(await all(key, `/api/customers?subsidiaryId=${f.subsidiaries.fr.id}`)).toEqual([]);

    const tallies = await counts();
    expectProblem(
      await key.post('/api/customers', {
        subsidiaryId: f.subsidiaries.ma.id,
        displayName: 'Written by a reader',
      }),
      403,
      'forbidden',
    );
    expectProblem(await key.get('/api/conversations'), 403, 'forbidden');
    expectProblem(await key.get(`/api/conversations/${f.conversations.maAtCasablanca.id}`), 403, 'forbidden');
    expectProblem(await key.post('/api/api-keys', { name: 'child', permissions: ['customers:read'] }), 403);
    expect(await counts()).toEqual(tallies);

    // A French administrator neither sees nor revokes it.
    expect(idsOf(await frAdmin.get('/api/api-keys').then((r) => r.body.items))).not.toContain(
      issued.body.apiKey.id,
    );
    expectProblem(await frAdmin.del(`/api/api-keys/${issued.body.apiKey.id}`), 404);
    expect((await key.get(`/api/customers/${f.customers.maAtCasablanca.id}`)).status).toBe(200);

    const revoked = await groupAdmin.del(`/api/api-keys/${issued.body.apiKey.id}`);
    expect(revoked.status, revoked.text).toBe(204);
    expectProblem(await key.get(`/api/customers/${f.customers.maAtCasablanca.id}`), 401, 'unauthenticated');
    expectProblem(await key.get('/api/customers'), 401, 'unauthenticated');
  });

  it('a subsidiary administrator cannot issue a key wider than their scope (403)', async () => {
    const tallies = await counts();
    for (const scope of [
      { kind: 'group' },
      { kind: 'subsidiary', subsidiaryId: f.subsidiaries.ma.id },
      { kind: 'site', siteId: f.sites.casablanca.id },
    ]) {
      const res = await frAdmin.post('/api/api-keys', {
        name: 'wide',
        permissions: ['customers:read'],
        scope,
      });
      expectProblem(res, 403, 'forbidden');
    }
    // A key cannot hold permissions its issuer lacks.
    const beyond = await casSupervisor.post('/api/api-keys', { name: 'x', permissions: ['api_keys:write'] });
    expectProblem(beyond, 403, 'forbidden');
    expect(await counts()).toEqual(tallies);
    const own = await frAdmin.post('/api/api-keys', {
      name: 'French export',
      permissions: ['customers:read'],
    });
    expect(own.status, own.text).toBe(201);
    expect(own.body.apiKey.scope).toEqual({ kind: 'subsidiary', subsidiaryId: f.subsidiaries.fr.id });
  });

  it('a bearer key needs no CSRF token, and still stays within its scope', async () => {
    const issued = await groupAdmin.post('/api/api-keys', {
      name: 'Moroccan web form',
      permissions: ['customers:read', 'customers:write'],
      scope: { kind: 'subsidiary', subsidiaryId: f.subsidiaries.ma.id },
    });
    expect(issued.status, issued.text).toBe(201);
    const raw = await server.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { authorization: `Bearer ${issued.body.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        subsidiaryId: f.subsidiaries.ma.id,
        displayName: 'Amina Benali',
        identities: [{ kind: 'email', value: 'amina@client.example' }],
      }),
    });
    expect(raw.statusCode, raw.body).toBe(201);
    expect(raw.json().subsidiaryId).toBe(f.subsidiaries.ma.id);

    const tallies = await counts();
    const key = server.withKey(issued.body.token);
    const french = await key.post('/api/customers', {
      subsidiaryId: f.subsidiaries.fr.id,
      displayName: 'Not mine',
    });
    expectProblem(french, 400, 'validation_failed');
    expect(french.body.errors.map((e: { path: string }) => e.path)).toContain('subsidiaryId');
    const lucas = f.customers.frAtBucharest.id;
    const before = await customerRow(lucas);
    expectProblem(await key.patch(`/api/customers/${lucas}`, { displayName: 'x' }, '"1"'), 404);
    expect(await customerRow(lucas)).toEqual(before);
    expect(await counts()).toEqual(tallies);
  });

  it('an unknown or malformed key is refused (401) and writes nothing', async () => {
    const tallies = await counts();
    const forged = server.withKey(`rk_${'a'.repeat(12)}.${'A'.repeat(43)}`);
    expectProblem(await forged.get('/api/customers'), 401, 'unauthenticated');
    expectProblem(
      await forged.post('/api/customers', { subsidiaryId: f.subsidiaries.fr.id, displayName: 'x' }),
      401,
    );
    expectProblem(await server.withKey('not-a-key').get('/api/customers'), 401, 'unauthenticated');
    expect(await counts()).toEqual(tallies);
  });
});

describe('who before what', () => {
  it('an anonymous write is 401 and an under-privileged one 403, whatever its body', async () => {
    const tallies = await counts();
    for (const body of [{}, { displayName: 42 }, { subsidiaryId: 'FR', colour: 'red' }]) {
      expectProblem(await server.anonymous.post('/api/customers', body), 401, 'unauthenticated');
      expectProblem(await frAnalyst.post('/api/customers', body), 403, 'forbidden');
      expectProblem(await casAgent.post('/api/users', body), 403, 'forbidden');
    }
    expectProblem(
      await server.anonymous.request('POST', '/api/customers', { raw: '{"a":' }),
      401,
      'unauthenticated',
    );
    expectProblem(await server.anonymous.get('/api/customers?colour=red'), 401, 'unauthenticated');
    expectProblem(await server.anonymous.get('/api/customers/not-a-uuid'), 401, 'unauthenticated');
    // A cross-site forgery is refused as such before its body is looked at.
    const cookie = await signIn('group.admin@test.example');
    const forged = await server.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ displayName: 42 }),
    });
    expect(forged.statusCode, forged.body).toBe(403);
    expect(forged.json().code).toBe('csrf_failed');
    expect(await counts()).toEqual(tallies);
  });
});

describe('CSRF', () => {
  it('a cookie session writing without the X-CSRF-Token header is refused (403 csrf_failed), and nothing is written', async () => {
    const cookie = await signIn('group.admin@test.example');
    const tallies = await counts();
    const lucas = f.customers.frAtBucharest.id;
    const before = await customerRow(lucas);
    const body = JSON.stringify({
      subsidiaryId: f.subsidiaries.fr.id,
      displayName: 'Forged by another site',
      identities: [{ kind: 'email', value: 'forged@client.example' }],
    });
    const attempts = [
      {
        method: 'POST' as const,
        url: '/api/customers',
        headers: { cookie, 'content-type': 'application/json' },
        payload: body,
      },
      {
        method: 'POST' as const,
        url: '/api/customers',
        headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': 'wrong-token' },
        payload: body,
      },
      {
        method: 'PATCH' as const,
        url: `/api/customers/${lucas}`,
        headers: { cookie, 'content-type': 'application/json', 'if-match': `"${before.version}"` },
        payload: JSON.stringify({ displayName: 'Forged' }),
      },
      {
        method: 'POST' as const,
        url: `/api/customers/${lucas}/consent`,
        headers: { cookie, 'content-type': 'application/json' },
        payload: JSON.stringify({ level: 'marketing', source: 'web' }),
      },
    ];
    for (const attempt of attempts) {
      const res = await server.app.inject(attempt);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('csrf_failed');
    }
    const keys = await groupAdmin.get('/api/api-keys');
    const someKey = keys.body.items.find((k: { revokedAt: string | null }) => k.revokedAt === null);
    if (someKey) {
      const del = await server.app.inject({
        method: 'DELETE',
        url: `/api/api-keys/${someKey.id}`,
        headers: { cookie },
      });
      expect(del.statusCode).toBe(403);
      expect(del.json().code).toBe('csrf_failed');
    }
    expect(await customerRow(lucas)).toEqual(before);
    expect(await counts()).toEqual(tallies);

    // The same session with its token succeeds: the refusals above were CSRF, not something else.
    const me = await server.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    const ok = await server.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': me.json().csrfToken },
      payload: body,
    });
    expect(ok.statusCode, ok.body).toBe(201);
  });
});

describe('the audit log', () => {
  it('a French administrator sees only French entries', async () => {
    const entries = await all(frAdmin, '/api/audit');
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e.subsidiaryId).toBe(f.subsidiaries.fr.id);
    expect(entries.map((e) => e.entityId)).toContain(f.customers.frAtBucharest.id);
    expect(entries.map((e) => e.entityId)).not.toContain(f.customers.maAtCasablanca.id);
    expect(await all(frAdmin, `/api/audit?subsidiaryId=${f.subsidiaries.ma.id}`)).toEqual([]);
    expect(
      await all(frAdmin, `/api/audit?entity=customer&entityId=${f.customers.maAtCasablanca.id}`),
    ).toEqual([]);
  });

  it('the Casablanca supervisor sees only entries of site Casablanca', async () => {
    const entries = await all(casSupervisor, '/api/audit');
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e.siteId).toBe(f.sites.casablanca.id);
    expect(entries.map((e) => e.entityId)).not.toContain(f.conversations.frAtBucharest.id);
    expect(await all(casSupervisor, `/api/audit?entityId=${f.conversations.frAtBucharest.id}`)).toEqual([]);
    expect(await all(casSupervisor, `/api/audit?subsidiaryId=${f.subsidiaries.fr.id}`)).not.toContainEqual(
      expect.objectContaining({ siteId: f.sites.bucharest.id }),
    );
  });

  it('the Moroccan supervisor sees only Moroccan entries', async () => {
    const entries = await all(maSupervisor, '/api/audit');
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e.subsidiaryId).toBe(f.subsidiaries.ma.id);
  });
});
