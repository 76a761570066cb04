import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation, updateConversation } from '../conversations/index.ts';
import { type Context, SYSTEM_ACTOR } from '../core/index.ts';
import {
  createFixture,
  FIXTURE_PASSWORD,
  freshStore,
  openPage,
  screenshot,
  signInOnPage,
  startBrowser,
  startRunningRelais,
} from '../testing/index.ts';
import type { Running } from './start.ts';

/** The supervisor console's agents page in Chromium, live over its WebSocket. */
let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Awaited<ReturnType<typeof createFixture>>;
let browser: Browser;

/** Signs a person in over HTTP and returns a caller with their session, as another browser would be. */
async function caller(email: string) {
  const login = await fetch(`${running.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: FIXTURE_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return (method: string, path: string, body: unknown) =>
    fetch(`${running.url}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
}

const assigneeOf = async (id: string) =>
  (
    await store.db
      .selectFrom('conversations')
      .select('assignee_id')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).assignee_id;

beforeAll(async () => {
  store = await freshStore();
  fixture = await createFixture(store.db);
  const ctx: Context = { actor: SYSTEM_ACTOR, now: new Date() };
  // A floor at work: Casablanca's agent holds the French invoice question; Paris's agent two
  // chats of today, one answered within its minute and one still unanswered.
  await store.db.transaction().execute(async (trx) => {
    const c = await trx
      .selectFrom('conversations')
      .select('version')
      .where('id', '=', fixture.conversations.frAtCasablanca.id)
      .executeTakeFirstOrThrow();
    await updateConversation(trx, ctx, fixture.conversations.frAtCasablanca.id, c.version, {
      assigneeId: fixture.agents.casablanca.id,
    });
  });
  for (const [subject, answered] of [
    ['Débit très lent le soir', true],
    ['Box qui redémarre', false],
  ] as const) {
    const { conversation } = await createConversation(store.db, ctx, {
      subsidiaryId: fixture.subsidiaries.fr.id,
      customerId: fixture.customers.frUnrouted.id,
      channel: 'chat',
      subject,
      tier: 'level2',
      requiredSkills: [],
      priority: 'normal',
      message: { direction: 'inbound', text: subject, attachments: [] },
    });
    // Answered 10 seconds after arriving, within its minute; or arrived 10 seconds ago, due in 50.
    const arrived = answered ? sql`now() - interval '20 seconds'` : sql`now() - interval '10 seconds'`;
    await sql`update conversations set status = 'assigned', assignee_id = ${fixture.agents.paris.id},
        site_id = ${fixture.sites.paris.id}, created_at = ${arrived},
        first_response_due_at = ${arrived} + interval '1 minute',
        first_responded_at = ${answered ? sql`${arrived} + interval '10 seconds'` : null}
      where id = ${conversation.id}`.execute(store.db);
  }
  await sql`update agents set presence = 'available' where id = ${fixture.agents.paris.id}`.execute(store.db);
  running = await startRunningRelais(store, {
    env: { RELAIS_ROUTING: 'off', RELAIS_LOGIN_LIMIT: '1000' },
  });
  browser = await startBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await running?.close();
  await store?.close();
});

const siteCaptions = (p: Page) => p.locator('.agents-by-site caption bdi').allTextContents();
const row = (p: Page, agentId: string) => p.locator(`tr[data-agent="${agentId}"]`);

describe("the supervisor console's agents page", () => {
  it('shows the agents by site, follows a presence change live, and reassigns from the page', async () => {
    const { context, page: p } = await openPage(browser, `${running.url}/agents?lang=en`);
    await signInOnPage(p, 'fr.admin@test.example');
    await expect.poll(() => p.locator('h1').textContent()).toBe('Agents');
    await expect.poll(() => p.locator('main.agents .link').textContent()).toBe('Live');
    await expect.poll(() => siteCaptions(p)).toEqual(['Bucharest', 'Casablanca', 'Paris']);
    // Load against capacity, with the channels.
    await expect.poll(() => row(p, fixture.agents.paris.id).locator('.load').textContent()).toBe('2/5');
    expect(await row(p, fixture.agents.paris.id).locator('.per-channel').textContent()).toContain('Chat 2/3');
    expect(await row(p, fixture.agents.paris.id).getAttribute('data-presence')).toBe('available');
    // Today's service level for France: one chat answered in time, of one answered.
    const france = p.locator(`.sl-subsidiary[data-subsidiary="${fixture.subsidiaries.fr.id}"]`);
    expect(await france.locator('h3').textContent()).toBe('Test France');
    expect(await france.locator('.sl-card[data-channel="chat"] .sl-level dd').textContent()).toBe('100%');

    // The agent, from their own workspace: the board changes with no reload.
    await p.evaluate('window.sameDocument = true');
    const agent = await caller('cas.agent@test.example');
    expect((await agent('PUT', '/api/agents/me/presence', { presence: 'busy' })).status).toBe(200);
    await expect
      .poll(() => row(p, fixture.agents.casablanca.id).getAttribute('data-presence'), { timeout: 15_000 })
      .toBe('busy');
    expect(await row(p, fixture.agents.casablanca.id).locator('.presence').textContent()).toBe('Busy');
    expect(await p.evaluate('window.sameDocument')).toBe(true);

    // The filter by presence.
    await p.getByLabel('Show').selectOption('busy');
    await expect.poll(() => siteCaptions(p)).toEqual(['Casablanca']);
    await p.getByLabel('Show').selectOption('all');

    // Reassign the invoice question from Casablanca to Bucharest.
    const id = fixture.conversations.frAtCasablanca.id;
    const held = row(p, fixture.agents.casablanca.id).locator(`li[data-conversation="${id}"]`);
    await held.getByRole('button', { name: 'Reassign “Facture incorrecte”' }).click();
    await held.getByLabel('To', { exact: true }).selectOption(fixture.agents.bucharest.id);
    await held.getByRole('button', { name: 'Reassign', exact: true }).click();
    await expect.poll(() => assigneeOf(id)).toBe(fixture.agents.bucharest.id);
    await expect.poll(() => p.locator('main.agents .notice').textContent()).toBe('Reassigned to buc.agent.');
    await expect
      .poll(() => row(p, fixture.agents.bucharest.id).locator(`li[data-conversation="${id}"]`).count())
      .toBe(1);
    expect(await row(p, fixture.agents.casablanca.id).locator('.load').textContent()).toBe('0/5');
    await screenshot(p, 'agents-en', true);

    // Someone changed it between the page's read and its change: the server's 412, said in words.
    await p.route(`**/api/conversations/${id}`, (route) =>
      route.request().method() === 'PATCH'
        ? route.continue({ headers: { ...route.request().headers(), 'if-match': '"1"' } })
        : route.continue(),
    );
    const again = row(p, fixture.agents.bucharest.id).locator(`li[data-conversation="${id}"]`);
    await again.getByRole('button', { name: 'Reassign “Facture incorrecte”' }).click();
    await again.getByLabel('To', { exact: true }).selectOption(fixture.agents.casablanca.id);
    await again.getByRole('button', { name: 'Reassign', exact: true }).click();
    await expect
      .poll(() => p.getByRole('alert').textContent())
      .toBe('Someone changed this conversation since it was read: it was not reassigned. Try again.');
    expect(await assigneeOf(id)).toBe(fixture.agents.bucharest.id);
    await context.close();
  });

  it('tells an analyst, whose role has no board, so in words and stops there', async () => {
    const { context, page: p } = await openPage(browser, `${running.url}/agents?lang=en`);
    await signInOnPage(p, 'fr.analyst@test.example');
    await expect
      .poll(() => p.locator('main.agents .link').textContent())
      .toBe('Your role does not show the agents’ board.');
    expect(await p.locator('.agents-by-site').count()).toBe(0);
    await context.close();
  });

  it('is right to left in Arabic', async () => {
    const { context, page: p } = await openPage(browser, `${running.url}/agents?lang=ar`);
    await signInOnPage(p, 'fr.admin@test.example');
    await expect.poll(() => p.locator('h1').textContent()).toBe('الوكلاء');
    expect(await p.evaluate('[document.documentElement.lang, document.documentElement.dir]')).toEqual([
      'ar',
      'rtl',
    ]);
    await expect.poll(() => p.locator('main.agents .link').textContent()).toBe('مباشر');
    await expect.poll(() => siteCaptions(p)).toEqual(['Bucharest', 'Casablanca', 'Paris']);
    // The table's start edge is on the right: the agent's name is the rightmost cell.
    const name = await row(p, fixture.agents.paris.id).locator('th').boundingBox();
    const load = await row(p, fixture.agents.paris.id).locator('.load').boundingBox();
    expect((name?.x ?? 0) > (load?.x ?? 0)).toBe(true);
    await screenshot(p, 'agents-ar', true);
    await context.close();
  });
});
