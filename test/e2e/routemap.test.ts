// Planning the route in a browser: two organisations assess themselves through the task list
// (the fire service with links, a file and an action plan; a district council without), the
// place's benchmark shows both with the platform's own evidence beside their scores, and the
// overdue action's owner is reminded through the outbox. Axe on every page; the benchmark reflows
// at 375 pixels wide.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();
const summary = (page: Page) => page.locator('.govuk-error-summary').textContent();
const banner = (page: Page) => page.locator('.govuk-notification-banner').textContent();

/** Scores every item of the task list at the levels given in turn, checking the first item's page. */
async function assess(page: Page, levels: number[], evidence: boolean) {
  const links = page.locator('.govuk-task-list__link');
  const count = await links.count();
  expect(count).toBe(15);
  for (let i = 0; i < count; i++) {
    await links.nth(i).click();
    if (i === 0) {
      await expectAccessible(page);
      await page.getByLabel('Why this level?').fill('We have a plan');
      await page.getByRole('button', { name: 'Save the score' }).click();
      expect(await summary(page)).toContain('Choose a level from 1 to 5');
      expect(await page.getByLabel('Why this level?').inputValue()).toBe('We have a plan');
      await expectAccessible(page);
    }
    if (i === 0 && evidence) {
      await page.getByLabel('Add a file').setInputFiles({
        name: 'partnership-board.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
      });
      await page.getByRole('button', { name: 'Add the file' }).click();
      expect(await banner(page)).toContain('File added as evidence');
      expect(await page.getByRole('link', { name: 'partnership-board.pdf' }).count()).toBe(1);
      await expectAccessible(page);
      await page.getByLabel('Links to evidence (optional)').fill('https://fellshire-fire.example.org/plan');
    }
    const level = levels[i % levels.length] as number;
    await page.getByRole('radio', { name: new RegExp(`^Level ${level}:`) }).check();
    await page.getByLabel('Why this level?').fill(`Where we are, item ${i + 1}`);
    await page.getByRole('button', { name: 'Save the score' }).click();
    await page.waitForURL(/\?done=saved$/);
  }
  await page.getByRole('button', { name: 'Check and submit' }).click();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Submit the assessment' }).click();
  expect(await banner(page)).toContain('Assessment submitted');
  await expectAccessible(page);
}

describe('planning the route in a browser', { timeout: 300_000 }, () => {
  it('the fire service assesses itself with evidence and plans an action', async () => {
    const page = await site.signedIn((c) => c.roles === 'manager at fellshire-fire');
    await page.getByRole('link', { name: 'Routemap' }).click();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Fellshire and Castlebridge Fire and Rescue Service' }).click();
    expect(await page.locator('.govuk-task-list__status', { hasText: 'Not scored' }).count()).toBe(15);
    await expectAccessible(page);
    await assess(page, [2, 3, 2, 4], true);

    await page.getByRole('link', { name: 'Action plan' }).click();
    await expectAccessible(page);
    const today = site.t.clock.now();
    await page.getByLabel('Item of the framework').selectOption({ label: 'Professionalism' });
    await page.getByLabel('What will be done').fill('Every firefighter signs in with a second factor');
    await page.getByLabel('Owner’s name').fill('Sam Hughes');
    await page.getByLabel('Owner’s email address').fill('sam.hughes@fellshire-fire.example.org');
    await page.getByLabel('Day').fill('1');
    await page.getByLabel('Month').fill('1');
    await page.getByLabel('Year').fill(String(today.getUTCFullYear() - 1));
    await page.getByLabel('Fellshire Constabulary').check();
    await page.getByRole('button', { name: 'Add the action' }).click();
    expect(await summary(page)).toContain('The due date must be today or in the future');
    expect(await page.getByLabel('Fellshire Constabulary').isChecked()).toBe(true);
    await expectAccessible(page);
    await page.getByLabel('Day').fill(String(today.getUTCDate()));
    await page.getByLabel('Month').fill(String(today.getUTCMonth() + 1));
    await page.getByLabel('Year').fill(String(today.getUTCFullYear()));
    await page.getByRole('button', { name: 'Add the action' }).click();
    expect(await banner(page)).toContain('Action added');
    await expectAccessible(page);
  });

  it('a district council assesses itself too', async () => {
    const page = await site.signedIn((c) => c.roles === 'manager at ashby-vale-dc');
    await page.goto(`${site.base}/routemap/ashby-vale-dc`);
    await assess(page, [1, 2, 3], false);
    await page.getByRole('link', { name: 'Compare with the place’s median' }).click();
    expect(await page.locator('svg[role="img"]').count()).toBe(3);
    await expectAccessible(page);
  });

  it('the place’s benchmark shows both, with the platform’s evidence beside their scores', async () => {
    const page = await site.signedIn((c) => c.roles === 'staff at castlebridge-council');
    await page.goto(`${site.base}/routemap/benchmark`);
    const heatMap = page.locator('table.flagstone-heat-map');
    for (const name of ['Ashby Vale District Council', 'Fellshire and Castlebridge Fire and Rescue Service'])
      expect(await heatMap.locator('th', { hasText: name }).count()).toBe(1);
    const leadership = heatMap.locator('tr', { hasText: 'Leadership' });
    expect(await leadership.locator('td').allTextContents()).toEqual(['1', '4', '2.5', '1 to 4']);
    const evidence = page.getByRole('region', { name: 'Evidence from the platform' });
    expect(await evidence.locator('thead th').nth(5).textContent()).toContain('Active sharing agreements');
    const agreements = (name: string) =>
      evidence.locator('tbody tr', { hasText: name }).locator('td').nth(4).textContent();
    expect(await agreements('Fire and Rescue')).toBe('1');
    expect(await agreements('Ashby Vale')).toBe('0');
    expect(await page.locator('svg[role="img"]').count()).toBe(3);
    await expectAccessible(page);
    await page.setViewportSize({ width: 375, height: 800 });
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(375);
    await expectAccessible(page);
  });

  it('reminds the owner of the overdue action through the outbox', async () => {
    // The jobs are not running in tests: the job's work is done as it would be tomorrow.
    const tomorrow = new Date(site.t.clock.now().getTime() + 86_400_000);
    expect(await site.t.services.routemap.actions.remindOverdue()).toBe(0);
    expect(await site.t.services.routemap.actions.remindOverdue(tomorrow)).toBe(1);
    expect(await site.t.services.routemap.actions.remindOverdue(tomorrow)).toBe(0);
    const page = await site.signedIn((c) => c.roles === 'admin at fellshire-cc');
    await page.getByRole('link', { name: 'Emails and texts' }).click();
    const row = page.locator('tr', { hasText: 'sam.hughes@fellshire-fire.example.org' });
    expect(await row.textContent()).toContain('The routemap action');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Routemap' }).click();
    await page.getByRole('link', { name: 'Manage the framework and other places’ benchmarks' }).click();
    await page.getByRole('button', { name: 'Import the benchmark' }).click();
    expect(await summary(page)).toContain('Choose a file');
    await expectAccessible(page);
  });
});
