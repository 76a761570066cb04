import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../conversations/index.ts';
import { type Context, SYSTEM_ACTOR } from '../core/index.ts';
import { createAgent } from '../organisation/index.ts';
import { createFixture, type Fixture, freshStore, onPostgres } from '../testing/index.ts';
import { RoutingService } from './service.ts';

// A Monday, 11:00 in Paris and Bucharest's morning: every fixture site is open.
const NOW = new Date('2026-11-23T10:00:00Z');

describe(`two assignment services on one store (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let fixture: Fixture;

  beforeAll(async () => {
    store = await freshStore();
    fixture = await createFixture(store.db);
    const ctx: Context = { actor: SYSTEM_ACTOR, now: new Date() };
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 4; i++)
        await createAgent(trx, ctx, {
          user: { email: `extra${i}@test.example`, displayName: `extra${i}`, locale: 'fr' },
          siteId: fixture.sites.casablanca.id,
          tier: 'level1',
          languages: [{ tag: 'fr', proficiency: 5 }],
          skills: [{ name: 'billing', proficiency: 3 }],
          capacity: { perChannel: { chat: 3, email: 2 }, total: 3 },
        });
      for (let i = 0; i < 40; i++)
        await createConversation(trx, ctx, {
          subsidiaryId: fixture.subsidiaries.fr.id,
          customerId: fixture.customers.frUnrouted.id,
          channel: 'chat',
          subject: `race ${i}`,
          tier: 'level1',
          requiredSkills: [],
          priority: 'normal',
          message: { direction: 'inbound', text: `race ${i}`, attachments: [] },
        });
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('never assigns a conversation twice, and no agent beyond capacity', async () => {
    const a = new RoutingService(store.db, { now: () => NOW });
    const b = new RoutingService(store.db, { now: () => NOW });
    // Both rebuild the same waiting work while every agent is offline.
    await Promise.all([a.sync(), b.sync()]);
    await store.db.updateTable('agents').set({ presence: 'available', presence_since: NOW }).execute();
    // Now both see the same free agents and the same waiting items, and race to claim.
    const reports = [];
    for (let round = 0; round < 3; round++) reports.push(...(await Promise.all([a.sync(), b.sync()])));
    const assigned = reports.reduce((n, r) => n + r.assigned, 0);
    expect(assigned).toBeGreaterThan(0);

    const perConversation = await store.db
      .selectFrom('routing_decisions')
      .select(['conversation_id', sql<number>`count(*)::int`.as('n')])
      .where('kind', '=', 'assigned')
      .groupBy('conversation_id')
      .execute();
    expect(perConversation.length).toBe(assigned);
    expect(perConversation.every((r) => Number(r.n) === 1)).toBe(true);

    const held = await store.db
      .selectFrom('conversations')
      .select(['id', 'assignee_id'])
      .where('status', '=', 'assigned')
      .execute();
    expect(held.length).toBe(assigned);
    const agents = await store.db.selectFrom('agents').select(['id', 'capacity']).execute();
    for (const agent of agents) {
      const load = held.filter((h) => h.assignee_id === agent.id).length;
      expect(load).toBeLessThanOrEqual(agent.capacity.total);
    }
    // Every slot that could take chat work in French at level 1 is used: nothing was lost in the race.
    const level1 = await store.db
      .selectFrom('agents')
      .select(['id', 'capacity'])
      .where('tier', '=', 'level1')
      .execute();
    const slots = level1.reduce((n, x) => n + Math.min(x.capacity.total, x.capacity.perChannel.chat ?? 0), 0);
    expect(held.length).toBeGreaterThanOrEqual(Math.min(slots, 40));
    await a.stop();
    await b.stop();
  });
});

describe(`a waiting conversation that changes (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let fixture: Fixture;

  beforeAll(async () => {
    store = await freshStore();
    fixture = await createFixture(store.db);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('is routed again as it now is at the next sync: a skill nobody has, then dropped', async () => {
    const ctx: Context = { actor: SYSTEM_ACTOR, now: NOW };
    const { conversation } = await createConversation(store.db, ctx, {
      subsidiaryId: fixture.subsidiaries.fr.id,
      customerId: fixture.customers.frUnrouted.id,
      channel: 'chat',
      subject: 'needs a wizard',
      tier: 'level1',
      requiredSkills: ['wizardry'],
      priority: 'normal',
      message: { direction: 'inbound', text: 'needs a wizard', attachments: [] },
    });
    await store.db.updateTable('agents').set({ presence: 'available', presence_since: NOW }).execute();
    const service = new RoutingService(store.db, { now: () => NOW });
    await service.sync();
    expect(service.router?.reasonFor(conversation.id)?.code).toBe('no_agent_with_skills');
    // A supervisor drops the skill (as PATCH /api/conversations/{id} would).
    await store.db
      .updateTable('conversations')
      .set({ required_skills: [] })
      .where('id', '=', conversation.id)
      .execute();
    await service.sync();
    const row = await store.db
      .selectFrom('conversations')
      .select(['status', 'assignee_id'])
      .where('id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('assigned');
    expect(row.assignee_id).not.toBeNull();
    await service.stop();
  });
});

describe(`an agent who frees capacity takes a waiting conversation that changed (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let fixture: Fixture;

  beforeAll(async () => {
    store = await freshStore();
    fixture = await createFixture(store.db);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('in one sync, without the sync failing', async () => {
    const ctx: Context = { actor: SYSTEM_ACTOR, now: NOW };
    // Nothing else waits; one agent, with room for one chat.
    await store.db.updateTable('conversations').set({ status: 'resolved', resolved_at: NOW }).execute();
    await store.db.updateTable('agents').set({ presence: 'offline', presence_since: NOW }).execute();
    await store.db
      .updateTable('agents')
      .set({
        presence: 'available',
        presence_since: NOW,
        capacity: JSON.stringify({ perChannel: { chat: 1 }, total: 1 }),
      })
      .where('id', '=', fixture.agents.casablanca.id)
      .execute();
    const open = async (subject: string) =>
      (
        await createConversation(store.db, ctx, {
          subsidiaryId: fixture.subsidiaries.fr.id,
          customerId: fixture.customers.frUnrouted.id,
          channel: 'chat',
          subject,
          tier: 'level1',
          requiredSkills: [],
          priority: 'normal',
          message: { direction: 'inbound', text: subject, attachments: [] },
        })
      ).conversation.id;
    const first = await open('first');
    const service = new RoutingService(store.db, { now: () => NOW });
    await service.sync();
    const second = await open('second');
    await service.sync();
    const assignee = async (id: string) =>
      (
        await store.db
          .selectFrom('conversations')
          .select(['status', 'assignee_id'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).assignee_id;
    expect(await assignee(first)).toBe(fixture.agents.casablanca.id);
    expect(await assignee(second)).toBeNull();
    // Before the next sync: the first is resolved, and the waiting one changes (a due time is set).
    await store.db
      .updateTable('conversations')
      .set({ status: 'resolved', resolved_at: NOW })
      .where('id', '=', first)
      .execute();
    await store.db
      .updateTable('conversations')
      .set({ first_response_due_at: new Date(NOW.getTime() + 60_000) })
      .where('id', '=', second)
      .execute();
    const report = await service.sync();
    expect(report.assigned).toBe(1);
    expect(await assignee(second)).toBe(fixture.agents.casablanca.id);
    await service.stop();
  });
});
