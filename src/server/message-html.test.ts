import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/index.ts';
import { sanitiseEmailHtml } from './routes/message-html.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

// A 1×1 PNG, the email's inline logo.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const HOSTILE_HTML = `<html><head>
<style>body { background: url(http://tracker.example/bg.png) }</style>
<script>window.__pwned = true</script>
</head><body onload="steal()">
<p style="color: #c00; background-image: url(http://tracker.example/p.png)">Bonjour, voici ma facture.</p>
<img src="http://tracker.example/pixel.png?u=camille" onerror="alert(1)" alt="">
<img src="cid:logo@client.example" alt="Logo">
<a href="javascript:alert(1)">cliquez</a>
<a href="https://client.example/facture" onclick="steal()">ma facture</a>
<form action="https://evil.example/login"><input name="password"><button>OK</button></form>
<iframe src="https://evil.example/"></iframe>
<div style="width: expression(alert(1))">Merci</div>
<svg><script>window.__pwned = true</script></svg>
</body></html>`;

const hostileMail = [
  'From: Camille Martin <camille@client.example>',
  'To: support@fr.example',
  'Subject: Facture incorrecte',
  'Message-ID: <hostile-1@client.example>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/related; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  HOSTILE_HTML,
  '--b1',
  'Content-Type: image/png',
  'Content-Transfer-Encoding: base64',
  'Content-ID: <logo@client.example>',
  'Content-Disposition: inline; filename="logo.png"',
  '',
  PNG.toString('base64'),
  '--b1--',
  '',
].join('\r\n');

const plainMail = [
  'From: Camille Martin <camille@client.example>',
  'To: support@fr.example',
  'Subject: Facture incorrecte',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Bonjour, juste du texte.',
  '',
].join('\r\n');

async function storeEmail(raw: string, attachments: unknown[] = []): Promise<string> {
  const admin = await server.as('fr.admin@test.example');
  const res = await admin.post(
    `/api/conversations/${server.fixture.conversations.frAtCasablanca.id}/messages`,
    {
      direction: 'inbound',
      channel: 'email',
      text: 'Bonjour, voici ma facture.',
      raw,
      rawMediaType: 'message/rfc822',
      attachments,
    },
  );
  expect(res.status).toBe(201);
  return res.body.id;
}

describe('GET /api/conversations/:id/messages/:messageId/html', () => {
  it('gives a hostile email back without scripts, handlers, forms, frames or trackers, remote images counted', async () => {
    const logo = await server.files.put(PNG);
    const messageId = await storeEmail(hostileMail, [
      {
        filename: 'logo.png',
        mediaType: 'image/png',
        size: logo.size,
        sha256: logo.sha256,
        inline: true,
        contentId: 'logo@client.example',
      },
    ]);
    const conversationId = server.fixture.conversations.frAtCasablanca.id;
    const agent = await server.as('cas.agent@test.example');
    const res = await agent.get(`/api/conversations/${conversationId}/messages/${messageId}/html`);
    expect(res.status).toBe(200);
    const { html, remoteImages } = res.body as { html: string; remoteImages: number };
    expect(remoteImages).toBe(1);
    expect(html).toContain('Bonjour, voici ma facture.');
    for (const banned of [
      /<script/i,
      /__pwned/,
      /\son\w+=/i,
      /javascript:/i,
      /<form/i,
      /<input/i,
      /<iframe/i,
    ]) {
      expect(html).not.toMatch(banned);
    }
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/expression\(|url\(/i);
    // The tracker is held back, not loaded: its address only in data-remote-src.
    expect(html).not.toMatch(/\ssrc="https?:/);
    expect(html).toContain('data-remote-src="http://tracker.example/pixel.png?u=camille"');
    // Colours survive; the link opens apart from the app.
    expect(html).toContain('color:#c00');
    expect(html).toMatch(
      /<a href="https:\/\/client\.example\/facture" rel="noopener noreferrer" target="_blank">ma facture<\/a>/,
    );
    // The inline logo points at the stored attachment, which the agent may download.
    const logoUrl = `/api/conversations/${conversationId}/messages/${messageId}/attachments/${logo.sha256}`;
    expect(html).toContain(`src="${logoUrl}"`);
    const image = await agent.get(logoUrl);
    expect(image.status).toBe(200);
    expect(Buffer.from(image.text, 'binary').length).toBeGreaterThan(0);
  });

  it('answers html null for an email without an HTML part and for a message of another channel', async () => {
    const conversationId = server.fixture.conversations.frAtCasablanca.id;
    const plain = await storeEmail(plainMail);
    const agent = await server.as('cas.agent@test.example');
    expect((await agent.get(`/api/conversations/${conversationId}/messages/${plain}/html`)).body).toEqual({
      html: null,
      remoteImages: 0,
    });
    const detail = await agent.get(`/api/conversations/${conversationId}`);
    const first = detail.body.messages[0].id;
    expect((await agent.get(`/api/conversations/${conversationId}/messages/${first}/html`)).body).toEqual({
      html: null,
      remoteImages: 0,
    });
  });

  it('is not found for a person outside the conversation’s scope, as the raw message is', async () => {
    const messageId = await storeEmail(hostileMail.replace('hostile-1@', 'hostile-2@'));
    const conversationId = server.fixture.conversations.frAtCasablanca.id;
    const path = `/api/conversations/${conversationId}/messages/${messageId}`;
    for (const outsider of ['buc.agent@test.example', 'ma.supervisor@test.example']) {
      const client = await server.as(outsider);
      const res = await client.get(`${path}/html`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect(res.text).not.toContain('facture');
      expect((await client.get(`${path}/raw`)).status).toBe(404);
    }
    // A message of another conversation is not reached through this one.
    const cas = await server.as('cas.agent@test.example');
    const other = server.fixture.conversations.maAtCasablanca.id;
    expect((await cas.get(`/api/conversations/${other}/messages/${messageId}/html`)).status).toBe(404);
    expect((await server.anonymous.get(`${path}/html`)).status).toBe(401);
  });
});

describe('sanitiseEmailHtml', () => {
  it('drops a data-remote-src the mail brought itself, and an unknown cid image’s source', () => {
    const out = sanitiseEmailHtml(
      '<img data-remote-src="javascript:alert(1)" alt="a"><img src="cid:nowhere@x" alt="b"><img src="//cdn.example/c.png">',
      () => undefined,
    );
    expect(out.remoteImages).toBe(1);
    expect(out.html).not.toContain('javascript:');
    expect(out.html).not.toContain('cid:');
    expect(out.html).toContain('data-remote-src="https://cdn.example/c.png"');
  });
});
