import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/index.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('the HTTP API', () => {
  it('signs a person in and tells them who they are', async () => {
    const admin = await server.as('fr.admin@test.example');
    const me = await admin.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe('admin');
    expect(me.body.user.scope).toEqual({
      kind: 'subsidiary',
      subsidiaryId: server.fixture.subsidiaries.fr.id,
    });
    expect(me.headers['x-request-id']).toBeTruthy();
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    const wrong = await server.anonymous.post('/api/auth/login', {
      email: 'fr.admin@test.example',
      password: 'nope-nope-nope',
    });
    const unknown = await server.anonymous.post('/api/auth/login', {
      email: 'nobody@test.example',
      password: 'nope-nope-nope',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
  });

  it('opens a conversation with its first message and reads it back with its messages', async () => {
    const admin = await server.as('fr.admin@test.example');
    const created = await admin.post('/api/conversations', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'chat',
      customer: { identity: { kind: 'phone', value: '06 11 22 33 44' }, displayName: 'Inès Moreau' },
      message: { text: 'Bonjour, ma fibre ne marche plus', externalId: 'chat-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.language).toBe('fr');
    expect(created.headers.etag).toBe('"1"');
    const read = await admin.get(`/api/conversations/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.messages).toHaveLength(1);
    expect(read.body.messages[0].text).toBe('Bonjour, ma fibre ne marche plus');
    const customer = await admin.get(`/api/customers/${created.body.customerId}`);
    expect(customer.body.identities).toEqual([
      expect.objectContaining({ kind: 'phone', value: '+33611223344' }),
    ]);

    // The channel delivers the same message again: nothing new is stored.
    const again = await admin.post('/api/conversations', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'chat',
      customer: { identity: { kind: 'phone', value: '+33611223344' } },
      message: { text: 'Bonjour, ma fibre ne marche plus', externalId: 'chat-1' },
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    const messages = await admin.get(`/api/conversations/${created.body.id}/messages`);
    expect(messages.body.items).toHaveLength(1);
  });

  it('updates with optimistic concurrency: a stale ETag is refused and changes nothing', async () => {
    const admin = await server.as('fr.admin@test.example');
    const url = `/api/customers/${server.fixture.customers.frUnrouted.id}`;
    const first = await admin.get(url);
    const ok = await admin.patch(url, { displayName: 'Chloé Petit-Durand' }, first.headers.etag as string);
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).not.toBe(first.headers.etag);
    const stale = await admin.patch(url, { displayName: 'Someone else' }, first.headers.etag as string);
    expect(stale.status).toBe(412);
    const missing = await admin.request('PATCH', url, { body: { displayName: 'No etag' } });
    expect(missing.status).toBe(428);
    expect((await admin.get(url)).body.displayName).toBe('Chloé Petit-Durand');
  });

  it('follows the status lifecycle and refuses an illegal transition', async () => {
    const admin = await server.as('group.admin@test.example');
    const url = `/api/conversations/${server.fixture.conversations.frAtCasablanca.id}`;
    const assigned = await admin.patch(url, { assigneeId: server.fixture.agents.casablanca.id });
    expect(assigned.status).toBe(200);
    expect(assigned.body.status).toBe('assigned');
    const closed = await admin.patch(url, { status: 'closed' });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('illegal_transition');
    const resolved = await admin.patch(url, { status: 'resolved' });
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.resolvedAt).toBeTruthy();
  });

  it('learns the customer’s language from an agent’s correction of the conversation’s', async () => {
    const admin = await server.as('ma.supervisor@test.example');
    const url = `/api/conversations/${server.fixture.conversations.maAtCasablanca.id}`;
    const customerUrl = `/api/customers/${server.fixture.customers.maAtCasablanca.id}`;
    expect((await admin.get(customerUrl)).body.language).toBe('ar');
    const corrected = await admin.patch(url, { language: 'fr' });
    expect(corrected.status).toBe(200);
    expect(corrected.body.language).toBe('fr');
    expect((await admin.get(customerUrl)).body.language).toBe('fr');
  });

  it('records who changed what in the audit log', async () => {
    const admin = await server.as('group.admin@test.example');
    const id = server.fixture.customers.frUnrouted.id;
    const log = await admin.get(`/api/audit?entity=customer&entityId=${id}`);
    expect(log.status).toBe(200);
    const update = log.body.items.find((e: { action: string }) => e.action === 'update');
    expect(update.actorKind).toBe('user');
    expect(update.changes).toEqual({ displayName: 'Chloé Petit-Durand' });
  });

  it('serves the OpenAPI document and its page', async () => {
    const doc = await server.anonymous.get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/conversations');
    const page = await server.anonymous.get('/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
  });
});

describe('sign-in', () => {
  it('is rate-limited per address and email, with a problem document', async () => {
    const limited = await startTestServer({ RELAIS_LOGIN_LIMIT: '3' });
    try {
      const attempt = () =>
        limited.anonymous.post('/api/auth/login', {
          email: 'fr.admin@test.example',
          password: 'guess-guess-guess',
        });
      for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
      const blocked = await attempt();
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('rate_limited');
      expect(blocked.headers['retry-after']).toBeTruthy();
      expect(blocked.headers['content-type']).toContain('application/problem+json');
      // Another account from the same address is not locked out by the first one's attempts.
      const other = await limited.anonymous.post('/api/auth/login', {
        email: 'fr.analyst@test.example',
        password: 'correct-horse-battery',
      });
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('ends the session on sign-out', async () => {
    const agent = await server.as('cas.agent@test.example');
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    expect((await agent.post('/api/auth/logout', {})).status).toBe(204);
    expect((await agent.get('/api/auth/me')).status).toBe(401);
  });
});
