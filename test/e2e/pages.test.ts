import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launch, signInThroughForm } from '../browser.ts';
import { citizen, demoAccount, type TestContext, testApp } from '../support.ts';

let t: TestContext;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await testApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const signIn = (page: Page, email: string, password: string) =>
  signInThroughForm(page, base, email, password);

describe('in a browser', () => {
  it('shows an accessible start page that leads to sign in', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(base);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Report a problem');
    expect(await page.title()).toBe('Report a problem or ask for a service – Flagstone');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Start now' }).click();
    expect(page.url()).toBe(`${base}/sign-in`);
    await expectAccessible(page);
    expect(errors, 'no console errors (CSP violations show here)').toEqual([]);
    await page.context().close();
  });

  it('shows the error summary for a wrong password, focused and accessible', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, citizen().email, 'wrong password');
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Enter a correct email address and password');
    expect(await page.title()).toMatch(/^Error: Sign in/);
    // GOV.UK Frontend's script (allowed by the CSP) moves focus to the summary.
    await page.locator('.govuk-error-summary:focus').waitFor();
    expect(await page.getByLabel('Email address').inputValue()).toBe(citizen().email);
    await expectAccessible(page);
    await page.context().close();
  });

  it('signs a citizen in to their accessible home, and out again', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, citizen().email, citizen().password);
    await page.waitForURL(`${base}/account`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/`);
    expect(await page.getByRole('link', { name: 'Sign in' }).count()).toBe(1);
    await page.context().close();
  });

  it('signs staff in to an accessible home listing their organisations', async () => {
    const page = await (await browser.newContext()).newPage();
    const admin = demoAccount((c) => c.roles.includes('admin'));
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(`${base}/staff`);
    expect(await page.locator('table').textContent()).toContain('Fellshire County Council');
    await expectAccessible(page);
    await page.context().close();
  });

  it('shows accessible 404 and API documentation pages', async () => {
    const page = await (await browser.newContext()).newPage();
    const response = await page.goto(`${base}/nowhere`);
    expect(response?.status()).toBe(404);
    await expectAccessible(page);
    await page.goto(`${base}/api/docs`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('API');
    await expectAccessible(page);
    await page.context().close();
  });
});
