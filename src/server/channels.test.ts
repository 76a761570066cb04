import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverMessage, emailSender, smtpRelay, startSmtp } from '../channels/index.ts';
import { startTestServer, type TestServer } from '../testing/index.ts';

let server: TestServer;
let smtp: { port: number; close(): Promise<void> };
beforeAll(async () => {
  server = await startTestServer();
  smtp = await startSmtp(server.db, server.files, {
    port: 0,
    host: '127.0.0.1',
    maxBytes: 1_000_000,
    now: () => new Date(),
    onError: () => undefined,
  });
});
afterAll(async () => {
  await smtp?.close();
  await server?.close();
});

describe('endpoints', () => {
  it('are managed by the subsidiary, normalised, unique, and invisible to other subsidiaries', async () => {
    const fr = await server.as('fr.admin@test.example');
    const created = await fr.post('/api/endpoints', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'email',
      address: 'Contact@FR.test.example',
      name: 'Contact',
    });
    expect(created.status).toBe(201);
    expect(created.body.address).toBe('contact@fr.test.example');
    const again = await fr.post('/api/endpoints', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'email',
      address: 'contact@fr.test.example',
      name: 'Twice',
    });
    expect(again.status).toBe(409);
    const sms = await fr.post('/api/endpoints', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'voice',
      address: '01 23 45 67 89',
      name: 'Hotline',
    });
    expect(sms.body.address).toBe('+33123456789');

    const ma = await server.as('ma.supervisor@test.example');
    expect((await ma.get(`/api/endpoints/${created.body.id}`)).status).toBe(404);
    expect((await ma.get('/api/endpoints')).body.items).toEqual([]);
    const intoFrance = await ma.post('/api/endpoints', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'email',
      address: 'x@fr.test.example',
      name: 'x',
    });
    expect(intoFrance.status).toBe(403);
  });

  it('keep their secret write-only and accept only the settings their channel knows', async () => {
    const fr = await server.as('fr.admin@test.example');
    const base = {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'voice',
      address: '01 23 45 67 00',
      name: 'Standard',
    };
    const unknown = await fr.post('/api/endpoints', { ...base, settings: { colour: 'blue' } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('settings');
    const created = await fr.post('/api/endpoints', { ...base, secret: 'token-very-secret' });
    expect(created.status).toBe(201);
    expect(created.body.hasSecret).toBe(true);
    const read = await fr.get(`/api/endpoints/${created.body.id}`);
    expect(JSON.stringify(read.body)).not.toContain('token-very-secret');
    const cleared = await fr.patch(`/api/endpoints/${created.body.id}`, { secret: null });
    expect(cleared.body.hasSecret).toBe(false);
    const audit = await fr.get(`/api/audit?entityId=${created.body.id}`);
    expect(audit.body.items.length).toBe(2);
    expect(JSON.stringify(audit.body)).not.toContain('token-very-secret');
  });

  it('lets a mail reach its subsidiary, and its attachment be downloaded there only', async () => {
    const fr = await server.as('fr.admin@test.example');
    const photo = Buffer.from([
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      ...Array.from({ length: 2000 }, (_, i) => i % 256),
    ]);
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true })
      .sendMail({
        from: 'Nadia <nadia@client.example>',
        to: 'contact@fr.test.example',
        subject: 'Photo du boîtier',
        text: 'Voici la photo.',
        attachments: [{ filename: 'boîtier.png', content: photo, contentType: 'image/png' }],
      });
    const list = await fr.get(`/api/conversations?q=${encodeURIComponent('photo du boîtier')}`);
    expect(list.body.items).toHaveLength(1);
    const conversation = await fr.get(`/api/conversations/${list.body.items[0].id}`);
    const [message] = conversation.body.messages;
    const [attachment] = message.attachments;
    expect(attachment).toMatchObject({ filename: 'boîtier.png', mediaType: 'image/png', size: photo.length });
    const url = `/api/conversations/${conversation.body.id}/messages/${message.id}/attachments/${attachment.sha256}`;
    const download = await server.app.inject({
      method: 'GET',
      url,
      headers: {
        cookie: (
          await server.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { email: 'fr.admin@test.example', password: 'correct-horse-battery' },
          })
        ).cookies
          .map((c) => `${c.name}=${c.value}`)
          .join('; '),
      },
    });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(photo)).toBe(true);
    expect(download.headers['content-disposition']).toContain("filename*=UTF-8''bo%C3%AEtier.png");
    const ma = await server.as('ma.supervisor@test.example');
    expect((await ma.get(url)).status).toBe(404);
    const raw = await fr.get(`/api/conversations/${conversation.body.id}/messages/${message.id}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.text).toContain('Subject: =?UTF-8?');
  });

  it('shows an outbound message’s delivery history, in scope only', async () => {
    const fr = await server.as('fr.admin@test.example');
    const list = await fr.get(`/api/conversations?q=${encodeURIComponent('photo du boîtier')}`);
    const conversationId = list.body.items[0].id;
    const reply = await fr.post(`/api/conversations/${conversationId}/messages`, {
      direction: 'outbound',
      text: 'Merci, nous regardons.',
    });
    expect(reply.status).toBe(201);
    expect(reply.body.deliveryStatus).toBe('queued');
    // No relay listens on port 1: the try fails and is recorded.
    const unreachable = emailSender({
      db: server.db,
      relay: smtpRelay('smtp://127.0.0.1:1'),
      files: server.files,
    });
    expect(await deliverMessage(server.db, { email: unreachable }, reply.body.id)).toBe('retry');
    const url = `/api/conversations/${conversationId}/messages/${reply.body.id}/deliveries`;
    const history = await fr.get(url);
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ status: 'retry', detail: expect.stringContaining('ECONNREFUSED') }),
    ]);
    const message = await fr.get(`/api/conversations/${conversationId}/messages/${reply.body.id}`);
    expect(message.body).toMatchObject({ deliveryStatus: 'queued', deliveryAttempts: 1 });
    const ma = await server.as('ma.supervisor@test.example');
    expect((await ma.get(url)).status).toBe(404);
  });
});
