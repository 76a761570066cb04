import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  FIXTURE_PASSWORD,
  type Response,
  rowCounts,
  startTestServer,
  type TestServer,
  writeContactHistory,
} from '../testing/index.ts';

/**
 * Site-mix plans over HTTP: planned from the store's history, kept and read back in the
 * caller's scope, downloaded as CSV, and applied to the subsidiaries' routing policies; bad
 * requests are refused naming the field, and write nothing.
 */

let server: TestServer;
let f: TestServer['fixture'];
let groupAdmin: Client;
let frAdmin: Client;
let maAdmin: Client;
let maSupervisor: Client;
let casAdmin: Client;
let agent: Client;

/** The next Monday after today, as YYYY-MM-DD (a UTC midnight). */
function nextMonday(): string {
  const today = new Date();
  const day = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const ahead = ((8 - new Date(day).getUTCDay()) % 7) + (new Date(day).getUTCDay() === 1 ? 7 : 0);
  return new Date(day + ahead * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  server = await startTestServer();
  f = server.fixture;
  await writeContactHistory(server.db, f, { until: new Date(), weeks: 8 });
  groupAdmin = await server.as('group.admin@test.example');
  const ma = await groupAdmin.post('/api/users', {
    email: 'ma.admin@test.example',
    displayName: 'Administratrice Maroc',
    password: FIXTURE_PASSWORD,
    role: 'admin',
    scope: { kind: 'subsidiary', subsidiaryId: f.subsidiaries.ma.id },
  });
  expect(ma.status, ma.text).toBe(201);
  [frAdmin, maAdmin, maSupervisor, casAdmin, agent] = await Promise.all([
    server.as('fr.admin@test.example'),
    server.as('ma.admin@test.example'),
    server.as('ma.supervisor@test.example'),
    server.as('cas.admin@test.example'),
    server.as('paris.agent@test.example'),
  ]);
});
afterAll(async () => {
  await server?.close();
});

/** A refusal: problem+json with this status, naming this field when given, and no table changed. */
async function refused(send: () => Promise<Response>, status: number, path?: string): Promise<Response> {
  const before = await rowCounts(server.db);
  const res = await send();
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (path !== undefined)
    expect(
      (res.body.errors ?? []).map((e: { path: string }) => e.path),
      res.text,
    ).toContain(path);
  expect(await rowCounts(server.db), res.text).toEqual(before);
  return res;
}

const policyOf = (client: Client, subsidiaryId: string) =>
  client.get(`/api/subsidiaries/${subsidiaryId}/routing-policy`);

describe('planning the site mix over HTTP', () => {
  let planId: string;
  let plan: Response['body'];

  it('plans next week of both subsidiaries bestshore with its scenarios, and keeps it', async () => {
    const start = nextMonday();
    const res = await groupAdmin.post('/api/plans', {
      start,
      weeks: 1,
      intervalMinutes: 60,
      whatIfs: [
        { kind: 'site_cost', site: 'CAS', factor: 1.5 },
        { kind: 'volume', factor: 1.2 },
      ],
    });
    expect(res.status, res.text).toBe(201);
    plan = res.body;
    planId = plan.id;
    expect(res.headers.location).toBe(`/api/plans/${planId}`);
    expect(plan).toMatchObject({
      status: 'planned',
      start: `${start}T00:00:00.000Z`,
      weeks: 1,
      intervalMinutes: 60,
      intervals: 168,
      currency: 'EUR',
      appliedAt: null,
    });
    expect([...plan.subsidiaryIds].sort()).toEqual([f.subsidiaries.fr.id, f.subsidiaries.ma.id].sort());
    expect(plan.result.status).toBe('planned');
    expect(plan.result.reasons).toEqual([]);
    expect(plan.cost).toBe(plan.result.totals.cost);
    expect(plan.result.totals.cost).toBeGreaterThan(0);
    // French level-2 work stays in France: Paris takes all of it.
    const frLevel2 = plan.result.staff.filter(
      (r: { subsidiary: string; tier: string }) => r.subsidiary === 'FR' && r.tier === 'level2',
    );
    expect(frLevel2.length).toBeGreaterThan(0);
    expect(new Set(frLevel2.map((r: { site: string }) => r.site))).toEqual(new Set(['PAR']));
    expect(Object.keys(plan.result.shares).sort()).toEqual(
      [f.subsidiaries.fr.id, f.subsidiaries.ma.id].sort(),
    );
    // The scenarios: bestshore first, then all onshore and all offshore, then the what-ifs in order.
    expect(plan.scenarios.map((s: { kind: string }) => s.kind)).toEqual([
      'bestshore',
      'onshore',
      'offshore',
      'what_if',
      'what_if',
    ]);
    expect(plan.scenarios[3].whatIf).toEqual({ kind: 'site_cost', site: 'CAS', factor: 1.5 });
    expect(plan.scenarios[0]).toMatchObject({
      status: 'planned',
      cost: plan.result.totals.cost,
      againstBestshore: 1,
    });
    // French level-1 work has no site in France: all onshore is impossible.
    expect(plan.scenarios[1].status).toBe('no_plan');
    expect(plan.scenarios[4].status).toBe('planned');
    expect(plan.scenarios[4].againstBestshore).toBeGreaterThan(1);

    const read = await groupAdmin.get(`/api/plans/${planId}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual(plan);
    const stored = await server.db
      .selectFrom('plans')
      .selectAll()
      .where('id', '=', planId)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'planned', weeks: 1, interval_minutes: 60, intervals: 168 });
    expect(stored.created_by).toBe(f.users.groupAdmin.id);
  });

  it('lists the plans newest first, and gives the staff as CSV', async () => {
    const list = await groupAdmin.get('/api/plans');
    expect(list.status, list.text).toBe(200);
    expect(list.body.items[0]).toMatchObject({ id: planId, status: 'planned' });
    expect(list.body.items[0].result).toBeUndefined();

    const csv = await groupAdmin.get(`/api/plans/${planId}/staff.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="plan-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.csv"$/,
    );
    const lines = csv.text.trimEnd().split('\n');
    expect(lines[0]).toBe('start,site,subsidiary,language,tier,channel,contacts,agents,scheduled');
    expect(lines.length).toBe(plan.result.staff.length + 1);
    expect(lines[1]?.split(',')).toHaveLength(9);
  });

  it("applies the plan's shares as the subsidiaries' target shares, keeping weights and fallbacks", async () => {
    // France had a policy of its own: its weights and fallback stay.
    const before = await policyOf(groupAdmin, f.subsidiaries.fr.id);
    const own = await groupAdmin.request('PUT', `/api/subsidiaries/${f.subsidiaries.fr.id}/routing-policy`, {
      body: { weights: { cost: 0.4 }, fallbacks: [{ language: 'ar', fallback: 'fr', afterSeconds: 120 }] },
      headers: { 'if-match': String(before.headers.etag) },
    });
    expect(own.status, own.text).toBe(200);

    const res = await groupAdmin.post(`/api/plans/${planId}/apply`, {});
    expect(res.status, res.text).toBe(200);
    expect(res.body.plan).toMatchObject({ id: planId, appliedBy: f.users.groupAdmin.id });
    expect(res.body.plan.appliedAt).not.toBeNull();
    expect(res.body.unchanged).toEqual([]);
    for (const subsidiaryId of [f.subsidiaries.fr.id, f.subsidiaries.ma.id]) {
      const policy = await policyOf(groupAdmin, subsidiaryId);
      const shares: Record<string, number> = plan.result.shares[subsidiaryId];
      const total = Object.values(policy.body.targetShares as Record<string, number>).reduce(
        (a, b) => a + b,
        0,
      );
      expect(total).toBeLessThanOrEqual(1);
      expect(Object.keys(policy.body.targetShares).sort()).toEqual(Object.keys(shares).sort());
      for (const [site, share] of Object.entries(shares)) {
        expect(policy.body.targetShares[site]).toBeLessThanOrEqual(share);
        expect(policy.body.targetShares[site]).toBeCloseTo(share, 3);
      }
      expect(
        res.body.policies.find((p: { subsidiaryId: string }) => p.subsidiaryId === subsidiaryId),
      ).toEqual(policy.body);
    }
    const fr = await policyOf(groupAdmin, f.subsidiaries.fr.id);
    expect(fr.body.weights).toEqual({ cost: 0.4 });
    expect(fr.body.fallbacks).toEqual([{ language: 'ar', fallback: 'fr', afterSeconds: 120 }]);
    expect((await groupAdmin.get(`/api/plans/${planId}`)).body.appliedAt).toBe(res.body.plan.appliedAt);
  });

  it('keeps a plan that finds no plan, with its reasons, and refuses to apply it (409)', async () => {
    const res = await groupAdmin.post('/api/plans', {
      start: nextMonday(),
      intervalMinutes: 60,
      rules: { minQuality: 99 },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.status).toBe('no_plan');
    expect(res.body.result.reasons.map((r: { code: string }) => r.code)).toContain('quality');
    expect(res.body.result.reasons[0].figures).toEqual({ minQuality: 99 });
    const applied = await refused(() => groupAdmin.post(`/api/plans/${res.body.id}/apply`, {}), 409);
    expect(applied.body.code).toBe('conflict');
  });
});

describe('who plans and who reads plans', () => {
  let frPlanId: string;
  let groupPlanId: string;

  beforeAll(async () => {
    const group = await groupAdmin.post('/api/plans', { start: nextMonday(), intervalMinutes: 60 });
    expect(group.status, group.text).toBe(201);
    groupPlanId = group.body.id;
  });

  it("a subsidiary's administrator plans their own subsidiary only", async () => {
    const res = await frAdmin.post('/api/plans', { start: nextMonday(), intervalMinutes: 60 });
    expect(res.status, res.text).toBe(201);
    expect(res.body.subsidiaryIds).toEqual([f.subsidiaries.fr.id]);
    expect(Object.keys(res.body.result.shares)).toEqual([f.subsidiaries.fr.id]);
    frPlanId = res.body.id;

    await refused(
      () =>
        frAdmin.post('/api/plans', {
          start: nextMonday(),
          subsidiaryIds: [f.subsidiaries.ma.id],
        }),
      400,
      'subsidiaryIds.0',
    );
  });

  it("another subsidiary's administrator does not find the plan: 404 to read, download or apply", async () => {
    await refused(() => maAdmin.get(`/api/plans/${frPlanId}`), 404);
    await refused(() => maAdmin.get(`/api/plans/${frPlanId}/staff.csv`), 404);
    await refused(() => maAdmin.post(`/api/plans/${frPlanId}/apply`, {}), 404);
    const ids = (await maAdmin.get('/api/plans')).body.items.map((p: { id: string }) => p.id);
    expect(ids).not.toContain(frPlanId);
  });

  it("a plan of both subsidiaries is not one subsidiary's to read", async () => {
    await refused(() => frAdmin.get(`/api/plans/${groupPlanId}`), 404);
    const ids = (await frAdmin.get('/api/plans')).body.items.map((p: { id: string }) => p.id);
    expect(ids).toContain(frPlanId);
    expect(ids).not.toContain(groupPlanId);
  });

  it('supervisors read the plans of their subsidiary but neither plan nor apply', async () => {
    const ma = await maAdmin.post('/api/plans', { start: nextMonday(), intervalMinutes: 60 });
    expect(ma.status, ma.text).toBe(201);
    const read = await maSupervisor.get(`/api/plans/${ma.body.id}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body.subsidiaryIds).toEqual([f.subsidiaries.ma.id]);
    await refused(() => maSupervisor.get(`/api/plans/${frPlanId}`), 404);
    await refused(() => maSupervisor.post('/api/plans', { start: nextMonday() }), 403);
    await refused(() => maSupervisor.post(`/api/plans/${ma.body.id}/apply`, {}), 403);
  });

  it("a site's people neither plan nor see plans; agents have no plans at all", async () => {
    await refused(() => casAdmin.post('/api/plans', { start: nextMonday() }), 403);
    expect((await casAdmin.get('/api/plans')).body.items).toEqual([]);
    await refused(() => casAdmin.get(`/api/plans/${frPlanId}`), 404);
    await refused(() => agent.get('/api/plans'), 403);
  });
});

describe('bad requests are refused naming the field, and write nothing', () => {
  it.each([
    ['0 weeks', { weeks: 0 }, 'body.weeks'],
    ['9 weeks', { weeks: 9 }, 'body.weeks'],
    ['7-minute intervals', { intervalMinutes: 7 }, 'body.intervalMinutes'],
    ['25-minute intervals, which do not divide the day', { intervalMinutes: 25 }, 'body.intervalMinutes'],
    ['a start that is not a date', { start: '2026-13-01' }, 'body.start'],
    ['a currency the sites are not paid in, without a rate', { currency: 'USD' }, 'rates.EUR'],
    [
      'a what-if on a site that does not exist',
      { whatIfs: [{ kind: 'site_cost', site: 'XYZ', factor: 1.1 }] },
      'whatIfs.0.site',
    ],
    ['a what-if of an unknown kind', { whatIfs: [{ kind: 'weather', factor: 1.1 }] }, 'body.whatIfs.0.kind'],
    ['an unknown field', { horizon: 3 }, 'body.horizon'],
  ])('refuses %s', async (_what, change, path) => {
    const res = await refused(
      () => groupAdmin.post('/api/plans', { start: nextMonday(), intervalMinutes: 60, ...change }),
      400,
      path,
    );
    expect(res.body.code).toBe('validation_failed');
  });

  it('answers 404 for a plan that does not exist', async () => {
    await refused(() => groupAdmin.get('/api/plans/0190a2b4-0000-7000-8000-000000000000'), 404);
    await refused(() => groupAdmin.post('/api/plans/0190a2b4-0000-7000-8000-000000000000/apply', {}), 404);
  });
});
