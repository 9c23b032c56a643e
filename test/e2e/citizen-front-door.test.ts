// The front door as a new citizen finds it, in Chromium at a phone's width and a desktop's: from
// the start page into the report journey without an account, the place chosen on the
// server-drawn map (no JavaScript needed) or found by the demo's postcodes. Axe on every page,
// and no page wider than the screen at 375 px.
import { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoGazetteer } from '../../src/places/index.ts';
import { browserApp, expectAccessible } from '../browser.ts';

const site = browserApp();

beforeAll(async () => {
  await site.t.services.properties.importProperties(Readable.from([demoGazetteer()]));
});

/** Axe finds nothing, and at a phone's width nothing makes the page scroll sideways. */
async function expectUsable(page: Page) {
  await expectAccessible(page);
  const width = page.viewportSize()?.width ?? 0;
  if (width <= 375)
    expect(await page.evaluate('document.documentElement.scrollWidth'), page.url()).toBeLessThanOrEqual(
      width,
    );
}

const errorSummary = (page: Page) => page.locator('.govuk-error-summary').textContent();
const heading = async (page: Page) => (await page.getByRole('heading', { level: 1 }).textContent())?.trim();

/** Selects the map where a point is drawn, reading the map's view from its form. */
async function clickMapAt(page: Page, lon: number, lat: number) {
  const { pixelOf } = await import('../../src/requests/intake/journey/map.ts');
  const value = async (name: string) => Number(await page.locator(`input[name="${name}"]`).inputValue());
  const [x, y] = pixelOf(
    { lat: await value('mlat'), lon: await value('mlon'), z: await value('z') },
    lon,
    lat,
  );
  await Promise.all([page.waitForNavigation(), page.locator('#map').click({ position: { x, y } })]);
}

async function chooseService(page: Page, words: string, service: string) {
  await page.getByLabel('Search for a service').fill(words);
  await page.getByRole('button', { name: 'Search' }).click();
  await expectUsable(page);
  await page.getByLabel(service).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  expect(await heading(page)).toBe('Where is it?');
  await expectUsable(page);
}

describe('the front door for a citizen without an account', { timeout: 120_000 }, () => {
  it('goes from the start page to a confirmation, choosing the place on the map, at 375 px', async () => {
    const context = await site.browser.newContext({
      viewport: { width: 375, height: 800 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(site.base);
    await expectUsable(page);
    await page.getByRole('button', { name: 'Start now' }).click();
    expect(page.url()).toBe(`${site.base}/report`);
    await chooseService(page, 'pothole', 'Report a pothole');

    // Outside the place: the error summary, and nothing chosen.
    await page.locator('#map').click({ position: { x: 3, y: 3 } });
    expect(await errorSummary(page)).toContain('outside Fellshire');
    await expectUsable(page);
    // Far out, a click zooms in where it is; close up it chooses the point.
    await clickMapAt(page, -2.2, 52.22);
    expect(await page.locator('input[name="z"]').inputValue()).toBe('2');
    await clickMapAt(page, -2.2, 52.22);
    expect(await page.locator('input[name="z"]').inputValue()).toBe('4');
    await expectUsable(page);
    await page.getByRole('link', { name: 'Zoom in' }).click();
    expect(await page.locator('input[name="z"]').inputValue()).toBe('5');
    await clickMapAt(page, -2.2, 52.22);
    expect(await heading(page)).toBe('Tell us about it');
    await page.getByLabel('About the size of a car tyre').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expectUsable(page);
    await page.getByRole('button', { name: 'Continue' }).click();
    const answers = (await page.locator('.govuk-summary-list').textContent()) ?? '';
    expect(answers).toMatch(/52\.22\d*, -2\.(19|20)\d*/);
    await expectUsable(page);
    await page.getByRole('button', { name: 'Send your request' }).click();
    const panel = (await page.locator('.govuk-panel').textContent()) ?? '';
    expect(panel).toContain('Request sent');
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('Fellshire County Council');
    expect(main).toMatch(/aim to deal with it by \d{1,2} [A-Z][a-z]+ 20\d\d/);
    expect(await page.locator('img.flagstone-map').count()).toBe(1);
    await expectUsable(page);

    // Followed later by the reference typed as people do: lower case, a space for the hyphen.
    const reference = /[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(panel)?.[0] as string;
    await page.goto(`${site.base}/`);
    await page.getByRole('link', { name: 'Follow a request with its reference' }).click();
    await page.getByLabel('Reference').fill(reference.toLowerCase().replace('-', ' '));
    await page.getByRole('button', { name: 'Find the request' }).click();
    expect(await heading(page)).toBe(`Request ${reference}`);
    expect(await page.locator('.govuk-summary-list').textContent()).toMatch(
      /Target date\s+\d{1,2} [A-Z][a-z]+ 20\d\d/,
    );
    await expectUsable(page);
    await context.close();
  });

  it("finds the demo's addresses by postcode, and is offered to go on without signing in", async () => {
    const page = await site.newPage();
    await page.goto(`${site.base}/sign-in`);
    await expectUsable(page);
    await page.getByRole('link', { name: 'continue without signing in' }).click();
    await chooseService(page, 'bins', 'Report a missed bin collection');
    await page.getByRole('link', { name: 'Back' }).click();
    expect(await heading(page)).toContain('What do you want to report or ask for');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Find the address').fill('ZZ9 9ZZ');
    await page.getByRole('button', { name: 'Find the address' }).click();
    expect(await errorSummary(page)).toContain('No address matches');
    await page.getByLabel('Find the address').fill('av24ht');
    await page.getByRole('button', { name: 'Find the address' }).click();
    expect(await heading(page)).toContain('Choose the address');
    expect(await page.locator('.govuk-radios__item').count()).toBeGreaterThan(5);
    expect(await page.locator('.govuk-radios__hint').first().textContent()).toContain(
      'Dealt with by Ashby Vale District Council',
    );
    await expectUsable(page);
    await page.getByLabel('1 Harrow Road, Ashby, AV2 4HT', { exact: true }).check();
    await page.getByRole('button', { name: 'Use this address' }).click();
    expect(await heading(page)).toBe('Tell us about it');
    await page.context().close();
  });
});
