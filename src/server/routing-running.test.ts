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

// A Monday, 11:00 in Paris: the fixture's sites are open.
const NOW = new Date('2026-11-23T10:00:00Z');

/** Routing in Relais as `relais serve` runs it: the bus kicks the assignment service. */
let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Awaited<ReturnType<typeof createFixture>>;
beforeAll(async () => {
  store = await freshStore();
  fixture = await createFixture(store.db);
  await createEndpoint(
    store.db,
    { actor: SYSTEM_ACTOR, now: new Date() },
    { subsidiaryId: fixture.subsidiaries.fr.id, channel: 'chat', address: 'routing-fr', name: 'Chat' },
  );
  running = await startRunningRelais(store, { clock: { now: () => NOW } });
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
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
}

describe('routing in a running Relais', () => {
  it('gives a web chat to an available agent who speaks French, as soon as it arrives', async () => {
    const agent = await signIn('buc.agent@test.example');
    const presence = await fetch(`${running.url}/api/agents/me/presence`, {
      method: 'PUT',
      headers: agent,
      body: JSON.stringify({ presence: 'available' }),
    });
    expect(presence.status).toBe(200);

    const widget = await ChatClient.connect(`${running.url.replace(/^http/, 'ws')}/chat/socket`);
    widget.send({ type: 'hello', key: 'routing-fr', language: 'fr' });
    await widget.next('welcome');
    widget.send({ type: 'message', clientId: 'routing-0001', text: 'Bonjour, ma box ne marche plus' });
    const ack = await widget.next('ack');
    const { conversation_id } = await store.db
      .selectFrom('messages')
      .select('conversation_id')
      .where('id', '=', ack.id)
      .executeTakeFirstOrThrow();

    // The event reaches the service through the bus; wait for its claim.
    let assignee: string | null = null;
    for (let i = 0; i < 100 && !assignee; i++) {
      const row = await store.db
        .selectFrom('conversations')
        .select('assignee_id')
        .where('id', '=', conversation_id)
        .executeTakeFirstOrThrow();
      assignee = row.assignee_id;
      if (!assignee) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(assignee).toBe(fixture.agents.bucharest.id);
    const admin = await signIn('fr.admin@test.example');
    const routing = await fetch(`${running.url}/api/conversations/${conversation_id}/routing`, {
      headers: admin,
    });
    const { items } = (await routing.json()) as { items: Array<{ kind: string; language: string }> };
    expect(items.filter((d) => d.kind === 'assigned')).toEqual([
      expect.objectContaining({ kind: 'assigned', language: 'fr' }),
    ]);
    widget.close();
  });
});
