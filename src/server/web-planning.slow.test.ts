import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFixture,
  type Fixture,
  freshStore,
  screenshot,
  signInOnPage,
  startBrowser,
  startRunningRelais,
  writeContactHistory,
} from '../testing/index.ts';
import type { Running } from './start.ts';

/**
 * The planning page in Chromium, against a running Relais with eight weeks of history: a
 * group administrator plans the next week, reads the staffing per site hour by hour and the
 * scenarios side by side, and applies the plan's shares to routing, which the store then
 * holds; in Arabic the page reads right to left.
 */
let running: Running;
let store: Awaited<ReturnType<typeof freshStore>>;
let fixture: Fixture;
let browser: Browser;

beforeAll(async () => {
  store = await freshStore();
  fixture = await createFixture(store.db);
  await writeContactHistory(store.db, fixture, { until: new Date(), weeks: 8 });
  running = await startRunningRelais(store, { env: { RELAIS_ROUTING: 'off' } });
  browser = await startBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await running?.close();
  await store?.close();
});

/** A signed-in page at an address of the app, in a time zone of the viewer's. */
async function signedIn(email: string, path: string, locale: string, timezoneId: string): Promise<Page> {
  const context = await browser.newContext({ locale, timezoneId, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${running.url}${path}`);
  await signInOnPage(page, email);
  return page;
}

/** Accessibility problems axe-core calls serious or critical on the page as it is now. */
async function seriousViolations(p: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: p }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The next Monday after today (a UTC date), as the page proposes it. */
function nextMonday(): string {
  const today = new Date();
  const day = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const weekday = new Date(day).getUTCDay();
  return new Date(day + (weekday === 1 ? 7 : (8 - weekday) % 7) * 86_400_000).toISOString().slice(0, 10);
}

describe('planning in Chromium', () => {
  it('a group administrator plans the next week: staffing per site by hour, scenarios side by side, shares applied to routing', async () => {
    const p = await signedIn('group.admin@test.example', '/?lang=en', 'en-GB', 'Europe/Paris');
    await p.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Planning' }).click();
    expect(new URL(p.url()).pathname).toBe('/planning');
    await expect.poll(() => p.getByRole('heading', { level: 1 }).textContent()).toBe('Site mix planning');

    await expect.poll(() => p.getByLabel('First day').inputValue()).toBe(nextMonday());
    await p.getByLabel('Interval').selectOption('60');
    await p.getByLabel('Change a site’s cost').selectOption('CAS');
    await p.getByLabel('Cost change (%)').fill('10');
    await p.getByLabel('Volume change (%)').fill('20');
    await p.getByRole('button', { name: 'Plan', exact: true }).click();

    const result = p.getByRole('region', { name: /^Plan from / });
    await expect
      .poll(() => result.getByRole('status').first().textContent(), { timeout: 120_000 })
      .toBe('Planned: every rule is met.');
    const planId = decodeURIComponent(new URL(p.url()).hash.slice(1));
    expect(planId).toMatch(/^[0-9a-f-]{36}$/);

    // The stacked chart: one colour per site that staffs anyone, times in the viewer's zone.
    const chart = result.getByRole('img', { name: 'Scheduled agents per site, by hour' });
    await expect.poll(() => chart.isVisible()).toBe(true);
    expect(await chart.locator('rect').count()).toBeGreaterThan(24);
    const legend = await result.getByRole('list', { name: 'Sites' }).getByRole('listitem').allTextContents();
    expect(legend).toContain('Paris (PAR)');
    expect(await result.getByText(/^Times in your time zone: Europe\/Paris \(/).count()).toBe(1);

    // The scenarios side by side.
    const scenarios = result.getByRole('table', { name: /^The same work planned in other ways/ });
    const rows = await scenarios.locator('tbody tr th').allTextContents();
    expect(rows).toEqual([
      'Bestshore (the plan)',
      'All onshore',
      'All offshore',
      'CAS cost +10%',
      'Volume +20%',
    ]);
    const onshore = await scenarios.locator('tbody tr').nth(1).textContent();
    expect(onshore).toContain('No plan is possible in this scenario.');
    // And why, in the viewer's words: a language of a subsidiary no site in its country takes.
    expect(onshore).toMatch(/In this scenario, no site may take the \S+ work of .+ at .+ \(.+\)\./);
    expect(await scenarios.locator('tbody tr').nth(0).locator('td').nth(1).textContent()).toBe('0%');

    const csv = result.getByRole('link', { name: 'Download the staff (CSV)' });
    expect(await csv.getAttribute('href')).toBe(`/api/plans/${planId}/staff.csv`);
    const past = p.getByRole('region', { name: 'Past plans' });
    expect(await past.locator('tbody tr').count()).toBe(1);

    expect(await seriousViolations(p)).toEqual([]);
    await p.evaluate('window.scrollTo(0, 0)');
    await screenshot(p, 'planning-en', true);

    // The same figures as a table, hour by hour on the viewer's clock.
    await result.getByText('Show the figures as a table').click();
    const hours = result.getByRole('table', { name: /^Scheduled agents per site and hour/ });
    expect(await hours.locator('tbody tr').count()).toBe(168);
    // The plan starts at 00:00 UTC: 01:00 in Paris in November.
    expect(await hours.locator('tbody tr').first().locator('th').textContent()).toMatch(/1:00\sAM$/);
    expect(await seriousViolations(p)).toEqual([]);
    await result.getByText('Show the figures as a table').click();

    // Applying: confirmed in a dialog, then each subsidiary's target shares are the plan's.
    await result.getByRole('button', { name: 'Apply the shares to routing' }).click();
    const dialog = p.getByRole('dialog', { name: 'Apply the plan’s shares to routing' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await seriousViolations(p)).toEqual([]);
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect
      .poll(() => result.locator('.plan-apply [role=status]').textContent())
      .toMatch(/^The shares are routing’s target shares since /);
    const stored = await store.db
      .selectFrom('plans')
      .selectAll()
      .where('id', '=', planId)
      .executeTakeFirstOrThrow();
    expect(stored.applied_by).toBe(fixture.users.groupAdmin.id);
    const shares = (stored.result as { shares: Record<string, Record<string, number>> }).shares;
    const policies = await store.db.selectFrom('routing_policies').selectAll().execute();
    expect(policies.map((r) => r.subsidiary_id).sort()).toEqual(Object.keys(shares).sort());
    for (const policy of policies) {
      const planned = shares[policy.subsidiary_id] ?? {};
      expect(Object.keys(policy.target_shares).sort()).toEqual(Object.keys(planned).sort());
      for (const [site, share] of Object.entries(planned))
        expect(policy.target_shares[site]).toBeCloseTo(share, 3);
    }
    await p.context().close();
  });

  it('reads right to left in Arabic: the form, the plan and its chart', async () => {
    const p = await signedIn('group.admin@test.example', '/planning?lang=ar', 'ar', 'Africa/Casablanca');
    await expect.poll(() => p.evaluate('document.documentElement.dir')).toBe('rtl');
    await p.getByLabel('الفاصل الزمني').selectOption('60');
    await p.getByRole('button', { name: 'خطّط', exact: true }).click();
    const result = p.getByRole('region', { name: /^خطة تبدأ في/ });
    await expect
      .poll(() => result.getByRole('status').first().textContent(), { timeout: 120_000 })
      .toBe('تمّ التخطيط: كل القواعد محققة.');
    await expect
      .poll(() => result.getByRole('img', { name: 'الموظفون المجدولون في كل موقع حسب الساعة' }).isVisible())
      .toBe(true);
    expect(await result.getByText(/Africa\/Casablanca/).count()).toBeGreaterThan(0);
    expect(
      await result
        .getByRole('table', { name: /^العمل نفسه مخطَّطًا/ })
        .locator('tbody tr')
        .count(),
    ).toBe(3);
    expect(await seriousViolations(p)).toEqual([]);
    await p.evaluate('window.scrollTo(0, 0)');
    await screenshot(p, 'planning-ar', true);
    await p.context().close();
  });

  it('a supervisor reads plans without the form, and sees only those of their subsidiary', async () => {
    const p = await signedIn('ma.supervisor@test.example', '/planning?lang=en', 'en-GB', 'Africa/Casablanca');
    const past = p.getByRole('region', { name: 'Past plans' });
    await expect.poll(() => past.getByText('No plan yet.').isVisible()).toBe(true);
    expect(await p.getByRole('button', { name: 'Plan', exact: true }).count()).toBe(0);
    await p.context().close();
  });
});
