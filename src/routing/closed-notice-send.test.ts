import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../core/index.ts';
import { createFixture, type Fixture, freshStore } from '../testing/index.ts';
import { sendClosedNotice } from './closed-notice-send.ts';

// Sunday 22 November 2026, 23:00 in Paris: the fixture's sites are closed.
const NIGHT = new Date('2026-11-22T22:00:00Z');

let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Fixture;
beforeAll(async () => {
  store = await freshStore();
  fixture = await createFixture(store.db);
  // The French mailbox (an endpoint row, as channels' createEndpoint writes it).
  await store.db
    .insertInto('endpoints')
    .values({
      id: newId(),
      subsidiary_id: fixture.subsidiaries.fr.id,
      channel: 'email',
      address: 'service@fr.notice.example',
      name: 'SAV',
      secret: null,
      updated_at: new Date(),
    })
    .execute();
  // The customers wrote an hour ago.
  await sql`update messages set created_at = ${new Date(NIGHT.getTime() - 3_600_000)}`.execute(store.db);
});
afterAll(async () => {
  await store?.close();
});

const outbound = (conversationId: string) =>
  store.db
    .selectFrom('messages')
    .select(['author_kind', 'text', 'delivery_status'])
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'outbound')
    .execute();

describe('sendClosedNotice', () => {
  it('queues one notice from the system, and never a second', async () => {
    const id = fixture.conversations.frUnrouted.id;
    expect(await sendClosedNotice(store.db, id, NIGHT)).toBe('sent');
    expect(await sendClosedNotice(store.db, id, NIGHT)).toBe('already_sent');
    expect(await outbound(id)).toEqual([
      {
        author_kind: 'system',
        text: expect.stringContaining('lundi 23 novembre à 07:00 (heure d’Europe centrale)'),
        delivery_status: 'queued',
      },
    ]);
  });

  it('sends nothing without an active endpoint for the channel', async () => {
    const id = fixture.conversations.maAtCasablanca.id;
    expect(await sendClosedNotice(store.db, id, NIGHT)).toBe('no_endpoint');
    expect(await outbound(id)).toEqual([]);
  });

  it('sends nothing to a customer who consents to no contact', async () => {
    await store.db
      .updateTable('customers')
      .set({ consent_level: 'none' })
      .where('id', '=', fixture.customers.frAtBucharest.id)
      .execute();
    const id = fixture.conversations.frAtBucharest.id;
    expect(await sendClosedNotice(store.db, id, NIGHT)).toBe('no_consent');
    expect(await outbound(id)).toEqual([]);
  });

  it('sends nothing when a site takes the subsidiary’s work around the clock, nor on chat, nor for old news', async () => {
    const id = fixture.conversations.frAtCasablanca.id;
    const bucharest = fixture.sites.bucharest.id;
    await store.db
      .updateTable('sites')
      .set({ always_open_for: [fixture.subsidiaries.fr.id] })
      .where('id', '=', bucharest)
      .execute();
    expect(await sendClosedNotice(store.db, id, NIGHT)).toBe('nothing_to_announce');
    await store.db.updateTable('sites').set({ always_open_for: [] }).where('id', '=', bucharest).execute();
    // Two days later, the customer has not written again.
    expect(await sendClosedNotice(store.db, id, new Date(NIGHT.getTime() + 2 * 86_400_000))).toBe(
      'not_recent',
    );
    await store.db.updateTable('conversations').set({ channel: 'chat' }).where('id', '=', id).execute();
    expect(await sendClosedNotice(store.db, id, NIGHT)).toBe('not_for_channel');
    expect(await outbound(id)).toEqual([]);
  });
});
