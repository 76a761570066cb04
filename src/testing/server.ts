import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { type Clock, loadConfig, systemClock } from '../core/index.ts';
import { type App, buildServer, type Running, startRelais } from '../server/index.ts';
import { directoryFileStore, type FileStore, type Store } from '../store/index.ts';
import { createFixture, FIXTURE_PASSWORD, type Fixture } from './fixture.ts';
import { freshStore } from './store.ts';

export interface Response {
  status: number;
  headers: LightMyRequestResponse['headers'];
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
  body: any;
  text: string;
}

export interface Client {
  request(
    method: string,
    url: string,
    options?: { body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<Response>;
  get(url: string): Promise<Response>;
  post(url: string, body: unknown): Promise<Response>;
  /** PATCH with If-Match taken from a fresh GET, as a careful client does. */
  patch(url: string, body: unknown, etag?: string): Promise<Response>;
  del(url: string): Promise<Response>;
}

function toResponse(res: LightMyRequestResponse): Response {
  let body: unknown;
  try {
    body = res.json();
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, headers: res.headers, body, text: res.body };
}

function clientFor(app: App, auth: { cookie?: string; csrf?: string; bearer?: string }): Client {
  const request: Client['request'] = async (method, url, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.csrf) headers['x-csrf-token'] = auth.csrf;
    if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
    let payload: string | undefined = options.raw;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    } else if (payload !== undefined) {
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
    return toResponse(res);
  };
  return {
    request,
    get: (url) => request('GET', url),
    post: (url, body) => request('POST', url, { body }),
    patch: async (url, body, etag) => {
      const tag = etag ?? (await request('GET', url)).headers.etag;
      return request('PATCH', url, { body, headers: tag ? { 'if-match': String(tag) } : {} });
    },
    del: (url) => request('DELETE', url),
  };
}

export interface TestServer {
  app: App;
  files: FileStore;
  fixture: Fixture;
  db: Awaited<ReturnType<typeof freshStore>>['db'];
  /** A client signed in with the fixture's password. */
  as(email: string): Promise<Client>;
  withKey(token: string): Client;
  anonymous: Client;
  close(): Promise<void>;
}

/** A server on a fresh store with the test fixture, driven in-process through Fastify's inject. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const store = await freshStore();
  const fixture = await createFixture(store.db);
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RELAIS_MEMORY: 'true',
    RELAIS_LOGIN_LIMIT: '1000',
    ...env,
  });
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
  return {
    app,
    files,
    fixture,
    db: store.db,
    anonymous: clientFor(app, {}),
    withKey: (token) => clientFor(app, { bearer: token }),
    async as(email) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: FIXTURE_PASSWORD },
      });
      if (res.statusCode !== 200)
        throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      return clientFor(app, { cookie, csrf: res.json().csrfToken });
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/**
 * Relais as `relais serve` runs it (HTTP on a free port, migrations, bus, relay, workers)
 * on a store the test prepared: no demo world, no SMTP unless `env` asks, NATS when the
 * environment names it. Resolves once it is ready.
 */
export async function startRunningRelais(
  store: Store,
  options: { env?: Record<string, string>; clock?: Clock } = {},
): Promise<Running> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RELAIS_DEMO: 'off',
    RELAIS_SMTP: 'off',
    RELAIS_MEMORY: 'true',
    ...(process.env.NATS_URL ? { NATS_URL: process.env.NATS_URL } : {}),
    ...options.env,
  });
  const running = await startRelais(config, {
    logger: false,
    store,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await running.ready;
  return running;
}
