// The open data catalogue in Chromium: the list of datasets, a dataset with its preview, history
// and downloads, and its schema.org JSON-LD; axe on every page, and each page reflowing at 375 px.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDemoRoutemap } from '../../src/outcomes/routemap/index.ts';
import type { Actor } from '../../src/platform/index.ts';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();

/** Nothing wider than a 375 px screen: the page reflows (WCAG 1.4.10). */
async function expectReflow(page: Page) {
  await page.setViewportSize({ width: 375, height: 800 });
  // Run in the page, where `document` is (this file is type-checked without the DOM's types).
  const width = await page.evaluate('document.documentElement.scrollWidth');
  expect(Number(width), `${page.url()} is ${width} px wide at 375 px`).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('open data in a browser', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    await site.t.services.requests.submit({
      service: 'pothole',
      lat: 52.22,
      lon: -2.2,
      description: 'Deep pothole',
      attributes: { size: 'medium' },
    });
    // Made three days ago: a release holds the requests made before the day it is published.
    await sql`UPDATE cases SET requested_at = requested_at - interval '3 days'`.execute(
      site.t.services.database.db,
    );
    // A request three months ago, so a closed month of KPIs is kept; a signed tree head of the
    // ledger; the demo's maturity assessments: every dataset has rows to preview.
    const old = await site.t.services.requests.submit({
      service: 'pothole',
      lat: 52.23,
      lon: -2.21,
      attributes: { size: 'small' },
    });
    await sql`UPDATE cases SET requested_at = requested_at - interval '3 months' WHERE id = ${old.id}`.execute(
      site.t.services.database.db,
    );
    await site.t.services.outcomes.kpis.recompute();
    await site.t.services.governance.ledger.checkpoint();
    await loadDemoRoutemap(
      site.t.services.routemap,
      async (email) => (await site.t.services.identity.actorByEmail(email)) as Actor,
      new Date(),
    );
    for (const d of site.t.services.openData.datasets()) await site.t.services.openData.publish(d.id);
  });

  it('shows the outcome KPIs, the ledger’s tree heads and the maturity benchmark as datasets', async () => {
    const page = await site.newPage();
    for (const [id, title, shown] of [
      ['outcome-kpis', 'Outcome KPIs', 'channel-shift'],
      ['audit-ledger-heads', 'Audit ledger tree heads', 'BEGIN PUBLIC KEY'],
      ['maturity-benchmark', 'Maturity benchmark', 'collaborate-share-reuse'],
    ]) {
      await page.goto(`${site.base}/data`);
      await page.getByRole('link', { name: title }).click();
      expect(page.url()).toBe(`${site.base}/data/${id}`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
      expect(await page.locator('.govuk-summary-card', { hasText: 'Row 1' }).first().textContent()).toContain(
        shown,
      );
      await expectAccessible(page);
      await expectReflow(page);
    }
    await page.context().close();
  });

  it('lists the datasets and shows one with its preview, downloads, history and JSON-LD', async () => {
    const page = await site.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${site.base}/data`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Open data');
    await expectAccessible(page);
    await expectReflow(page);

    await page.getByRole('link', { name: 'Service requests' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Service requests');
    expect(await page.locator('.govuk-summary-card', { hasText: 'Row 1' }).textContent()).toContain(
      'pothole',
    );
    const jsonLd = JSON.parse(
      (await page.locator('script[type="application/ld+json"]').textContent()) ?? '{}',
    );
    expect(jsonLd).toMatchObject({ '@type': 'Dataset', name: 'Service requests' });
    await expectAccessible(page);
    await expectReflow(page);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download CSV file' }).click();
    expect((await download).suggestedFilename()).toBe('service-requests-1.csv');

    await page.goto(`${site.base}/data/service-statistics`);
    await expectAccessible(page);
    await expectReflow(page);
    expect(errors, 'no console errors (CSP violations show here)').toEqual([]);
    await page.context().close();
  });

  it('lets an information governance officer publish a release, and withdraw it saying why', async () => {
    const page = await site.signedIn((c) => c.roles === 'ig_officer at fellshire-cc');
    await page.goto(`${site.base}/data/spending-over-500`);
    await page.getByRole('button', { name: 'Publish a new release now' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Release 2 published');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Withdraw release 2' }).click();
    await page.getByRole('button', { name: 'Withdraw release 2' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Say why the release is withdrawn',
    );
    await expectAccessible(page);
    await expectReflow(page);
    await page.getByLabel('Why is it withdrawn?').fill('A payment was entered twice');
    await page.getByRole('button', { name: 'Withdraw release 2' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Release 2 withdrawn');
    expect(await page.locator('table').textContent()).toContain('A payment was entered twice');
    await expectAccessible(page);
    await page.context().close();
  });

  it('says a dataset that does not exist is not there, on an accessible page', async () => {
    const page = await site.newPage();
    const response = await page.goto(`${site.base}/data/no-such-dataset`);
    expect(response?.status()).toBe(404);
    await expectAccessible(page);
    await page.context().close();
  });
});
