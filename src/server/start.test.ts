import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../bus/index.ts';
import { createFixture, FIXTURE_PASSWORD, freshStore, startRunningRelais } from '../testing/index.ts';
import type { Running } from './start.ts';

/** The server as `relais serve` runs it: migrations, the bus, the outbox relay, HTTP. */
let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
  await createFixture(store.db);
  running = await startRunningRelais(store, { env: { RELAIS_SMTP: 'on', RELAIS_SMTP_PORT: '0' } });
});
afterAll(async () => {
  await running?.close();
  await store?.close();
});

describe('a running Relais', () => {
  it('publishes the events of a committed change on its bus', async () => {
    const { bus } = await running.ready;
    const seen: PublishedEvent[] = [];
    const consumer = `start_test_${Date.now()}`;
    await bus.subscribe(consumer, ['conversation.created'], async (event) => {
      seen.push(event);
    });
    const login = await fetch(`${running.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fr.admin@test.example', password: FIXTURE_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken, user } = (await login.json()) as {
      csrfToken: string;
      user: { scope: { subsidiaryId: string } };
    };
    const created = await fetch(`${running.url}/api/conversations`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        subsidiaryId: user.scope.subsidiaryId,
        channel: 'sms',
        customer: { identity: { kind: 'phone', value: '+33655443322' } },
        message: { text: 'Plus de réseau depuis ce matin' },
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const until = Date.now() + 10_000;
    const conversations = () => seen.map((e) => (e.payload as { conversationId?: string }).conversationId);
    while (!conversations().includes(id) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(conversations()).toContain(id);
    const pending = await store.db
      .selectFrom('outbox')
      .select('id')
      .where('published_at', 'is', null)
      .execute();
    expect(pending.length).toBeLessThanOrEqual(1);
  });
});
