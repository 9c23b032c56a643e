// A report joined to another case is not the same problem: a member of the county's staff
// opens it from the case it was joined to, is asked why (and shown what is missing, and what
// an expired form gets), separates it, and the person who follows it sees it handled on its
// own. Axe on every page state, errors included.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPoints } from '../../src/places/index.ts';
import { browserApp, expectAccessible, signInThroughForm } from '../browser.ts';
import { demoAccount } from '../support.ts';

const site = browserApp();
let page: Page;
let first: { id: string; reference: string };
let second: { id: string; reference: string };

beforeAll(async () => {
  const report = (description: string, email: string) =>
    site.t.services.requests.submit(
      {
        service: 'pothole',
        lat: demoPoints.northmoor[1],
        lon: demoPoints.northmoor[0],
        description,
        email,
        attributes: { size: 'large' },
      },
      {},
    );
  first = await report('Deep pothole outside the school', 'first@example.com');
  second = await report('Water pouring out of a broken drain', 'second@example.com');
  const staff = demoAccount((c) => c.roles === 'staff at fellshire-cc');
  page = await site.newPage();
  await signInThroughForm(page, site.base, staff.email, staff.password);
});

const summary = () => page.locator('.govuk-error-summary').textContent();

describe('separating a report wrongly joined to another case in a browser', { timeout: 180_000 }, () => {
  it('asks why, then makes the report a case of its own', async () => {
    await page.goto(`${site.base}/cases/${first.id}`);
    await page.getByRole('link', { name: second.reference }).click();
    expect(await page.locator('main').textContent()).toContain(`case ${first.reference}`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'This is not the same problem' }).click();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Separate the report' }).click();
    expect(await summary()).toContain('Enter why this is not the same problem');
    await expectAccessible(page);

    await page.getByLabel('Why is it not the same problem?').fill('A broken drain, not a pothole');
    await page
      .locator('input[name="_csrf"]')
      .last()
      .evaluate((input) => input.setAttribute('value', 'expired'));
    await page.getByRole('button', { name: 'Separate the report' }).click();
    expect(await summary()).toContain('The form has expired');
    expect(await page.getByLabel('Why is it not the same problem?').inputValue()).toBe(
      'A broken drain, not a pothole',
    );
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Separate the report' }).click();
    await page.waitForURL(new RegExp(`/cases/${second.id}\\?done=separated$`));
    const main = await page.locator('main').textContent();
    expect(main).toContain('Open');
    expect(main).toContain(`Not the same problem as ${first.reference}: A broken drain, not a pothole`);
    expect(main).not.toContain('is joined to it');
    await expectAccessible(page);
  });

  it('shows whoever follows the report that it is handled on its own', async () => {
    const visitor = await site.newPage();
    await visitor.goto(`${site.base}/follow/${second.reference}`);
    const main = await visitor.locator('main').textContent();
    expect(main).toContain(second.reference);
    expect(main).toContain('it is now being handled on its own');
    expect(main).not.toContain('broken drain, not a pothole');
    await expectAccessible(visitor);
    await visitor.context().close();
  });
});
