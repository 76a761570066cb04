import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, startChatServer } from '../testing/index.ts';

// A Wednesday morning: the fixture's sites are open.
const WEDNESDAY = new Date('2026-11-25T10:00:00Z');
const SATURDAY = new Date('2026-11-28T10:00:00Z');

let relais: ChatServer;
/** The same world on a Saturday, when every site is closed. */
let weekend: ChatServer | undefined;
let host: Server;
let hostUrl: string;
let browser: Browser;

/**
 * A customer's page on another origin: one script tag, and styles that would wreck any
 * widget living in the page's own DOM.
 */
const page = (key: string, relaisUrl = relais.url) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title>
<style>* { color: #f0f !important; font-size: 40px !important; } button { display: none !important; } li { float: left; }</style>
</head><body><h1>Our shop</h1>
<script src="${relaisUrl}/chat/widget.js" data-key="${key}" async></script>
</body></html>`;

beforeAll(async () => {
  relais = await startChatServer(WEDNESDAY);
  weekend = await startChatServer(SATURDAY);
  host = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://host').searchParams;
    const closed = query.get('closed') === '1' && weekend ? weekend.url : relais.url;
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(page(query.get('key') ?? '', closed));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
  await relais?.close();
  await weekend?.close();
});

describe('the chat widget in Chromium', () => {
  it('exchanges messages with an agent signed in through the API, and keeps them over a reload', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const tab = await context.newPage();
    await tab.goto(`${hostUrl}/?key=${relais.keys.fr}`);
    const launcher = tab.locator('.launcher');
    await expect.poll(() => launcher.textContent()).toBe('Discuter avec nous');
    await launcher.click();
    const panel = tab.locator('.panel');
    expect(await panel.getAttribute('dir')).toBe('ltr');
    // The host page's "button { display: none }" does not reach inside the widget.
    expect(await tab.locator('.send').isVisible()).toBe(true);
    expect(await tab.locator('label[for="text"]').textContent()).toBe('Votre message');

    await tab.locator('#text').fill('Bonjour, ma fibre est coupée depuis ce matin.');
    await tab.locator('#text').press('Enter');
    // Acknowledged: the line is no longer waiting.
    await tab.locator('.line.customer:not(.pending)').waitFor();

    // The agent's side, through the API: the supervisor hands it to an agent in Paris.
    const admin = await relais.signIn('fr.admin@test.example');
    const chats = (await admin.get('/api/conversations?channel=chat')).body as {
      items: Array<{ id: string }>;
    };
    expect(chats.items).toHaveLength(1);
    const id = chats.items[0]?.id ?? '';
    const assigned = await admin.patch(`/api/conversations/${id}`, {
      assigneeId: relais.fixture.agents.paris.id,
    });
    expect(assigned.status).toBe(200);

    const agent = await relais.signIn('paris.agent@test.example');
    const mine = (await agent.get('/api/conversations?assigneeId=me')).body as {
      items: Array<{ id: string }>;
    };
    expect(mine.items.map((c) => c.id)).toEqual([id]);
    const detail = (await agent.get(`/api/conversations/${id}`)).body as {
      messages: Array<{ text: string }>;
    };
    expect(detail.messages.map((m) => m.text)).toEqual(['Bonjour, ma fibre est coupée depuis ce matin.']);

    expect((await agent.post(`/api/conversations/${id}/typing`, undefined)).status).toBe(200);
    await tab.getByText('paris.agent écrit…').waitFor();
    const answer = await agent.post(`/api/conversations/${id}/messages`, {
      direction: 'outbound',
      text: 'Bonjour, je vérifie votre ligne.',
    });
    expect(answer.status).toBe(201);

    const line = tab.locator('.line.agent');
    await line.waitFor();
    expect(await line.locator('.text').textContent()).toBe('Bonjour, je vérifie votre ligne.');
    expect(await line.locator('.who').textContent()).toBe('paris.agent');
    expect(await line.locator('.text').getAttribute('dir')).toBe('auto');
    await expect.poll(() => tab.locator('header .agent').textContent()).toBe('paris.agent');
    expect(await tab.locator('.log').getAttribute('aria-live')).toBe('polite');

    // A reload: the same visitor, the same conversation, both messages back.
    await tab.reload();
    await tab.locator('.launcher').click();
    await tab.locator('.line.agent').waitFor();
    expect(await tab.locator('.line .text').allTextContents()).toEqual([
      'Bonjour, ma fibre est coupée depuis ce matin.',
      'Bonjour, je vérifie votre ligne.',
    ]);
    await context.close();
  });

  it('writes right to left for an Arabic-speaking visitor of a subsidiary that serves Arabic', async () => {
    const context = await browser.newContext({ locale: 'ar-MA' });
    const tab = await context.newPage();
    await tab.goto(`${hostUrl}/?key=${relais.keys.ma}`);
    const launcher = tab.locator('.launcher');
    await expect.poll(() => launcher.textContent()).toBe('تحدث معنا');
    await launcher.click();
    expect(await tab.locator('.panel').getAttribute('dir')).toBe('rtl');
    expect(await tab.locator('.panel').getAttribute('lang')).toBe('ar');
    // The panel sits on the left in a right-to-left page.
    const box = await tab.locator('.panel').boundingBox();
    const width = tab.viewportSize()?.width ?? 0;
    expect((box?.x ?? width) + (box?.width ?? 0) / 2).toBeLessThan(width / 2);

    await tab.locator('#text').fill('مرحبا، لدي مشكلة في الفاتورة');
    await tab.locator('#text').press('Enter');
    await tab.locator('.line.customer:not(.pending)').waitFor();
    const stored = await relais.store.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.text', 'conversations.subsidiary_id', 'conversations.language'])
      .where('messages.text', '=', 'مرحبا، لدي مشكلة في الفاتورة')
      .execute();
    expect(stored).toEqual([
      {
        text: 'مرحبا، لدي مشكلة في الفاتورة',
        subsidiary_id: relais.fixture.subsidiaries.ma.id,
        language: 'ar',
      },
    ]);
    await context.close();
  });

  it('offers the offline form when every site is closed, and files the message once', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const tab = await context.newPage();
    await tab.goto(`${hostUrl}/?key=${relais.keys.fr}&closed=1`);
    await tab.locator('.launcher').click();
    // France serves French only: the widget speaks French to an English browser.
    await tab.getByText('Nous sommes fermés', { exact: false }).waitFor();
    await expect.poll(() => tab.locator('.next-opening').textContent()).toMatch(/^Réouverture lundi/);
    expect(await tab.locator('form.live').isVisible()).toBe(false);
    await tab.getByLabel('Votre nom').fill('Léa Dupont');
    await tab.getByLabel('Votre e-mail').fill('lea@example.fr');
    await tab.locator('#o-text').fill('Pouvez-vous me rappeler lundi ?');
    await tab.locator('.osend').click();
    await tab.getByText('Merci. Nous vous répondrons par e-mail.').waitFor();
    const stored = await weekend?.store.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['conversations.channel', 'messages.text'])
      .where('messages.channel', '=', 'chat')
      .execute();
    expect(stored).toEqual([{ channel: 'email', text: 'Pouvez-vous me rappeler lundi ?' }]);
    await context.close();
  });

  it('sends a message again after a connection lost before its ack, and it is stored once', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const tab = await context.newPage();
    let connections = 0;
    // The first connection is cut right after Relais stored the message, before the ack arrives.
    await tab.routeWebSocket(/\/chat\/socket$/, (ws) => {
      connections += 1;
      if (connections > 1) {
        ws.connectToServer();
        return;
      }
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (String(message).includes('"type":"ack"')) ws.close({ code: 4000, reason: 'network lost' });
        else ws.send(message);
      });
    });
    await tab.goto(`${hostUrl}/?key=${relais.keys.fr}`);
    await tab.locator('.launcher').click();
    await tab.locator('#text').fill('Message envoyé pendant une coupure');
    await tab.locator('#text').press('Enter');
    await tab.locator('.line.customer:not(.pending)').waitFor();
    expect(connections).toBeGreaterThan(1);
    expect(await tab.locator('.line.customer').count()).toBe(1);
    const stored = await relais.store.db
      .selectFrom('messages')
      .select('id')
      .where('text', '=', 'Message envoyé pendant une coupure')
      .execute();
    expect(stored).toHaveLength(1);
    await context.close();
  });
});
