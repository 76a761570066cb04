import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { sql } from 'kysely';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../channels/index.ts';
import { createConversation } from '../conversations/index.ts';
import { SYSTEM_ACTOR } from '../core/index.ts';
import {
  createFixture,
  FIXTURE_PASSWORD,
  freshStore,
  openPage,
  startRunningRelais,
} from '../testing/index.ts';
import { WEB_DIR } from './routes/web.ts';
import type { Running } from './start.ts';

/** Screenshots of the pages, kept by CI. */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Awaited<ReturnType<typeof createFixture>>;
let browser: Browser;

beforeAll(async () => {
  // `npm start` builds the web app; a fresh clone's test run builds it here.
  if (!existsSync(join(WEB_DIR, 'index.html')))
    execFileSync('npm', ['run', 'build', '--silent'], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'inherit',
    });
  mkdirSync(ARTIFACTS, { recursive: true });
  store = await freshStore();
  fixture = await createFixture(store.db);
  running = await startRunningRelais(store, { env: { RELAIS_ROUTING: 'off' } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await running?.close();
  await store?.close();
});

async function page(path: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const p = await context.newPage();
  await p.goto(`${running.url}${path}`);
  return p;
}

/** The page's `lang` and `dir` attributes. */
const langAndDir = (p: Page): Promise<unknown> =>
  p.evaluate('[document.documentElement.lang, document.documentElement.dir]');

async function signIn(p: Page, email: string): Promise<void> {
  await p.locator('input[type=email]').fill(email);
  await p.locator('input[type=password]').fill(FIXTURE_PASSWORD);
  await p.locator('button[type=submit]').click();
  // Signed in once the form is gone (a busy machine may take a few seconds).
  await p.locator('input[type=password]').waitFor({ state: 'detached' });
}

describe('the web app in Chromium', () => {
  it('serves the sign-in page at /, in the browser’s language, and signs an agent in to their workspace', async () => {
    const p = await page('/');
    await expect.poll(() => p.locator('h1').textContent()).toBe('Sign in');
    expect(await langAndDir(p)).toEqual(['en', 'ltr']);
    await p.screenshot({ path: join(ARTIFACTS, 'sign-in-en.png') });
    // A wrong password: said in words, nothing else happens.
    await p.locator('input[type=email]').fill('cas.agent@test.example');
    await p.locator('input[type=password]').fill('not-the-password');
    await p.locator('button[type=submit]').click();
    await expect.poll(() => p.getByRole('alert').textContent()).toBe('Wrong email or password.');
    await signIn(p, 'cas.agent@test.example');
    await expect.poll(() => p.locator('h1').textContent()).toBe('My conversations');
    // The agent sets their presence; the API has it.
    await p.getByLabel('Presence').selectOption('available');
    await expect
      .poll(
        async () =>
          (
            await store.db
              .selectFrom('agents')
              .select('presence')
              .where('id', '=', fixture.agents.casablanca.id)
              .executeTakeFirstOrThrow()
          ).presence,
      )
      .toBe('available');
    await p.screenshot({ path: join(ARTIFACTS, 'workspace-en.png') });
    await p.context().close();
  });

  it('?lang=ar turns the whole page right to left, from the sign-in page on', async () => {
    const p = await page('/?lang=ar');
    await expect.poll(() => p.locator('h1').textContent()).toBe('تسجيل الدخول');
    expect(await langAndDir(p)).toEqual(['ar', 'rtl']);
    // Logical properties: the form's start edge is on the right.
    const label = await p.locator('label.field span').first().boundingBox();
    const input = await p.locator('input[type=email]').boundingBox();
    expect(label && input && label.x + label.width).toBeGreaterThan(
      (input?.x ?? 0) + (input?.width ?? 0) - 2,
    );
    await p.screenshot({ path: join(ARTIFACTS, 'sign-in-ar.png') });
    await signIn(p, 'cas.agent@test.example');
    await expect.poll(() => p.locator('h1').textContent()).toBe('محادثاتي');
    expect(await p.evaluate('document.documentElement.dir')).toBe('rtl');
    await p.screenshot({ path: join(ARTIFACTS, 'workspace-ar.png') });
    await p.context().close();
  });

  it('the agent picks Chinese on the page: the interface follows, and keeps it on the next visit', async () => {
    const p = await page('/?lang=fr');
    await expect.poll(() => p.locator('h1').textContent()).toBe('Connexion');
    await p.getByLabel('Langue').selectOption('zh-Hans');
    await expect.poll(() => p.locator('h1').textContent()).toBe('登录');
    expect(await langAndDir(p)).toEqual(['zh-Hans', 'ltr']);
    await p.screenshot({ path: join(ARTIFACTS, 'sign-in-zh-Hans.png') });
    await p.goto(`${running.url}/`);
    await expect.poll(() => p.locator('h1').textContent()).toBe('登录');
    await p.context().close();
  });

  it('the supervisor’s live queues change without a reload when work arrives', async () => {
    const p = await page('/?lang=en');
    await signIn(p, 'fr.admin@test.example');
    await p.getByRole('link', { name: 'Live queues' }).click();
    await expect.poll(() => p.getByRole('status').textContent()).toBe('Live');
    expect(new URL(p.url()).pathname).toBe('/queues');
    const waitingRows = () => p.locator('main.queues table').nth(1).locator('tbody tr').count();
    // What waits in France now, as the store says (the page's first frame may not be drawn yet).
    const waitingInFrance = async () =>
      (
        await store.db
          .selectFrom('conversations')
          .select(['id'])
          .where('subsidiary_id', '=', fixture.subsidiaries.fr.id)
          .where('status', '=', 'open')
          .where('assignee_id', 'is', null)
          .execute()
      ).length;
    const before = await waitingInFrance();
    await expect.poll(waitingRows).toBe(before);
    await createConversation(
      store.db,
      { actor: SYSTEM_ACTOR, now: new Date() },
      {
        subsidiaryId: fixture.subsidiaries.fr.id,
        customerId: fixture.customers.frUnrouted.id,
        channel: 'whatsapp',
        subject: 'Panne de fibre depuis ce matin',
        tier: 'level2',
        requiredSkills: [],
        priority: 'high',
        message: { direction: 'inbound', text: 'Ma fibre ne marche plus', attachments: [] },
      },
    );
    await expect.poll(waitingRows, { timeout: 15_000 }).toBe(before + 1);
    await expect.poll(() => p.getByRole('cell', { name: 'Level 2' }).count()).toBeGreaterThan(0);
    // Narrowed to level 2: only level-2 work is listed, each with where its first response stands.
    await p.locator('.queue-filters').getByLabel('Level').selectOption('level2');
    await expect.poll(() => p.getByRole('status').textContent(), { timeout: 15_000 }).toBe('Live');
    await expect.poll(waitingRows, { timeout: 15_000 }).toBe(1);
    expect(await p.locator('main.queues table').nth(1).locator('tbody tr').first().textContent()).toContain(
      'Level 2',
    );
    expect(await p.getByRole('columnheader', { name: 'At risk' }).count()).toBe(1);
    await p.screenshot({ path: join(ARTIFACTS, 'queues-en.png'), fullPage: true });
    // Reached by its own address too, and in Arabic.
    await p.goto(`${running.url}/queues?lang=ar`);
    await expect.poll(() => p.locator('h1').textContent()).toBe('قوائم الانتظار المباشرة');
    await expect.poll(() => p.getByRole('status').textContent()).toBe('مباشر');
    expect(await p.getByRole('cell', { name: 'المستوى 2' }).count()).toBeGreaterThan(0);
    await p.screenshot({ path: join(ARTIFACTS, 'queues-ar.png'), fullPage: true });
    await p.context().close();
  });
});

/** Accessibility problems axe-core calls serious or critical on the page as it is now. */
async function seriousViolations(p: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: p }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

describe('the agent’s first load', () => {
  it('is at most 300 KB of gzipped JavaScript; the supervisor’s and administrator’s pages load apart', () => {
    const html = readFileSync(join(WEB_DIR, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, s) => sum + gzipSync(readFileSync(join(WEB_DIR, s))).length, 0);
    expect(gzipped).toBeLessThanOrEqual(300 * 1024);
    // Lazy chunks exist for the pages an agent does not open.
    const chunks = readdirSync(join(WEB_DIR, 'assets'));
    for (const page of ['Queues', 'Agents', 'Admin']) {
      expect(
        chunks.some((c) => c.startsWith(`${page}-`) && !scripts.includes(`assets/${c}`)),
        page,
      ).toBe(true);
    }
  });
});

describe('the inbox with 5,000 conversations', () => {
  it('draws only the rows on screen, scrolls to the last, filters, and moves with the keyboard', async () => {
    const agentId = fixture.agents.bucharest.id;
    const template = fixture.conversations.frAtBucharest.id;
    // 5,000 conversations assigned to the Bucharest agent, each with the customer's message.
    await sql`insert into conversations (id, subsidiary_id, customer_id, site_id, assignee_id, channel, channels,
        subject, language, tier, status, first_response_due_at, last_message_at, created_at, updated_at)
      select gen_random_uuid(), subsidiary_id, customer_id, site_id, ${agentId}, channel, channels,
        'Demande n° ' || lpad(n::text, 4, '0'), language, tier, 'assigned',
        now() + (n || ' minutes')::interval, now() - (n || ' seconds')::interval, now(), now()
      from conversations, generate_series(1, 5000) as n where id = ${template}`.execute(store.db);
    await sql`insert into messages (id, conversation_id, subsidiary_id, direction, channel, author_kind, text, delivery_status, created_at)
      select gen_random_uuid(), id, subsidiary_id, 'inbound', channel, 'customer', subject, 'received', last_message_at
      from conversations where assignee_id = ${agentId} and subject like 'Demande n° %'`.execute(store.db);

    const p = await page('/?lang=fr');
    await signIn(p, 'buc.agent@test.example');
    const list = p.locator('.inbox-scroller li');
    await expect
      .poll(() => p.locator('#inbox-title').textContent(), { timeout: 20_000 })
      .toBe('5000 conversations');
    // Virtualised: a screenful of rows in the page, not 5,000.
    expect(await list.count()).toBeLessThan(60);
    // Most urgent first: the nearest due time.
    await expect.poll(() => list.first().locator('.subject').textContent()).toBe('Demande n° 0001');
    expect(await list.first().textContent()).toContain('Échéance dans');
    expect(await list.first().getAttribute('aria-setsize')).toBe('5000');
    // Scrolled to the end, the last conversation is drawn.
    await p.locator('.inbox-scroller').evaluate((e) => e.scrollTo(0, e.scrollHeight));
    await expect.poll(() => p.getByText('Demande n° 5000').count()).toBe(1);
    expect(await list.count()).toBeLessThan(60);
    // Search narrows the list.
    await p.getByLabel('Rechercher').fill('n° 4242');
    await expect.poll(() => p.locator('#inbox-title').textContent()).toBe('1 conversation sur 5000');
    await p.getByLabel('Rechercher').fill('');
    // The keyboard: j moves down, o opens; ? shows the shortcuts.
    await p.locator('h1').click();
    await p.keyboard.press('j');
    await p.keyboard.press('j');
    await expect
      .poll(() => p.locator('.inbox-scroller li.active .subject').textContent())
      .toBe('Demande n° 0002');
    await p.keyboard.press('?');
    const help = p.getByRole('dialog', { name: 'Raccourcis clavier' });
    await expect.poll(() => help.isVisible()).toBe(true);
    expect(await help.getByRole('cell', { name: 'Conversation suivante' }).count()).toBe(1);
    await p.screenshot({ path: join(ARTIFACTS, 'shortcuts-fr.png') });
    await p.keyboard.press('Escape');
    await expect.poll(() => help.isVisible()).toBe(false);
    await p.screenshot({ path: join(ARTIFACTS, 'inbox-fr.png') });
    expect(await seriousViolations(p)).toEqual([]);
    await p.keyboard.press('o');
    await expect.poll(() => new URL(p.url()).pathname).toMatch(/^\/conversations\/[0-9a-f-]{36}$/);
    await p.context().close();
  }, 120_000);

  it('has no serious accessibility problem on the sign-in page, in English and Arabic', async () => {
    for (const lang of ['en', 'ar']) {
      const p = await page(`/?lang=${lang}`);
      await p.locator('input[type=email]').waitFor();
      expect(await seriousViolations(p), lang).toEqual([]);
      await p.context().close();
    }
  });
});

describe('from the chat widget to level 2 at another site, in Chromium', () => {
  // A Monday, 11:00 in Paris: the fixture's sites are open. The clock moves from there.
  const NOW = new Date('2026-11-23T10:00:00Z');
  const started = Date.now();
  const clock = { now: () => new Date(NOW.getTime() + (Date.now() - started)) };
  let relais: Running;
  let world: Awaited<ReturnType<typeof createFixture>>;
  let worldStore: Awaited<ReturnType<typeof freshStore>>;
  let host: Server;
  let shop: string;

  beforeAll(async () => {
    worldStore = await freshStore();
    world = await createFixture(worldStore.db);
    // Only the visitor's chat waits.
    await worldStore.db.updateTable('conversations').set({ status: 'resolved', resolved_at: NOW }).execute();
    await createEndpoint(
      worldStore.db,
      { actor: SYSTEM_ACTOR, now: NOW },
      { subsidiaryId: world.subsidiaries.fr.id, channel: 'chat', address: 'web-fr', name: 'Chat' },
    );
    relais = await startRunningRelais(worldStore, {
      env: { RELAIS_ROUTING_OFFERS: 'offer', RELAIS_OFFER_SECONDS: '600' },
      clock,
    });
    // The company's own site, on another origin, with the widget's one script tag.
    host = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Boutique</title></head>` +
            `<body><h1>Notre boutique</h1><script src="${relais.url}/chat/widget.js" data-key="web-fr" async></script></body></html>`,
        ),
    );
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    shop = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
  }, 120_000);
  afterAll(async () => {
    await new Promise((resolve) => host?.close(resolve));
    await relais?.close();
    await worldStore?.close();
  });

  const conversationOf = async (id: string) =>
    worldStore.db
      .selectFrom('conversations')
      .select(['status', 'assignee_id', 'tier', 'site_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('a visitor writes in the widget; the agent accepts, answers, escalates; level 2 in Paris takes it with the history', async () => {
    // The level-1 agent in Casablanca signs in and becomes available.
    const agent = (await openPage(browser, `${relais.url}/?lang=en`)).page;
    await signIn(agent, 'cas.agent@test.example');
    await agent.getByLabel('Presence').selectOption('available');

    // The supervisor watches the live queues.
    const supervisor = (await openPage(browser, `${relais.url}/queues?lang=en`)).page;
    await signIn(supervisor, 'fr.admin@test.example');
    await expect.poll(() => supervisor.getByRole('status').textContent(), { timeout: 15_000 }).toBe('Live');

    // A visitor on the shop's page opens the widget and writes.
    const visitor = (await openPage(browser, shop, 'fr-FR')).page;
    await visitor.locator('.launcher').click();
    await visitor.locator('#text').fill('Bonjour, ma box ne marche plus depuis ce matin');
    await visitor.locator('#text').press('Enter');
    await visitor.locator('.line.customer:not(.pending)').waitFor();

    // The offer reaches the agent; they accept and open the chat from their inbox.
    const accept = agent.getByRole('button', { name: 'Accept' });
    await expect.poll(() => accept.count(), { timeout: 20_000 }).toBe(1);
    await agent.screenshot({ path: join(ARTIFACTS, 'offer-en.png') });
    await accept.click();
    const row = agent.locator('.inbox-scroller li', { hasText: 'Chat' });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    await row.locator('a').click();
    await expect.poll(() => new URL(agent.url()).pathname).toMatch(/^\/conversations\//);
    const chat = new URL(agent.url()).pathname.split('/')[2] ?? '';
    expect((await conversationOf(chat)).assignee_id).toBe(world.agents.casablanca.id);
    await expect
      .poll(() => agent.getByText('Bonjour, ma box ne marche plus depuis ce matin').count(), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);

    // The agent answers; the visitor reads it in the widget.
    await agent.getByLabel('Your reply').fill('Bonjour, je regarde votre box tout de suite.');
    await agent.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() => visitor.locator('.line.agent .text').allTextContents(), { timeout: 20_000 })
      .toContain('Bonjour, je regarde votre box tout de suite.');
    await visitor.screenshot({ path: join(ARTIFACTS, 'widget-answer-fr.png') });

    // The chat's row in the supervisor's waiting list (the list follows the store a moment late).
    const waiting = supervisor.locator('main.queues table').nth(1).locator('tbody tr');
    const chatRow = waiting.and(supervisor.locator(`tr[data-conversation="${chat}"]`));

    // The agent escalates to level 2 with a reason.
    await agent
      .getByRole('toolbar', { name: 'Conversation actions' })
      .getByRole('button', { name: 'Escalate' })
      .click();
    const dialog = agent.getByRole('dialog', { name: 'Escalate the conversation' });
    await dialog.getByLabel('Level 2').check();
    await dialog.getByLabel('Reason (required)').fill('Panne de réseau : il faut le niveau 2');
    await agent.screenshot({ path: join(ARTIFACTS, 'escalate-en.png') });
    await dialog.getByRole('button', { name: 'Escalate' }).click();
    await expect.poll(async () => (await conversationOf(chat)).tier, { timeout: 15_000 }).toBe('level2');
    expect((await conversationOf(chat)).assignee_id).toBeNull();

    // The supervisor sees it wait for level 2, without a reload. (Other work may leave the list
    // meanwhile: the agent's freed capacity lets the router hand them what else was waiting.)
    await expect.poll(() => chatRow.filter({ hasText: 'Level 2' }).count(), { timeout: 20_000 }).toBe(1);
    await supervisor.screenshot({ path: join(ARTIFACTS, 'queues-escalated-en.png'), fullPage: true });
    expect(await seriousViolations(supervisor)).toEqual([]);
    expect(await seriousViolations(agent)).toEqual([]);

    // Level 2 in Paris — another site — becomes available, is offered it, and sees the history.
    const expert = (await openPage(browser, `${relais.url}/?lang=en`)).page;
    await signIn(expert, 'paris.agent@test.example');
    await expert.getByLabel('Presence').selectOption('available');
    const take = expert.getByRole('button', { name: 'Accept' });
    await expect.poll(() => take.count(), { timeout: 20_000 }).toBe(1);
    await take.click();
    await expect
      .poll(async () => (await conversationOf(chat)).assignee_id, { timeout: 15_000 })
      .toBe(world.agents.paris.id);
    expect((await conversationOf(chat)).site_id).toBe(world.sites.paris.id);
    await expert.goto(`${relais.url}/conversations/${chat}?lang=en`);
    await expect
      .poll(() => expert.getByText('Bonjour, ma box ne marche plus depuis ce matin').count(), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    expect(await expert.getByText('Bonjour, je regarde votre box tout de suite.').count()).toBeGreaterThan(0);
    await expert.screenshot({ path: join(ARTIFACTS, 'conversation-level2-en.png'), fullPage: true });
    // And the supervisor's list lets it go.
    await expect.poll(() => chatRow.count(), { timeout: 20_000 }).toBe(0);
    // The supervisor's agents page: Paris's level 2 holds the chat.
    await supervisor.getByRole('link', { name: 'Agents' }).click();
    await expect
      .poll(() => supervisor.getByText('paris.agent').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await seriousViolations(supervisor)).toEqual([]);

    // An agent of a partner site cannot open it by its address.
    const outsider = (await openPage(browser, `${relais.url}/conversations/${chat}?lang=en`)).page;
    await signIn(outsider, 'buc.agent@test.example');
    await expect
      .poll(() => outsider.getByRole('alert').first().textContent(), { timeout: 15_000 })
      .toBe('This conversation does not exist, or it is not yours to see.');
    expect(await outsider.getByText('Bonjour, ma box ne marche plus').count()).toBe(0);

    for (const p of [agent, supervisor, visitor, expert, outsider]) await p.context().close();
  }, 180_000);
});
