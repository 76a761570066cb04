import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSED_OFFERS_BEFORE_AWAY } from '../routing/index.ts';
import { createFixture, FIXTURE_PASSWORD, freshStore, startRunningRelais } from '../testing/index.ts';
import type { Running } from './start.ts';

// A Monday, 11:00 in Paris: the fixture's sites are open.
const START = new Date('2026-11-23T10:00:00Z').getTime();
const OFFER_SECONDS = 5;

/** Offers in a running Relais (RELAIS_ROUTING_OFFERS=offer) on a clock the test moves. */
describe('an agent who lets offers expire', () => {
  let running: Running;
  let store: Awaited<ReturnType<typeof freshStore>>;
  let fixture: Awaited<ReturnType<typeof createFixture>>;
  let skew = 0;

  const signIn = async (email: string) => {
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
  };
  const available = async (email: string) => {
    const res = await fetch(`${running.url}/api/agents/me/presence`, {
      method: 'PUT',
      headers: await signIn(email),
      body: JSON.stringify({ presence: 'available' }),
    });
    expect(res.status).toBe(200);
  };
  const chat = async (subject: string) => {
    const res = await fetch(`${running.url}/api/conversations`, {
      method: 'POST',
      headers: await signIn('fr.admin@test.example'),
      body: JSON.stringify({
        subsidiaryId: fixture.subsidiaries.fr.id,
        customerId: fixture.customers.frUnrouted.id,
        channel: 'chat',
        language: 'fr',
        subject,
        message: { direction: 'inbound', text: subject, attachments: [] },
      }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  /** Waits (at most 20 s) until the store says so. */
  const until = async <T>(what: string, read: () => Promise<T | undefined>): Promise<T> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`never: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const offersOf = (conversationId: string) =>
    store.db
      .selectFrom('routing_offers')
      .select(['id', 'agent_id', 'state'])
      .where('conversation_id', '=', conversationId)
      .orderBy('offered_at')
      .execute();
  const pendingOffer = (conversationId: string) =>
    until(`a pending offer of ${conversationId}`, async () =>
      (await offersOf(conversationId)).find((o) => o.state === 'pending'),
    );
  const expired = (offerId: string) =>
    until(`offer ${offerId} expired`, async () => {
      const row = await store.db
        .selectFrom('routing_offers')
        .select('state')
        .where('id', '=', offerId)
        .executeTakeFirstOrThrow();
      return row.state === 'expired' ? row : undefined;
    });
  const presenceOf = async (agentId: string) =>
    (
      await store.db
        .selectFrom('agents')
        .select('presence')
        .where('id', '=', agentId)
        .executeTakeFirstOrThrow()
    ).presence;

  beforeAll(async () => {
    store = await freshStore();
    fixture = await createFixture(store.db);
    // A quiet floor: only the conversations of this test wait.
    await store.db
      .updateTable('conversations')
      .set({ status: 'closed' })
      .where('status', '=', 'open')
      .execute();
    running = await startRunningRelais(store, {
      env: { RELAIS_ROUTING_OFFERS: 'offer', RELAIS_OFFER_SECONDS: String(OFFER_SECONDS) },
      clock: { now: () => new Date(START + skew) },
    });
  });
  afterAll(async () => {
    await running?.close();
    await store?.close();
  });

  it(`is set away after ${MISSED_OFFERS_BEFORE_AWAY} offers expire unanswered, and the work goes to the next agent`, async () => {
    const bucharest = fixture.agents.bucharest.id;
    const casablanca = fixture.agents.casablanca.id;
    await available('buc.agent@test.example');

    // The first offer expires: one miss is not enough to be set away.
    const first = await chat('Box en panne');
    const firstOffer = await pendingOffer(first);
    expect(firstOffer.agent_id).toBe(bucharest);
    skew += (OFFER_SECONDS + 1) * 1000;
    await expired(firstOffer.id);
    expect(await presenceOf(bucharest)).toBe('available');

    // The second expires too: the agent is away, with an audit entry and an event.
    const second = await chat('Facture');
    const secondOffer = await pendingOffer(second);
    expect(secondOffer.agent_id).toBe(bucharest);
    skew += (OFFER_SECONDS + 1) * 1000;
    await expired(secondOffer.id);
    await until('Bucharest away', async () => ((await presenceOf(bucharest)) === 'away' ? true : undefined));
    const audit = await store.db
      .selectFrom('audit_log')
      .select('changes')
      .where('entity_id', '=', bucharest)
      .where('action', '=', 'set_presence')
      .orderBy('at', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ from: 'available', to: 'away' });
    const events = await store.db
      .selectFrom('outbox')
      .select('payload')
      .where('name', '=', 'agent.presence_changed')
      .execute();
    expect(events.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ agentId: bucharest, presence: 'away' }),
    );

    // Another agent comes: both conversations are offered to them, none to the one away.
    await available('cas.agent@test.example');
    expect((await pendingOffer(first)).agent_id).toBe(casablanca);
    expect((await pendingOffer(second)).agent_id).toBe(casablanca);
    for (const id of [first, second])
      expect((await offersOf(id)).filter((o) => o.agent_id === bucharest)).toHaveLength(1);
  });

  // Follows the test above: Bucharest's agent is away after two misses.
  it('counts the misses again from when the agent is back', async () => {
    const bucharest = fixture.agents.bucharest.id;
    const away = await fetch(`${running.url}/api/agents/me/presence`, {
      method: 'PUT',
      headers: await signIn('cas.agent@test.example'),
      body: JSON.stringify({ presence: 'away' }),
    });
    expect(away.status).toBe(200);
    await available('buc.agent@test.example');

    // One miss after coming back: still available.
    const third = await chat('Déménagement');
    const thirdOffer = await pendingOffer(third);
    expect(thirdOffer.agent_id).toBe(bucharest);
    skew += (OFFER_SECONDS + 1) * 1000;
    await expired(thirdOffer.id);
    expect(await presenceOf(bucharest)).toBe('available');

    // A second one: away again.
    const fourth = await chat('Résiliation');
    const fourthOffer = await pendingOffer(fourth);
    expect(fourthOffer.agent_id).toBe(bucharest);
    skew += (OFFER_SECONDS + 1) * 1000;
    await expired(fourthOffer.id);
    await until('Bucharest away again', async () =>
      (await presenceOf(bucharest)) === 'away' ? true : undefined,
    );
  });
});
