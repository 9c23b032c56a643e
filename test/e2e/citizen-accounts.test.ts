// A citizen makes an account in Chromium: registers, confirms the address by the link in the
// email the outbox holds, reports something and finds it in their list; then forgets the
// password, resets it by the emailed link (which works once) and signs in with the new one.
// Axe on every page, and no page wider than a 375 px screen.
import { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoGazetteer } from '../../src/places/index.ts';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();
const EMAIL = 'sam.okafor@example.net';

beforeAll(async () => {
  await site.t.services.properties.importProperties(Readable.from([demoGazetteer()]));
});

async function expectUsable(page: Page) {
  await expectAccessible(page);
  expect(await page.evaluate('document.documentElement.scrollWidth'), page.url()).toBeLessThanOrEqual(375);
}

/** The link in the latest email of this template to this address, on the test app's address. */
async function emailedLink(template: string): Promise<string> {
  const row = await site.t.services.database.db
    .selectFrom('notification_outbox')
    .select('personalisation')
    .where('recipient', '=', EMAIL)
    .where('template', '=', template)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  const link = new URL(String((row.personalisation as Record<string, string>).link));
  return `${site.base}${link.pathname}${link.search}`;
}

const errorSummary = (page: Page) => page.locator('.govuk-error-summary').textContent();
const heading = async (page: Page) => (await page.getByRole('heading', { level: 1 }).textContent())?.trim();

describe('a citizen account, made and got back into', { timeout: 120_000 }, () => {
  it('registers, confirms by email, reports, resets the password and signs in again', async () => {
    const context = await site.browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${site.base}/sign-in`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await expectUsable(page);
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await errorSummary(page)).toContain('Enter your name');
    await expectUsable(page);
    await page.getByLabel('Your name').fill('Sam Okafor');
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Create a password').fill('a long enough secret');
    await page.getByLabel('Confirm your password').fill('a different secret');
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await errorSummary(page)).toContain('Enter the same password twice');
    await page.getByLabel('Create a password').fill('a long enough secret');
    await page.getByLabel('Confirm your password').fill('a long enough secret');
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await heading(page)).toBe('Check your email');
    await expectUsable(page);

    await page.goto(await emailedLink('account-confirm-email'));
    await expectUsable(page);
    await page.getByRole('button', { name: 'Confirm and create my account' }).click();
    expect(page.url()).toContain('/account');
    expect(await page.textContent('main')).toContain('Sam Okafor');
    await expectUsable(page);

    // Signed in, a report is theirs: contact details come from the account.
    await page.getByRole('link', { name: 'Report a problem or ask for a service' }).click();
    await page.getByLabel('Search for a service').fill('pothole');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel('Report a pothole').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Find the address').fill('CB4 7QD');
    await page.getByRole('button', { name: 'Find the address' }).click();
    await page.getByLabel('12 Tanner Row, Castlebridge, CB4 7QD', { exact: true }).check();
    await page.getByRole('button', { name: 'Use this address' }).click();
    await page.getByLabel('About the size of a car tyre').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.getByLabel('Email', { exact: false }).first().inputValue()).toBe(EMAIL);
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.locator('.govuk-summary-list').textContent()).toContain(EMAIL);
    await page.getByRole('button', { name: 'Send your request' }).click();
    const reference = /[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(
      (await page.locator('.govuk-panel').textContent()) ?? '',
    )?.[0];
    await page.goto(`${site.base}/your-requests`);
    expect(await page.locator('table').textContent()).toContain(reference);
    await expectUsable(page);

    // Forgotten: a reset link by email, used once.
    await context.clearCookies();
    await page.goto(`${site.base}/sign-in`);
    await page.getByRole('link', { name: 'I have forgotten my password' }).click();
    await expectUsable(page);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByRole('button', { name: 'Send the link' }).click();
    expect(await heading(page)).toBe('Check your email');
    const reset = await emailedLink('account-reset-password');
    await page.goto(reset);
    await expectUsable(page);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Confirm your new password').fill('short');
    await page.getByRole('button', { name: 'Change password' }).click();
    expect(await errorSummary(page)).toContain('at least 10 characters');
    await expectUsable(page);
    await page.getByLabel('New password', { exact: true }).fill('another long secret');
    await page.getByLabel('Confirm your new password').fill('another long secret');
    await page.getByRole('button', { name: 'Change password' }).click();
    expect(await heading(page)).toBe('Your password has been changed');
    await expectUsable(page);
    await page.goto(reset);
    expect(await heading(page)).toBe('This link has expired or has already been used');
    await expectUsable(page);

    await page.goto(`${site.base}/sign-in`);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill('another long secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(page.url()).toContain('/account');
    await context.close();
  });
});
