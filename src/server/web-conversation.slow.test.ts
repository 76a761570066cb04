import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMessage, createConversation } from '../conversations/index.ts';
import { type Context, newId, SYSTEM_ACTOR } from '../core/index.ts';
import { addIdentity, updateCustomer } from '../customers/index.ts';
import { directoryFileStore } from '../store/index.ts';
import {
  createFixture,
  freshStore,
  openPage,
  screenshot,
  signInOnPage,
  startBrowser,
  startRunningRelais,
} from '../testing/index.ts';
import type { Running } from './start.ts';

// A 1×1 PNG: the tracker's pixel and the scanned letter.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Awaited<ReturnType<typeof createFixture>>;
let running: Running;
let browser: Browser;
/** A server somewhere else serving an email's remote image, counting who asks. */
let tracker: Server;
let trackerHits = 0;
let conversationId: string;

const email = (trackerUrl: string) =>
  [
    'From: Camille Martin <camille@client.example>',
    'To: support@fr.example',
    'Subject: Facture incorrecte',
    'Message-ID: <facture-2@client.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Voici ma facture d’octobre, le montant est faux.',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><script>window.__pwned = true; parent.__pwned = true;</script>',
    '<p style="color:#0a3d91">Voici ma <b>facture d’octobre</b>, le montant est faux.</p>',
    `<img src="${trackerUrl}" alt="" onerror="parent.__pwned = true">`,
    '<a href="javascript:parent.__pwned=true">Cliquez ici</a>',
    '</body></html>',
    '--alt--',
    '',
  ].join('\r\n');

beforeAll(async () => {
  browser = await startBrowser();
  tracker = createServer((_req, res) => {
    trackerHits += 1;
    res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  const trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}/pixel.png`;

  store = await freshStore();
  fixture = await createFixture(store.db);
  const filesDir = mkdtempSync(join(tmpdir(), 'relais-conversation-files-'));
  const files = directoryFileStore(filesDir);
  const ctx: Context = { actor: SYSTEM_ACTOR, now: new Date() };
  const casAgent = fixture.agents.casablanca.id;
  const camille = fixture.customers.frAtCasablanca;
  conversationId = fixture.conversations.frAtCasablanca.id;

  // Camille lives in Martinique, reachable on WhatsApp, on weekdays.
  await store.db.transaction().execute(async (trx) => {
    await addIdentity(trx, ctx, camille.id, { kind: 'whatsapp', value: '+596696123456' });
    const { version } = await trx
      .selectFrom('customers')
      .select('version')
      .where('id', '=', camille.id)
      .executeTakeFirstOrThrow();
    await updateCustomer(trx, ctx, camille.id, version, {
      country: 'MQ',
      timeZone: 'America/Martinique',
      preferredChannels: ['whatsapp', 'email'],
      contactWindows: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }],
      approach: { formality: 'formal', notes: 'Préfère être rappelée le matin' },
    });
  });
  // Her earlier question, answered; and a second record that may be her.
  const earlier = await createConversation(store.db, ctx, {
    subsidiaryId: fixture.subsidiaries.fr.id,
    customerId: camille.id,
    channel: 'chat',
    subject: 'Question sur mon contrat',
    tier: 'level1',
    requiredSkills: [],
    priority: 'normal',
    siteId: fixture.sites.casablanca.id,
    message: { direction: 'inbound', text: 'Quand finit mon engagement ?', attachments: [] },
  });
  await store.db
    .updateTable('conversations')
    .set({ status: 'resolved', resolved_at: new Date() })
    .where('id', '=', earlier.conversation.id)
    .execute();
  const twin = await createConversation(store.db, ctx, {
    subsidiaryId: fixture.subsidiaries.fr.id,
    customer: { identity: { kind: 'email', value: 'c.martin@work.example' }, displayName: 'C. Martin' },
    channel: 'email',
    subject: 'Attestation',
    tier: 'level1',
    requiredSkills: [],
    priority: 'normal',
    siteId: fixture.sites.casablanca.id,
    message: { direction: 'inbound', text: 'Pouvez-vous m’envoyer une attestation ?', attachments: [] },
  });
  await store.db
    .insertInto('merge_suggestions')
    .values({
      id: newId(),
      subsidiary_id: fixture.subsidiaries.fr.id,
      customer_id: camille.id,
      other_id: twin.conversation.customerId,
      reason: 'same name, and one contact came with both addresses',
    })
    .execute();

  // The conversation: assigned to the Casablanca agent, first answer due soon, resolution overdue.
  await store.db
    .updateTable('conversations')
    .set({
      assignee_id: casAgent,
      status: 'assigned',
      first_response_due_at: new Date(Date.now() + 12 * 60_000),
      resolution_due_at: new Date(Date.now() - 3 * 60_000),
    })
    .where('id', '=', conversationId)
    .execute();
  const add = (input: Parameters<typeof addMessage>[3]) =>
    store.db.transaction().execute((trx) => addMessage(trx, ctx, conversationId, input));
  await add({
    direction: 'inbound',
    channel: 'email',
    text: 'Voici ma facture d’octobre, le montant est faux.',
    raw: email(trackerUrl),
    rawMediaType: 'message/rfc822',
    attachments: [],
    externalId: '<facture-2@client.example>',
  });
  await add({
    direction: 'inbound',
    channel: 'sms',
    text: 'Je vous écris aussi par SMS — شكرا لكم',
    attachments: [],
  });
  // An internal note, as the notes API writes one.
  await sql`insert into messages (id, conversation_id, subsidiary_id, direction, channel, author_kind, author_id,
      text, delivery_status, internal, created_at)
    values (${newId()}, ${conversationId}, ${fixture.subsidiaries.fr.id}, 'outbound', 'email', 'agent', ${casAgent},
      'Note : vérifier la facture avec la facturation avant de répondre', 'received', true, now())`.execute(
    store.db,
  );
  const recording = await files.put(Buffer.from('ID3 a short recording'));
  await add({
    direction: 'inbound',
    channel: 'voice',
    text: 'Call ended after 125 s',
    raw: JSON.stringify({
      event: 'ended',
      callId: 'call-77',
      from: '+596696123456',
      to: '+33140000000',
      at: new Date().toISOString(),
      durationSeconds: 125,
    }),
    rawMediaType: 'application/json',
    attachments: [
      { filename: 'appel-77.mp3', mediaType: 'audio/mpeg', size: recording.size, sha256: recording.sha256 },
    ],
    externalId: 'call-77:ended',
  });
  const scan = await files.put(PNG);
  await add({
    direction: 'inbound',
    channel: 'mail',
    text: 'Lettre recommandée : contestation de la facture',
    attachments: [{ filename: 'courrier.png', mediaType: 'image/png', size: scan.size, sha256: scan.sha256 }],
  });
  // A reply by SMS that did not reach her.
  await sql`insert into messages (id, conversation_id, subsidiary_id, direction, channel, author_kind, author_id,
      text, delivery_status, delivery_attempts, delivery_error, created_at)
    values (${newId()}, ${conversationId}, ${fixture.subsidiaries.fr.id}, 'outbound', 'sms', 'agent', ${casAgent},
      'Bonjour, nous regardons votre facture.', 'failed', 3, 'absent subscriber', now())`.execute(store.db);

  running = await startRunningRelais(store, { env: { RELAIS_ROUTING: 'off', RELAIS_FILES_DIR: filesDir } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await store?.close();
  await new Promise((resolve) => tracker?.close(resolve));
});

async function signedIn(path: string, email: string): Promise<Page> {
  const { page } = await openPage(browser, `${running.url}${path}`);
  await signInOnPage(page, email);
  return page;
}

const frameOf = (p: Page) => p.locator('.email-body iframe');

describe('the conversation page in Chromium', () => {
  it('shows every message in order, the email without its script or tracker until asked, and the customer', async () => {
    const p = await signedIn(`/conversations/${conversationId}?lang=en`, 'cas.agent@test.example');
    await expect.poll(() => p.locator('.conversation-facts h2').textContent()).toBe('Facture incorrecte');
    const facts = p.locator('.conversation-facts');
    expect(await facts.textContent()).toContain('Level 1');
    expect(await facts.locator('.sla.due').textContent()).toMatch(/First response.*due in \d+ minutes/);
    expect(await facts.locator('.sla.overdue').textContent()).toMatch(
      /Resolution.*overdue: was due \d+ minutes? ago/,
    );

    // Every message, oldest first, each with its channel.
    const items = p.locator('.timeline article[data-message]');
    await expect.poll(() => items.count()).toBe(7);
    await expect.poll(() => items.nth(1).locator('.email-body iframe').count()).toBe(1);
    await expect.poll(() => items.nth(1).textContent()).toContain('Show remote images');
    const texts = await items.allTextContents();
    const at = (fragment: string) => texts.findIndex((t) => t.includes(fragment));
    const order = [
      at('Facture incorrecte'),
      at('Show remote images'),
      at('شكرا لكم'),
      at('vérifier la facture'),
      at('Call ended after 2 minutes'),
      at('contestation de la facture'),
      at('nous regardons votre facture'),
    ];
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // The SMS reads right in both scripts; the note is marked as one; the call has its recording.
    expect(await items.nth(2).locator('.message-text').getAttribute('dir')).toBe('auto');
    expect(await items.nth(2).textContent()).toContain('SMS');
    await expect.poll(() => items.nth(3).getAttribute('class')).toContain('note');
    expect(await items.nth(3).textContent()).toContain('Internal note');
    expect(await items.nth(3).textContent()).toContain('You');
    const recording = items.nth(4).getByRole('link', { name: /Download the recording/ });
    expect(await recording.getAttribute('href')).toMatch(
      new RegExp(`/api/conversations/${conversationId}/messages/[0-9a-f-]+/attachments/[0-9a-f]{64}$`),
    );
    expect(await items.nth(5).textContent()).toContain('Letter');
    expect(
      await items
        .nth(5)
        .getByRole('img', { name: /courrier\.png/ })
        .count(),
    ).toBe(1);
    expect(await items.nth(5).textContent()).toMatch(/courrier\.png\s*\d+ byte/);
    expect(await items.nth(6).textContent()).toContain('Not delivered');
    expect(await items.nth(6).textContent()).toContain('absent subscriber');

    // The email, in a frame that runs no script: the text is there, the script did nothing.
    const frame = frameOf(p);
    /** An expression about the email's frame `f`, evaluated in the page (the frame itself runs no script). */
    const inFrame = (expression: string) =>
      p.evaluate(
        `(() => { const f = document.querySelector('.email-body iframe'); return ${expression}; })()`,
      );
    await expect.poll(() => items.nth(1).locator('.email-body iframe').count()).toBe(1);
    expect(await frame.getAttribute('sandbox')).not.toContain('allow-scripts');
    await expect.poll(() => inFrame('f.contentDocument.body.textContent')).toContain('facture d’octobre');
    await expect.poll(() => inFrame('f.contentDocument.readyState')).toBe('complete');
    // Whatever the email's script meant to set, in the frame or in the page, is not there.
    const pwned = () => inFrame('[typeof f.contentWindow.__pwned, typeof window.__pwned]');
    expect(await pwned()).toEqual(['undefined', 'undefined']);
    // The tracker has not been asked; only when the agent says so.
    expect(trackerHits).toBe(0);
    const show = p.getByRole('button', { name: 'Show remote images (1)' });
    await show.click();
    await expect.poll(() => trackerHits).toBeGreaterThan(0);
    expect(await pwned()).toEqual(['undefined', 'undefined']);

    // The customer: her local time in her zone, her ways to be reached, her other conversations.
    const panel = p.locator('aside.customer-panel');
    expect(await panel.locator('h2').textContent()).toContain('Camille Martin');
    const expectedTime = () =>
      p.evaluate(() => {
        const now = new Date();
        const zone = new Intl.DateTimeFormat('en', {
          timeZone: 'America/Martinique',
          timeZoneName: 'long',
        })
          .formatToParts(now)
          .find((part) => part.type === 'timeZoneName')?.value;
        const time = new Intl.DateTimeFormat('en', {
          timeZone: 'America/Martinique',
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
        }).format(now);
        return `${time} ${zone} (America/Martinique)`;
      });
    await expect
      .poll(async () => (await panel.locator('.local-time').textContent())?.startsWith(await expectedTime()))
      .toBe(true);
    const panelText = await panel.textContent();
    for (const shown of [
      'WhatsApp',
      '+596696123456',
      'camille@client.example',
      'Martinique',
      'French',
      'Service messages',
      'WhatsApp and Email',
      'Formal',
      'Préfère être rappelée le matin',
      'same name, and one contact came with both addresses',
      'C. Martin',
    ])
      expect(panelText, shown).toContain(shown);
    expect(await panel.getByRole('link', { name: 'Question sur mon contrat' }).count()).toBe(1);

    // j and k move between messages; the page has no serious accessibility problem.
    await p.locator('.conversation-facts h2').click();
    await p.keyboard.press('j');
    await p.keyboard.press('j');
    expect(await p.evaluate("document.activeElement?.getAttribute('data-message')")).toBe(
      await items.nth(1).getAttribute('data-message'),
    );
    await p.keyboard.press('k');
    expect(await p.evaluate("document.activeElement?.getAttribute('data-message')")).toBe(
      await items.nth(0).getAttribute('data-message'),
    );
    const axe = await new AxeBuilder({ page: p }).exclude('.email-body iframe').analyze();
    expect(
      axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);
    await screenshot(p, 'conversation-en', true);

    // A link of the panel opens her other conversation; Escape goes back to the inbox.
    await panel.getByRole('link', { name: 'Question sur mon contrat' }).click();
    await expect
      .poll(() => p.locator('.conversation-facts h2').textContent())
      .toBe('Question sur mon contrat');
    await p.keyboard.press('Escape');
    await expect.poll(() => new URL(p.url()).pathname).toBe('/');
    await p.context().close();
  });

  it('tells an agent of another site that the conversation is not theirs, and shows nothing of it', async () => {
    const p = await signedIn(`/conversations/${conversationId}?lang=en`, 'buc.agent@test.example');
    await expect
      .poll(() => p.getByRole('alert').textContent())
      .toBe('This conversation does not exist, or it is not yours to see.');
    const body = (await p.locator('body').textContent()) ?? '';
    for (const hidden of ['Facture incorrecte', 'facture', 'Camille', 'شكرا', 'absent subscriber'])
      expect(body, hidden).not.toContain(hidden);
    expect(await frameOf(p).count()).toBe(0);
    await p.context().close();
  });

  it('shows the latest 200 messages of a long conversation, and the older ones when asked', async () => {
    const long = fixture.conversations.maAtCasablanca;
    await store.db
      .updateTable('conversations')
      .set({ assignee_id: fixture.agents.casablanca.id })
      .where('id', '=', long.id)
      .execute();
    await store.db
      .insertInto('messages')
      .values(
        Array.from({ length: 230 }, (_, i) => ({
          id: newId(),
          conversation_id: long.id,
          subsidiary_id: long.subsidiaryId,
          direction: 'inbound' as const,
          channel: 'whatsapp',
          author_kind: 'customer' as const,
          text: `Message ${String(i + 1).padStart(3, '0')}`,
          delivery_status: 'received' as const,
          attachments: JSON.stringify([]),
        })),
      )
      .execute();
    const p = await signedIn(`/conversations/${long.id}?lang=en`, 'cas.agent@test.example');
    const items = p.locator('.timeline article[data-message]');
    await expect.poll(() => items.count()).toBe(200);
    expect(await items.first().textContent()).toContain('Message 031');
    expect(await items.last().textContent()).toContain('Message 230');
    await p.getByRole('button', { name: 'Load older messages' }).click();
    // All 231, the first the customer ever wrote on top, each once.
    await expect.poll(() => items.count()).toBe(231);
    expect(await items.first().textContent()).toContain('مشكلة في الفاتورة');
    expect(await items.nth(1).textContent()).toContain('Message 001');
    expect(await p.getByRole('button', { name: 'Load older messages' }).count()).toBe(0);
    await p.context().close();
  });

  it('reads right to left in Arabic', async () => {
    const p = await signedIn(`/conversations/${conversationId}?lang=ar`, 'cas.agent@test.example');
    await expect.poll(() => p.locator('.timeline article[data-message]').count()).toBe(7);
    expect(await p.evaluate('[document.documentElement.lang, document.documentElement.dir]')).toEqual([
      'ar',
      'rtl',
    ]);
    expect(await p.locator('#timeline-title').textContent()).toBe('الرسائل');
    await expect.poll(() => p.getByRole('button', { name: 'إظهار الصور البعيدة (1)' }).count()).toBe(1);
    // The customer panel sits at the start edge's opposite: on the left in Arabic.
    const main = await p.locator('.conversation-main').boundingBox();
    const panel = await p.locator('aside.customer-panel').boundingBox();
    expect(panel && main && panel.x).toBeLessThan(main?.x ?? 0);
    await screenshot(p, 'conversation-ar', true);
    await p.context().close();
  });
});
