// The person who reported a missed bin answers "has it been fixed?" in a browser, from the link
// in their email: shown what is missing first, then their "no" reopens the case. Axe on every
// page state; the pages reflow at 375 pixels wide.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPoints } from '../../src/places/index.ts';
import type { Actor } from '../../src/platform/index.ts';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();
let page: Page;
let link: string;
let caseId: string;

beforeAll(async () => {
  const { t } = site;
  const [lon, lat] = demoPoints.ashbyVale;
  const made = await t.services.requests.submit({
    service: 'missed-bin',
    lat,
    lon,
    attributes: { bin: 'refuse' },
    email: 'bins@example.com',
  });
  caseId = made.id;
  const staff = (await t.services.identity.actorByEmail('liam.brennan@ashby-vale-dc.example.org')) as Actor;
  await t.services.requests.changeStatus(staff, made.id, { status: 'resolved', reason: 'Emptied' });
  t.clock.wait(29 * 86_400_000);
  await t.services.questionnaires.askDue(site.base);
  const { rows } = await t.services.database.pool.query(
    "SELECT personalisation FROM notification_outbox WHERE template = 'fixed-question'",
  );
  link = rows[0].personalisation.link;
  page = await site.newPage();
});

const fitsNarrowScreen = async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  const width = await page.locator('html').evaluate((html) => html.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 800 });
  return width <= 375;
};

describe('answering "has it been fixed?" in a browser', { timeout: 120_000 }, () => {
  it('is shown what is missing, then a "no" reopens the case', async () => {
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toContain('Has it been fixed?');
    await expectAccessible(page);
    expect(await fitsNarrowScreen()).toBe(true);

    await page.getByLabel('No, it is still a problem').check();
    await page.getByRole('button', { name: 'Send answer' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Tell us what is still wrong');
    await expectAccessible(page);

    await page.getByLabel('How did it go?').fill('The bin was not emptied at all');
    await page.getByRole('button', { name: 'Send answer' }).click();
    expect(await page.locator('.govuk-panel').textContent()).toContain('Thank you for telling us');
    await expectAccessible(page);
    const { rows } = await site.t.services.database.pool.query('SELECT status FROM cases WHERE id = $1', [
      caseId,
    ]);
    expect(rows[0].status).toBe('open');
  });
});
