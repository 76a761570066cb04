import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingService } from '../routing/index.ts';
import {
  createFixture,
  FIXTURE_PASSWORD,
  freshStore,
  onPostgres,
  startRunningRelais,
} from '../testing/index.ts';
import type { Running } from './start.ts';

// A Monday, 10:00 in Dakar: the Dakar site is open.
const NOW = new Date('2026-11-23T10:00:00Z');

/**
 * A subsidiary configures French as the fallback for Wolof after 120 s, over HTTP, in
 * Relais as `relais serve` runs it; the assignment service (driven here step by step on the
 * test's clock) gives a Wolof chat to a French-only agent only once the wait is over.
 */
let now = NOW;
let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;

beforeAll(async () => {
  store = await freshStore();
  await createFixture(store.db);
  // Routing is driven by the test's own service below, so each step is awaited.
  running = await startRunningRelais(store, { env: { RELAIS_ROUTING: 'off' }, clock: { now: () => now } });
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
  const base = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: { ...base, ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
}

describe(`language fallback in a running Relais (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('a Wolof chat waits for a Wolof speaker, and after 120 s — restart or not — goes to a French-speaking agent, recorded as the fallback', async () => {
    const group = await signIn('group.admin@test.example');
    const sn = await group('POST', '/api/subsidiaries', {
      code: 'SN',
      name: 'Sénégal',
      country: 'SN',
      languages: ['fr', 'wo'],
      defaultLanguage: 'fr',
      timeZone: 'Africa/Dakar',
      currency: 'XOF',
      dataRegion: 'af-west',
    });
    expect(sn.status, JSON.stringify(sn.body)).toBe(201);
    const weekday = [{ start: '08:00', end: '20:00' }];
    const dakar = await group('POST', '/api/sites', {
      code: 'DKR',
      name: 'Dakar',
      country: 'SN',
      operator: 'in_house',
      timeZone: 'Africa/Dakar',
      calendar: { weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday } },
      languages: [{ tag: 'fr', proficiency: 5 }],
      tiers: ['level1'],
      subsidiaryIds: [sn.body.id],
      costPerHour: { amountMinor: 700, currency: 'EUR' },
      qualityIndex: 80,
      seats: 30,
    });
    expect(dakar.status, JSON.stringify(dakar.body)).toBe(201);
    const agent = await group('POST', '/api/agents', {
      user: { email: 'dkr.agent@test.example', displayName: 'Fatou', password: FIXTURE_PASSWORD },
      siteId: dakar.body.id,
      tier: 'level1',
      languages: [{ tag: 'fr', proficiency: 5 }],
      capacity: { perChannel: { chat: 3 }, total: 3 },
    });
    expect(agent.status, JSON.stringify(agent.body)).toBe(201);
    const admin = await group('POST', '/api/users', {
      email: 'sn.admin@test.example',
      displayName: 'Administrateur Sénégal',
      password: FIXTURE_PASSWORD,
      role: 'admin',
      scope: { kind: 'subsidiary', subsidiaryId: sn.body.id },
    });
    expect(admin.status, JSON.stringify(admin.body)).toBe(201);

    const service = new RoutingService(store.db, { now: () => now });
    await service.sync();

    // The subsidiary's administrator sets the fallback; the service rebuilds its router on its next sync.
    const snAdmin = await signIn('sn.admin@test.example');
    const policy = `/api/subsidiaries/${sn.body.id}/routing-policy`;
    const read = await snAdmin('GET', policy);
    expect(read.body.fallbacks).toEqual([]);
    const set = await snAdmin(
      'PUT',
      policy,
      { fallbacks: [{ language: 'wo', fallback: 'fr', afterSeconds: 120 }] },
      { 'if-match': String(read.headers.get('etag')) },
    );
    expect(set.status, JSON.stringify(set.body)).toBe(200);

    const fatou = await signIn('dkr.agent@test.example');
    expect((await fatou('PUT', '/api/agents/me/presence', { presence: 'available' })).status).toBe(200);
    const opened = await snAdmin('POST', '/api/conversations', {
      subsidiaryId: sn.body.id,
      customer: { identity: { kind: 'email', value: 'awa@client.example' }, language: 'wo' },
      channel: 'chat',
      language: 'wo',
      message: { text: 'Salaam aleekum, sama connexion dafa dee' },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id;
    const conversation = () => snAdmin('GET', `/api/conversations/${id}`);

    await service.sync();
    expect((await conversation()).body).toMatchObject({ status: 'open', assigneeId: null });
    now = new Date(NOW.getTime() + 119_000);
    await service.sync();
    expect((await conversation()).body).toMatchObject({ status: 'open', assigneeId: null });

    // A restart now: the new service's router counts the wait from the conversation's
    // arrival, not from its own start, so the fallback still comes at 120 s.
    await service.stop();
    const restarted = new RoutingService(store.db, { now: () => now });
    await restarted.sync();
    expect((await conversation()).body).toMatchObject({ status: 'open', assigneeId: null });

    now = new Date(NOW.getTime() + 121_000);
    await restarted.sync();
    expect((await conversation()).body).toMatchObject({ status: 'assigned', assigneeId: agent.body.id });
    const routing = await snAdmin('GET', `/api/conversations/${id}/routing`);
    // Each router records why the chat waits: the first service, then the restarted one.
    expect(routing.body.items.map((d: { kind: string; reason: { code: string } | null }) => d.kind)).toEqual([
      'waiting',
      'waiting',
      'assigned',
    ]);
    expect(routing.body.items[0].reason.code).toBe('language_not_served');
    expect(routing.body.items[1].reason.code).toBe('language_not_served');
    expect(routing.body.items[2]).toMatchObject({
      agentId: agent.body.id,
      siteId: dakar.body.id,
      language: 'fr',
      fallbackLanguage: true,
    });
    await restarted.stop();
  });
});
