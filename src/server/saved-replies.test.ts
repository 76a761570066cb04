import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTime, REPLY_VARIABLES, unknownVariables, variablesIn } from '../conversations/index.ts';
import { createDemoWorld } from '../demo/index.ts';
import { freshStore, type Response, rowCounts, startTestServer, type TestServer } from '../testing/index.ts';

/** Saved replies: read where the subsidiary's conversations are read, changed by its administrators, filled in per conversation. */

let server: TestServer;
let f: TestServer['fixture'];

beforeAll(async () => {
  server = await startTestServer();
  f = server.fixture;
});
afterAll(async () => {
  await server?.close();
});

const pathsIn = (res: Response): string[] => (res.body?.errors ?? []).map((e: { path: string }) => e.path);

function expectProblem(res: Response, status: number, code: string, path?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code, res.text).toBe(code);
  if (path !== undefined) expect(pathsIn(res), res.text).toContain(path);
}

async function refusedWithoutWrites(send: () => Promise<Response>): Promise<Response> {
  const before = await rowCounts(server.db);
  const res = await send();
  expect(await rowCounts(server.db), `${res.status} ${res.text}`).toEqual(before);
  return res;
}

const greeting = {
  language: 'fr',
  title: 'Accueil',
  body: 'Bonjour {{customer.name}}, je suis {{agent.name}}. Il est {{customer.localTime}} chez vous.',
};
const orderQuestion = {
  language: 'fr',
  title: 'Numéro de commande',
  body: 'Pouvez-vous confirmer le numéro de votre commande {{ order }} ?',
};

describe('saved replies', () => {
  let frGreeting: { id: string; version: number };
  let frOrder: { id: string };
  let maGreeting: { id: string };

  it("are created by the subsidiary's administrators or the group's, with an ETag and an audit entry", async () => {
    const frAdmin = await server.as('fr.admin@test.example');
    const created = await frAdmin.post('/api/saved-replies', {
      subsidiaryId: f.subsidiaries.fr.id,
      ...greeting,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ subsidiaryId: f.subsidiaries.fr.id, ...greeting, version: 1 });
    expect(created.headers.etag).toBe('"1"');
    frGreeting = created.body;
    frOrder = (
      await frAdmin.post('/api/saved-replies', { subsidiaryId: f.subsidiaries.fr.id, ...orderQuestion })
    ).body;
    const groupAdmin = await server.as('group.admin@test.example');
    const ma = await groupAdmin.post('/api/saved-replies', {
      subsidiaryId: f.subsidiaries.ma.id,
      language: 'AR',
      title: 'الترحيب',
      body: 'مرحبًا {{customer.name}}، معك {{agent.name}}.',
    });
    expect(ma.status, ma.text).toBe(201);
    expect(ma.body.language).toBe('ar');
    maGreeting = ma.body;
    const audit = await frAdmin.get(`/api/audit?entity=saved_reply&entityId=${frGreeting.id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['create']);
  });

  it('refuse an unknown variable, a bad language, and anyone but those administrators, writing nothing', async () => {
    const frAdmin = await server.as('fr.admin@test.example');
    const valid = { subsidiaryId: f.subsidiaries.fr.id, ...greeting };
    const unknown = await refusedWithoutWrites(() =>
      frAdmin.post('/api/saved-replies', { ...valid, body: 'Bonjour {{customer.email}}' }),
    );
    expectProblem(unknown, 400, 'validation_failed', 'body');
    expect(unknown.body.detail).toContain('{{customer.email}}');
    expectProblem(
      await refusedWithoutWrites(() =>
        frAdmin.post('/api/saved-replies', { ...valid, language: 'pas une langue!' }),
      ),
      400,
      'validation_failed',
      'body.language',
    );
    expectProblem(
      await refusedWithoutWrites(() => frAdmin.post('/api/saved-replies', { ...valid, title: '  ' })),
      400,
      'validation_failed',
      'body.title',
    );
    // Another subsidiary's, a site's administrator, a supervisor, an agent.
    expectProblem(
      await refusedWithoutWrites(() =>
        frAdmin.post('/api/saved-replies', { ...valid, subsidiaryId: f.subsidiaries.ma.id }),
      ),
      400,
      'validation_failed',
      'subsidiaryId',
    );
    const casAdmin = await server.as('cas.admin@test.example');
    expectProblem(
      await refusedWithoutWrites(() => casAdmin.post('/api/saved-replies', valid)),
      403,
      'forbidden',
    );
    for (const email of ['ma.supervisor@test.example', 'cas.agent@test.example']) {
      const who = await server.as(email);
      expectProblem(
        await refusedWithoutWrites(() => who.post('/api/saved-replies', valid)),
        403,
        'forbidden',
      );
    }
  });

  it("are read by whoever reads the subsidiary's conversations, filtered and paged", async () => {
    const ids = (res: Response) => res.body.items.map((r: { id: string }) => r.id).sort();
    const casAgent = await server.as('cas.agent@test.example');
    expect(ids(await casAgent.get('/api/saved-replies'))).toEqual(
      [frGreeting.id, frOrder.id, maGreeting.id].sort(),
    );
    const bucharest = await server.as('buc.agent@test.example');
    expect(ids(await bucharest.get('/api/saved-replies'))).toEqual([frGreeting.id, frOrder.id].sort());
    expect(ids(await bucharest.get(`/api/saved-replies?subsidiaryId=${f.subsidiaries.ma.id}`))).toEqual([]);
    expectProblem(await bucharest.get(`/api/saved-replies/${maGreeting.id}`), 404, 'not_found');
    const maSupervisor = await server.as('ma.supervisor@test.example');
    expect(ids(await maSupervisor.get('/api/saved-replies'))).toEqual([maGreeting.id]);
    const analyst = await server.as('fr.analyst@test.example');
    expect(ids(await analyst.get('/api/saved-replies?language=fr'))).toEqual(
      [frGreeting.id, frOrder.id].sort(),
    );
    expect(ids(await analyst.get('/api/saved-replies?q=COMMANDE'))).toEqual([frOrder.id]);
    expect(ids(await analyst.get('/api/saved-replies?q=accueil'))).toEqual([frGreeting.id]);
    expect(ids(await analyst.get('/api/saved-replies?q=100%25'))).toEqual([]);

    const first = await casAgent.get('/api/saved-replies?limit=2');
    expect(first.body.items).toHaveLength(2);
    const rest = await casAgent.get(`/api/saved-replies?limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body).toMatchObject({ nextCursor: null });
    expect(rest.body.items).toHaveLength(1);
  });

  it('change with If-Match, and only by their administrators', async () => {
    const frAdmin = await server.as('fr.admin@test.example');
    const url = `/api/saved-replies/${frGreeting.id}`;
    expectProblem(
      await refusedWithoutWrites(() => frAdmin.request('PATCH', url, { body: { title: 'Bonjour' } })),
      428,
      'precondition_required',
    );
    expectProblem(
      await refusedWithoutWrites(() => frAdmin.patch(url, { title: 'Bonjour' }, '"7"')),
      412,
      'precondition_failed',
    );
    expectProblem(
      await refusedWithoutWrites(() => frAdmin.patch(url, { body: 'Bonjour {{client}}' })),
      400,
      'validation_failed',
      'body',
    );
    expectProblem(
      await refusedWithoutWrites(() =>
        frAdmin.patch(`/api/saved-replies/${maGreeting.id}`, { title: 'x' }, '"1"'),
      ),
      404,
      'not_found',
    );
    const casAdmin = await server.as('cas.admin@test.example');
    expectProblem(await refusedWithoutWrites(() => casAdmin.patch(url, { title: 'x' })), 403, 'forbidden');

    const changed = await frAdmin.patch(url, { title: 'Bonjour' }, '"1"');
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ title: 'Bonjour', body: greeting.body, version: 2 });
    expect(changed.headers.etag).toBe('"2"');
  });

  it('are filled in for a conversation: customer, local time, agent; the order when given', async () => {
    const agent = await server.as('cas.agent@test.example');
    const url = `/api/conversations/${f.conversations.frAtCasablanca.id}/saved-replies/${frGreeting.id}/render`;
    const before = localTime(new Date(), 'Europe/Paris', 'fr');
    const res = await agent.post(url, {});
    const after = localTime(new Date(), 'Europe/Paris', 'fr');
    expect(res.status, res.text).toBe(200);
    expect(res.body.missing).toEqual([]);
    expect([
      `Bonjour Camille Martin, je suis cas.agent. Il est ${before} chez vous.`,
      `Bonjour Camille Martin, je suis cas.agent. Il est ${after} chez vous.`,
    ]).toContain(res.body.text);

    const order = `/api/conversations/${f.conversations.frAtCasablanca.id}/saved-replies/${frOrder.id}/render`;
    // Without a body at all, as with an empty one.
    expect((await agent.request('POST', order)).body).toEqual({
      text: 'Pouvez-vous confirmer le numéro de votre commande {{order}} ?',
      missing: ['order'],
    });
    expect((await agent.post(order, {})).body).toEqual({
      text: 'Pouvez-vous confirmer le numéro de votre commande {{order}} ?',
      missing: ['order'],
    });
    expect((await agent.post(order, { variables: { order: 'CMD-2026-0042' } })).body).toEqual({
      text: 'Pouvez-vous confirmer le numéro de votre commande CMD-2026-0042 ?',
      missing: [],
    });
    expectProblem(
      await agent.post(order, { variables: { ticket: '1' } }),
      400,
      'validation_failed',
      'body.variables.ticket',
    );

    // In Arabic for a Moroccan customer.
    const ar = await agent.post(
      `/api/conversations/${f.conversations.maAtCasablanca.id}/saved-replies/${maGreeting.id}/render`,
      {},
    );
    expect(ar.body).toEqual({ text: 'مرحبًا يوسف العلوي، معك cas.agent.', missing: [] });
  });

  it("are not found for another subsidiary's conversation, nor by whoever cannot see the conversation", async () => {
    const agent = await server.as('cas.agent@test.example');
    expectProblem(
      await agent.post(
        `/api/conversations/${f.conversations.frAtCasablanca.id}/saved-replies/${maGreeting.id}/render`,
        {},
      ),
      404,
      'not_found',
    );
    const bucharest = await server.as('buc.agent@test.example');
    expectProblem(
      await bucharest.post(
        `/api/conversations/${f.conversations.frAtCasablanca.id}/saved-replies/${frGreeting.id}/render`,
        {},
      ),
      404,
      'not_found',
    );
  });

  it('are removed by their administrators', async () => {
    const casAgent = await server.as('cas.agent@test.example');
    expectProblem(
      await refusedWithoutWrites(() => casAgent.del(`/api/saved-replies/${frOrder.id}`)),
      403,
      'forbidden',
    );
    const frAdmin = await server.as('fr.admin@test.example');
    expectProblem(
      await refusedWithoutWrites(() => frAdmin.del(`/api/saved-replies/${maGreeting.id}`)),
      404,
      'not_found',
    );
    expectProblem(
      await refusedWithoutWrites(() =>
        frAdmin.request('DELETE', `/api/saved-replies/${frOrder.id}`, { headers: { 'if-match': '"5"' } }),
      ),
      412,
      'precondition_failed',
    );
    expect((await frAdmin.del(`/api/saved-replies/${frOrder.id}`)).status).toBe(204);
    expectProblem(await frAdmin.get(`/api/saved-replies/${frOrder.id}`), 404, 'not_found');
    const audit = await frAdmin.get(`/api/audit?entity=saved_reply&entityId=${frOrder.id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['create', 'delete']);
  });
});

describe("the demo world's saved replies", () => {
  it('give every subsidiary a greeting, the order question and a closing in each of its languages, with known variables only', async () => {
    const store = await freshStore();
    try {
      await createDemoWorld(store.db, {
        seed: 7,
        now: new Date('2026-03-03T09:00:00Z'),
        customers: 50,
        conversations: 5,
      });
      const subsidiaries = await store.db
        .selectFrom('subsidiaries')
        .select(['id', 'code', 'languages'])
        .execute();
      const replies = await store.db.selectFrom('saved_replies').selectAll().execute();
      for (const subsidiary of subsidiaries) {
        for (const language of subsidiary.languages) {
          const mine = replies.filter((r) => r.subsidiary_id === subsidiary.id && r.language === language);
          expect(mine, `${subsidiary.code} ${language}`).toHaveLength(3);
          expect(
            mine.filter((r) => variablesIn(r.body).includes('order')),
            `${subsidiary.code} ${language}`,
          ).toHaveLength(1);
          for (const r of mine) {
            expect(unknownVariables(r.body), r.body).toEqual([]);
            expect(variablesIn(r.body)).toContain('customer.name');
          }
        }
      }
      expect(REPLY_VARIABLES).toContain('order');
    } finally {
      await store.close();
    }
  });
});
