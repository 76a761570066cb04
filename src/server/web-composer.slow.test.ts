import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../channels/index.ts';
import { createConversation, createSavedReply } from '../conversations/index.ts';
import { type Context, SYSTEM_ACTOR } from '../core/index.ts';
import {
  ARTIFACTS,
  createFixture,
  freshStore,
  openPage,
  signInOnPage,
  startBrowser,
  startRunningRelais,
} from '../testing/index.ts';
import type { Running } from './start.ts';

/** A real SMTP server standing for the company's mail relay: it keeps what Relais sends out. */
async function captureRelay() {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A small PDF: the invoice the agent sends back. */
const INVOICE = Buffer.from('%PDF-1.4\n% facture corrigée F-2024-117\n%%EOF\n');

let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Awaited<ReturnType<typeof createFixture>>;
let relay: Awaited<ReturnType<typeof captureRelay>>;
let running: Running;
let browser: Browser;
/** Camille Martin's email about her invoice, assigned to the Casablanca agent. */
let emailId: string;
/** Inès Moreau's SMS, assigned to the same agent; Inès lives in Martinique. */
let smsId: string;

beforeAll(async () => {
  browser = await startBrowser();
  relay = await captureRelay();
  store = await freshStore();
  fixture = await createFixture(store.db);
  const ctx: Context = { actor: SYSTEM_ACTOR, now: new Date() };
  const fr = fixture.subsidiaries.fr.id;
  const agent = fixture.agents.casablanca.id;
  await store.db.transaction().execute(async (trx) => {
    await createEndpoint(trx, ctx, {
      subsidiaryId: fr,
      channel: 'email',
      address: 'service@fr.composer.example',
      name: 'Service client',
    });
    await createSavedReply(trx, ctx, {
      subsidiaryId: fr,
      language: 'fr',
      title: 'Bonjour',
      body: 'Bonjour {{customer.name}}, merci de votre patience.',
    });
    await createSavedReply(trx, ctx, {
      subsidiaryId: fr,
      language: 'fr',
      title: 'Suivi de commande',
      body: 'Votre commande {{order}} est partie ce matin.',
    });
  });
  emailId = fixture.conversations.frAtCasablanca.id;
  const sms = await createConversation(store.db, ctx, {
    subsidiaryId: fr,
    customer: { identity: { kind: 'phone', value: '+596696123456' }, displayName: 'Inès Moreau' },
    channel: 'sms',
    tier: 'level1',
    requiredSkills: [],
    priority: 'normal',
    siteId: fixture.sites.casablanca.id,
    message: { direction: 'inbound', text: 'Ma ligne est coupée depuis hier', attachments: [] },
  });
  smsId = sms.conversation.id;
  await store.db
    .updateTable('customers')
    .set({ time_zone: 'America/Martinique' })
    .where('id', '=', sms.conversation.customerId)
    .execute();
  await store.db
    .updateTable('conversations')
    .set({ assignee_id: agent, status: 'assigned' })
    .where('id', 'in', [emailId, smsId])
    .execute();
  running = await startRunningRelais(store, {
    env: { RELAIS_ROUTING: 'off', RELAIS_SMTP_RELAY: relay.url },
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await relay?.close();
  await store?.close();
});

/** The agent signed in, on a conversation's page. */
async function openConversation(id: string, lang = 'en'): Promise<Page> {
  const { page } = await openPage(browser, `${running.url}/?lang=${lang}`);
  await signInOnPage(page, 'cas.agent@test.example');
  await page.locator('.workspace header').waitFor();
  await page.goto(`${running.url}/conversations/${id}?lang=${lang}`);
  await page.locator('section.composer textarea').waitFor();
  return page;
}

const conversation = (id: string) =>
  store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const outbound = (id: string) =>
  store.db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', id)
    .where('direction', '=', 'outbound')
    .orderBy('id')
    .execute();

/** Nothing is focused: the page's single-key shortcuts apply. */
const leaveFields = (p: Page) => p.evaluate('document.activeElement && document.activeElement.blur()');
const focusInDialog = (p: Page) => p.evaluate("document.activeElement?.closest('dialog[open]') !== null");

describe('the composer and the conversation’s actions in Chromium', () => {
  it('counts an SMS’s segments as the agent types, names what forces UCS-2, and keeps the draft', async () => {
    const p = await openConversation(smsId);
    const box = p.getByLabel('Your reply');
    const counter = p.locator('.sms-count p').first();
    // Inès has only a phone number: the reply goes by SMS.
    await expect.poll(() => p.locator('.composer .hint').first().textContent()).toBe('Replying on SMS');
    await box.fill('Bonjour');
    await expect.poll(() => counter.textContent()).toBe('7 characters · 1 segment · GSM-7');
    // The euro sign is in GSM-7's extension table: it counts twice.
    await box.fill('Bonjour €');
    await expect.poll(() => counter.textContent()).toBe('10 characters · 1 segment · GSM-7');
    await box.fill(`${'a'.repeat(158)}€`);
    await expect.poll(() => counter.textContent()).toBe('160 characters · 1 segment · GSM-7');
    await box.fill(`${'a'.repeat(159)}€`);
    await expect.poll(() => counter.textContent()).toBe('161 characters · 2 segments · GSM-7');
    // "ê" is not in GSM-7: the whole message becomes UCS-2, and the page says which character did it.
    await box.fill('Votre ligne est rétablie, bonne fête €');
    await expect.poll(() => counter.textContent()).toBe('38 characters · 1 segment · UCS-2');
    expect(await p.locator('.sms-count .unicode-chars').textContent()).toBe('ê');
    // A reload keeps what was written.
    await p.reload();
    await expect
      .poll(() => p.getByLabel('Your reply').inputValue())
      .toBe('Votre ligne est rétablie, bonne fête €');
    await p.context().close();
  });

  it('sends an email reply with a saved reply, the quoted message and an attachment; it leaves over SMTP', async () => {
    const p = await openConversation(emailId);
    const box = p.getByLabel('Your reply');
    await expect.poll(() => p.locator('.composer .hint').first().textContent()).toBe('Replying on Email');
    expect(await p.locator('.composer-subject bdi').textContent()).toBe('Facture incorrecte');

    // A saved reply found by searching, chosen with the keyboard: the customer's name filled in.
    await p.getByRole('button', { name: 'Saved replies' }).click();
    const search = p.getByRole('combobox', { name: 'Search saved replies' });
    const options = p.getByRole('listbox', { name: 'Saved replies' }).getByRole('option');
    await expect.poll(() => options.count()).toBe(2);
    await search.fill('patience');
    await expect.poll(() => options.count()).toBe(1);
    await search.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('Bonjour Camille Martin, merci de votre patience.');

    // One that needs the order number: asked in a small field, then filled in.
    await box.press('End');
    await box.press('Enter');
    await p.getByRole('button', { name: 'Saved replies' }).click();
    await options.filter({ hasText: 'Suivi de commande' }).click();
    await p.getByLabel('Order number').fill('A-1234');
    await p.getByRole('button', { name: 'Insert' }).click();
    await expect
      .poll(() => box.inputValue())
      .toBe('Bonjour Camille Martin, merci de votre patience.\nVotre commande A-1234 est partie ce matin.');

    // The customer's last message quoted in her language; the corrected invoice attached.
    await p.getByLabel('Quote the customer’s last message').check();
    const quote = await p.locator('.composer .quote pre').textContent();
    expect(quote).toMatch(/^Le .+, Camille Martin a écrit :\n> Facture incorrecte$/);
    await p.getByLabel('Attach files').setInputFiles({
      name: 'facture-corrigée.pdf',
      mimeType: 'application/pdf',
      buffer: INVOICE,
    });
    await p.getByRole('list', { name: 'Attached files' }).getByText('facture-corrigée.pdf').waitFor();
    expect(await new AxeBuilder({ page: p }).include('section.composer').analyze()).toMatchObject({
      violations: [],
    });
    await p.locator('section.composer').screenshot({ path: join(ARTIFACTS, 'composer-en.png') });

    // Ctrl+Enter sends, from the reply box.
    await box.press('Control+Enter');
    await expect.poll(() => box.inputValue()).toBe('');
    const [sent] = await outbound(emailId);
    expect(sent).toMatchObject({ channel: 'email', author_id: fixture.agents.casablanca.id });
    expect(sent?.text).toContain('Votre commande A-1234 est partie ce matin.\n\nLe ');
    expect(sent?.text).toContain('Camille Martin a écrit :\n> Facture incorrecte');
    expect(sent?.attachments).toEqual([
      expect.objectContaining({
        filename: 'facture-corrigée.pdf',
        mediaType: 'application/pdf',
        size: INVOICE.length,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    // The delivery worker hands it to the relay, with the file.
    await expect
      .poll(async () => (await outbound(emailId))[0]?.delivery_status, { timeout: 30_000 })
      .toBe('sent');
    const mail = relay.received.find((m) => JSON.stringify(m.to).includes('camille@client.example'));
    expect(mail?.text).toContain('Bonjour Camille Martin');
    expect(mail?.attachments.map((a) => [a.filename, a.content.equals(INVOICE)])).toEqual([
      ['facture-corrigée.pdf', true],
    ]);
    // Sent: the draft is gone.
    await p.reload();
    await p.locator('section.composer textarea').waitFor();
    expect(await p.getByLabel('Your reply').inputValue()).toBe('');
    await p.context().close();
  });

  it('adds an internal note that is never sent, in a composer that looks different', async () => {
    const p = await openConversation(emailId);
    await p.getByLabel('Note (only colleagues see it)').check();
    await expect.poll(() => p.locator('section.composer.note h2').textContent()).toBe('Internal note');
    await p.getByLabel('Your note').fill('Remboursement à valider avec la facturation');
    await p.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => p.getByLabel('Your note').inputValue()).toBe('');
    const note = (await outbound(emailId)).find((m) => m.internal);
    expect(note).toMatchObject({
      text: 'Remboursement à valider avec la facturation',
      delivery_status: 'received',
    });
    await p.context().close();
  });

  it('escalates to level 2 with a reason: unassigned, waiting, the reason in the routing history and the audit', async () => {
    const p = await openConversation(emailId);
    // Transfer opens and Escape closes it, focus back on its button, the page still here.
    await p.getByRole('button', { name: 'Transfer' }).click();
    await p.getByRole('dialog', { name: 'Transfer the conversation' }).waitFor();
    expect(await focusInDialog(p)).toBe(true);
    await p.keyboard.press('Escape');
    await p.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await p.evaluate('document.activeElement?.textContent')).toBe('Transfer');
    expect(new URL(p.url()).pathname).toBe(`/conversations/${emailId}`);

    await leaveFields(p);
    await p.keyboard.press('e');
    const dialog = p.getByRole('dialog', { name: 'Escalate the conversation' });
    await dialog.waitFor();
    expect(await focusInDialog(p)).toBe(true);
    expect(await dialog.getByLabel('Level 2').isChecked()).toBe(true);
    // The reason is required, and said so.
    await dialog.getByRole('button', { name: 'Escalate' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('Say why it needs another level.');
    expect(await new AxeBuilder({ page: p }).include('dialog[open]').analyze()).toMatchObject({
      violations: [],
    });
    await dialog.getByLabel('Reason (required)').fill('Remboursement au-delà de 200 €');
    await dialog.getByRole('button', { name: 'Escalate' }).click();
    await expect
      .poll(() => p.locator('.conversation-actions [role=status]').textContent())
      .toBe('Escalated to Level 2: it waits for an agent of that level.');
    expect(await conversation(emailId)).toMatchObject({ tier: 'level2', assignee_id: null, status: 'open' });
    const decision = await store.db
      .selectFrom('routing_decisions')
      .selectAll()
      .where('conversation_id', '=', emailId)
      .where('kind', '=', 'escalated')
      .executeTakeFirstOrThrow();
    expect(decision).toMatchObject({ tier: 'level2', reason: 'Remboursement au-delà de 200 €' });
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', emailId)
      .where('action', '=', 'escalate')
      .executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({
      from: 'level1',
      to: 'level2',
      reason: 'Remboursement au-delà de 200 €',
    });
    await p.context().close();
  });

  it('snoozes until 09:00 tomorrow on the customer’s clock, then resolves; a change made meanwhile is said in words', async () => {
    const p = await openConversation(smsId);
    await leaveFields(p);
    await p.keyboard.press('s');
    const snooze = p.getByRole('dialog', { name: 'Snooze the conversation' });
    await snooze.getByLabel('Tomorrow at 09:00, the customer’s time (America/Martinique)').check();
    await snooze.getByLabel('Reason (optional)').fill('Attend le technicien');
    await snooze.getByRole('button', { name: 'Snooze' }).click();
    await snooze.waitFor({ state: 'hidden' });
    await expect
      .poll(() => p.locator('.conversation-actions [role=status]').textContent())
      .toMatch(/^Snoozed until .+\.$/);
    expect((await conversation(smsId)).status).toBe('pending');
    const until = (await conversation(smsId)).snoozed_until as Date;
    const onHerClock = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Martinique',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(until);
    expect(onHerClock).toBe('09:00');
    expect(until.getTime() - Date.now()).toBeGreaterThan(0);
    expect(until.getTime() - Date.now()).toBeLessThan(48 * 3_600_000);

    await leaveFields(p);
    await p.keyboard.press('Shift+R');
    const resolve = p.getByRole('dialog', { name: 'Resolve the conversation' });
    await resolve.waitFor();
    // Someone else changes the conversation while the agent decides: 412, said in words, nothing changed.
    await expect.poll(() => resolve.getByRole('button', { name: 'Resolve' }).isEnabled()).toBe(true);
    await store.db
      .updateTable('conversations')
      .set((eb) => ({ version: eb('version', '+', 1), priority: 'high' }))
      .where('id', '=', smsId)
      .execute();
    await resolve.getByRole('button', { name: 'Resolve' }).click();
    await expect
      .poll(() => resolve.getByRole('alert').textContent())
      .toBe(
        'Someone changed this conversation while you were deciding. It has been read again: check and confirm again.',
      );
    expect((await conversation(smsId)).status).toBe('pending');
    await resolve.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(async () => (await conversation(smsId)).status).toBe('resolved');
    await resolve.waitFor({ state: 'hidden' });
    await p.context().close();
  });

  it('transfers back to the waiting queue: unassigned, open again; no other agent of the site is offered', async () => {
    const ctx: Context = { actor: SYSTEM_ACTOR, now: new Date() };
    const { conversation: c } = await createConversation(store.db, ctx, {
      subsidiaryId: fixture.subsidiaries.fr.id,
      customerId: fixture.customers.frAtCasablanca.id,
      channel: 'email',
      subject: 'Changement d’adresse',
      tier: 'level1',
      requiredSkills: [],
      priority: 'normal',
      siteId: fixture.sites.casablanca.id,
      message: { direction: 'inbound', text: 'Je déménage le mois prochain', attachments: [] },
    });
    await store.db
      .updateTable('conversations')
      .set({ assignee_id: fixture.agents.casablanca.id, status: 'assigned' })
      .where('id', '=', c.id)
      .execute();
    const p = await openConversation(c.id);
    await leaveFields(p);
    await p.keyboard.press('t');
    const dialog = p.getByRole('dialog', { name: 'Transfer the conversation' });
    // The Casablanca agent is the only agent their site sees.
    await dialog.getByText('No other agent can take this conversation.').waitFor();
    await dialog.getByLabel('Back to the waiting queue').check();
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await expect
      .poll(() => p.locator('.conversation-actions [role=status]').textContent())
      .toBe('Back in the waiting queue.');
    expect(await conversation(c.id)).toMatchObject({ assignee_id: null, status: 'open' });
    await p.context().close();
  });

  it('keeps the text and says why when a reply is refused', async () => {
    await store.db.updateTable('conversations').set({ status: 'closed' }).where('id', '=', smsId).execute();
    const p = await openConversation(smsId);
    const box = p.getByLabel('Your reply');
    await box.fill('Le technicien passe demain');
    await p.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => p.locator('section.composer [role=alert]').textContent())
      .toBe(
        'The reply was not sent; your text is kept. This cannot be done in the conversation’s current status.',
      );
    expect(await box.inputValue()).toBe('Le technicien passe demain');
    await p.context().close();
  });

  it('reads right to left in Arabic, with Arabic plural forms in the counter', async () => {
    await store.db.updateTable('conversations').set({ status: 'assigned' }).where('id', '=', smsId).execute();
    const p = await openConversation(smsId, 'ar');
    expect(await p.evaluate('[document.documentElement.lang, document.documentElement.dir]')).toEqual([
      'ar',
      'rtl',
    ]);
    const box = p.getByLabel('ردّك');
    await box.fill('مرحبا');
    await expect
      .poll(() => p.locator('.sms-count p').first().textContent())
      .toBe('5 أحرف · مقطع واحد · UCS-2');
    await p.locator('section.composer').screenshot({ path: join(ARTIFACTS, 'composer-ar.png') });
    await p.context().close();
  });
});
