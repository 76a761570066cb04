import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowCounts, startTestServer, type TestServer } from '../testing/index.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const pdf = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n${'%'.repeat(3000)}\n%%EOF\n`);

describe('letters', () => {
  it('become a conversation of channel mail with the scan attached, once', async () => {
    const clerk = await server.as('fr.admin@test.example');
    const letter = {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      sender: { name: 'Gérard Lambert', identity: { kind: 'phone', value: '04 78 00 00 00' } },
      subject: 'Réclamation par courrier',
      text: 'Madame, Monsieur, je conteste la facture du mois d’octobre.',
      scan: { filename: 'courrier.pdf', mediaType: 'application/pdf', contentBase64: pdf.toString('base64') },
    };
    const first = await clerk.post('/api/channels/letters', letter);
    expect(first.status).toBe(201);
    const again = await clerk.post('/api/channels/letters', letter);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ conversationId: first.body.conversationId, created: false });
    const conversation = await clerk.get(`/api/conversations/${first.body.conversationId}`);
    expect(conversation.body).toMatchObject({
      channel: 'mail',
      tier: 'back_office',
      subject: 'Réclamation par courrier',
    });
    const [message] = conversation.body.messages;
    expect(message.text).toContain('je conteste la facture');
    const [scan] = message.attachments;
    expect(scan).toMatchObject({ filename: 'courrier.pdf', mediaType: 'application/pdf', size: pdf.length });
    expect((await server.files.get(scan.sha256))?.equals(pdf)).toBe(true);
  });

  it('refuse a scan whose bytes are not what its type says, and keep nothing', async () => {
    const clerk = await server.as('fr.admin@test.example');
    const before = await rowCounts(server.db);
    const res = await clerk.post('/api/channels/letters', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      sender: { name: 'X', identity: { kind: 'email', value: 'x@client.example' } },
      scan: {
        filename: 'fake.pdf',
        mediaType: 'application/pdf',
        contentBase64: Buffer.from('<html>').toString('base64'),
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('scan.contentBase64');
    expect(await rowCounts(server.db)).toEqual(before);
  });
});
