import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld, type DemoTraffic, startDemoTraffic, type TrafficRound } from '../demo/index.ts';
import { RoutingService } from '../routing/index.ts';
import { freshStore, onPostgres } from '../testing/index.ts';
import { demoTrafficActions } from './demo-traffic.ts';

/**
 * The demo traffic on a small demo world, driven round by round on a clock the test
 * moves (five seconds a round), with the real router assigning between rounds.
 */

// A Tuesday, 10:00 UTC: every site is open but Paramaribo (07:00 there; it works nights).
const START = new Date('2026-11-24T10:00:00Z');
const MAX_ACTIVE = 45;

let store: Awaited<ReturnType<typeof freshStore>>;
let traffic: DemoTraffic;
let routing: RoutingService;
let t = START.getTime();
const now = () => new Date(t);
/** Timers the traffic asked for: pending until run or cancelled. */
const timers = new Set<number>();
let timerIds = 0;
const rounds: TrafficRound[] = [];
const routingErrors: unknown[] = [];

const total = (key: keyof TrafficRound) => rounds.reduce((sum, r) => sum + r[key], 0);

async function play(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    t += 5_000;
    rounds.push(await traffic.round());
    await routing.sync();
  }
}

beforeAll(async () => {
  store = await freshStore();
  await createDemoWorld(store.db, { seed: 11, now: START, customers: 800, conversations: 30 });
  const started = await startDemoTraffic(store.db, demoTrafficActions, {
    seed: 11,
    perMinute: 30,
    now,
    maxActive: MAX_ACTIVE,
    schedule: () => {
      const id = ++timerIds;
      timers.add(id);
      return () => timers.delete(id);
    },
  });
  if (!started) throw new Error('the demo world was not found');
  traffic = started;
  // Started after the traffic, as the server does: what the router could not count was handed back to it.
  routing = new RoutingService(store.db, { now, onError: (error) => routingErrors.push(error) });
  await play(60);
}, 120_000);
afterAll(async () => {
  await traffic?.stop();
  await routing?.stop();
  await store?.close();
});

const since = () =>
  store.db.selectFrom('conversations').where('created_at', '>', START).where('status', '<>', 'closed');

describe(`demo traffic on the demo world (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('brings new conversations on several channels and in several languages', async () => {
    const rows = await since().select(['channel', 'language', 'subsidiary_id']).execute();
    expect(rows.length).toBeGreaterThan(20);
    expect(new Set(rows.map((r) => r.channel)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(rows.map((r) => r.language)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(rows.map((r) => r.subsidiary_id)).size).toBeGreaterThanOrEqual(3);
  });

  it('puts the agents of open sites on shift and leaves the closed site and the sign-ins alone', async () => {
    const agents = await store.db
      .selectFrom('agents')
      .innerJoin('sites', 'sites.id', 'agents.site_id')
      .innerJoin('users', 'users.id', 'agents.user_id')
      .select(['sites.code', 'agents.presence', 'users.email'])
      .execute();
    const signIns = agents.filter((a) => a.email.startsWith('agent.'));
    expect(signIns.map((a) => a.presence)).toEqual(['offline', 'offline', 'offline']);
    const others = agents.filter((a) => !a.email.startsWith('agent.'));
    expect(others.filter((a) => a.code === 'PBM').every((a) => a.presence === 'offline')).toBe(true);
    const onShift = others.filter((a) => a.code !== 'PBM');
    expect(onShift.filter((a) => a.presence === 'available').length).toBeGreaterThan(onShift.length / 2);
    expect(onShift.every((a) => a.presence !== 'offline')).toBe(true);
  });

  it('has the router assign the work, agents answer and resolve, customers write back', async () => {
    expect(total('agentReplies')).toBeGreaterThan(5);
    expect(total('customerReplies')).toBeGreaterThan(5);
    expect(total('resolved')).toBeGreaterThan(3);
    const assigned = await store.db
      .selectFrom('routing_decisions')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('kind', '=', 'assigned')
      .where('at', '>', START)
      .executeTakeFirstOrThrow();
    expect(assigned.n).toBeGreaterThan(10);
    const resolved = await since().select('id').where('status', '=', 'resolved').execute();
    expect(resolved.length).toBeGreaterThan(0);
  });

  it("marks agents' replies delivered without sending them, authored by the agent", async () => {
    const replies = await store.db
      .selectFrom('messages')
      .select(['delivery_status', 'author_kind', 'author_id'])
      .where('direction', '=', 'outbound')
      .where('created_at', '>', START)
      .where('author_kind', '=', 'agent')
      .execute();
    expect(replies.length).toBeGreaterThan(5);
    expect(replies.every((r) => r.delivery_status === 'delivered' && r.author_id !== null)).toBe(true);
    const notes = await store.db
      .selectFrom('delivery_events')
      .select('detail')
      .where('status', '=', 'delivered')
      .execute();
    expect(notes.length).toBe(replies.length);
  });

  it("answers in the customer's language and script, names included", async () => {
    const replies = await store.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['conversations.language', 'messages.text'])
      .where('messages.author_kind', '=', 'agent')
      .where('messages.created_at', '>', START)
      .execute();
    const arabic = replies.filter((r) => r.language === 'ar');
    const french = replies.filter((r) => r.language === 'fr');
    expect(arabic.length).toBeGreaterThan(0);
    expect(french.length).toBeGreaterThan(0);
    for (const r of arabic) expect(r.text).toMatch(/^[^A-Za-z]*$/);
    for (const r of french) expect(r.text).toMatch(/Bonjour|Parfait|C’est corrigé|Appel sortant/);
  });

  it('escalates some level-1 conversations to level 2, with a reason', async () => {
    const escalations = await store.db
      .selectFrom('routing_decisions')
      .select(['tier', 'reason'])
      .where('kind', '=', 'escalated')
      .execute();
    expect(escalations.length).toBe(total('escalated'));
    expect(escalations.length).toBeGreaterThan(0);
    for (const e of escalations) {
      expect(e.tier).toBe('level2');
      expect(e.reason?.length).toBeGreaterThan(20);
    }
  });

  it("never assigns beyond an agent's capacity, so the router counts every assignment", async () => {
    const held = await store.db
      .selectFrom('conversations')
      .innerJoin('agents', 'agents.id', 'conversations.assignee_id')
      .select(['agents.id', 'agents.capacity', 'conversations.channel'])
      .where('conversations.status', '=', 'assigned')
      .execute();
    const load = new Map<string, number>();
    const onChannel = new Map<string, number>();
    for (const h of held) {
      load.set(h.id, (load.get(h.id) ?? 0) + 1);
      onChannel.set(`${h.id} ${h.channel}`, (onChannel.get(`${h.id} ${h.channel}`) ?? 0) + 1);
    }
    for (const h of held) {
      expect(load.get(h.id)).toBeLessThanOrEqual(h.capacity.total);
      expect(onChannel.get(`${h.id} ${h.channel}`)).toBeLessThanOrEqual(
        h.capacity.perChannel[h.channel] ?? 0,
      );
    }
    // The demo's history already holds none beyond capacity: nothing to hand back (the hand-back
    // guards stores whose demo world was created before that).
    expect(traffic.handedBack).toBe(0);
    expect(routingErrors).toEqual([]);
  });

  it('keeps the demo sign-ins busy with conversations of their own', async () => {
    const held = await store.db
      .selectFrom('conversations')
      .innerJoin('agents', 'agents.id', 'conversations.assignee_id')
      .innerJoin('users', 'users.id', 'agents.user_id')
      .select(['users.email', sql<number>`count(*)::int`.as('n')])
      .where('conversations.status', '=', 'assigned')
      .where('users.email', 'in', [
        'agent.paris@relais.example',
        'agent.casablanca@relais.example',
        'agent.cairo@relais.example',
      ])
      .groupBy('users.email')
      .execute();
    expect(held.map((h) => h.email).sort()).toEqual([
      'agent.cairo@relais.example',
      'agent.casablanca@relais.example',
      'agent.paris@relais.example',
    ]);
    for (const h of held) expect(h.n).toBeGreaterThanOrEqual(3);
  });

  it('keeps the number of conversations in progress bounded', async () => {
    await play(24);
    const active = await store.db
      .selectFrom('conversations')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('status', 'in', ['open', 'assigned', 'pending'])
      .executeTakeFirstOrThrow();
    // The bound, plus what one round may bring before the next trims it.
    expect(active.n).toBeLessThanOrEqual(MAX_ACTIVE + 8);
    expect(total('trimmed')).toBeGreaterThan(0);
  });

  it('stops without leaving a timer, and does nothing after', async () => {
    expect(timers.size).toBe(1);
    await traffic.stop();
    expect(timers.size).toBe(0);
    const before = await since().select('id').execute();
    t += 60_000;
    const after = await traffic.round();
    expect(after.arrived).toBe(0);
    expect((await since().select('id').execute()).length).toBe(before.length);
  });
});
