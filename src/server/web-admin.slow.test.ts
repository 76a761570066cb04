import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFixture,
  type Fixture,
  freshStore,
  openPage,
  screenshot,
  signInOnPage,
  startBrowser,
  startRunningRelais,
} from '../testing/index.ts';
import type { Running } from './start.ts';

/**
 * The administration pages in Chromium, against a running Relais: what an administrator
 * saves from the page is what the store holds; what the server refuses is said next to the
 * field, and nothing is written; a site's administrator reaches only their site.
 */
let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Fixture;
let browser: Browser;

beforeAll(async () => {
  store = await freshStore();
  fixture = await createFixture(store.db);
  running = await startRunningRelais(store, { env: { RELAIS_ROUTING: 'off' } });
  browser = await startBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await running?.close();
  await store?.close();
});

/** A signed-in page at an address of the app. */
async function signedIn(email: string, path: string, locale = 'en-GB'): Promise<Page> {
  const { page } = await openPage(browser, `${running.url}${path}`, locale);
  await signInOnPage(page, email);
  return page;
}

const siteByCode = (code: string) =>
  store.db.selectFrom('sites').selectAll().where('code', '=', code).executeTakeFirst();

const count = async (table: 'sites' | 'routing_policies' | 'saved_replies') =>
  Number(
    (
      await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** A full-page screenshot from the top (the side navigation sticks to where the page was scrolled). */
async function screenshotFromTop(p: Page, name: string): Promise<void> {
  await p.evaluate('window.scrollTo(0, 0)');
  await screenshot(p, name, true);
}

/** Accessibility problems axe-core calls serious or critical on the page as it is now. */
async function seriousViolations(p: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: p }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

describe('administration in Chromium', () => {
  it('a group administrator creates a site with its calendar and languages from the page; the store has it', async () => {
    const p = await signedIn('group.admin@test.example', '/admin?lang=en');
    await p
      .getByRole('navigation', { name: 'Administration sections' })
      .getByRole('link', { name: 'Sites' })
      .click();
    expect(new URL(p.url()).pathname).toBe('/admin/sites');
    await expect.poll(() => p.getByRole('table').locator('tbody tr').count()).toBe(3);
    await p.getByRole('link', { name: 'New site' }).click();

    await p.getByLabel('Code').fill('DKR');
    await p.getByLabel('Name', { exact: true }).fill('Dakar');
    await p.getByLabel('Country').selectOption('SN');
    await p.getByLabel('Time zone').selectOption('Africa/Dakar');
    await p.getByLabel('Run by').selectOption('partner');
    await p.getByLabel('Partner’s name').fill('Teranga Services');
    await p.getByLabel('Seats').fill('40');
    await p.getByLabel('Quality index').fill('78');
    await p.getByLabel('Amount', { exact: true }).fill('18.50');
    await p.getByLabel('Currency').selectOption('EUR');
    await p.getByRole('checkbox', { name: 'Level 1' }).check();
    await p.getByRole('button', { name: 'Add a language' }).click();
    await p.getByLabel('Language 1', { exact: true }).selectOption('fr');
    await p.getByLabel('Proficiency in language 1').selectOption('5');
    await p.getByRole('button', { name: 'Add a language' }).click();
    await p.getByLabel('Language 2', { exact: true }).selectOption('wo');
    await p.getByLabel('Proficiency in language 2').selectOption('4');
    await p.getByLabel('Skills').fill('billing, technical');
    // Monday 08:00–17:00; Saturday a night shift past midnight; Christmas closed.
    const monday = p.getByRole('group', { name: 'Monday' });
    await monday.getByRole('button', { name: 'Add hours on Monday' }).click();
    await monday.getByLabel('Opens (shift 1)').fill('08:00');
    await monday.getByLabel('Closes (shift 1)').fill('17:00');
    const saturday = p.getByRole('group', { name: 'Saturday' });
    await saturday.getByRole('button', { name: 'Add hours on Saturday' }).click();
    await saturday.getByLabel('Opens (shift 1)').fill('20:00');
    await saturday.getByLabel('Closes (shift 1)').fill('02:00');
    await p.getByRole('button', { name: 'Add a closure' }).click();
    await p.getByLabel('Date of closure 1').fill('2026-12-25');
    await p.getByLabel('Name of closure 1').fill('Noël');
    await p.getByRole('checkbox', { name: 'Test France (FR)' }).first().check();
    await p.getByRole('button', { name: 'Create the site' }).click();

    await expect.poll(() => p.getByRole('status').textContent()).toMatch(/^Saved at /);
    const stored = await siteByCode('DKR');
    expect(stored).toMatchObject({
      name: 'Dakar',
      country: 'SN',
      operator: 'partner',
      partner_name: 'Teranga Services',
      time_zone: 'Africa/Dakar',
      seats: 40,
      quality_index: 78,
      cost_per_hour_minor: 1850,
      cost_currency: 'EUR',
      tiers: ['level1'],
      skills: ['billing', 'technical'],
      subsidiary_ids: [fixture.subsidiaries.fr.id],
      languages: [
        { tag: 'fr', proficiency: 5 },
        { tag: 'wo', proficiency: 4 },
      ],
    });
    expect(stored?.calendar.weekly.mon).toEqual([{ start: '08:00', end: '17:00' }]);
    expect(stored?.calendar.weekly.sat).toEqual([{ start: '20:00', end: '02:00' }]);
    expect(stored?.calendar.weekly.tue).toEqual([]);
    expect(stored?.calendar.holidays).toEqual([{ date: '2026-12-25', name: 'Noël' }]);
    // The page is now the new site's own address; a reload lands on it.
    expect(new URL(p.url()).hash).toBe(`#${stored?.id}`);
    await p.reload();
    await expect.poll(() => p.getByRole('heading', { level: 2 }).first().textContent()).toBe('Dakar');
    expect(await seriousViolations(p)).toEqual([]);
    await screenshotFromTop(p, 'admin-sites-en');
    await p.context().close();
  });

  it('a calendar that never opens is refused: the server’s words stand next to the calendar, and no site is written', async () => {
    const p = await signedIn('group.admin@test.example', '/admin/sites?lang=en#new');
    const before = await count('sites');
    await p.getByLabel('Code').fill('NVR');
    await p.getByLabel('Name', { exact: true }).fill('Never open');
    await p.getByLabel('Country').selectOption('FR');
    await p.getByLabel('Time zone').selectOption('Europe/Paris');
    await p.getByLabel('Seats').fill('10');
    await p.getByLabel('Quality index').fill('80');
    await p.getByLabel('Amount', { exact: true }).fill('30');
    await p.getByRole('checkbox', { name: 'Level 1' }).check();
    await p.getByRole('button', { name: 'Add a language' }).click();
    await p.getByLabel('Language 1', { exact: true }).selectOption('fr');
    await p.getByRole('checkbox', { name: 'Test Maroc (MA)' }).first().check();
    await p.getByRole('button', { name: 'Create the site' }).click();

    const alert = p.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Nothing was saved: one field needs a change.');
    expect(await alert.textContent()).toContain('Opening hours');
    expect(await alert.textContent()).toContain('never opens');
    // Next to the field: inside the calendar's group, as its description.
    const calendar = p.getByRole('group', { name: 'Opening hours' });
    expect(await calendar.locator('.admin-field-issues').first().textContent()).toContain('never opens');
    expect(await calendar.getAttribute('aria-describedby')).toBeTruthy();
    expect(await count('sites')).toBe(before);
    expect(await siteByCode('NVR')).toBeUndefined();
    // The form keeps what was typed: one shift and it saves.
    const friday = p.getByRole('group', { name: 'Friday' });
    await friday.getByRole('button', { name: 'Add hours on Friday' }).click();
    await p.getByRole('button', { name: 'Create the site' }).click();
    await expect.poll(() => p.getByRole('status').textContent()).toMatch(/^Saved at /);
    expect((await siteByCode('NVR'))?.calendar.weekly.fri).toEqual([{ start: '09:00', end: '17:00' }]);
    await p.context().close();
  });

  it('an administrator changes an agent’s capacity per channel; the store has it', async () => {
    const p = await signedIn('group.admin@test.example', '/admin/agents?lang=en');
    await p.getByRole('link', { name: 'cas.agent' }).click();
    const perChannel = p.getByRole('group', { name: 'At once per channel' });
    await expect.poll(() => perChannel.getByLabel('Chat').inputValue()).toBe('3');
    await perChannel.getByLabel('Chat').fill('4');
    await perChannel.getByLabel('WhatsApp').fill('2');
    await p.getByLabel('At once in all').fill('6');
    await p.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => p.getByRole('status').textContent()).toMatch(/^Saved at /);
    const agent = await store.db
      .selectFrom('agents')
      .select(['capacity', 'tier', 'languages'])
      .where('id', '=', fixture.agents.casablanca.id)
      .executeTakeFirstOrThrow();
    expect(agent.capacity).toEqual({ perChannel: { email: 2, chat: 4, whatsapp: 2 }, total: 6 });
    // Only what changed was sent: the rest is as it was.
    expect(agent.tier).toBe('level1');
    expect(agent.languages).toEqual([{ tag: 'fr', proficiency: 5 }]);
    expect(await seriousViolations(p)).toEqual([]);
    await screenshotFromTop(p, 'admin-agents-en');
    await p.context().close();
  });

  it('changes a routing weight; a negative one is refused next to its field and writes nothing; a change made meanwhile is not overwritten', async () => {
    const fr = fixture.subsidiaries.fr.id;
    const policy = () =>
      store.db.selectFrom('routing_policies').selectAll().where('subsidiary_id', '=', fr).executeTakeFirst();
    const p = await signedIn('group.admin@test.example', `/admin/routing?lang=en#${fr}`);
    await expect.poll(() => p.getByLabel('Subsidiary').inputValue()).toBe(fr);
    await p.getByLabel('Cost', { exact: true }).fill('0.5');
    await p.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => p.getByRole('status').textContent()).toMatch(/^Saved at /);
    expect((await policy())?.weights).toEqual({ cost: 0.5 });
    const version = (await policy())?.version;

    await p.getByLabel('Quality', { exact: true }).fill('-1');
    await p.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => p.getByRole('alert').textContent()).toContain('Nothing was saved');
    const quality = p.getByLabel('Quality', { exact: true });
    expect(await quality.getAttribute('aria-invalid')).toBe('true');
    const describedBy = ((await quality.getAttribute('aria-describedby')) ?? '').split(' ');
    const said = await Promise.all(describedBy.map((id) => p.locator(`[id="${id}"]`).textContent()));
    expect(said.join(' ')).toContain('a weight is ≥ 0 (got -1)');
    expect(await policy()).toMatchObject({ weights: { cost: 0.5 }, version });

    // Someone else saves the policy in between: the page says so and keeps its hands off.
    await store.db
      .updateTable('routing_policies')
      .set((eb) => ({ version: eb('version', '+', 1), weights: JSON.stringify({ cost: 0.7 }) }))
      .where('subsidiary_id', '=', fr)
      .execute();
    await quality.fill('0.4');
    await p.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => p.getByRole('alert').textContent()).toContain('someone else changed this');
    expect((await policy())?.weights).toEqual({ cost: 0.7 });
    await p.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => p.getByLabel('Cost', { exact: true }).inputValue()).toBe('0.7');
    await p.getByLabel('Quality', { exact: true }).fill('0.4');
    await p.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => p.getByRole('status').textContent()).toMatch(/^Saved at /);
    expect((await policy())?.weights).toEqual({ cost: 0.7, quality: 0.4 });
    await p.context().close();
  });

  it('a site’s administrator sees only their site, changes its seats, and cannot reach another site', async () => {
    const p = await signedIn('cas.admin@test.example', '/admin/sites?lang=en');
    const rows = p.getByRole('table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Casablanca');
    expect(await p.getByRole('link', { name: 'New site' }).count()).toBe(0);

    // Their own site: hours and seats are theirs, cost is the group's.
    await rows.getByRole('link', { name: 'Casablanca' }).click();
    await expect.poll(() => p.getByLabel('Seats').inputValue()).toBe('50');
    expect(await p.getByLabel('Amount', { exact: true }).isDisabled()).toBe(true);
    await p.getByLabel('Seats').fill('60');
    await p.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => p.getByRole('status').textContent()).toMatch(/^Saved at /);
    expect((await siteByCode('CAS'))?.seats).toBe(60);

    // Paris by its address: the API answers that it does not exist for them, and the page says so.
    const paris = fixture.sites.paris.id;
    await p.goto(`${running.url}/admin/sites?lang=en#${paris}`);
    await expect
      .poll(() => p.getByRole('alert').textContent())
      .toContain('This does not exist, or it is outside what you administer.');
    expect(await p.getByLabel('Seats').count()).toBe(0);
    // A change sent anyway is refused, and Paris stays as it was.
    const status = await p.evaluate(async (id) => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const res = await fetch(`/api/sites/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken, 'if-match': '"1"' },
        body: JSON.stringify({ seats: 1 }),
      });
      return res.status;
    }, paris);
    expect(status).toBe(404);
    expect((await siteByCode('PAR'))?.seats).toBe(50);

    // The routing of the subsidiaries their site serves: theirs to read, not to change.
    await p.goto(`${running.url}/admin/routing?lang=en`);
    await expect
      .poll(() => p.locator('.admin-note').textContent())
      .toBe('Only the subsidiary’s own administrators and the group’s change its routing policy.');
    expect(await p.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await p.context().close();
  });

  it('in Arabic the administration pages run right to left', async () => {
    const p = await signedIn('group.admin@test.example', '/admin/sites?lang=ar', 'ar');
    await expect.poll(() => p.getByRole('table').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await p.evaluate('[document.documentElement.lang, document.documentElement.dir]')).toEqual([
      'ar',
      'rtl',
    ]);
    // The side navigation stands on the right, the content to its left.
    const nav = await p.locator('.admin-nav').boundingBox();
    const content = await p.locator('.admin-content').boundingBox();
    expect(nav && content && nav.x).toBeGreaterThan((content?.x ?? 0) + (content?.width ?? 0) - 1);
    await p.getByRole('table').getByRole('link').first().click();
    await expect.poll(() => p.locator('.admin-calendar').count()).toBe(1);
    expect(await seriousViolations(p)).toEqual([]);
    await screenshotFromTop(p, 'admin-ar');
    await p.context().close();
  });
});

describe('saved replies in Chromium', () => {
  it('an administrator writes a saved reply with variables; an unknown variable is refused and nothing is written', async () => {
    const p = await signedIn('fr.admin@test.example', '/admin/replies?lang=en');
    await p.getByRole('link', { name: 'New saved reply' }).click();
    await p.getByLabel('Language of the reply').selectOption('fr');
    await p.getByLabel('Title').fill('Facture corrigée');
    await p.getByLabel('Text').fill('Bonjour ');
    await p.getByRole('button', { name: '{{customer.name}}' }).click();
    await p.getByLabel('Text').press('End');
    await p.getByLabel('Text').pressSequentially(', votre facture est corrigée. {{customer.surname}}');
    const before = await count('saved_replies');
    await p.getByRole('button', { name: 'Create the reply' }).click();
    await expect.poll(() => p.getByRole('alert').textContent()).toContain('Nothing was saved');
    expect(await p.getByLabel('Text').getAttribute('aria-invalid')).toBe('true');
    expect(await count('saved_replies')).toBe(before);

    await p.getByLabel('Text').fill('Bonjour {{customer.name}}, votre facture est corrigée.');
    await p.getByRole('button', { name: 'Create the reply' }).click();
    await expect.poll(() => p.getByRole('status').textContent()).toMatch(/^Saved at /);
    const stored = await store.db
      .selectFrom('saved_replies')
      .selectAll()
      .where('title', '=', 'Facture corrigée')
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      subsidiary_id: fixture.subsidiaries.fr.id,
      language: 'fr',
      body: 'Bonjour {{customer.name}}, votre facture est corrigée.',
    });
    // Found by a word of its text, in its subsidiary's list.
    await p.getByRole('link', { name: 'All saved replies' }).click();
    await p.getByLabel('Words in the title or text').fill('facture');
    await p.getByRole('button', { name: 'Find' }).click();
    await expect.poll(() => p.getByRole('link', { name: 'Facture corrigée' }).count()).toBe(1);
    await p.context().close();
  });
});

describe('the administration’s code', () => {
  it('loads only when an administrator opens it: an agent’s pages never fetch it', async () => {
    const { page } = await openPage(browser, `${running.url}/?lang=en`);
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await signInOnPage(page, 'cas.agent@test.example');
    await expect.poll(() => page.locator('h1').textContent()).toBe('My conversations');
    expect(scripts.some((s) => /\/Admin-[^/]*\.js$/.test(s))).toBe(false);
    // Even at the address, the page says administration is not theirs.
    await page.goto(`${running.url}/admin/sites?lang=en`);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Administration is for administrators. Your account cannot change these settings.');
    expect(await page.getByRole('table').count()).toBe(0);
    await page.context().close();
  });
});
