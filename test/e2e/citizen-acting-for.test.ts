// A carer reports for the person they act for, in Chromium: the request is recorded as hers
// with the carer named in the ledger, the carer follows it in her list, and she sees it in hers.
import { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoGazetteer } from '../../src/places/index.ts';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();
const AMINA = 'amina.khan@example.com';
const TOM = 'tom.price@example.com';

beforeAll(async () => {
  await site.t.services.properties.importProperties(Readable.from([demoGazetteer()]));
  const amina = await site.t.services.identity.actorByEmail(AMINA);
  const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await site.t.services.identity.delegations.grant(amina, {
    to: 'person',
    email: TOM,
    services: ['requests'],
    endsOn: until,
  });
});

async function expectUsable(page: Page) {
  await expectAccessible(page);
  expect(await page.evaluate('document.documentElement.scrollWidth'), page.url()).toBeLessThanOrEqual(375);
}

describe('acting for someone in the report journey', { timeout: 120_000 }, () => {
  it('reports for the person acted for, recorded as theirs with the carer named; staff find it by reference', async () => {
    const carer = await site.signedIn((c) => c.email === TOM);
    await carer.setViewportSize({ width: 375, height: 800 });
    await carer.goto(`${site.base}/your-requests`);
    expect(await carer.textContent('main')).toContain('You have not made any requests');
    await carer.goto(`${site.base}/acting-for`);
    await carer.getByRole('button', { name: 'Act for Amina Khan' }).click();
    await carer.getByText('You are acting for Amina Khan').waitFor();
    expect(await carer.textContent('main')).toContain(
      'Report problems, ask for services and follow requests for them',
    );

    await carer.goto(`${site.base}/report?q=street+lights`);
    await carer.getByLabel('Report a street light fault').check();
    await carer.getByRole('button', { name: 'Continue' }).click();
    await carer.getByLabel('Find the address').fill('NM1 4RT');
    await carer.getByRole('button', { name: 'Find the address' }).click();
    await carer.getByLabel('3 Chapel Close, Northmoor, NM1 4RT', { exact: true }).check();
    await carer.getByRole('button', { name: 'Use this address' }).click();
    await carer.getByLabel('It is not working').check();
    await carer.getByRole('button', { name: 'Continue' }).click();
    await carer.getByRole('button', { name: 'Continue' }).click();
    await carer.getByRole('button', { name: 'Send your request' }).click();
    const reference = /[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(
      (await carer.locator('.govuk-panel').textContent()) ?? '',
    )?.[0];
    expect(reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/); // the confirmation panel shows it

    await carer.goto(`${site.base}/your-requests`);
    expect(await carer.getByRole('heading', { level: 1 }).textContent()).toBe('Amina Khan’s requests');
    expect(await carer.locator('table').textContent()).toContain(reference);
    await expectUsable(carer);

    const { rows } = await site.t.services.database.pool.query(
      `SELECT actor_account_id, subject_account_id, body FROM audit_ledger WHERE action = 'case.create' ORDER BY seq DESC LIMIT 1`,
    );
    const amina = await site.t.services.identity.actorByEmail(AMINA);
    const tom = await site.t.services.identity.actorByEmail(TOM);
    expect(rows[0]).toMatchObject({ actor_account_id: tom?.accountId, subject_account_id: amina?.accountId });
    expect(rows[0].body).toContain(amina?.accountId);

    const herself = await site.signedIn((c) => c.email === AMINA);
    await herself.goto(`${site.base}/your-requests`);
    expect(await herself.locator('table').textContent()).toContain(reference);

    // Staff of the county find it by its reference, typed however, and see the answers and the map.
    const staff = await site.signedIn((c) => c.kind === 'staff' && c.roles.includes('at fellshire-cc'));
    await staff.goto(`${site.base}/cases`);
    await staff.getByRole('link', { name: 'Find a case by its reference' }).click();
    await staff.getByLabel('Reference').fill('zzzz 0000');
    await staff.getByRole('button', { name: 'Find the case' }).click();
    expect(await staff.locator('.govuk-error-summary').textContent()).toContain(
      'There is no case with that reference',
    );
    await expectAccessible(staff);
    await staff.getByLabel('Reference').fill(String(reference).toLowerCase().replace('-', ''));
    await staff.getByRole('button', { name: 'Find the case' }).click();
    expect(await staff.getByRole('heading', { level: 1 }).textContent()).toBe(`Case ${reference}`);
    const main = (await staff.textContent('main')) ?? '';
    expect(main).toContain('What is wrong with the light?');
    expect(main).toContain('It is not working');
    expect(await staff.locator('img.flagstone-map').count()).toBe(1);
    await expectAccessible(staff);
    await carer.context().close();
    await herself.context().close();
    await staff.context().close();
  });
});
