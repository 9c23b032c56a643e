import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserApp, expectAccessible, signInThroughForm } from '../browser.ts';
import { citizen, demoAccount } from '../support.ts';

const site = browserApp();

const signIn = (page: Page, email: string, password: string) =>
  signInThroughForm(page, site.base, email, password);

describe('in a browser', () => {
  it('shows an accessible start page that leads into the report journey, sign-in offered', async () => {
    const page = await site.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(site.base);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Report a problem');
    expect(await page.title()).toBe('Report a problem or ask for a service – Flagstone');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Start now' }).click();
    expect(page.url()).toBe(`${site.base}/report`);
    await expectAccessible(page);
    await page.goto(site.base);
    await page.getByRole('link', { name: 'sign in', exact: true }).click();
    expect(page.url()).toBe(`${site.base}/sign-in`);
    await expectAccessible(page);
    expect(errors, 'no console errors (CSP violations show here)').toEqual([]);
    await page.context().close();
  });

  it('shows the error summary for a wrong password, focused and accessible', async () => {
    const page = await site.newPage();
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
    const page = await site.newPage();
    await signIn(page, citizen().email, citizen().password);
    await page.waitForURL(`${site.base}/account`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${site.base}/`);
    expect(await page.getByRole('link', { name: 'Sign in', exact: true }).count()).toBe(1);
    await page.context().close();
  });

  it('signs staff in to an accessible home listing their organisations', async () => {
    const page = await site.newPage();
    const admin = demoAccount((c) => c.roles.includes('admin'));
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(`${site.base}/staff`);
    expect(await page.locator('table').textContent()).toContain('Fellshire County Council');
    await expectAccessible(page);
    await page.context().close();
  });

  it('shows accessible 404 and API documentation pages', async () => {
    const page = await site.newPage();
    const response = await page.goto(`${site.base}/nowhere`);
    expect(response?.status()).toBe(404);
    await expectAccessible(page);
    await page.goto(`${site.base}/api/docs`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('API');
    await expectAccessible(page);
    await page.context().close();
  });
});
