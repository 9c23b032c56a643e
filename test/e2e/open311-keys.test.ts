// An administrator issues an Open311 key to an app in Chromium, after being told what was wrong,
// sees it once, rotates and revokes it; axe on every page, and each page reflows at 375 px.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();

/** Accessible, and nothing wider than a 375 px screen. */
async function checked(page: Page) {
  await expectAccessible(page);
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await page.evaluate('document.documentElement.scrollWidth'), page.url()).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('Open311 keys for apps, for administrators', { timeout: 120_000 }, () => {
  it('issues a key shown once, then rotates and revokes it', async () => {
    const page = await site.signedIn((c) => c.roles === 'admin at fellshire-cc');
    await page.getByRole('link', { name: 'Open311 keys for apps' }).click();
    await page.waitForURL(`${site.base}/admin/open311-keys`);
    await checked(page);

    await page.getByLabel('Name of the app').fill('Fix It Castlebridge');
    await page.getByRole('button', { name: 'Issue key' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter an email address');
    await checked(page);

    await page.getByLabel('Email address of its makers').fill('apps@fixit-castlebridge.example');
    await page.getByLabel('Organisation it posts for').selectOption({ label: 'Castlebridge Council' });
    await page.getByRole('button', { name: 'Issue key' }).click();
    const key = String(await page.locator('#api-key').textContent());
    expect(key).toMatch(/^o311_/);
    await checked(page);

    await page.getByRole('link', { name: 'Back to Open311 keys for apps' }).click();
    const card = page.locator('.govuk-summary-card', { hasText: 'Fix It Castlebridge' });
    expect(await card.textContent()).toContain('In use');
    expect(await page.content()).not.toContain(key);
    await page.getByRole('button', { name: 'Rotate the key of Fix It Castlebridge' }).click();
    const rotated = String(await page.locator('#api-key').textContent());
    expect(rotated).not.toBe(key);
    await page.getByRole('link', { name: 'Back to Open311 keys for apps' }).click();
    await page.getByRole('button', { name: 'Revoke the key of Fix It Castlebridge' }).click();
    await card.getByText('Revoked').waitFor();
    await checked(page);
    await page.context().close();
  });
});
