import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { WEB_DIR } from '../server/index.ts';
import { FIXTURE_PASSWORD } from './fixture.ts';

/** Screenshots of the web app's pages, kept by CI (`.ci/run` lists them). */
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * The web app built (as `npm start` does; a fresh clone's test run builds it once here)
 * and Chromium started.
 */
export async function startBrowser(): Promise<Browser> {
  if (!existsSync(join(WEB_DIR, 'index.html')))
    execFileSync('npm', ['run', 'build', '--silent'], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'inherit',
    });
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM });
}

/** A new browser profile (its own cookies and storage) with a page open at `url`. */
export async function openPage(
  browser: Browser,
  url: string,
  locale = 'en-GB',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

/** Signs in on the sign-in page with the fixture's password; resolves once the sign-in form is gone. */
export async function signInOnPage(page: Page, email: string, password = FIXTURE_PASSWORD): Promise<void> {
  await page.locator('input[type=email]').fill(email);
  await page.locator('input[type=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.locator('input[type=password]').waitFor({ state: 'detached' });
}

/** A screenshot into the test artifacts. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}
