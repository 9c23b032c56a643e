// Staff of one organisation read another's record under an agreement; the citizen sees that
// access on "Your data"; revoking the agreement makes the next read fail. Axe on every page.
import { describe, expect, it } from 'vitest';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();

describe('governed access in a browser', { timeout: 90_000 }, () => {
  let recordUrl: string;

  it('lets fire and rescue staff find a council record for safeguarding, after saying why', async () => {
    const page = await site.signedIn((c) => c.roles === 'manager at fellshire-fire');
    await page.getByRole('link', { name: 'People', exact: true }).click();
    await expectAccessible(page);
    await page.getByLabel('Name').fill('khan');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('table').textContent()).not.toContain('Castlebridge Council');
    await page.getByLabel('Purpose').selectOption('safeguarding');
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator('tr', { hasText: 'Castlebridge Council' });
    await expectAccessible(page);
    recordUrl = (await row.getByRole('link').getAttribute('href'))?.split('?')[0] ?? '';

    await page.goto(`${site.base}${recordUrl}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Why do you need this record?');
    await expectAccessible(page);
    await page.getByLabel('Safeguarding').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Amina Khan');
    expect(await page.locator('.govuk-summary-list').textContent()).toContain('12 Tanner Row');
    await expectAccessible(page);
    await page.context().close();
  });

  it('shows the citizen who looked, when and why, on an accessible "Your data" page', async () => {
    const page = await site.signedIn((c) => c.email === 'amina.khan@example.com');
    await page.getByRole('link', { name: 'Your data' }).click();
    const log = page.locator('table');
    await log.waitFor();
    const fire = log
      .locator('tr', { hasText: 'Fellshire and Castlebridge Fire and Rescue Service' })
      .filter({ hasText: 'Safeguarding' });
    expect(await fire.count()).toBeGreaterThan(0);
    expect(await fire.first().textContent()).toContain('Fellshire and Castlebridge safeguarding adults');
    await expectAccessible(page);
    const download = await page.request.get(`${site.base}/your-data/download`);
    expect(download.headers()['content-disposition']).toContain('attachment');
    const data = await download.json();
    expect(data.records.length).toBeGreaterThan(0);

    // Asking for a correction says it was sent.
    await page
      .getByRole('link', { name: /^Ask .* to correct this record$/ })
      .first()
      .click();
    await page
      .getByLabel('What is wrong, and what should it say?')
      .fill('My surname is spelt Khan, not Kahn');
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
      'Your correction request has been sent',
    );
    await expectAccessible(page);
    await page.context().close();
  });

  it('revokes the agreement on an accessible page, and the next read is refused', async () => {
    const officer = await site.signedIn((c) => c.roles === 'ig_officer at castlebridge-council');
    await officer.getByRole('link', { name: 'Information governance' }).click();
    await expectAccessible(officer);
    await officer.getByRole('link', { name: 'Data-sharing agreements' }).click();
    await expectAccessible(officer);
    await officer.getByRole('link', { name: 'Fellshire and Castlebridge safeguarding adults' }).click();
    await expectAccessible(officer);
    await officer.getByRole('button', { name: 'Revoke the agreement' }).click();
    expect(await officer.locator('.govuk-error-summary').textContent()).toContain('Enter the reason');
    await expectAccessible(officer);
    await officer.getByLabel('Reason for revoking').fill('Replaced by the new county-wide agreement');
    await officer.getByRole('button', { name: 'Revoke the agreement' }).click();
    expect(await officer.locator('main .govuk-tag').first().textContent()).toContain('revoked');
    await officer.context().close();

    const fire = await site.signedIn((c) => c.roles === 'manager at fellshire-fire');
    const response = await fire.goto(`${site.base}${recordUrl}?purpose=safeguarding`);
    expect(response?.status()).toBe(403);
    expect(await fire.textContent('main')).toContain('No data-sharing agreement in force');
    await expectAccessible(fire);
    await fire.context().close();
  });

  it('keeps the governance pages and forms accessible, errors included', async () => {
    const officer = await site.signedIn((c) => c.roles === 'ig_officer at northmoor-dc');
    for (const path of ['/governance/break-glass', '/governance/unusual-access', '/governance/policies']) {
      await officer.goto(`${site.base}${path}`);
      await expectAccessible(officer);
    }
    await officer.goto(`${site.base}/governance/agreements/new`);
    await officer.getByLabel('Title').fill('Northmoor and NHS');
    const date = async (legend: string, day: string, month: string, year: string) => {
      const group = officer.getByRole('group', { name: legend });
      await group.getByLabel('Day').fill(day);
      await group.getByLabel('Month').fill(month);
      await group.getByLabel('Year').fill(year);
    };
    await date('Starts on', '1', '1', '2027');
    await date('Ends on', '1', '1', '2026');
    await officer.getByRole('button', { name: 'Save the draft' }).click();
    const summary = await officer.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('Choose at least two different organisations');
    expect(summary).toContain('Choose at least one dataset');
    expect(summary).toContain('The end date must be the same as or after the start date');
    expect(await officer.locator('.govuk-error-summary a[href="#endsOn-day"]').count()).toBe(1);
    expect(await officer.getByRole('group', { name: 'Starts on' }).getByLabel('Year').inputValue()).toBe(
      '2027',
    );
    await expectAccessible(officer);
    await date('Starts on', '31', '2', '2027');
    await officer.getByRole('button', { name: 'Save the draft' }).click();
    expect(await officer.locator('.govuk-error-summary').textContent()).toContain('Enter a real start date');

    // A sound draft: its page shows every answer, the dates in words.
    await officer.getByLabel('Northmoor District Council').check();
    await officer.getByLabel('Fellshire County Council').check();
    await officer.getByLabel('Service delivery').check();
    await officer.getByLabel('Cases: service requests, their notes and referrals').check();
    await officer.getByLabel('Lawful basis (UK GDPR Article 6)').selectOption('public_task');
    await date('Starts on', '1', '1', '2027');
    await date('Ends on', '31', '12', '2027');
    await officer.getByRole('button', { name: 'Save the draft' }).click();
    expect(await officer.getByRole('heading', { level: 1 }).textContent()).toBe('Northmoor and NHS');
    const rows = officer.locator('.govuk-summary-list__row');
    expect(await rows.count()).toBe(6);
    const shown = (await officer.locator('.govuk-summary-list').textContent())?.replace(/\s+/g, ' ');
    expect(shown).toContain('Purposes Service delivery');
    expect(shown).toContain('Datasets Cases: service requests, their notes and referrals');
    expect(shown).toContain('Lawful basis (Article 6) Public task (6(1)(e))');
    expect(shown).toContain('Highest marking shared OFFICIAL');
    expect(shown).toContain('In force 1 January 2027 to 31 December 2027');
    await expectAccessible(officer);
    await officer.goto(`${site.base}/records/new`);
    await officer.getByRole('button', { name: 'Save the record' }).click();
    expect(await officer.locator('.govuk-error-summary').textContent()).toContain('Enter the given names');
    await expectAccessible(officer);
    await officer.context().close();
  });
});
