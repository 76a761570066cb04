import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../channels/index.ts';
import { SYSTEM_ACTOR } from '../core/index.ts';
import {
  ChatClient,
  createFixture,
  FIXTURE_PASSWORD,
  freshStore,
  startRunningRelais,
} from '../testing/index.ts';
import type { Running } from './start.ts';

/** The web chat in Relais as `relais serve` runs it: the delivery worker sends chat replies. */
let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Awaited<ReturnType<typeof createFixture>>;
beforeAll(async () => {
  store = await freshStore();
  fixture = await createFixture(store.db);
  await createEndpoint(
    store.db,
    { actor: SYSTEM_ACTOR, now: new Date() },
    { subsidiaryId: fixture.subsidiaries.fr.id, channel: 'chat', address: 'running-fr', name: 'Chat' },
  );
  running = await startRunningRelais(store);
});
afterAll(async () => {
  await running?.close();
  await store?.close();
});

describe('web chat in a running Relais', () => {
  it("sends an agent's reply to the widget through delivery, and marks it sent", async () => {
    const widget = await ChatClient.connect(`${running.url.replace(/^http/, 'ws')}/chat/socket`);
    widget.send({ type: 'hello', key: 'running-fr', language: 'fr' });
    await widget.next('welcome');
    widget.send({ type: 'message', clientId: 'running-0001', text: 'Bonjour ?' });
    const ack = await widget.next('ack');
    const { conversation_id } = await store.db
      .selectFrom('messages')
      .select('conversation_id')
      .where('id', '=', ack.id)
      .executeTakeFirstOrThrow();

    const login = await fetch(`${running.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fr.admin@test.example', password: FIXTURE_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const reply = await fetch(`${running.url}/api/conversations/${conversation_id}/messages`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ direction: 'outbound', text: 'Bonjour, que puis-je pour vous ?' }),
    });
    expect(reply.status).toBe(201);
    const { id } = (await reply.json()) as { id: string };
    expect((await widget.next('message', (m) => m.id === id)).text).toBe('Bonjour, que puis-je pour vous ?');

    // The delivery worker hands it to the chat sender: sent, with its history.
    let status: string | undefined;
    for (let i = 0; i < 100 && status !== 'sent'; i++) {
      const row = await store.db
        .selectFrom('messages')
        .select('delivery_status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      status = row.delivery_status;
      if (status !== 'sent') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('sent');
    const history = await store.db
      .selectFrom('delivery_events')
      .select('status')
      .where('message_id', '=', id)
      .execute();
    expect(history.map((h) => h.status)).toEqual(['sent']);
    widget.close();
  });
});
