// Debian's Chromium driven by playwright-core, with axe checking each page visited.
import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { DemoCredential } from '../src/demo.ts';
import { freePort } from './ports.ts';
import {
  appAt,
  demoAccount,
  nextTotpCode,
  rememberAuthenticator,
  type TestContext,
  testApp,
} from './support.ts';

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

/** An end-to-end test file's app, listening, and the Chromium that visits it. */
export interface BrowserApp {
  /** The app on a database of its own, and its services. */
  readonly t: TestContext;
  /** The address the browser visits, such as `http://127.0.0.1:41234`. */
  readonly base: string;
  readonly browser: Browser;
  /** A page in a new browser context, with no cookies. */
  newPage(): Promise<Page>;
  /** A new page signed in through the form as the demo account that matches, at its home. */
  signedIn(who: (account: DemoCredential) => boolean): Promise<Page>;
}

export interface BrowserAppOptions {
  /**
   * The host name the app is told it is at (FLAGSTONE_URL), on a port chosen first: 'localhost'
   * where WebAuthn needs a domain, '127.0.0.1' where the app is an OpenID provider whose issuer
   * is its address. Without it the app listens on any port and keeps the configured address.
   */
  host?: 'localhost' | '127.0.0.1';
  /** More configuration, read when the app starts (after earlier beforeAll hooks have run). */
  env?: () => Record<string, string>;
}

/**
 * Starts the app on a test database and launches Chromium before the file's tests (in
 * beforeAll), and closes both after them (in afterAll). Call it at the top of the file; what
 * it gives is there once its beforeAll has run.
 */
export function browserApp(options: BrowserAppOptions = {}): BrowserApp {
  let t: TestContext | undefined;
  let base: string | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (options.host) {
      const port = await freePort();
      base = `http://${options.host}:${port}`;
      t = await testApp({ ...options.env?.(), FLAGSTONE_URL: base });
      await t.app.listen({ host: '127.0.0.1', port });
    } else {
      t = await testApp(options.env?.());
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    }
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('The app and browser start in beforeAll: use them in a test or hook');
    return value;
  };
  const site: BrowserApp = {
    get t() {
      return started(t);
    },
    get base() {
      return started(base);
    },
    get browser() {
      return started(browser);
    },
    newPage: async () => (await site.browser.newContext()).newPage(),
    async signedIn(who) {
      const account = demoAccount(who);
      const page = await site.newPage();
      await signInThroughForm(page, site.base, account.email, account.password);
      await page.waitForURL(/\/(staff|account)$/);
      return page;
    },
  };
  return site;
}

/**
 * Fails the test with the rule and the elements when a page has any accessibility violation.
 * axe runs in the page itself ("legacy mode"): the same rules and results as its default, which
 * opens and loads a blank page for every check to gather the results of cross-origin frames, at
 * twice the cost. Flagstone's pages have no frames, and a page that gets one fails here first.
 */
export async function expectAccessible(page: Page): Promise<void> {
  expect(page.frames(), `frames on ${page.url()}: check them with axe's default mode`).toHaveLength(1);
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
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
