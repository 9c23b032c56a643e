// A citizen reports a pothole and a missed bin in a two-tier district; each lands in the right
// organisation's inbox; the county resolves the pothole and the citizen sees it. Axe on every page.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoPoints } from '../../src/places/index.ts';
import { browserApp, expectAccessible, signInThroughForm } from '../browser.ts';
import { demoAccount } from '../support.ts';

const site = browserApp();
const references: Record<string, string> = {};

async function report(page: Page, service: string, answer: string) {
  await page.goto(`${site.base}/report`);
  await expectAccessible(page);
  await page.getByLabel(service).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Continue' }).click(); // nothing entered: errors
  expect(await page.locator('.govuk-error-summary').textContent()).toContain('latitude');
  await expectAccessible(page);
  await page.getByLabel('Street or place (optional)').fill('Vale Road, Ashby');
  await page.getByLabel('Latitude').fill(String(demoPoints.ashbyVale[1]));
  await page.getByLabel('Longitude').fill(String(demoPoints.ashbyVale[0]));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Continue' }).click(); // the required question unanswered
  expect(await page.locator('.govuk-error-summary').count()).toBe(1);
  await expectAccessible(page);
  await page.getByLabel(answer).check();
  await page.getByLabel('Anything else we should know (optional)').fill('Near the bus stop');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
    'Check your answers before sending your request',
  );
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Send your request' }).click();
  const panel = await page.locator('.govuk-panel').textContent();
  await expectAccessible(page);
  return /[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(panel ?? '')?.[0] as string;
}

describe('the front door in a browser', { timeout: 180_000 }, () => {
  it('takes a pothole and a missed bin from a signed-in citizen, each to the right organisation', async () => {
    const page = await site.signedIn((c) => c.email === 'amina.khan@example.com');
    references.pothole = await report(page, 'Report a pothole', 'Bigger than a car tyre');
    references.bin = await report(page, 'Report a missed bin collection', 'Recycling');
    expect(await page.textContent('main')).toContain('Ashby Vale District Council');
    await page.getByRole('link', { name: 'Your requests' }).click();
    const table = await page.locator('table').textContent();
    expect(table).toContain(references.pothole);
    expect(table).toContain('Fellshire County Council');
    expect(table).toContain('Ashby Vale District Council');
    await expectAccessible(page);
    await page.context().close();
  });

  it("puts each in its organisation's inbox, and the county resolves the pothole", async () => {
    const district = await site.signedIn((c) => c.roles === 'staff at ashby-vale-dc');
    await district.getByRole('link', { name: 'Cases' }).click();
    const districtInbox = await district.locator('main').textContent();
    expect(districtInbox).toContain(references.bin);
    expect(districtInbox).not.toContain(references.pothole);
    await expectAccessible(district);
    await district.context().close();

    const county = await site.signedIn((c) => c.roles === 'staff at fellshire-cc');
    await county.getByRole('link', { name: 'Cases' }).click();
    expect(await county.locator('main').textContent()).not.toContain(references.bin);
    await expectAccessible(county);
    await county.getByRole('link', { name: references.pothole as string }).click();
    expect(await county.locator('.govuk-summary-list').first().textContent()).toContain('Near the bus stop');
    await expectAccessible(county);
    await county.getByLabel('New status').selectOption('resolved');
    await county.getByRole('button', { name: 'Change the status' }).click();
    expect(await county.locator('.govuk-error-summary').textContent()).toContain('Enter the reason');
    await expectAccessible(county);
    await county.getByLabel('New status').selectOption('resolved');
    await county
      .getByLabel('Reason, shown to the person who made the request')
      .fill('Filled and sealed today');
    await county.getByRole('button', { name: 'Change the status' }).click();
    expect(await county.locator('.govuk-summary-list').first().textContent()).toContain('Resolved');
    // A banner says it is done, and the history names the change of status.
    expect(await county.locator('.govuk-notification-banner--success').textContent()).toContain(
      'The status is changed',
    );
    expect(await county.locator('main').textContent()).toMatch(
      /\d{1,2} [A-Z][a-z]+ 20\d\d at \d{1,2}:\d\d[ap]m Status changed to Resolved, a public update/,
    );
    await expectAccessible(county);
    await county.context().close();
  });

  it('shows the citizen the update, and anyone with the reference can follow it', async () => {
    const page = await site.newPage();
    await page.goto(`${site.base}/follow`);
    await expectAccessible(page);
    await page.getByLabel('Reference').fill('NONE-SUCH');
    await page.getByRole('button', { name: 'Find the request' }).click();
    expect(await page.locator('.govuk-error-summary').count()).toBe(1);
    await expectAccessible(page);
    await page.getByLabel('Reference').fill(references.pothole as string);
    await page.getByRole('button', { name: 'Find the request' }).click();
    const main = await page.textContent('main');
    expect(main).toContain('Resolved');
    expect(main).toContain('Filled and sealed today');
    expect(main).not.toContain('Near the bus stop');
    // One date style: "7 December 2026", with the time "at 2:13pm"; never 2026-12-07.
    expect(main).toMatch(/Reported\s*\d{1,2} [A-Z][a-z]+ 20\d\d/);
    expect(main).toMatch(/\d{1,2} [A-Z][a-z]+ 20\d\d at \d{1,2}:\d\d[ap]m/);
    expect(main).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    await expectAccessible(page);
    await page.context().close();
  });

  it('lets staff work the inbox on a phone: due dates, who has each case, sorting, and nothing wider than the screen', async () => {
    const context = await site.browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    const staff = demoAccount((c) => c.roles === 'staff at fellshire-cc');
    await signInThroughForm(page, site.base, staff.email, staff.password);
    const narrow = async () =>
      expect(await page.evaluate('document.documentElement.scrollWidth'), page.url()).toBeLessThanOrEqual(
        375,
      );
    await page.goto(`${site.base}/cases`);
    await expectAccessible(page);
    await narrow();
    const row = page.locator('tr', { hasText: references.pothole as string });
    expect(await row.locator('td[data-label="Due"]').textContent()).toMatch(/\d{1,2} [A-Z][a-z]+ 20\d\d/);
    expect(await row.locator('td[data-label="Assigned to"]').textContent()).toContain('Nobody');
    await page.getByRole('link', { name: 'Sort by due date, soonest first' }).click();
    expect(page.url()).toContain('sort=due');
    await expectAccessible(page);
    await narrow();
    await page.getByRole('link', { name: 'Find a case by its reference' }).click();
    await page.getByLabel('Reference').fill((references.pothole as string).toLowerCase());
    await page.getByRole('button', { name: /Find/ }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Case ${references.pothole}`);
    await expectAccessible(page);
    await narrow();
    await context.close();
  });
});
