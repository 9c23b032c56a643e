// A pair that record linkage was unsure of (Margaret and Peggy Oduya, held by the county
// council and by fire and rescue) taken through the review queue in Chromium; axe on every page.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launch, signInThroughForm } from '../browser.ts';
import { demoAccount, type TestContext, testApp } from '../support.ts';

let t: TestContext;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await testApp();
  await t.services.linking.run();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signedIn(roles: string): Promise<Page> {
  const account = demoAccount((c) => c.roles === roles);
  const page = await (await browser.newContext()).newPage();
  await signInThroughForm(page, base, account.email, account.password);
  await page.waitForURL(/\/(staff|account)$/);
  return page;
}

describe('the review queue in a browser', () => {
  it('takes the Oduya pair through review: withheld until a purpose, then side by side, then decided', async () => {
    const page = await signedIn('manager at fellshire-fire');
    await page.goto(`${base}/people/review`);
    await expectAccessible(page);
    const row = page.locator('tr', { hasText: 'Fellshire County Council' });
    expect(await row.count()).toBe(1);
    await row.getByRole('link').click();
    await page.waitForURL(/\/people\/review\/[0-9a-f-]+\/[0-9a-f-]+/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Are these the same person?');
    // the county council's record is withheld until a purpose an agreement covers is given
    expect(await page.textContent('main')).toContain('You may not see it');
    expect(await page.textContent('main')).not.toContain('1941-02-27');
    expect(await page.textContent('main')).toContain('withheld');
    await expectAccessible(page);

    await page.getByLabel('Purpose').selectOption('safeguarding');
    await page.getByRole('button', { name: 'Show the records' }).click();
    const main = await page.textContent('main');
    expect(main).toContain('Margaret Oduya');
    expect(main).toContain('Peggy Oduya');
    expect(main).toContain('same name (nickname)');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Save the decision' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Choose whether these are the same person',
    );
    await expectAccessible(page);

    await page.getByLabel('Yes, the same person').check();
    await page.getByRole('button', { name: 'Save the decision' }).click();
    await page.waitForURL(/\/people\/review\?decided=same/);
    expect(await page.textContent('main')).toContain('Your decision is saved');
    expect(await page.textContent('main')).toContain('There are no pairs waiting for review');
    await expectAccessible(page);
    await page.context().close();

    const report = await t.services.linking.run();
    expect(report.merged).toBe(1);
  });
});
