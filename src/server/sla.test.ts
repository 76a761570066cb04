import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../bus/index.ts';
import { hashPassword, SYSTEM_ACTOR } from '../core/index.ts';
import { createUser } from '../organisation/index.ts';
import { SlaWatch } from '../routing/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { createFixture, FIXTURE_PASSWORD, freshStore, startRunningRelais } from '../testing/index.ts';
import type { Running } from './start.ts';

// A Friday, 17:00 in Paris: one business hour left before the weekend.
const FRIDAY_5PM = new Date('2026-11-27T16:00:00Z');

/** SLA policies and their events in Relais as `relais serve` runs it, with a clock the test moves. */
let now = FRIDAY_5PM;
let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Awaited<ReturnType<typeof createFixture>>;
const events: PublishedEvent[] = [];

beforeAll(async () => {
  store = await freshStore();
  fixture = await createFixture(store.db);
  const hash = await hashPassword(FIXTURE_PASSWORD);
  await createUser(
    store.db,
    { actor: SYSTEM_ACTOR, now: new Date() },
    {
      email: 'ma.admin@test.example',
      displayName: 'ma.admin',
      locale: 'fr',
      role: 'admin',
      scope: { kind: 'subsidiary', subsidiaryId: fixture.subsidiaries.ma.id },
    },
  );
  await store.db.updateTable('users').set({ password_hash: hash }).execute();
  running = await startRunningRelais(store, { clock: { now: () => now } });
  const { bus } = await running.ready;
  await bus.subscribe('sla-test', ['sla.at_risk', 'sla.breached'], async (event) => {
    events.push(event);
  });
});
afterAll(async () => {
  await running?.close();
  await store?.close();
});

async function signIn(email: string) {
  const login = await fetch(`${running.url}/api/auth/login`, {
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
  const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: { ...headers, ...extra },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
    return { status: res.status, body: (await res.json()) as any };
  };
  return call;
}

async function newConversation(channel: 'chat' | 'email'): Promise<string> {
  const admin = await signIn('fr.admin@test.example');
  const res = await admin('POST', '/api/conversations', {
    subsidiaryId: fixture.subsidiaries.fr.id,
    customerId: fixture.customers.frUnrouted.id,
    channel,
    subject: `Question by ${channel}`,
    message: { direction: 'inbound', text: 'Bonjour', attachments: [] },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** The due times the watcher sets, once it has seen the conversation. */
async function dueTimes(id: string) {
  for (let i = 0; i < 100; i++) {
    const row = await store.db
      .selectFrom('conversations')
      .select(['first_response_due_at', 'resolution_due_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (row.first_response_due_at && row.resolution_due_at)
      return {
        firstResponse: new Date(row.first_response_due_at).toISOString(),
        resolution: new Date(row.resolution_due_at).toISOString(),
      };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no due times on conversation ${id}`);
}

const reported = async (id: string) =>
  (await store.db.selectFrom('outbox').select(['name', 'payload']).where('name', 'like', 'sla.%').execute())
    .map((r) => ({ name: r.name, payload: r.payload as { conversationId: string; clock: string } }))
    .filter((r) => r.payload.conversationId === id)
    .map((r) => `${r.name} ${r.payload.clock}`)
    .sort();

describe('SLA clocks in a running Relais', () => {
  it('an email on Friday at 17:00 is due after 24 business hours, on Wednesday at 14:00 (Paris)', async () => {
    const id = await newConversation('email');
    expect(await dueTimes(id)).toEqual({
      // Friday 17–18 (1 h), Monday and Tuesday (18 h), Wednesday 09–14 (5 h).
      firstResponse: '2026-12-02T13:00:00.000Z',
      // 72 business hours: 1 + 45 (a whole week) + 9 + 9 + 8, Wednesday 9 December at 17:00.
      resolution: '2026-12-09T16:00:00.000Z',
    });
  });

  it('a chat is due within 60 seconds around the clock; at risk, then breached, each reported once by two watchers on one store', async () => {
    now = FRIDAY_5PM;
    const id = await newConversation('chat');
    const created = new Date(
      (
        await store.db
          .selectFrom('conversations')
          .select('created_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).created_at,
    ).getTime();
    expect(await dueTimes(id)).toEqual({
      firstResponse: new Date(created + 60_000).toISOString(),
      resolution: new Date(created + 3_600_000).toISOString(),
    });

    // Two more watchers, on connections of their own where the store is PostgreSQL.
    const other: Store | undefined = store.url
      ? await openStore({ kind: 'postgres', url: store.url, poolSize: 2 })
      : undefined;
    const clock = { now: () => now };
    const a = new SlaWatch(store.db, clock);
    const b = new SlaWatch(other?.db ?? store.db, clock);
    try {
      now = new Date(created + 50_000); // past 80 % of the minute
      await Promise.all([a.sync(), b.sync(), a.sync(), b.sync()]);
      expect(await reported(id)).toEqual(['sla.at_risk first_response']);

      now = new Date(created + 61_000);
      await Promise.all([a.sync(), b.sync(), a.sync(), b.sync()]);
      expect(await reported(id)).toEqual(['sla.at_risk first_response', 'sla.breached first_response']);

      // Later checks report nothing again.
      now = new Date(created + 120_000);
      await Promise.all([a.sync(), b.sync()]);
      expect(await reported(id)).toEqual(['sla.at_risk first_response', 'sla.breached first_response']);
    } finally {
      await a.stop();
      await b.stop();
      await other?.close();
    }

    // Published on the bus, once each.
    for (
      let i = 0;
      i < 100 &&
      events.filter((e) => (e.payload as { conversationId?: string }).conversationId === id).length < 2;
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 100));
    const mine = events.filter((e) => (e.payload as { conversationId: string }).conversationId === id);
    expect(mine.map((e) => [e.name, e.payload])).toEqual([
      [
        'sla.at_risk',
        {
          conversationId: id,
          subsidiaryId: fixture.subsidiaries.fr.id,
          clock: 'first_response',
          at: new Date(created + 48_000).toISOString(),
          dueAt: new Date(created + 60_000).toISOString(),
        },
      ],
      [
        'sla.breached',
        {
          conversationId: id,
          subsidiaryId: fixture.subsidiaries.fr.id,
          clock: 'first_response',
          at: new Date(created + 60_000).toISOString(),
          dueAt: new Date(created + 60_000).toISOString(),
        },
      ],
    ]);
  });
});

describe('the resolution clock while pending', () => {
  it('stands still while the conversation waits on the customer, and the due time moves later by the pause', async () => {
    now = FRIDAY_5PM;
    const id = await newConversation('chat');
    const created = new Date(
      (
        await store.db
          .selectFrom('conversations')
          .select('created_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).created_at,
    ).getTime();
    // A chat is resolved within an hour, around the clock.
    expect((await dueTimes(id)).resolution).toBe(new Date(created + 3_600_000).toISOString());
    const watch = new SlaWatch(store.db, { now: () => now });
    const admin = await signIn('fr.admin@test.example');
    const resolutionDue = async () =>
      (
        await store.db
          .selectFrom('conversations')
          .select('resolution_due_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).resolution_due_at;
    try {
      // Ten minutes in, the agent asks the customer a question: pending.
      now = new Date(created + 600_000);
      const patch = async (status: string) => {
        const { body } = await admin('GET', `/api/conversations/${id}`);
        return admin('PATCH', `/api/conversations/${id}`, { status }, { 'if-match': `"${body.version}"` });
      };
      expect((await patch('pending')).status).toBe(200);
      // The server's own watcher (kicked by the status change) or this one pauses it, once.
      await watch.sync();
      expect(await resolutionDue()).toBeNull();
      // Far past the hour while pending: nothing falls due, nothing is reported.
      now = new Date(created + 7_200_000);
      await watch.sync();
      expect(await reported(id)).not.toContain('sla.breached resolution');
      // Two hours in, the customer answers: the clock runs again, its hour less the 10 minutes used.
      now = new Date(created + 7_200_000);
      expect((await patch('open')).status).toBe(200);
      await watch.sync();
      expect(new Date((await resolutionDue()) as Date).toISOString()).toBe(
        new Date(created + 7_200_000 + 3_000_000).toISOString(),
      );
      // Nothing left to do, and one pause recorded.
      expect(await watch.sync()).toMatchObject({ paused: 0, resumed: 0 });
      const clocks = await store.db
        .selectFrom('sla_clocks')
        .select('pauses')
        .where('conversation_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(clocks.pauses).toEqual([{ from: created + 600_000, to: created + 7_200_000 }]);
    } finally {
      await watch.stop();
    }
  });
});

describe('SLA policy API', () => {
  const fr = () => `/api/subsidiaries/${fixture.subsidiaries.fr.id}/sla-policy`;

  it('shows the default policy and business hours until one is set', async () => {
    const admin = await signIn('fr.admin@test.example');
    const res = await admin('GET', fr());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ isDefault: true, businessHours: { timeZone: 'Europe/Paris' } });
    expect(res.body.businessHours.calendar.weekly.mon).toEqual([{ start: '09:00', end: '18:00' }]);
  });

  it('refuses a bad policy with the reasons and writes nothing', async () => {
    const admin = await signIn('fr.admin@test.example');
    const audits = async () =>
      (await store.db.selectFrom('audit_log').select('id').where('entity', '=', 'sla_policy').execute())
        .length;
    const before = await audits();
    const res = await admin('PUT', fr(), {
      policy: {
        targets: [{ channel: 'chat', firstResponseSeconds: 60, resolutionSeconds: 30, clock: 'always' }],
      },
    });
    expect(res.status).toBe(400);
    const text = JSON.stringify(res.body);
    expect(text).toContain('resolutionSeconds must not be shorter than firstResponseSeconds');
    expect(text).toContain('needs a default target');
    expect(await store.db.selectFrom('sla_policies').selectAll().execute()).toEqual([]);
    expect(await audits()).toBe(before);
    expect((await admin('GET', fr())).body.isDefault).toBe(true);
  });

  it("a subsidiary's administrator sets its policy, audited, and new conversations count by it", async () => {
    const admin = await signIn('fr.admin@test.example');
    const res = await admin('PUT', fr(), {
      policy: {
        targets: [
          { firstResponseSeconds: 3600, resolutionSeconds: 7200, clock: 'always' },
          { channel: 'chat', firstResponseSeconds: 120, resolutionSeconds: 600, clock: 'always' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ isDefault: false, version: 1 });
    expect(
      await store.db.selectFrom('audit_log').select('action').where('entity', '=', 'sla_policy').execute(),
    ).toEqual([{ action: 'update' }]);

    now = FRIDAY_5PM;
    const id = await newConversation('chat');
    expect(await dueTimes(id)).toEqual({
      firstResponse: new Date(FRIDAY_5PM.getTime() + 120_000).toISOString(),
      resolution: new Date(FRIDAY_5PM.getTime() + 600_000).toISOString(),
    });
  });

  it('with If-Match, a policy someone changed since it was read is refused and left as it is', async () => {
    const admin = await signIn('fr.admin@test.example');
    const read = await admin('GET', fr());
    const version = read.body.version as number;
    const policy = {
      targets: [{ firstResponseSeconds: 1800, resolutionSeconds: 7200, clock: 'always' }],
    };
    const stale = await admin('PUT', fr(), { policy }, { 'if-match': `"${version + 7}"` });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    expect((await admin('GET', fr())).body.version).toBe(version);
    const fresh = await admin('PUT', fr(), { policy }, { 'if-match': `"${version}"` });
    expect(fresh.status).toBe(200);
    expect(fresh.body.version).toBe(version + 1);
    // Put the previous policy back for the tests that follow.
    expect((await admin('PUT', fr(), { policy: read.body.policy })).status).toBe(200);
  });

  it("a Moroccan administrator can neither read nor change France's policy; a site's administrator cannot change it", async () => {
    const ma = await signIn('ma.admin@test.example');
    expect((await ma('GET', fr())).status).toBe(404);
    const put = await ma('PUT', fr(), {
      policy: { targets: [{ firstResponseSeconds: 60, resolutionSeconds: 60, clock: 'always' }] },
    });
    expect(put.status).toBe(404);
    expect((await ma('GET', `/api/subsidiaries/${fixture.subsidiaries.ma.id}/sla-policy`)).status).toBe(200);

    const site = await signIn('cas.admin@test.example');
    const bySite = await site('PUT', fr(), {
      policy: { targets: [{ firstResponseSeconds: 60, resolutionSeconds: 60, clock: 'always' }] },
    });
    expect(bySite.status).toBe(403);
    const admin = await signIn('fr.admin@test.example');
    expect((await admin('GET', fr())).body.policy.targets).toHaveLength(2);
  });
});
