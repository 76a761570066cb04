import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, systemClock } from '../core/index.ts';
import { directoryFileStore, openStore, type Store } from '../store/index.ts';
import { createFixture, FIXTURE_PASSWORD, type Fixture, freshStore } from '../testing/index.ts';
import { type App, buildServer } from './app.ts';

/**
 * Two Relais processes on one database: on PostgreSQL each server has its own pool,
 * as two processes would; on the embedded store they share the one connection.
 */
let primary: Awaited<ReturnType<typeof freshStore>>;
let secondary: Store | undefined;
let servers: [App, App];
let fixture: Fixture;

async function server(store: Store): Promise<App> {
  const config = loadConfig({ LOG_LEVEL: 'silent', RELAIS_MEMORY: 'true', RELAIS_LOGIN_LIMIT: '1000' });
  const files = directoryFileStore(mkdtempSync(join(tmpdir(), 'relais-test-files-')));
  const app = await buildServer({
    db: store.db,
    files,
    config,
    clock: systemClock,
    logger: false,
    isReady: () => true,
  });
  await app.ready();
  return app;
}

async function signIn(app: App, email: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: FIXTURE_PASSWORD },
  });
  return {
    cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
    csrf: res.json().csrfToken as string,
  };
}

beforeAll(async () => {
  primary = await freshStore();
  fixture = await createFixture(primary.db);
  secondary = primary.url ? await openStore({ kind: 'postgres', url: primary.url, poolSize: 8 }) : undefined;
  servers = [await server(primary), await server(secondary ?? primary)];
});

afterAll(async () => {
  for (const app of servers ?? []) await app.close();
  await secondary?.close();
  await primary?.close();
});

describe('two servers on one database', () => {
  it('let exactly one of two concurrent updates from the same version win', async () => {
    const url = `/api/conversations/${fixture.conversations.frUnrouted.id}`;
    const [a, b] = servers;
    const sessions = await Promise.all([
      signIn(a, 'fr.admin@test.example'),
      signIn(b, 'group.admin@test.example'),
    ]);
    const etag = (await a.inject({ method: 'GET', url, headers: { cookie: sessions[0].cookie } })).headers
      .etag as string;
    const patch = (app: App, s: { cookie: string; csrf: string }, priority: string) =>
      app.inject({
        method: 'PATCH',
        url,
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'if-match': etag },
        payload: { priority },
      });
    const results = await Promise.all([patch(a, sessions[0], 'high'), patch(b, sessions[1], 'urgent')]);
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 412]);
    const winner = results.find((r) => r.statusCode === 200)?.json().priority;
    const stored = await primary.db
      .selectFrom('conversations')
      .select(['priority', 'version'])
      .where('id', '=', fixture.conversations.frUnrouted.id)
      .executeTakeFirstOrThrow();
    expect(stored.priority).toBe(winner);
    expect(stored.version).toBe(2);
  });

  it('never store a redelivered message twice when both servers receive it', async () => {
    const [a, b] = servers;
    const sessions = await Promise.all([
      signIn(a, 'group.admin@test.example'),
      signIn(b, 'group.admin@test.example'),
    ]);
    const url = `/api/conversations/${fixture.conversations.frAtBucharest.id}/messages`;
    const send = (app: App, s: { cookie: string; csrf: string }) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        payload: { text: 'Toujours en panne', externalId: 'mail-42' },
      });
    const results = await Promise.all([send(a, sessions[0]), send(b, sessions[1]), send(a, sessions[0])]);
    for (const r of results) expect([200, 201, 409]).toContain(r.statusCode);
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const stored = await primary.db
      .selectFrom('messages')
      .select('id')
      .where('external_id', '=', 'mail-42')
      .execute();
    expect(stored).toHaveLength(1);
  });

  it('open one conversation when both servers receive the same first message at once', async () => {
    const [a, b] = servers;
    const sessions = await Promise.all([
      signIn(a, 'group.admin@test.example'),
      signIn(b, 'fr.admin@test.example'),
    ]);
    const open = (app: App, s: { cookie: string; csrf: string }) =>
      app.inject({
        method: 'POST',
        url: '/api/conversations',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        payload: {
          subsidiaryId: fixture.subsidiaries.fr.id,
          channel: 'email',
          customer: { identity: { kind: 'email', value: 'camille@client.example' } },
          message: { text: 'Ma facture est fausse', externalId: '<twice@client.example>' },
        },
      });
    const results = await Promise.all([open(a, sessions[0]), open(b, sessions[1]), open(a, sessions[0])]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    const stored = await primary.db
      .selectFrom('messages')
      .select('conversation_id')
      .where('external_id', '=', '<twice@client.example>')
      .execute();
    expect(stored).toHaveLength(1);
  });
});
