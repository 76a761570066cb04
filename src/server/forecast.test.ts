import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMessage, createConversation, updateConversation } from '../conversations/index.ts';
import { type Context, SYSTEM_ACTOR } from '../core/index.ts';
import { escalateConversation } from '../routing/index.ts';
import { startTestServer, type TestServer } from '../testing/index.ts';

// A January 2025 history written by Relais's own commands, each at its own instant, then read
// through GET /api/forecast by people of each scope.

let server: TestServer;
const ctxAt = (iso: string): Context => ({ actor: SYSTEM_ACTOR, now: new Date(iso) });

interface Segment {
  subsidiaryId: string;
  language: string;
  channel: string;
  tier: string;
  volumes: number[];
  ahtSeconds: number | null;
}

beforeAll(async () => {
  server = await startTestServer();
  const { db, fixture: f } = server;
  const open = (iso: string, subsidiary: 'fr' | 'ma', channel: 'chat' | 'email') =>
    db.transaction().execute((trx) =>
      createConversation(trx, ctxAt(iso), {
        subsidiaryId: f.subsidiaries[subsidiary].id,
        customerId: subsidiary === 'fr' ? f.customers.frAtCasablanca.id : f.customers.maAtCasablanca.id,
        channel,
        tier: 'level1',
        requiredSkills: [],
        priority: 'normal',
        message: { direction: 'inbound', text: 'Bonjour', attachments: [] },
      }),
    );
  // France: a chat on Monday 13 January, escalated to level 2 an hour later.
  const chat = await open('2025-01-13T09:00:00Z', 'fr', 'chat');
  await db.transaction().execute((trx) =>
    escalateConversation(trx, ctxAt('2025-01-13T10:00:00Z'), chat.conversation.id, {
      tier: 'level2',
      reason: 'a billing dispute',
    }),
  );
  // France: an email on Tuesday 14 January, resolved, then the customer writes again on the 15th.
  const email = await open('2025-01-14T09:00:00Z', 'fr', 'email');
  const resolved = await db.transaction().execute((trx) =>
    updateConversation(
      trx,
      ctxAt('2025-01-14T11:00:00Z'),
      email.conversation.id,
      email.conversation.version,
      {
        status: 'resolved',
      },
    ),
  );
  expect(resolved.status).toBe('resolved');
  await db.transaction().execute((trx) =>
    addMessage(trx, ctxAt('2025-01-15T08:00:00Z'), email.conversation.id, {
      direction: 'inbound',
      text: 'Toujours pas réglé',
      attachments: [],
    }),
  );
  // Morocco: one chat.
  await open('2025-01-16T09:00:00Z', 'ma', 'chat');
});

afterAll(async () => {
  await server?.close();
});

const URL = '/api/forecast?start=2025-02-03&weeks=1&interval=30';
const key = (s: Segment) => `${s.channel} ${s.language} ${s.tier}`;
const weekly = (s: Segment | undefined) => (s?.volumes ?? []).reduce((a, v) => a + v, 0);

describe('GET /api/forecast', () => {
  it('forecasts every segment of the group for a group account', async () => {
    const f = server.fixture;
    const admin = await server.as('group.admin@test.example');
    const res = await admin.get(URL);
    expect(res.status).toBe(200);
    expect(res.body.start).toBe('2025-02-03T00:00:00.000Z');
    expect(res.body.intervalMinutes).toBe(30);
    expect(res.body.intervals).toBe(336);
    // The chat's arrival and its escalation, the email's arrival and its reopening, Morocco's chat.
    expect(res.body.history.contacts).toBe(5);
    const segments: Segment[] = res.body.segments;
    const fr = segments.filter((s) => s.subsidiaryId === f.subsidiaries.fr.id).map(key);
    expect(fr).toEqual(['chat fr level1', 'chat fr level2', 'email fr level1']);
    expect(segments.filter((s) => s.subsidiaryId === f.subsidiaries.ma.id).map(key)).toEqual([
      'chat ar level1',
    ]);
    for (const s of segments) expect(s.volumes).toHaveLength(336);
    // Eight weeks of history, one contact in them: an eighth of it a week.
    const chat = segments.find((s) => key(s) === 'chat fr level1');
    expect(weekly(chat)).toBeCloseTo(1 / 8, 3);
    const email = segments.find((s) => key(s) === 'email fr level1');
    expect(weekly(email)).toBeCloseTo(2 / 8, 3);
  });

  it("gives a subsidiary's people their own subsidiary only", async () => {
    const f = server.fixture;
    const fr = await (await server.as('fr.analyst@test.example')).get(URL);
    expect(fr.status).toBe(200);
    expect(new Set(fr.body.segments.map((s: Segment) => s.subsidiaryId))).toEqual(
      new Set([f.subsidiaries.fr.id]),
    );
    expect(fr.body.history.contacts).toBe(4);
    const ma = await (await server.as('ma.supervisor@test.example')).get(URL);
    expect(ma.status).toBe(200);
    expect(ma.body.segments.map((s: Segment) => [s.subsidiaryId, key(s)])).toEqual([
      [f.subsidiaries.ma.id, 'chat ar level1'],
    ]);
    expect(ma.body.history.contacts).toBe(1);
  });

  it('refuses site accounts and anonymous callers', async () => {
    const site = await (await server.as('cas.supervisor@test.example')).get(URL);
    expect(site.status).toBe(403);
    expect(site.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(site.body.code).toBe('forbidden');
    expect((await server.anonymous.get(URL)).status).toBe(401);
  });

  it('answers bad input with problem+json naming the parameter', async () => {
    const admin = await server.as('group.admin@test.example');
    const cases: Array<[string, string]> = [
      ['/api/forecast?start=2025-02-03&weeks=0', 'querystring.weeks'],
      ['/api/forecast?start=2025-02-03&weeks=9', 'querystring.weeks'],
      ['/api/forecast?start=2025-02-03&interval=25', 'querystring.interval'],
      ['/api/forecast?start=2025-02-03&interval=5', 'querystring.interval'],
      ['/api/forecast?start=2025-02-30', 'querystring.start'],
      ['/api/forecast?start=2025-02-03&historyWeeks=0', 'querystring.historyWeeks'],
      ['/api/forecast?start=2025-02-03&colour=red', 'querystring.colour'],
      ['/api/forecast?start=2001-01-01', 'historyWeeks'],
    ];
    for (const [url, path] of cases) {
      const res = await admin.get(url);
      expect(res.status, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });
});
