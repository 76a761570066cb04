import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatHub, createEndpoint, type ServerFrame } from '../channels/index.ts';
import { loadConfig, SYSTEM_ACTOR } from '../core/index.ts';
import { type App, buildServer } from '../server/index.ts';
import { directoryFileStore, type Store } from '../store/index.ts';
import { createFixture, FIXTURE_PASSWORD, type Fixture } from './fixture.ts';
import { freshStore } from './store.ts';

/** The part of the `ws` client the tests use (the package ships no types of its own). */
interface WsClient {
  readyState: number;
  send(data: string | Buffer): void;
  close(): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: (code: number) => void): void;
  on(event: 'open', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (
  url: string,
  options?: { headers?: Record<string, string> },
) => WsClient;

/** A widget's side of the chat protocol, spoken with the `ws` client. */
export class ChatClient {
  readonly frames: ServerFrame[] = [];
  closedWith: number | undefined;
  readonly #socket: WsClient;
  #waiters: Array<() => void> = [];

  private constructor(socket: WsClient) {
    this.#socket = socket;
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString('utf8')) as ServerFrame);
      for (const wake of this.#waiters) wake();
    });
    socket.on('close', (code) => {
      this.closedWith = code;
      for (const wake of this.#waiters) wake();
    });
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<ChatClient> {
    const socket = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      socket.on('open', () => resolve(new ChatClient(socket)));
      socket.on('error', reject);
    });
  }

  send(frame: Record<string, unknown>): void {
    this.#socket.send(JSON.stringify({ v: 1, ...frame }));
  }

  sendRaw(data: string | Buffer): void {
    this.#socket.send(data);
  }

  /** The first frame not taken yet that matches; waits for it (at most 10 s, then fails). */
  async next<T extends ServerFrame['type']>(
    type: T,
    match: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const index = this.frames.findIndex(
        (f) => f.type === type && match(f as Extract<ServerFrame, { type: T }>),
      );
      if (index >= 0) return this.frames.splice(index, 1)[0] as Extract<ServerFrame, { type: T }>;
      if (this.closedWith !== undefined)
        throw new Error(`closed (${this.closedWith}) before a ${type} frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#waiters = [];
    }
  }

  /** Wait until the server closed the connection; its close code. */
  async closed(): Promise<number> {
    while (this.closedWith === undefined) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.closedWith;
  }

  close(): void {
    this.#socket.close();
  }
}

/** A signed-in API caller over HTTP (fetch), as an agent's browser would be. */
export interface ApiCaller {
  post(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
  get(path: string): Promise<{ status: number; body: unknown }>;
  /** PATCH with If-Match taken from a fresh GET. */
  patch(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
}

export interface ChatServer {
  app: App;
  store: Store;
  fixture: Fixture;
  /** http://127.0.0.1:port */
  url: string;
  /** ws://127.0.0.1:port/chat/socket */
  socketUrl: string;
  hub: ChatHub;
  /** The widget keys: FR (open on weekdays) and MA. */
  keys: { fr: string; ma: string };
  signIn(email: string): Promise<ApiCaller>;
  /** A second Relais process on the same store, with its own connections: as on two machines. */
  twin(): Promise<{ url: string; socketUrl: string; hub: ChatHub; close(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Relais listening on a real port with the test fixture, a chat widget per subsidiary,
 * and a clock that starts at `at` and runs: the sites' calendars decide what is open.
 */
export async function startChatServer(at: Date, settings: Record<string, unknown> = {}): Promise<ChatServer> {
  const store = await freshStore();
  const fixture = await createFixture(store.db);
  const offset = at.getTime() - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const hub = new ChatHub(store.db, { now: clock.now, pollMs: 200 });
  const ctx = { actor: SYSTEM_ACTOR, now: clock.now() };
  const keys = { fr: 'fr-widget-key', ma: 'ma-widget-key' };
  await createEndpoint(store.db, ctx, {
    subsidiaryId: fixture.subsidiaries.fr.id,
    channel: 'chat',
    address: keys.fr,
    name: 'Chat France',
    settings,
  });
  await createEndpoint(store.db, ctx, {
    subsidiaryId: fixture.subsidiaries.ma.id,
    channel: 'chat',
    address: keys.ma,
    name: 'Chat Maroc',
  });
  const serve = async (chatHub: ChatHub) => {
    const app = await buildServer({
      db: store.db,
      files: directoryFileStore(mkdtempSync(join(tmpdir(), 'relais-chat-files-'))),
      config: loadConfig({ LOG_LEVEL: 'silent', RELAIS_MEMORY: 'true', RELAIS_LOGIN_LIMIT: '1000' }),
      clock,
      logger: false,
      isReady: () => true,
      chatHub,
    });
    return { app, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
  };
  const { app, url } = await serve(hub);
  const twins: App[] = [];
  return {
    app,
    store,
    fixture,
    url,
    socketUrl: `${url.replace(/^http/, 'ws')}/chat/socket`,
    hub,
    keys,
    async signIn(email) {
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: FIXTURE_PASSWORD }),
      });
      if (login.status !== 200) throw new Error(`sign-in of ${email} failed: ${login.status}`);
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const call = async (method: string, path: string, body?: unknown, etag?: string) => {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: {
            cookie,
            'x-csrf-token': csrfToken,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(etag ? { 'if-match': etag } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return {
          status: res.status,
          body: text ? (JSON.parse(text) as unknown) : undefined,
          etag: res.headers.get('etag') ?? undefined,
        };
      };
      return {
        post: (path, body) => call('POST', path, body),
        get: (path) => call('GET', path),
        patch: async (path, body) => call('PATCH', path, body, (await call('GET', path)).etag),
      };
    },
    async twin() {
      const twinHub = new ChatHub(store.db, { now: clock.now, pollMs: 200 });
      const twin = await serve(twinHub);
      twins.push(twin.app);
      return {
        url: twin.url,
        socketUrl: `${twin.url.replace(/^http/, 'ws')}/chat/socket`,
        hub: twinHub,
        close: () => twin.app.close(),
      };
    },
    async close() {
      for (const twin of twins) await twin.close();
      await app.close();
      await store.close();
    },
  };
}
