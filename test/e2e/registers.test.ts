// A pair that record linkage was unsure of (Margaret and Peggy Oduya, held by the county
// council and by fire and rescue) taken through the review queue in Chromium, and a golden
// person's page (Amina Khan) with a record split out and merged back, and the address search
// page; axe on every page.
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();

beforeAll(async () => {
  await site.t.services.linking.run();
});

const signedIn = (roles: string) => site.signedIn((c) => c.roles === roles);

describe('the review queue in a browser', () => {
  it('takes the Oduya pair through review: withheld until a purpose, then side by side, then decided', async () => {
    const page = await signedIn('manager at fellshire-fire');
    await page.goto(`${site.base}/people/review`);
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

    const report = await site.t.services.linking.run();
    expect(report.merged).toBe(1);
  }, 120_000);
});

describe('a golden person’s page in a browser', () => {
  it('shows Amina Khan’s records and links, splits the NHS record out with a reason, and merges it back', async () => {
    const page = await signedIn('manager at fellshire-nhs');
    await page.goto(`${site.base}/records?name=Khan`);
    await page.getByRole('link', { name: 'Amina Khan' }).click();
    await page.getByRole('link', { name: 'This person’s records in every organisation' }).click();
    await page.waitForURL(/\/people\/[0-9a-f-]{36}$/);
    const person = page.url().split('/').at(-1) as string;
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Amina Khan');
    let main = await page.textContent('main');
    expect(main).toContain('2 more records of this person are held by other organisations');
    expect(main).toContain('Community Health NHS Trust, reference PT-778120');
    expect(main).not.toContain('ASC-10442');
    expect(main).toContain('Linked automatically');
    await expectAccessible(page);

    await page.getByLabel('Purpose').selectOption('direct_care');
    await page.getByRole('button', { name: 'Show the records' }).click();
    main = await page.textContent('main');
    expect(main).toContain('Records (3 shown)');
    expect(main).toContain('reference ASC-10442');
    expect(main).not.toContain('more records of this person');
    await expectAccessible(page);

    await page.getByRole('link', { name: /^Split out this record .*PT-778120/ }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Split this record out of Amina Khan?',
    );
    await page.getByRole('button', { name: 'Split it out' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Say why: it is kept with the decision',
    );
    await expectAccessible(page);
    await page
      .getByLabel('Why is this record someone else?')
      .fill('Registered with the GP under another date of birth');
    await page.getByRole('button', { name: 'Split it out' }).click();
    await page.waitForURL(/done=split/);
    main = await page.textContent('main');
    expect(main).toContain('The record is split out');
    expect(main).toContain('Made from a record split out of another person');
    expect(main).toContain('Registered with the GP under another date of birth');
    expect(main).toContain('Decided different people by Rajesh Patel');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Merge another person into this one' }).click();
    await page.getByRole('button', { name: 'Merge them' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'There is no person with that person number',
    );
    await expectAccessible(page);
    await page.getByLabel('Person number of the other person').fill(person);
    await page
      .getByLabel('Why are they the same person?')
      .fill('The GP confirmed the date of birth was a typing error');
    await page.getByRole('button', { name: 'Merge them' }).click();
    await page.waitForURL(/done=merged/);
    main = await page.textContent('main');
    expect(main).toContain('The two people are merged');
    expect(main).toContain('Records (3 shown)');
    expect(main).toContain('Confirmed the same person by Rajesh Patel');
    await expectAccessible(page);

    // the old page now leads to the person it was merged into
    await page.goto(`${site.base}/people/${person}`);
    expect(page.url()).not.toContain(person);
    await page.context().close();
  }, 120_000);
});

describe('the address search page in a browser', () => {
  it('finds a property by postcode or words of the address, with its UPRN and who serves it', async () => {
    await site.t.services.properties.importProperties(
      Readable.from([
        'uprn,address,town,postcode,latitude,longitude\n',
        '200000001,3 Chapel Close,Northmoor,NM1 4RT,52.43,-2.2\n',
        '200000002,5 Chapel Close,Northmoor,NM1 4RT,52.43,-2.2\n',
        '200000003,12 Tanner Row,Castlebridge,CB4 7QD,52.3,-1.68\n',
      ]),
    );
    const page = await site.newPage();
    await page.goto(`${site.base}/properties`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Find a property');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter a postcode or part of an address',
    );
    await expectAccessible(page);

    await page.getByLabel('Postcode or address').fill('nm14rt');
    await page.getByRole('button', { name: 'Search' }).click();
    let main = await page.textContent('main');
    expect(main).toContain('2 properties found');
    expect(main).toContain('200000001');
    expect(main).toContain('Northmoor District Council: District council services');
    expect(main).toContain('Fellshire County Council: County council services');
    expect(main).toContain('Fire and rescue');
    await expectAccessible(page);

    await page.getByLabel('Postcode or address').fill('tanner row');
    await page.getByRole('button', { name: 'Search' }).click();
    main = await page.textContent('main');
    expect(main).toContain('1 property found');
    expect(main).toContain('200000003');
    expect(main).toContain('Castlebridge Council: County council services, District council services');
    await expectAccessible(page);
    await page.context().close();
  }, 120_000);
});
