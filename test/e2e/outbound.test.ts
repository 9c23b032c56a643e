// The place's administrator sets up a district's own system in a browser: finds the page from
// the staff home, is shown what is wrong with the settings (the key never shown back), adds the
// system and is shown its push token once, then sees a new report's send that could not go, with
// its error. Axe on every page state; the page reflows at 375 pixels wide.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPoints } from '../../src/places/index.ts';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();
let page: Page;

beforeAll(async () => {
  page = await site.signedIn((c) => c.roles === 'admin at fellshire-cc');
});

const summary = () => page.locator('.govuk-error-summary').textContent();
const fitsNarrowScreen = async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.locator('html').evaluate((html) => html.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 800 });
  return overflow <= 375;
};

describe("an administrator setting up a district's own system", { timeout: 180_000 }, () => {
  it('adds the system after being shown what is wrong, and is shown its push token once', async () => {
    await page.getByRole('link', { name: 'Organisations’ own systems' }).click();
    await page.waitForURL(/\/admin\/outbound$/);
    expect(await page.locator('main').textContent()).toContain('No organisation sends its cases');
    await expectAccessible(page);

    await page.getByLabel('Organisation').selectOption({ label: 'Ashby Vale District Council' });
    await page.getByLabel('Name of the system').fill('Ashby Vale Waste System');
    await page.getByLabel('Open311 address').fill('waste.example.org');
    await page.getByLabel('API key').fill('secret-key-789');
    await page.getByLabel('Services to send').fill('missed-bin BIN_MISSED\nno-such-thing');
    await page.getByRole('button', { name: 'Add system' }).click();
    expect(await summary()).toContain('Enter the Open311 address');
    expect(await summary()).toContain('There is no service no-such-thing');
    expect(await page.getByLabel('API key').inputValue()).toBe('');
    expect(await page.content()).not.toContain('secret-key-789');
    await expectAccessible(page);

    await page.getByLabel('Open311 address').fill('http://127.0.0.1:9/open311/v2');
    await page.getByLabel('API key').fill('secret-key-789');
    await page.getByLabel('Services to send').fill('missed-bin BIN_MISSED');
    await page.getByRole('button', { name: 'Add system' }).click();
    expect(await page.locator('#push-token').textContent()).toMatch(/^push_/);
    expect(await page.content()).not.toContain('secret-key-789');
    await expectAccessible(page);
  });

  it('shows the send that could not go, with its error, on a page that reflows', async () => {
    const [lon, lat] = demoPoints.ashbyVale;
    await site.t.services.requests.submit({ service: 'missed-bin', lat, lon, attributes: { bin: 'food' } });
    await site.t.services.outbound.sendDue();
    await page.goto(`${site.base}/admin/outbound`);
    const card = page.locator('.govuk-summary-card', { hasText: 'The system could not be reached' });
    expect(await card.textContent()).toContain('Ashby Vale Waste System');
    expect(await page.locator('.govuk-summary-card', { hasText: 'missed-bin → BIN_MISSED' }).count()).toBe(1);
    await expectAccessible(page);
    expect(await fitsNarrowScreen()).toBe(true);
  });
});
