import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, FIXTURE_PASSWORD, freshStore, startRunningRelais } from '../testing/index.ts';
import type { Running } from './start.ts';

/** Snoozes are kept in the store: one that ends while Relais is stopped wakes when it starts again. */

const HOUR = 3_600_000;
let at = new Date('2026-11-23T10:00:00Z').getTime();
const clock = { now: () => new Date(at) };

let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Awaited<ReturnType<typeof createFixture>>;
let running: Running | undefined;
beforeAll(async () => {
  store = await freshStore();
  fixture = await createFixture(store.db);
});
afterAll(async () => {
  await running?.close();
  await store?.close();
});

async function signIn(url: string, email: string) {
  const login = await fetch(`${url}/api/auth/login`, {
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

/** Read the conversation until it matches, for at most 20 s (the waker runs beside the server). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a snooze across a restart', () => {
  it('wakes the conversation for its assignee when Relais starts after the snooze ended', async () => {
    const id = fixture.conversations.frAtCasablanca.id;
    running = await startRunningRelais(store, { clock });
    const agent = await signIn(running.url, 'cas.agent@test.example');
    const read = await fetch(`${running.url}/api/conversations/${id}`, { headers: agent });
    const assigned = await fetch(`${running.url}/api/conversations/${id}`, {
      method: 'PATCH',
      headers: { ...agent, 'if-match': String(read.headers.get('etag')) },
      body: JSON.stringify({ assigneeId: fixture.agents.casablanca.id }),
    });
    expect(assigned.status).toBe(200);
    const snoozed = await fetch(`${running.url}/api/conversations/${id}/snooze`, {
      method: 'POST',
      headers: agent,
      body: JSON.stringify({ until: new Date(at + HOUR).toISOString() }),
    });
    expect(snoozed.status).toBe(200);
    await running.close();
    running = undefined;

    at += 2 * HOUR;
    running = await startRunningRelais(store, { clock });
    const row = await eventually(
      () => store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
      (r) => r.status !== 'pending',
    );
    expect(row).toMatchObject({
      status: 'assigned',
      assignee_id: fixture.agents.casablanca.id,
      snoozed_until: null,
    });
    // Its event is published like any other status change.
    const event = await eventually(
      () =>
        store.db
          .selectFrom('outbox')
          .select(['payload', 'published_at'])
          .where('name', '=', 'conversation.status_changed')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow(),
      (e) => e.published_at !== null,
    );
    expect(event.payload).toEqual({ conversationId: id, from: 'pending', to: 'assigned' });
    expect(event.published_at).not.toBeNull();
  });
});
