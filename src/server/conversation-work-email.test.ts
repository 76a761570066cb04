import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpoint, deliverDue, emailSender, smtpRelay } from '../channels/index.ts';
import { SYSTEM_ACTOR } from '../core/index.ts';
import { FIXTURE_PASSWORD, startTestServer, type TestServer } from '../testing/index.ts';

/** A real SMTP server standing for the company's mail relay: it keeps every mail it is given. */
async function captureRelay() {
  const received: ParsedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push(mail);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const address = smtp.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => smtp.close(() => r())),
  };
}

describe('an email reply with a note beside it, through the real relay', () => {
  let server: TestServer;
  let relay: Awaited<ReturnType<typeof captureRelay>>;

  beforeAll(async () => {
    server = await startTestServer();
    relay = await captureRelay();
    await createEndpoint(
      server.db,
      { actor: SYSTEM_ACTOR, now: new Date() },
      {
        subsidiaryId: server.fixture.subsidiaries.fr.id,
        channel: 'email',
        address: 'service@fr.test.example',
        name: 'Service client',
      },
    );
  });
  afterAll(async () => {
    await relay?.close();
    await server?.close();
  });

  it('sends the reply with the uploaded file attached, and never the note', async () => {
    const id = server.fixture.conversations.frUnrouted.id;
    const admin = await server.as('fr.admin@test.example');
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'fr.admin@test.example', password: FIXTURE_PASSWORD },
    });
    const contract = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20_000, 3)]);
    const uploaded = await server.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/attachments?filename=${encodeURIComponent('Contrat signé.pdf')}`,
      headers: {
        cookie: login.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
        'x-csrf-token': login.json().csrfToken,
        'content-type': 'application/pdf',
      },
      payload: contract,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);

    const note = await admin.post(`/api/conversations/${id}/notes`, {
      text: 'NOTE INTERNE : le client a menacé de résilier',
    });
    expect(note.status).toBe(201);
    const reply = await admin.post(`/api/conversations/${id}/messages`, {
      direction: 'outbound',
      text: 'Bonjour, voici votre contrat signé.',
      attachments: [uploaded.json()],
    });
    expect(reply.status, reply.text).toBe(201);

    const senders = {
      email: emailSender({ db: server.db, relay: smtpRelay(relay.url), files: server.files }),
    };
    // Only the reply is due: the note was never queued, now or later.
    expect(await deliverDue(server.db, senders, new Date())).toBe(1);
    expect(await deliverDue(server.db, senders, new Date(Date.now() + 86_400_000))).toBe(0);

    expect(relay.received).toHaveLength(1);
    const [mail] = relay.received;
    expect(mail?.text?.trim()).toBe('Bonjour, voici votre contrat signé.');
    expect(mail?.attachments.map((a) => [a.filename, a.contentType, a.content.equals(contract)])).toEqual([
      ['Contrat signé.pdf', 'application/pdf', true],
    ]);
    for (const m of relay.received) expect(m.text ?? '').not.toContain('NOTE INTERNE');

    const stored = await server.db
      .selectFrom('messages')
      .select(['delivery_status', 'delivery_attempts', 'external_id'])
      .where('id', '=', note.body.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ delivery_status: 'received', delivery_attempts: 0, external_id: null });
    const history = await admin.get(`/api/conversations/${id}/messages/${note.body.id}/deliveries`);
    expect(history.body.items).toEqual([]);
  });
});
