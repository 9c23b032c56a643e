// A manager sets up the county's teams in a browser: finds the page from the staff navigation,
// adds a team after being shown what is wrong, renames it, is refused removing a team with
// open cases, and removes one without; a form sent with an expired token is shown again with
// the error summary. Axe on every page state, errors included.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPoints } from '../../src/places/index.ts';
import { browserApp, expectAccessible, signInThroughForm } from '../browser.ts';
import { demoAccount } from '../support.ts';

const site = browserApp();
let page: Page;

beforeAll(async () => {
  const manager = demoAccount((c) => c.roles === 'manager at fellshire-cc');
  const created = await site.t.services.requests.submit(
    {
      service: 'pothole',
      lat: demoPoints.northmoor[1],
      lon: demoPoints.northmoor[0],
      email: 'someone@example.com',
      attributes: { size: 'large' },
    },
    {},
  );
  const actor = await site.t.services.identity.actorByEmail(manager.email);
  await site.t.services.requests.assign(actor, created.id, { team: 'Highways' });
  page = await site.newPage();
  await signInThroughForm(page, site.base, manager.email, manager.password);
});

const summary = () => page.locator('.govuk-error-summary').textContent();
const row = (name: string) => page.locator('tbody tr', { hasText: name });

describe("a manager setting up the organisation's teams in a browser", { timeout: 180_000 }, () => {
  it('adds a team after being shown what is wrong, keeping the answers', async () => {
    await page.goto(`${site.base}/cases`);
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.waitForURL(/\/staff\/teams\/fellshire-cc$/);
    expect(await row('Highways').textContent()).toContain('1');
    await expectAccessible(page);

    await page.getByLabel('Name').fill('Highways');
    await page.getByLabel('Mailbox (optional)').fill('lights@');
    await page.getByRole('button', { name: 'Add the team' }).click();
    expect(await summary()).toContain('There is already a team called Highways');
    expect(await summary()).toContain('Enter the mailbox as an email address');
    expect(await page.getByLabel('Mailbox (optional)').inputValue()).toBe('lights@');
    await expectAccessible(page);

    // The form's token has expired (as after a long wait in another tab): shown again, nothing added.
    await page.getByLabel('Name').fill('Street lighting');
    await page.getByLabel('Mailbox (optional)').fill('lights@fellshire-cc.example.org');
    await page
      .locator('input[name="_csrf"]')
      .last()
      .evaluate((input) => input.setAttribute('value', 'expired'));
    await page.getByRole('button', { name: 'Add the team' }).click();
    expect(await summary()).toContain('The form has expired');
    expect(await row('Street lighting').count()).toBe(0);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Add the team' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Team added');
    expect(await row('Street lighting').textContent()).toContain('lights@fellshire-cc.example.org');
    await expectAccessible(page);
  });

  it('renames a team, after an error', async () => {
    await row('Street lighting').getByRole('link', { name: 'Change' }).click();
    await expectAccessible(page);
    await page.getByLabel('Name').fill('');
    await page.getByRole('button', { name: 'Save the team' }).click();
    expect(await summary()).toContain('Enter the name of the team');
    await expectAccessible(page);
    await page.getByLabel('Name').fill('Lighting and signs');
    await page.getByRole('button', { name: 'Save the team' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Team changed');
    expect(await row('Lighting and signs').count()).toBe(1);
    await expectAccessible(page);
  });

  it('is refused removing a team with open cases, and removes one without', async () => {
    await row('Highways').getByRole('link', { name: 'Change' }).click();
    await page.getByRole('link', { name: 'Remove Highways' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Remove the team' }).click();
    expect(await summary()).toContain(
      'Highways has 1 open case: assign it to another team before removing it',
    );
    await expectAccessible(page);

    await page.goto(`${site.base}/staff/teams/fellshire-cc`);
    await row('Lighting and signs').getByRole('link', { name: 'Change' }).click();
    await page.getByRole('link', { name: 'Remove Lighting and signs' }).click();
    await page.getByRole('button', { name: 'Remove the team' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Team removed');
    expect(await row('Lighting and signs').count()).toBe(0);
    await expectAccessible(page);
  });
});
