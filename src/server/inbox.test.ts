import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/index.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('GET /api/inbox', () => {
  it('lists the agent’s conversations still to work, with the customer and since when they wait', async () => {
    const { fixture } = server;
    const agent = await server.as('cas.agent@test.example');
    const supervisor = await server.as('group.admin@test.example');
    const conversation = fixture.conversations.frAtCasablanca.id;
    const other = fixture.conversations.maAtCasablanca.id;
    for (const id of [conversation, other]) {
      expect(
        (await supervisor.patch(`/api/conversations/${id}`, { assigneeId: fixture.agents.casablanca.id }))
          .status,
      ).toBeLessThan(300);
    }
    const before = await agent.get('/api/inbox');
    expect(before.status).toBe(200);
    const ids = before.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(conversation);
    const item = before.body.items.find((i: { id: string }) => i.id === conversation);
    expect(item).toMatchObject({ customerName: 'Camille Martin', channel: 'email', status: 'assigned' });
    expect(item.waitingSince).toEqual(expect.any(String));
    expect(before.body.truncated).toBe(false);

    // The agent answers: the customer no longer waits on them.
    const reply = await agent.post(`/api/conversations/${conversation}/messages`, {
      direction: 'outbound',
      text: 'Bonjour Camille, je regarde votre facture.',
    });
    expect(reply.status).toBe(201);
    const after = await agent.get('/api/inbox');
    expect(after.body.items.find((i: { id: string }) => i.id === conversation).waitingSince).toBeNull();

    // Snoozed work stays, with when it comes back.
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await agent.post(`/api/conversations/${conversation}/snooze`, { until })).status).toBe(200);
    const snoozed = (await agent.get('/api/inbox')).body.items.find(
      (i: { id: string }) => i.id === conversation,
    );
    expect(snoozed).toMatchObject({ status: 'pending', snoozedUntil: until });

    // Resolved work leaves the inbox.
    expect((await agent.patch(`/api/conversations/${conversation}`, { status: 'resolved' })).status).toBe(
      200,
    );
    const resolved = await agent.get('/api/inbox');
    expect(resolved.body.items.map((i: { id: string }) => i.id)).not.toContain(conversation);
  });

  it('shows another agent none of it, and someone who is not an agent nothing', async () => {
    const elsewhere = await server.as('buc.agent@test.example');
    const items = (await elsewhere.get('/api/inbox')).body.items as { id: string }[];
    expect(items.map((i) => i.id)).not.toContain(server.fixture.conversations.maAtCasablanca.id);
    const admin = await server.as('group.admin@test.example');
    expect((await admin.get('/api/inbox')).body).toEqual({ items: [], truncated: false });
    expect((await server.anonymous.get('/api/inbox')).status).toBe(401);
  });
});
