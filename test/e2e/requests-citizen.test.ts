// The citizen's side of the front door in Chromium: search for the service, find the address
// in the gazetteer, add a photo (and be told when a file is not one), check, send, follow; a
// second report of the same thing is joined to the first. Axe on every page.
import { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserApp, expectAccessible, signInThroughForm } from '../browser.ts';
import { citizen } from '../support.ts';

const PHOTO = new URL('../fixtures/pothole.png', import.meta.url).pathname;
const site = browserApp();
let first = '';

beforeAll(async () => {
  await site.t.services.properties.importProperties(
    Readable.from([
      'uprn,address,town,postcode,latitude,longitude\n' +
        '300000000001,14 Orchard Way,Ashby,AV4 7PL,52.2,-2.35\n' +
        '300000000002,16 Orchard Way,Ashby,AV4 7PL,52.2001,-2.3501\n',
    ]),
  );
});

const continueButton = (page: Page) => page.getByRole('button', { name: 'Continue' });
const errorSummary = (page: Page) => page.locator('.govuk-error-summary').textContent();

async function toDetails(page: Page, address: string) {
  await page.goto(`${site.base}/report`);
  await expectAccessible(page);
  await page.getByLabel('Search for a service').fill('qwxzv');
  await page.getByRole('button', { name: 'Search' }).click();
  expect(await errorSummary(page)).toContain('No service matches those words');
  await expectAccessible(page);
  await page.getByLabel('Search for a service').fill('pothole');
  await page.getByRole('button', { name: 'Search' }).click();
  expect(await page.locator('.govuk-radios__item').count()).toBe(1);
  await expectAccessible(page);
  await page.getByLabel('Report a pothole').check();
  await continueButton(page).click();

  await page.getByRole('button', { name: 'Find the address' }).click(); // nothing typed
  expect(await errorSummary(page)).toContain('Enter a postcode, street or UPRN');
  await expectAccessible(page);
  await page.getByLabel('Find the address').fill('av4 7pl');
  await page.getByRole('button', { name: 'Find the address' }).click();
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Choose the address');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Use this address' }).click(); // none chosen
  expect(await errorSummary(page)).toContain('Choose the address');
  await expectAccessible(page);
  await page.getByLabel(address).check();
  await page.getByRole('button', { name: 'Use this address' }).click();
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Tell us about it');
  await expectAccessible(page);
}

async function checkAndSend(page: Page) {
  await expectAccessible(page); // contact details: optional for a pothole
  await continueButton(page).click();
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
    'Check your answers before sending your request',
  );
  await expectAccessible(page);
  const answers = await page.locator('.govuk-summary-list').textContent();
  await page.getByRole('button', { name: 'Send your request' }).click();
  await expectAccessible(page);
  return answers ?? '';
}

describe("the citizen's journey in a browser", { timeout: 240_000 }, () => {
  it('finds the service and the address, takes a photo, refuses a file that is not one', async () => {
    const page = await site.newPage();
    await toDetails(page, '14 Orchard Way, Ashby, AV4 7PL');
    await page.getByLabel('About the size of a car tyre').check();
    await page.getByLabel('Add photos (optional)').setInputFiles({
      name: 'pothole.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    });
    await continueButton(page).click();
    expect(await errorSummary(page)).toContain('pothole.svg must be a JPG, PNG or WEBP photo');
    await expectAccessible(page);
    await page.getByLabel('Add photos (optional)').setInputFiles(PHOTO);
    await continueButton(page).click();
    await page.goto(`${site.base}/report/details`); // back, to see the photo kept
    expect(await page.getByRole('button', { name: 'Remove pothole.png' }).count()).toBe(1);
    await expectAccessible(page);
    await continueButton(page).click();
    const answers = await checkAndSend(page);
    expect(answers).toContain('14 Orchard Way, Ashby, AV4 7PL');
    expect(answers).toContain('pothole.png');
    const panel = (await page.locator('.govuk-panel').textContent()) ?? '';
    expect(panel).toContain('Request sent');
    first = /[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(panel)?.[0] as string;
    await page.getByRole('link', { name: 'Follow your request' }).click();
    expect(await page.textContent('main')).toContain('Fellshire County Council');
    await expectAccessible(page);
    await page.context().close();
  });

  it('shows a second citizen the open report nearby, and joins theirs to it', async () => {
    const page = await site.newPage();
    const who = citizen();
    await signInThroughForm(page, site.base, who.email, who.password);
    await toDetails(page, '16 Orchard Way, Ashby, AV4 7PL');
    expect(await page.locator('.govuk-inset-text').textContent()).toContain(first);
    await page.getByLabel('Bigger than a car tyre').check();
    await continueButton(page).click();
    await expectAccessible(page);
    await continueButton(page).click();
    expect(await page.locator('.govuk-inset-text').textContent()).toContain(
      `This looks like request ${first}`,
    );
    await page.getByRole('button', { name: 'Send your request' }).click();
    expect(await page.locator('.govuk-panel').textContent()).toContain('Already reported');
    expect(await page.locator('.govuk-panel').textContent()).toContain(first);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Your requests' }).click();
    expect(await page.locator('table').textContent()).toContain(first);
    await expectAccessible(page);
    await page.context().close();
  });
});
