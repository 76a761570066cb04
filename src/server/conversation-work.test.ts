import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendInboundMessage, wakeDueSnoozes } from '../conversations/index.ts';
import { SYSTEM_ACTOR } from '../core/index.ts';
import {
  FIXTURE_PASSWORD,
  type Response,
  rowCounts,
  startTestServer,
  type TestServer,
} from '../testing/index.ts';

/**
 * What an agent does in a conversation besides replying: internal notes, snoozing, and
 * files uploaded to send. Each one scoped, refused without a write when wrong.
 */

let server: TestServer;
let f: TestServer['fixture'];

beforeAll(async () => {
  server = await startTestServer();
  f = server.fixture;
});
afterAll(async () => {
  await server?.close();
});

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR);

const pathsIn = (res: Response): string[] => (res.body?.errors ?? []).map((e: { path: string }) => e.path);

function expectProblem(res: Response, status: number, code: string, path?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code, res.text).toBe(code);
  if (path !== undefined) expect(pathsIn(res), res.text).toContain(path);
}

/** Send a request that must be refused, and check that no table changed. */
async function refusedWithoutWrites(send: () => Promise<Response>): Promise<Response> {
  const before = await rowCounts(server.db);
  const res = await send();
  expect(await rowCounts(server.db), `${res.status} ${res.text}`).toEqual(before);
  return res;
}

const conversationRow = (id: string) =>
  server.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const outboxSince = async (id: number) =>
  server.db.selectFrom('outbox').select(['name', 'payload']).where('id', '>', id).orderBy('id').execute();
const lastOutboxId = async () =>
  Number(
    (await server.db.selectFrom('outbox').select('id').orderBy('id', 'desc').executeTakeFirst())?.id ?? 0,
  );

/** Open a fresh conversation for a fixture customer, routed to a site when given. */
async function openConversation(customerId: string, siteId?: string): Promise<string> {
  const admin = await server.as('group.admin@test.example');
  const res = await admin.post('/api/conversations', {
    subsidiaryId: f.subsidiaries.fr.id,
    customerId,
    channel: 'email',
    subject: 'Question',
    ...(siteId ? { siteId } : {}),
    message: { direction: 'inbound', text: 'Bonjour, une question', attachments: [] },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

/** A signed-in person's raw requests: an upload's body is the file itself. */
async function uploader(email: string) {
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: FIXTURE_PASSWORD },
  });
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = login.json().csrfToken as string;
  return async (conversationId: string, query: string, body: Buffer | string, contentType?: string) => {
    const res = await server.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversationId}/attachments${query}`,
      headers: { cookie, 'x-csrf-token': csrf, ...(contentType ? { 'content-type': contentType } : {}) },
      payload: body,
    });
    let parsed: unknown;
    try {
      parsed = res.json();
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text: res.body } as Response;
  };
}

describe('internal notes', () => {
  it('join the thread in time order, marked internal, changing nothing of the conversation', async () => {
    const id = await openConversation(f.customers.frUnrouted.id);
    const admin = await server.as('fr.admin@test.example');
    const before = await conversationRow(id);
    const outbox = await lastOutboxId();

    const res = await admin.post(`/api/conversations/${id}/notes`, {
      text: 'Client déjà relancé hier, voir ticket 881',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      conversationId: id,
      internal: true,
      authorKind: 'agent',
      authorId: f.users.frAdmin.id,
      text: 'Client déjà relancé hier, voir ticket 881',
      deliveryStatus: 'received',
      externalId: null,
      attachments: [],
    });
    // No event (nothing to send, nothing to route), no change of status, first response, SLA or version.
    expect(await outboxSince(outbox)).toEqual([]);
    const after = await conversationRow(id);
    expect(after).toEqual(before);

    const reply = await admin.post(`/api/conversations/${id}/messages`, {
      direction: 'outbound',
      text: 'Bonjour, nous regardons.',
    });
    expect(reply.status).toBe(201);
    expect(reply.body.internal).toBe(false);

    const detail = await admin.get(`/api/conversations/${id}`);
    expect(
      detail.body.messages.map((m: { internal: boolean; direction: string }) => [m.direction, m.internal]),
    ).toEqual([
      ['inbound', false],
      ['outbound', true],
      ['outbound', false],
    ]);
    const paged = await admin.get(`/api/conversations/${id}/messages?limit=2`);
    expect(paged.body.items.map((m: { internal: boolean }) => m.internal)).toEqual([false, true]);
    const audit = await admin.get(`/api/audit?entity=conversation&entityId=${id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('add_note');
  });

  it("carry an agent's own agent id as author", async () => {
    const agent = await server.as('cas.agent@test.example');
    const res = await agent.post(`/api/conversations/${f.conversations.frAtCasablanca.id}/notes`, {
      text: 'À rappeler après 18 h',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ authorKind: 'agent', authorId: f.agents.casablanca.id, internal: true });
  });

  it('are out of reach outside the scope, and read-only roles cannot write them', async () => {
    const target = f.conversations.frAtCasablanca.id;
    const bucharest = await server.as('buc.agent@test.example');
    const maSupervisor = await server.as('ma.supervisor@test.example');
    const analyst = await server.as('fr.analyst@test.example');
    for (const who of [bucharest, maSupervisor]) {
      const res = await refusedWithoutWrites(() =>
        who.post(`/api/conversations/${target}/notes`, { text: 'intrus' }),
      );
      expectProblem(res, 404, 'not_found');
      expectProblem(await who.get(`/api/conversations/${target}/messages`), 404, 'not_found');
    }
    expectProblem(
      await refusedWithoutWrites(() =>
        analyst.post(`/api/conversations/${target}/notes`, { text: 'lecture seule' }),
      ),
      403,
      'forbidden',
    );
  });

  it('refuse an empty or unknown field, writing nothing', async () => {
    const admin = await server.as('fr.admin@test.example');
    const url = `/api/conversations/${f.conversations.frUnrouted.id}/notes`;
    expectProblem(
      await refusedWithoutWrites(() => admin.post(url, { text: '   ' })),
      400,
      'validation_failed',
      'body.text',
    );
    expectProblem(
      await refusedWithoutWrites(() => admin.post(url, { text: 'ok', internal: false })),
      400,
      'validation_failed',
      'body.internal',
    );
  });
});

describe('snoozing', () => {
  it('sets the conversation pending with its assignee until the time given, then wakes it for them', async () => {
    const id = await openConversation(f.customers.frAtCasablanca.id, f.sites.casablanca.id);
    const agent = await server.as('cas.agent@test.example');
    const assigned = await agent.patch(`/api/conversations/${id}`, { assigneeId: f.agents.casablanca.id });
    expect(assigned.body.status).toBe('assigned');
    const outbox = await lastOutboxId();
    const until = inHours(1);

    const res = await agent.post(`/api/conversations/${id}/snooze`, {
      until: until.toISOString(),
      reason: 'attend le relevé du client',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      status: 'pending',
      assigneeId: f.agents.casablanca.id,
      snoozedUntil: until.toISOString(),
      version: assigned.body.version + 1,
    });
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
    expect((await outboxSince(outbox)).map((e) => [e.name, e.payload])).toEqual([
      ['conversation.status_changed', { conversationId: id, from: 'assigned', to: 'pending' }],
    ]);
    const admin = await server.as('fr.admin@test.example');
    const entries = (await admin.get(`/api/audit?entity=conversation&entityId=${id}`)).body.items;
    expect(entries.find((e: { action: string }) => e.action === 'snooze')?.changes).toMatchObject({
      snoozedUntil: until.toISOString(),
      reason: 'attend le relevé du client',
    });

    // Not yet at half past: nothing wakes. After the hour it wakes, once, whoever checks.
    expect(await wakeDueSnoozes(server.db, inHours(0.5))).toBe(0);
    const woke = lastOutboxId();
    const later = inHours(2);
    const [a, b] = await Promise.all([wakeDueSnoozes(server.db, later), wakeDueSnoozes(server.db, later)]);
    expect(a + b).toBe(1);
    expect(await wakeDueSnoozes(server.db, inHours(3))).toBe(0);
    const read = await agent.get(`/api/conversations/${id}`);
    expect(read.body).toMatchObject({
      status: 'assigned',
      assigneeId: f.agents.casablanca.id,
      snoozedUntil: null,
      version: res.body.version + 1,
    });
    expect((await outboxSince(await woke)).map((e) => [e.name, e.payload])).toEqual([
      ['conversation.status_changed', { conversationId: id, from: 'pending', to: 'assigned' }],
    ]);
    const wake = (await admin.get(`/api/audit?entity=conversation&entityId=${id}`)).body.items.find(
      (e: { action: string }) => e.action === 'wake',
    );
    expect(wake).toMatchObject({ actorKind: 'system', changes: { cause: 'snooze_ended' } });
  });

  it('wakes a conversation nobody holds as open, for routing', async () => {
    const id = await openConversation(f.customers.frUnrouted.id);
    const admin = await server.as('fr.admin@test.example');
    const res = await admin.post(`/api/conversations/${id}/snooze`, { until: inHours(4).toISOString() });
    expect(res.body).toMatchObject({ status: 'pending', assigneeId: null });
    expect(await wakeDueSnoozes(server.db, inHours(5))).toBeGreaterThanOrEqual(1);
    expect((await admin.get(`/api/conversations/${id}`)).body).toMatchObject({
      status: 'open',
      snoozedUntil: null,
    });
  });

  it('wakes early when the customer writes, through the API or a channel', async () => {
    const admin = await server.as('fr.admin@test.example');
    const first = await openConversation(f.customers.frUnrouted.id);
    await admin.post(`/api/conversations/${first}/snooze`, { until: inHours(24).toISOString() });
    const wrote = await admin.post(`/api/conversations/${first}/messages`, {
      direction: 'inbound',
      text: 'Voici le relevé demandé',
    });
    expect(wrote.status).toBe(201);
    expect((await admin.get(`/api/conversations/${first}`)).body).toMatchObject({
      status: 'open',
      snoozedUntil: null,
    });

    // A channel's delivery (mail, Messenger): the message and the waking in one go.
    const second = await openConversation(f.customers.frAtCasablanca.id, f.sites.casablanca.id);
    const agent = await server.as('cas.agent@test.example');
    await agent.patch(`/api/conversations/${second}`, { assigneeId: f.agents.casablanca.id });
    const snoozed = await agent.post(`/api/conversations/${second}/snooze`, {
      until: inHours(24).toISOString(),
    });
    const outbox = await lastOutboxId();
    const ctx = { actor: SYSTEM_ACTOR, now: new Date() };
    const conversation = { id: second, subsidiaryId: f.subsidiaries.fr.id, siteId: f.sites.casablanca.id };
    // An automatic answer (out of office) wakes nothing.
    await appendInboundMessage(
      server.db,
      ctx,
      { ...conversation, status: 'pending' },
      { direction: 'inbound', channel: 'email', text: 'Absent du bureau', attachments: [] },
      { reopen: false },
    );
    expect((await conversationRow(second)).snoozed_until).not.toBeNull();
    await appendInboundMessage(
      server.db,
      ctx,
      { ...conversation, status: 'pending' },
      { direction: 'inbound', channel: 'email', text: 'Je vous renvoie le document', attachments: [] },
    );
    const row = await conversationRow(second);
    expect(row).toMatchObject({
      status: 'assigned',
      assignee_id: f.agents.casablanca.id,
      snoozed_until: null,
    });
    expect(row.version).toBeGreaterThan(snoozed.body.version);
    expect((await outboxSince(outbox)).map((e) => e.name)).toEqual([
      'message.received',
      'conversation.status_changed',
      'message.received',
    ]);
    expect(await wakeDueSnoozes(server.db, inHours(25))).toBe(0);
    expect((await conversationRow(first)).status).toBe('open');
  });

  it('ends with any change of status: resolved, escalated', async () => {
    const admin = await server.as('fr.admin@test.example');
    const resolved = await openConversation(f.customers.frUnrouted.id);
    await admin.post(`/api/conversations/${resolved}/snooze`, { until: inHours(2).toISOString() });
    const patched = await admin.patch(`/api/conversations/${resolved}`, { status: 'resolved' });
    expect(patched.body).toMatchObject({ status: 'resolved', snoozedUntil: null });

    const escalated = await openConversation(f.customers.frUnrouted.id);
    await admin.post(`/api/conversations/${escalated}/snooze`, { until: inHours(2).toISOString() });
    const res = await admin.post(`/api/conversations/${escalated}/escalate`, {
      tier: 'level2',
      reason: 'contrat',
    });
    expect(res.status, res.text).toBe(200);
    expect((await conversationRow(escalated)).snoozed_until).toBeNull();

    expect(await wakeDueSnoozes(server.db, inHours(3))).toBe(0);
    expect((await conversationRow(resolved)).status).toBe('resolved');
  });

  it('refuses an end in the past, too far ahead or not an instant, a resolved conversation and a stale ETag, writing nothing', async () => {
    const admin = await server.as('fr.admin@test.example');
    const id = await openConversation(f.customers.frUnrouted.id);
    const url = `/api/conversations/${id}/snooze`;
    expectProblem(
      await refusedWithoutWrites(() => admin.post(url, { until: inHours(-1).toISOString() })),
      400,
      'validation_failed',
      'until',
    );
    expectProblem(
      await refusedWithoutWrites(() => admin.post(url, { until: inHours(24 * 91).toISOString() })),
      400,
      'validation_failed',
      'until',
    );
    expectProblem(
      await refusedWithoutWrites(() => admin.post(url, { until: 'demain' })),
      400,
      'validation_failed',
      'body.until',
    );
    expectProblem(
      await refusedWithoutWrites(() => admin.post(url, {})),
      400,
      'validation_failed',
      'body.until',
    );
    expectProblem(
      await refusedWithoutWrites(() =>
        admin.request('POST', url, {
          body: { until: inHours(1).toISOString() },
          headers: { 'if-match': '"999"' },
        }),
      ),
      412,
      'precondition_failed',
    );
    await admin.patch(`/api/conversations/${id}`, { status: 'resolved' });
    expectProblem(
      await refusedWithoutWrites(() => admin.post(url, { until: inHours(1).toISOString() })),
      409,
      'illegal_transition',
    );
  });

  it('is out of reach outside the scope', async () => {
    const target = f.conversations.frAtCasablanca.id;
    const body = { until: inHours(1).toISOString() };
    for (const email of ['buc.agent@test.example', 'ma.supervisor@test.example']) {
      const who = await server.as(email);
      expectProblem(
        await refusedWithoutWrites(() => who.post(`/api/conversations/${target}/snooze`, body)),
        404,
        'not_found',
      );
    }
    const analyst = await server.as('fr.analyst@test.example');
    expectProblem(
      await refusedWithoutWrites(() => analyst.post(`/api/conversations/${target}/snooze`, body)),
      403,
      'forbidden',
    );
  });
});

describe('files to send', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 7)]);
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  it('are kept by content, once, and sent in a reply that downloads through the message', async () => {
    const id = await openConversation(f.customers.frUnrouted.id);
    const upload = await uploader('fr.admin@test.example');
    const res = await upload(id, '?filename=Facture%20mars.pdf', pdf, 'application/pdf');
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      filename: 'Facture mars.pdf',
      mediaType: 'application/pdf',
      size: pdf.length,
      sha256: sha(pdf),
    });
    expect(await server.files.get(sha(pdf))).toEqual(pdf);
    const again = await upload(id, '?filename=Facture%20mars.pdf', pdf, 'application/pdf; charset=binary');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(res.body);
    const rows = await server.db
      .selectFrom('conversation_uploads')
      .selectAll()
      .where('conversation_id', '=', id)
      .execute();
    expect(rows).toHaveLength(1);

    // A JSON file stays the file's bytes.
    const json = Buffer.from('{"a": 1}\n');
    const data = await upload(id, '?filename=data.json', json, 'application/json');
    expect(data.body).toMatchObject({ mediaType: 'application/json', size: json.length, sha256: sha(json) });

    const admin = await server.as('fr.admin@test.example');
    const reply = await admin.post(`/api/conversations/${id}/messages`, {
      direction: 'outbound',
      text: 'Voici votre facture.',
      attachments: [res.body],
    });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.attachments).toEqual([res.body]);
    const download = await server.app.inject({
      method: 'GET',
      url: `/api/conversations/${id}/messages/${reply.body.id}/attachments/${sha(pdf)}`,
      headers: { cookie: await loginCookie('fr.admin@test.example') },
    });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload).toEqual(pdf);
    expect(download.headers['content-type']).toBe('application/pdf');
  });

  it('are refused beyond 25 MB (a problem document), empty, nameless, named with a path or of a type that is none', async () => {
    const id = f.conversations.frUnrouted.id;
    const upload = await uploader('fr.admin@test.example');
    const big = Buffer.alloc(25 * 1024 * 1024 + 1, 1);
    expectProblem(
      await refusedWithoutWrites(() => upload(id, '?filename=big.bin', big, 'application/octet-stream')),
      413,
      'payload_too_large',
    );
    expect(await server.files.get(sha(big))).toBeUndefined();
    expectProblem(
      await refusedWithoutWrites(() => upload(id, '', pdf, 'application/pdf')),
      400,
      'validation_failed',
      'querystring.filename',
    );
    expectProblem(
      await refusedWithoutWrites(() => upload(id, '?filename=..%2Fetc%2Fpasswd', pdf, 'application/pdf')),
      400,
      'validation_failed',
      'querystring.filename',
    );
    expectProblem(
      await refusedWithoutWrites(() => upload(id, '?filename=vide.txt', Buffer.alloc(0), 'text/plain')),
      400,
      'validation_failed',
      'body',
    );
    // A content type that is none is refused by the server before anything is read.
    expectProblem(
      await refusedWithoutWrites(() => upload(id, '?filename=x.bin', pdf, 'not a type')),
      415,
      'unsupported_media_type',
    );
    // No content type at all: bytes of no particular type.
    const raw = Buffer.from('raw bytes');
    const untyped = await upload(id, '?filename=raw.bin', raw);
    expect(untyped.status, untyped.text).toBe(201);
    expect(untyped.body.mediaType).toBe('application/octet-stream');
  });

  it('are out of reach outside the scope: nothing is stored', async () => {
    const target = f.conversations.frAtCasablanca.id;
    const secret = Buffer.from('not for you');
    for (const email of ['buc.agent@test.example', 'ma.supervisor@test.example']) {
      const upload = await uploader(email);
      expectProblem(
        await refusedWithoutWrites(() => upload(target, '?filename=x.txt', secret, 'text/plain')),
        404,
        'not_found',
      );
    }
    expectProblem(
      await refusedWithoutWrites(async () =>
        (await uploader('fr.analyst@test.example'))(target, '?filename=x.txt', secret, 'text/plain'),
      ),
      403,
      'forbidden',
    );
    expect(await server.files.get(sha(secret))).toBeUndefined();
  });

  it("may only be sent in their own conversation's replies", async () => {
    const admin = await server.as('fr.admin@test.example');
    const mine = await openConversation(f.customers.frUnrouted.id);
    const other = await openConversation(f.customers.frUnrouted.id);
    const upload = await uploader('fr.admin@test.example');
    const contract = Buffer.from('%PDF-1.7 contrat');
    const meta = (await upload(other, '?filename=contrat.pdf', contract, 'application/pdf')).body;
    const send = (attachments: unknown[]) =>
      admin.post(`/api/conversations/${mine}/messages`, {
        direction: 'outbound',
        text: 'Ci-joint',
        attachments,
      });
    expectProblem(await refusedWithoutWrites(() => send([meta])), 400, 'validation_failed', 'attachments');
    expectProblem(
      await refusedWithoutWrites(() => send([{ filename: 'x.pdf', mediaType: 'application/pdf', size: 3 }])),
      400,
      'validation_failed',
      'attachments',
    );
    // A conversation that does not exist yet has no files to send.
    expectProblem(
      await refusedWithoutWrites(() =>
        admin.post('/api/conversations', {
          subsidiaryId: f.subsidiaries.fr.id,
          customerId: f.customers.frUnrouted.id,
          channel: 'email',
          message: { direction: 'outbound', text: 'Ci-joint', attachments: [meta] },
        }),
      ),
      400,
      'validation_failed',
      'message.attachments',
    );
    // The stored type and size are sent, whatever the reply says.
    const sent = await admin.post(`/api/conversations/${other}/messages`, {
      direction: 'outbound',
      text: 'Ci-joint',
      attachments: [{ ...meta, mediaType: 'text/html', size: 1 }],
    });
    expect(sent.status, sent.text).toBe(201);
    expect(sent.body.attachments).toEqual([meta]);
  });
});

async function loginCookie(email: string): Promise<string> {
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: FIXTURE_PASSWORD },
  });
  return login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}
