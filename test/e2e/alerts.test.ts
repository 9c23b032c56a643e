// Someone asks for alerts of new reports near them in a browser: shown what is wrong first,
// then told to check their email; the feed's link is on the page. Axe on every page state; the
// page reflows at 375 pixels wide.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPoints } from '../../src/places/index.ts';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();
let page: Page;
const [lon, lat] = demoPoints.castlebridge;

beforeAll(async () => {
  page = await site.newPage();
});

describe('asking for local alerts in a browser', { timeout: 120_000 }, () => {
  it('shows what is wrong, then starts the alerts by email', async () => {
    await page.goto(`${site.base}/alerts?lat=${lat}&lon=${lon}`);
    expect(
      await page.getByRole('link', { name: 'the feed of these reports' }).getAttribute('href'),
    ).toContain('/alerts/reports.atom?');
    await expectAccessible(page);
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByLabel('Distance in metres').fill('5');
    await page.getByLabel('Email address').fill('nearby');
    await page.getByRole('button', { name: 'Send me alerts' }).click();
    const summary = await page.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('Give the distance in whole metres');
    expect(summary).toContain('Enter your email address');
    await expectAccessible(page);

    await page.getByLabel('Distance in metres').fill('800');
    await page.getByLabel('Email address').fill('nearby@example.com');
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Report a pothole' });
    await page.getByRole('button', { name: 'Send me alerts' }).click();
    expect(await page.locator('h1').textContent()).toContain('Check your email');
    await expectAccessible(page);
    const { rows } = await site.t.services.database.pool.query(
      'SELECT metres, services FROM alert_subscriptions',
    );
    expect(rows).toEqual([{ metres: 800, services: ['pothole'] }]);
  });

  it('takes an area chosen from a list, with no point or distance', async () => {
    await page.goto(`${site.base}/alerts`);
    await page.getByLabel('Anywhere in an area').check();
    await page.getByLabel('Area', { exact: true }).selectOption({ label: 'Northmoor' });
    await page.getByLabel('Email address').fill('area@example.com');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Send me alerts' }).click();
    expect(await page.locator('h1').textContent()).toContain('Check your email');
    const { rows } = await site.t.services.database.pool.query(
      "SELECT metres, area_id IS NOT NULL AS by_area FROM alert_subscriptions WHERE email = 'area@example.com'",
    );
    expect(rows).toEqual([{ metres: null, by_area: true }]);
  });
});
