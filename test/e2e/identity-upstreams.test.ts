// An administrator adds, lists and disables an upstream identity provider in Chromium; axe on
// every page, errors included.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launch, signInThroughForm } from '../browser.ts';
import { administrator, type TestContext, testApp } from '../support.ts';

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

describe('providers people sign in through, for administrators', { timeout: 120_000 }, () => {
  it('adds a provider for an organisation, after showing what is wrong, and disables it', async () => {
    const page = await (await browser.newContext()).newPage();
    await signInThroughForm(page, base, administrator().email, administrator().password);
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('link', { name: 'Providers people sign in through' }).click();
    await page.waitForURL(`${base}/admin/upstreams`);
    await page.getByText('No providers are set up yet').waitFor();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Add a provider' }).click();
    await page.waitForURL(`${base}/admin/upstreams/new`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the name shown on the sign-in page',
    );
    await expectAccessible(page);

    await page.getByLabel('Name shown on the sign-in page').fill('Fellshire NHS staff sign-in');
    await page.getByLabel('Short name').fill('fellshire-nhs');
    await page
      .getByLabel('Who signs in through it')
      .selectOption({ label: 'Staff of Fellshire and Castlebridge Community Health NHS Trust' });
    await page.getByLabel('Issuer').fill('https://login.fellshire-nhs.example.org');
    await page.getByLabel('Client id registered with the provider').fill('flagstone');
    await page.getByLabel('Client secret').fill('a-long-client-secret');
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.waitForURL(`${base}/admin/upstreams`);
    const row = page.locator('tr', { hasText: 'Fellshire NHS staff sign-in' });
    expect(await row.textContent()).toContain('Active');
    await expectAccessible(page);

    await row.getByRole('button', { name: 'Disable Fellshire NHS staff sign-in' }).click();
    await page.locator('tr', { hasText: 'Disabled' }).waitFor();
    await expectAccessible(page);
    await page.context().close();
  });
});
