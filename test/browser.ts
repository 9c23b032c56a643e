// Debian's Chromium driven by playwright-core, with axe checking each page visited.
import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { appAt, nextTotpCode, rememberAuthenticator } from './support.ts';

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `The end-to-end tests need Chromium at ${path}. Install it with "apt-get install chromium" ` +
        '(Debian) or set CHROMIUM_PATH to a Chromium or Chrome executable.',
    );
  }
  return path;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Fails the test with the rule and the elements when a page has any accessibility violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary, `accessibility violations on ${page.url()}`).toEqual([]);
}

/**
 * Fills in and sends the sign-in form as a person would. Staff then enter a code from their
 * authenticator app, setting one up the first time, and land where the sign-in sends them.
 */
export async function signInThroughForm(
  page: Page,
  base: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
  const app = appAt(base);
  const setUpField = page.getByLabel('Code from your authenticator app', { exact: true });
  const codeField = page.getByLabel('Enter the code from your authenticator app');
  if (await setUpField.count()) {
    rememberAuthenticator(app, email, String(await page.locator('.flagstone-secret').textContent()));
    await setUpField.fill(await nextTotpCode(app, email));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Set up' }).click()]);
  } else if (await codeField.count()) {
    await codeField.fill(await nextTotpCode(app, email));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()]);
  }
}

/**
 * A page in a new context that collects the console's errors (pages answered with 4xx on purpose
 * log "Failed to load resource", which is left out) and answers the callback of a relying party
 * that is not running at http://127.0.0.1:9, keeping the address.
 */
export async function pageForRelyingParty(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  await page.route('http://127.0.0.1:9/**', (route) => route.fulfill({ body: 'Back at the relying party' }));
  return { page, errors };
}
