import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, startTestServer, type TestServer } from '../testing/index.ts';

let server: TestServer;
let platform: Client;
beforeAll(async () => {
  server = await startTestServer();
  const admin = await server.as('fr.admin@test.example');
  const endpoint = await admin.post('/api/endpoints', {
    subsidiaryId: server.fixture.subsidiaries.fr.id,
    channel: 'voice',
    address: '01 40 00 00 00',
    name: 'Hotline',
  });
  expect(endpoint.status).toBe(201);
  const key = await admin.post('/api/api-keys', { name: 'telephony', permissions: ['conversations:write'] });
  platform = server.withKey(key.body.token);
});
afterAll(async () => {
  await server?.close();
});

const call = (event: string, callId: string, extra: Record<string, unknown> = {}) =>
  platform.post('/api/channels/voice/events', {
    event,
    callId,
    from: '06 12 34 56 78',
    to: '+33140000000',
    at: '2026-11-23T09:15:00+01:00',
    ...extra,
  });

describe('voice events from the telephony platform', () => {
  it('make one conversation per call, with the caller found by number, each event once', async () => {
    const ringing = await call('ringing', 'call-1');
    expect(ringing.status).toBe(200);
    expect(ringing.body.created).toBe(true);
    await call('answered', 'call-1');
    await call('ended', 'call-1', { durationSeconds: 184 });
    const again = await call('ended', 'call-1', { durationSeconds: 184 });
    expect(again.body).toEqual({ conversationId: ringing.body.conversationId, created: false });
    const messages = await server.db
      .selectFrom('messages')
      .select(['text', 'channel'])
      .where('conversation_id', '=', ringing.body.conversationId)
      .orderBy('id')
      .execute();
    expect(messages.map((m) => m.text)).toEqual(['Incoming call', 'Call answered', 'Call ended after 184 s']);
    const customer = await server.db
      .selectFrom('conversations')
      .innerJoin('customer_identities', 'customer_identities.customer_id', 'conversations.customer_id')
      .select(['customer_identities.value', 'conversations.channel'])
      .where('conversations.id', '=', ringing.body.conversationId)
      .executeTakeFirstOrThrow();
    expect(customer).toEqual({ value: '+33612345678', channel: 'voice' });
  });

  it('turn a missed call, a voicemail or a callback request into open work', async () => {
    const missed = await call('missed', 'call-2');
    const conversation = await server.db
      .selectFrom('conversations')
      .select(['status', 'priority'])
      .where('id', '=', missed.body.conversationId)
      .executeTakeFirstOrThrow();
    expect(conversation).toEqual({ status: 'open', priority: 'high' });
    await server.db
      .updateTable('conversations')
      .set({ status: 'resolved' })
      .where('id', '=', missed.body.conversationId)
      .execute();
    await call('voicemail', 'call-2', { recordingUrl: 'https://telephony.example/rec/2.wav' });
    const reopened = await server.db
      .selectFrom('conversations')
      .select('status')
      .where('id', '=', missed.body.conversationId)
      .executeTakeFirstOrThrow();
    expect(reopened.status).toBe('open');
  });

  it('refuse a number that is not one of the caller’s voice endpoints, and a malformed event', async () => {
    const unknown = await platform.post('/api/channels/voice/events', {
      event: 'ringing',
      callId: 'call-3',
      from: '0612345678',
      to: '+212522000000',
      at: '2026-11-23T09:15:00Z',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('to');
    const malformed = await platform.post('/api/channels/voice/events', { event: 'exploded', callId: 'x' });
    expect(malformed.status).toBe(400);
    const ma = await server.as('ma.supervisor@test.example');
    const elsewhere = await ma.post('/api/channels/voice/events', {
      event: 'ringing',
      callId: 'call-4',
      from: '0612345678',
      to: '+33140000000',
      at: '2026-11-23T09:15:00Z',
    });
    expect(elsewhere.status).toBe(400);
  });
});
