import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlaWatch } from '../routing/index.ts';
import { onPostgres, startTestServer, type TestServer } from '../testing/index.ts';

/** The SLA watcher sets due times after a conversation is created or escalated: the client's ETag still holds. */
describe(`SLA due times and the ETag a client holds (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: TestServer;
  let watch: SlaWatch;

  beforeAll(async () => {
    server = await startTestServer();
    watch = new SlaWatch(server.db, { now: () => new Date() });
  });
  afterAll(async () => {
    await watch?.stop();
    await server?.close();
  });

  const create = async () => {
    const admin = await server.as('fr.admin@test.example');
    const res = await admin.post('/api/conversations', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      customerId: server.fixture.customers.frUnrouted.id,
      channel: 'email',
      subject: 'Ma facture est fausse',
      message: { direction: 'inbound', text: 'Ma facture est fausse', attachments: [] },
    });
    expect(res.status).toBe(201);
    return { admin, id: res.body.id as string, etag: String(res.headers.etag) };
  };

  it("a PATCH with the create's ETag succeeds after the clocks started", async () => {
    const { admin, id, etag } = await create();
    expect((await admin.get(`/api/conversations/${id}`)).body.firstResponseDueAt).toBeNull();
    expect((await watch.sync()).started).toBeGreaterThanOrEqual(1);
    const read = await admin.get(`/api/conversations/${id}`);
    expect(read.body.firstResponseDueAt).not.toBeNull();
    expect(read.body.resolutionDueAt).not.toBeNull();

    const patched = await admin.patch(`/api/conversations/${id}`, { priority: 'high' }, etag);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      priority: 'high',
      firstResponseDueAt: read.body.firstResponseDueAt,
      resolutionDueAt: read.body.resolutionDueAt,
    });
    // Someone else's change still makes an old ETag fail: the version counts edits.
    expect((await admin.patch(`/api/conversations/${id}`, { priority: 'low' }, etag)).status).toBe(412);
  });

  it('a PATCH with the ETag read after an escalation succeeds after the clocks restarted on the new tier', async () => {
    const admin = await server.as('fr.admin@test.example');
    const policy = await admin.request(
      'PUT',
      `/api/subsidiaries/${server.fixture.subsidiaries.fr.id}/sla-policy`,
      {
        body: {
          policy: {
            targets: [
              { firstResponseSeconds: 86400, resolutionSeconds: 259200, clock: 'business' },
              { tier: 'level2', firstResponseSeconds: 3600, resolutionSeconds: 7200, clock: 'always' },
            ],
          },
        },
      },
    );
    expect(policy.status).toBe(200);
    const { id } = await create();
    await watch.sync();
    const escalated = await admin.post(`/api/conversations/${id}/escalate`, {
      tier: 'level2',
      reason: 'contract question',
    });
    expect(escalated.status).toBe(200);
    const read = await admin.get(`/api/conversations/${id}`);

    expect((await watch.sync()).escalated).toBe(1);
    const after = await admin.get(`/api/conversations/${id}`);
    expect(after.body.firstResponseDueAt).not.toBe(read.body.firstResponseDueAt);

    const patched = await admin.patch(
      `/api/conversations/${id}`,
      { priority: 'urgent' },
      String(read.headers.etag),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      priority: 'urgent',
      firstResponseDueAt: after.body.firstResponseDueAt,
    });
  });
});
