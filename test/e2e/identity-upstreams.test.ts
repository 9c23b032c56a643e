// An administrator adds, lists and disables an upstream identity provider in Chromium; axe on
// every page, errors included.
import { describe, expect, it } from 'vitest';
import { browserApp, expectAccessible, signInThroughForm } from '../browser.ts';
import { administrator } from '../support.ts';

const site = browserApp();

describe('providers people sign in through, for administrators', { timeout: 120_000 }, () => {
  it('adds a provider for an organisation, after showing what is wrong, and disables it', async () => {
    const page = await site.newPage();
    await signInThroughForm(page, site.base, administrator().email, administrator().password);
    await page.waitForURL(`${site.base}/staff`);
    await page.getByRole('link', { name: 'Providers people sign in through' }).click();
    await page.waitForURL(`${site.base}/admin/upstreams`);
    await page.getByText('No providers are set up yet').waitFor();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Add a provider' }).click();
    await page.waitForURL(`${site.base}/admin/upstreams/new`);
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
    await page.waitForURL(`${site.base}/admin/upstreams`);
    const row = page.locator('tr', { hasText: 'Fellshire NHS staff sign-in' });
    expect(await row.textContent()).toContain('Active');
    await expectAccessible(page);

    await row.getByRole('button', { name: 'Disable Fellshire NHS staff sign-in' }).click();
    await page.locator('tr', { hasText: 'Disabled' }).waitFor();
    await expectAccessible(page);
    await page.context().close();
  });
});
