// Outcomes in a browser: a member of staff takes a request by phone for a caller (shown what is
// wrong first), a citizen reports online, and the channel-shift KPI moves as expected on the
// outcomes pages, whose charts are drawn on the server with their data as a table. Axe on every
// page state; the pages reflow at 375 px.
import { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserApp, expectAccessible, signInThroughForm } from '../browser.ts';
import { demoAccount } from '../support.ts';

const site = browserApp();
const STAFF = 'grace.okafor@fellshire-cc.example.org';
let staff: Page;

beforeAll(async () => {
  await site.t.services.properties.importProperties(
    Readable.from([
      'uprn,address,town,postcode,latitude,longitude\n' +
        '300000000011,2 Station Road,Ashby,AV4 1AA,52.21,-2.3\n' +
        '300000000012,40 Market Street,Ashby,AV4 2BB,52.23,-2.25\n',
    ]),
  );
  staff = await site.newPage();
  await signInThroughForm(staff, site.base, STAFF, demoAccount((c) => c.email === STAFF).password);
});

const errorSummary = (page: Page) => page.locator('.govuk-error-summary').textContent();
const fitsIn375 = async (page: Page) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const width = await page.locator('html').evaluate((html) => html.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 800 });
  return width <= 375;
};

/** The place's channel-shift value this month, as the KPI page's table shows it. */
async function channelShiftThisMonth(page: Page) {
  await site.t.services.outcomes.kpis.recompute(); // what the hourly job does
  await page.goto(`${site.base}/outcomes/kpis/channel-shift`);
  return page.locator('table').first().locator('tbody tr').last().locator('td').first().textContent();
}

describe('outcomes in a browser', { timeout: 240_000 }, () => {
  it('lets staff take a request by phone for a caller, after showing what is wrong', async () => {
    await staff.goto(`${site.base}/cases`);
    await staff.getByRole('link', { name: 'Take a request' }).click();
    await expectAccessible(staff);
    await staff.getByRole('button', { name: 'Continue' }).click();
    expect(await errorSummary(staff)).toContain('Choose how the caller got in touch');
    await expectAccessible(staff);
    await staff.getByLabel('By phone').check();
    await staff.getByLabel('What is it about?').selectOption('pothole');
    await staff.getByRole('button', { name: 'Continue' }).click();
    await expectAccessible(staff);
    await staff.getByLabel('Address', { exact: true }).fill('2 Station Road');
    await staff.getByLabel('Name (optional)').fill('Pat Caller');
    await staff.getByLabel('Phone number (optional)').fill('01632 960 555');
    await staff.getByRole('button', { name: 'Send the request' }).click();
    expect(await errorSummary(staff)).toContain('How big is the pothole?');
    expect(await staff.getByLabel('Name (optional)').inputValue()).toBe('Pat Caller');
    await expectAccessible(staff);
    await staff.getByLabel('Bigger than a car tyre').check();
    await staff.getByRole('button', { name: 'Send the request' }).click();
    const panel = (await staff.locator('.govuk-panel').textContent()) ?? '';
    expect(panel).toContain('Request taken');
    expect(await staff.textContent('main')).toContain('Fellshire County Council');
    await expectAccessible(staff);
    expect(await fitsIn375(staff)).toBe(true);
    expect(await channelShiftThisMonth(staff)).toContain('0%');
  });

  it('counts a citizen reporting online, and the channel-shift KPI moves', async () => {
    const citizen = await site.newPage();
    await citizen.goto(`${site.base}/report`);
    await citizen.getByLabel('Report a pothole').check();
    await citizen.getByRole('button', { name: 'Continue' }).click();
    await citizen.getByLabel('Find the address').fill('40 Market Street');
    await citizen.getByRole('button', { name: 'Find the address' }).click();
    await citizen.getByLabel('40 Market Street, Ashby, AV4 2BB').check();
    await citizen.getByRole('button', { name: 'Use this address' }).click();
    await citizen.getByLabel('Smaller than a dinner plate').check();
    await citizen.getByRole('button', { name: 'Continue' }).click();
    await citizen.getByRole('button', { name: 'Continue' }).click();
    await citizen.getByRole('button', { name: 'Send your request' }).click();
    expect(await citizen.locator('.govuk-panel').textContent()).toContain('Request sent');
    await citizen.context().close();
    expect(await channelShiftThisMonth(staff)).toContain('50%');
  });

  it('shows leaders every KPI with a server-drawn chart and its data, for the place and an organisation', async () => {
    await staff.getByRole('link', { name: 'Outcomes' }).first().click();
    await staff.waitForURL(/\/outcomes$/);
    expect(await staff.locator('main h2').count()).toBe(9);
    expect(await staff.locator('main figure svg').count()).toBeGreaterThanOrEqual(5);
    expect(await staff.textContent('main')).toContain('Requests made online or through apps');
    expect(await staff.textContent('main')).toContain('People who say their problem was fixed');
    await expectAccessible(staff);
    expect(await fitsIn375(staff)).toBe(true);
    // The satisfaction KPI's own page, with no answers yet, says so accessibly.
    await staff.getByRole('link', { name: 'People who say their problem was fixed' }).click();
    expect(await staff.getByRole('heading', { level: 1 }).textContent()).toContain(
      'People who say their problem was fixed',
    );
    await expectAccessible(staff);
    expect(await fitsIn375(staff)).toBe(true);
    await staff.goBack();
    await staff.getByLabel('Show the figures of').selectOption('fellshire-cc');
    await staff.getByRole('button', { name: 'Show' }).click();
    expect(await staff.locator('.govuk-caption-l').textContent()).toContain('Fellshire County Council');
    await expectAccessible(staff);
    await staff.getByRole('link', { name: 'Requests made online or through apps' }).click();
    expect(await staff.locator('table').first().textContent()).toContain('50%');
    expect(await staff.textContent('main')).toContain('too few to be precise');
    await expectAccessible(staff);
    expect(await fitsIn375(staff)).toBe(true);
  });
});

describe('the savings ledger in a browser', { timeout: 240_000 }, () => {
  const COUNTY = 'daniel.whitfield@fellshire-cc.example.org';
  const DISTRICT = 'aisha.begum@ashby-vale-dc.example.org';

  it('lets a partner record a saving after being shown what is wrong, and another verify it', async () => {
    const county = await site.newPage();
    await signInThroughForm(county, site.base, COUNTY, demoAccount((c) => c.email === COUNTY).password);
    await county.goto(`${site.base}/outcomes/savings`);
    await expectAccessible(county);
    await county.getByRole('button', { name: 'Record a saving' }).click();
    await expectAccessible(county);
    await county.getByLabel('What was saved').fill('One contact centre');
    await county.getByLabel('How it was saved').fill('The district’s calls answered by the county');
    await county.getByLabel('Evidence').fill('Finance report FR-2026-14');
    await county.getByLabel('Amount in pounds').fill('-1000');
    await county.getByLabel('Recurring every year').check();
    await county.getByLabel('Cashable', { exact: true }).check();
    await county.getByLabel('Organisation 1', { exact: true }).selectOption('fellshire-cc');
    await county.getByLabel('Share of organisation 1').fill('60');
    await county.getByLabel('Organisation 2 (optional)').selectOption('ashby-vale-dc');
    await county.getByLabel('Share of organisation 2').fill('30');
    await county.getByRole('button', { name: 'Record the saving' }).click();
    expect(await errorSummary(county)).toContain('A recurring saving cannot be negative');
    await expectAccessible(county);
    await county.getByLabel('Amount in pounds').fill('120000');
    await county.getByRole('button', { name: 'Record the saving' }).click();
    expect(await errorSummary(county)).toContain('The shares must add up to 100%');
    await county.getByLabel('Share of organisation 2').fill('40');
    await county.getByLabel('Realised').check();
    await county.getByRole('button', { name: 'Record the saving' }).click();
    expect(await county.getByRole('heading', { level: 1 }).textContent()).toBe('One contact centre');
    expect(await county.getByRole('button', { name: 'Verify the saving' }).count()).toBe(0);
    await expectAccessible(county);
    const url = county.url();
    await county.context().close();

    const district = await site.newPage();
    await signInThroughForm(district, site.base, DISTRICT, demoAccount((c) => c.email === DISTRICT).password);
    await district.goto(url);
    await district.getByRole('button', { name: 'Verify the saving' }).click();
    expect(await district.locator('main .govuk-tag').first().textContent()).toContain('Verified');
    await expectAccessible(district);
    await district.getByRole('link', { name: 'All savings' }).click();
    const totals = (await district.locator('table').first().textContent()) ?? '';
    expect(totals).toContain('£72,000');
    expect(totals).toContain('£48,000');
    expect(await district.textContent('main')).toContain(
      'These are averages, to be replaced by the place’s own costs',
    );
    await expectAccessible(district);
    expect(await fitsIn375(district)).toBe(true);
  });
});
