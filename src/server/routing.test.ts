import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingService } from '../routing/index.ts';
import { startTestServer, type TestServer } from '../testing/index.ts';

// A Monday, 11:00 in Paris: the fixture's sites are open.
const NOW = new Date('2026-11-23T10:00:00Z');

describe('routing through the API', () => {
  let server: TestServer;
  let service: RoutingService;
  let conversationId: string;

  const newConversation = async (subject: string, priority = 'urgent') => {
    const admin = await server.as('fr.admin@test.example');
    const res = await admin.post('/api/conversations', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      customerId: server.fixture.customers.frUnrouted.id,
      channel: 'email',
      subject,
      priority,
      message: { direction: 'inbound', text: subject, attachments: [] },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    server = await startTestServer();
    service = new RoutingService(server.db, { now: () => NOW });
    await service.sync();
  });
  afterAll(async () => {
    await service?.stop();
    await server?.close();
  });

  it('work waits with a reason while nobody is available, then goes to an agent who speaks the language when one becomes available', async () => {
    conversationId = await newConversation('Ma facture est fausse');
    await service.sync();
    const admin = await server.as('fr.admin@test.example');
    const queue = await admin.get('/api/queues');
    expect(queue.status).toBe(200);
    const waiting = queue.body.items.find(
      (i: { conversationId: string }) => i.conversationId === conversationId,
    );
    expect(waiting).toMatchObject({ language: 'fr', channel: 'email', tier: 'level1', position: 1 });
    expect(waiting.waitReason.code).toBeTruthy();

    const agent = await server.as('buc.agent@test.example');
    const presence = await agent.request('PUT', '/api/agents/me/presence', {
      body: { presence: 'available' },
    });
    expect(presence.status).toBe(200);
    expect(presence.body.presence).toBe('available');
    await service.sync();

    const conversation = await admin.get(`/api/conversations/${conversationId}`);
    expect(conversation.body.status).toBe('assigned');
    expect(conversation.body.assigneeId).toBe(server.fixture.agents.bucharest.id);

    const routing = await admin.get(`/api/conversations/${conversationId}/routing`);
    expect(routing.status).toBe(200);
    const assigned = routing.body.items.find((d: { kind: string }) => d.kind === 'assigned');
    expect(assigned).toMatchObject({
      agentId: server.fixture.agents.bucharest.id,
      siteId: server.fixture.sites.bucharest.id,
      language: 'fr',
      fallbackLanguage: false,
      tier: 'level1',
    });
    expect(assigned.score.parts.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['cost', 'quality', 'share', 'proficiency', 'fairness', 'preferred']),
    );
  });

  it('escalation re-queues at level 2 and a level-2 agent gets it, with its history kept', async () => {
    const admin = await server.as('fr.admin@test.example');
    const res = await admin.post(`/api/conversations/${conversationId}/escalate`, {
      tier: 'level2',
      reason: 'refund above the level-1 limit',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'level2', status: 'open' });
    const paris = await admin.request('PUT', '/api/agents/me/presence', {
      body: { presence: 'available', agentId: server.fixture.agents.paris.id },
    });
    expect(paris.status).toBe(200);
    await service.sync();

    const conversation = await admin.get(`/api/conversations/${conversationId}`);
    expect(conversation.body).toMatchObject({ status: 'assigned', tier: 'level2' });
    expect(conversation.body.assigneeId).toBe(server.fixture.agents.paris.id);
    const kinds = (await admin.get(`/api/conversations/${conversationId}/routing`)).body.items.map(
      (d: { kind: string; tier: string }) => `${d.kind}:${d.tier}`,
    );
    expect(kinds).toEqual(expect.arrayContaining(['assigned:level1', 'escalated:level2', 'assigned:level2']));
    const audit = await server.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', conversationId)
      .where('action', '=', 'escalate')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('after a restart, a new service rebuilds from the store and assigns what waited', async () => {
    await service.stop();
    const waitingId = await newConversation('Plus de connexion depuis ce matin');
    const agent = await server.as('cas.agent@test.example');
    expect(
      (await agent.request('PUT', '/api/agents/me/presence', { body: { presence: 'available' } })).status,
    ).toBe(200);
    service = new RoutingService(server.db, { now: () => NOW });
    await service.sync();
    const admin = await server.as('fr.admin@test.example');
    const conversation = await admin.get(`/api/conversations/${waitingId}`);
    expect(conversation.body.status).toBe('assigned');
    expect(conversation.body.assigneeId).toBe(server.fixture.agents.casablanca.id);
    // What still waits is in the queue view with a reason, none forgotten.
    const open = await server.db
      .selectFrom('conversations')
      .select('id')
      .where('status', '=', 'open')
      .where('assignee_id', 'is', null)
      .execute();
    const group = await server.as('group.admin@test.example');
    const queue = await group.get('/api/queues');
    expect(queue.body.items.map((i: { conversationId: string }) => i.conversationId).sort()).toEqual(
      open.map((o) => o.id).sort(),
    );
    for (const item of queue.body.items) expect(item.waitReason).not.toBeNull();
  });

  it("another subsidiary's supervisor sees neither the queue items nor the decisions", async () => {
    const ma = await server.as('ma.supervisor@test.example');
    const queue = await ma.get('/api/queues');
    expect(queue.status).toBe(200);
    for (const item of queue.body.items) expect(item.subsidiaryId).toBe(server.fixture.subsidiaries.ma.id);
    expect((await ma.get(`/api/conversations/${conversationId}/routing`)).status).toBe(404);
    expect(
      (await ma.post(`/api/conversations/${conversationId}/escalate`, { tier: 'expert', reason: 'x' }))
        .status,
    ).toBe(404);
  });

  it('refuses an unknown tier and a presence out of scope, writing nothing', async () => {
    const before = await server.db.selectFrom('routing_decisions').select('id').execute();
    const admin = await server.as('fr.admin@test.example');
    const bad = await admin.post(`/api/conversations/${conversationId}/escalate`, {
      tier: 'level9',
      reason: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const noSite = await admin.post(`/api/conversations/${conversationId}/escalate`, {
      tier: 'back_office',
      reason: 'no site works at this tier',
    });
    expect(noSite.status).toBe(400);
    expect(noSite.body.detail ?? noSite.body.title).toMatch(/back_office/);

    const ma = await server.as('ma.supervisor@test.example');
    const presence = await ma.request('PUT', '/api/agents/me/presence', {
      body: { presence: 'offline', agentId: server.fixture.agents.bucharest.id },
    });
    expect(presence.status).toBe(404);
    const bucharest = await server.db
      .selectFrom('agents')
      .select('presence')
      .where('id', '=', server.fixture.agents.bucharest.id)
      .executeTakeFirstOrThrow();
    expect(bucharest.presence).toBe('available');
    const after = await server.db.selectFrom('routing_decisions').select('id').execute();
    expect(after.length).toBe(before.length);
    const conversation = await server.db
      .selectFrom('conversations')
      .select('tier')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect(conversation.tier).toBe('level2');
  });
  it('a resolved conversation the customer writes to again is routed again', async () => {
    const admin = await server.as('fr.admin@test.example');
    const resolved = await admin.patch(`/api/conversations/${conversationId}`, { status: 'resolved' });
    expect(resolved.status).toBe(200);
    await service.sync();
    const again = await admin.post(`/api/conversations/${conversationId}/messages`, {
      direction: 'inbound',
      text: 'Finalement le remboursement n’est pas arrivé',
      attachments: [],
    });
    expect(again.status).toBe(201);
    expect((await admin.get(`/api/conversations/${conversationId}`)).body.status).toBe('open');
    await service.sync();
    const conversation = await admin.get(`/api/conversations/${conversationId}`);
    expect(conversation.body).toMatchObject({ status: 'assigned', tier: 'level2' });
    expect(conversation.body.assigneeId).toBe(server.fixture.agents.paris.id);
    const assigned = (await admin.get(`/api/conversations/${conversationId}/routing`)).body.items.filter(
      (d: { kind: string }) => d.kind === 'assigned',
    );
    expect(assigned).toHaveLength(3);
  });
});
