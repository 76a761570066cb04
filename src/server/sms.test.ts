import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/index.ts';
import {
  createFixture,
  deliver,
  FIXTURE_PASSWORD,
  freshStore,
  sentToSmsc,
  startSmsc,
  type TestSmsc,
} from '../testing/index.ts';
import { type Running, startRelais } from './start.ts';

/** SMS end to end through the running server: a real SMPP server stands for the SMSC. */
let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;
let smsc: TestSmsc;
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
let call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

beforeAll(async () => {
  store = await freshStore();
  await createFixture(store.db);
  smsc = await startSmsc();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RELAIS_DEMO: 'off',
    RELAIS_SMTP: 'off',
    RELAIS_MEMORY: 'true',
    RELAIS_SMPP_URL: `smpp://relais:s3cret@127.0.0.1:${smsc.port}`,
    // About SMS alone: no router, so no "we are closed" reply on a weekend or at night.
    RELAIS_ROUTING: 'off',
    ...(process.env.NATS_URL ? { NATS_URL: process.env.NATS_URL } : {}),
  });
  running = await startRelais(config, { logger: false, store });
  await running.ready;
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
  call = async (method, path, body) => {
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  };
});

afterAll(async () => {
  await running?.close();
  await smsc?.close();
  await store?.close();
});

describe('SMS through the running server', () => {
  it('an SMS to a short code becomes a conversation, the agent’s reply leaves as UCS-2 SMS and its receipt marks it delivered', async () => {
    const subsidiaries = await call('GET', '/api/subsidiaries');
    const fr = subsidiaries.body.items.find((s: { code: string }) => s.code === 'FR');
    const endpoint = await call('POST', '/api/endpoints', {
      subsidiaryId: fr.id,
      channel: 'sms',
      address: '36111',
      name: 'Service client SMS',
    });
    expect(endpoint.status).toBe(201);

    await sentToSmsc(smsc, (p) => p.command === 'bind_transceiver');
    const response = await deliver(smsc.session(), {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '33611223344',
      destination_addr: '36111',
      data_coding: 0,
      short_message: Buffer.from('Ma ligne est coupee depuis hier soir, pouvez-vous verifier ?', 'latin1'),
    });
    expect(response.command_status).toBe(0);

    const list = await call('GET', '/api/conversations?channel=sms');
    expect(list.body.items).toHaveLength(1);
    const conversation = list.body.items[0];
    expect(conversation.endpointId).toBe(endpoint.body.id);

    // ç is not in the GSM alphabet: the reply goes as UCS-2.
    const text = 'Bien reçu, un technicien vérifie votre ligne ce matin.';
    const reply = await call('POST', `/api/conversations/${conversation.id}/messages`, {
      direction: 'outbound',
      text,
    });
    expect(reply.status).toBe(201);
    const [submit] = await sentToSmsc(smsc, (p) => p.command === 'submit_sm');
    expect(submit?.data_coding).toBe(0x08);
    expect(submit?.source_addr).toBe('36111');
    expect(submit?.destination_addr).toBe('33611223344');
    expect((submit?.short_message as { message: string } | undefined)?.message).toBe(text);

    const messageId = reply.body.id;
    let status = '';
    for (let i = 0; i < 200 && status !== 'sent'; i++) {
      const got = await call('GET', `/api/conversations/${conversation.id}/messages/${messageId}`);
      status = got.body.deliveryStatus;
      if (status !== 'sent') await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).toBe('sent');
    const smscId = (await call('GET', `/api/conversations/${conversation.id}/messages/${messageId}`)).body
      .externalId;
    const receipt = await deliver(smsc.session(), {
      source_addr: '33611223344',
      destination_addr: '36111',
      esm_class: 0x04,
      short_message: Buffer.from(`id:${smscId} sub:001 dlvrd:001 stat:DELIVRD err:000 text:Bien recu`),
    });
    expect(receipt.command_status).toBe(0);
    const delivered = await call('GET', `/api/conversations/${conversation.id}/messages/${messageId}`);
    expect(delivered.body.deliveryStatus).toBe('delivered');
    const history = await call(
      'GET',
      `/api/conversations/${conversation.id}/messages/${messageId}/deliveries`,
    );
    expect(history.body.items.map((e: { status: string }) => e.status)).toEqual(['sent', 'delivered']);
  });
});
