// The interactive map, as a citizen with JavaScript finds it where tiles are configured: tiles
// from the configured source (a tiny tile server on localhost here), a pin placed by a click or
// "use my location", open reports nearby, and the same fields posted as the form without it. If
// the tiles fail, the server-drawn map is back. Axe on every page; nothing wider than 375 px.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGazetteer } from '../../src/places/index.ts';
import { browserApp, expectAccessible } from '../browser.ts';

const tilePng = readFileSync(new URL('../fixtures/pothole.png', import.meta.url));
const tiles = { server: null as Server | null, port: 0, served: 0, failing: false };

beforeAll(async () => {
  tiles.server = createServer((request, response) => {
    if (tiles.failing || !/^\/\d+\/\d+\/\d+\.png$/.test(request.url ?? '')) {
      response.writeHead(503).end();
      return;
    }
    tiles.served += 1;
    response.writeHead(200, { 'content-type': 'image/png' }).end(tilePng);
  });
  await new Promise<void>((resolve) => tiles.server?.listen(0, '127.0.0.1', resolve));
  tiles.port = (tiles.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => tiles.server?.close(() => resolve())));

const site = browserApp({
  env: () => ({
    FLAGSTONE_MAP_TILES: `http://127.0.0.1:${tiles.port}/{z}/{x}/{y}.png`,
    FLAGSTONE_MAP_ATTRIBUTION: 'Test tiles',
  }),
});

beforeAll(async () => {
  await site.t.services.properties.importProperties(Readable.from([demoGazetteer()]));
});

/** A point in the county, where potholes are the county's. */
const here = { latitude: 52.22, longitude: -2.2 };

async function expectUsable(page: Page) {
  await expectAccessible(page);
  const width = page.viewportSize()?.width ?? 0;
  if (width <= 375)
    expect(await page.evaluate('document.documentElement.scrollWidth'), page.url()).toBeLessThanOrEqual(
      width,
    );
}

const heading = async (page: Page) => (await page.getByRole('heading', { level: 1 }).textContent())?.trim();

async function phone() {
  const context = await site.browser.newContext({
    viewport: { width: 375, height: 800 },
    geolocation: here,
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/** From the start page to "where is it?" for a pothole. */
async function toWhere(page: Page) {
  await page.goto(site.base);
  await page.getByRole('button', { name: 'Start now' }).click();
  await page.getByLabel('Search for a service').fill('pothole');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByLabel('Report a pothole').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  expect(await heading(page)).toBe('Where is it?');
}

describe('the interactive map, with JavaScript and tiles', { timeout: 120_000 }, () => {
  it('takes a citizen without an account to a confirmation, the point chosen on the tiled map', async () => {
    const page = await phone();
    const answer = page.waitForResponse((r) => r.url().endsWith('/report/where'));
    await toWhere(page);
    // Tiles may come from the configured origin, as images only.
    const policy = (await (await answer).headerValue('content-security-policy')) ?? '';
    expect(policy).toContain(`img-src 'self' data: http://127.0.0.1:${tiles.port}`);
    expect(policy).not.toMatch(new RegExp(`(script|connect|default)-src[^;]*127\\.0\\.0\\.1:${tiles.port}`));

    await page.locator('.leaflet-tile-loaded').first().waitFor();
    expect(tiles.served).toBeGreaterThan(0);
    expect(await page.locator('#map').isVisible()).toBe(false); // the server map gives way
    expect(await page.locator('.leaflet-control-attribution').textContent()).toContain('Test tiles');
    await expectUsable(page);

    // A click sets the pin; "use my location" moves it to where the phone is.
    await page.locator('[data-flagstone-map-canvas]').click({ position: { x: 150, y: 150 } });
    await expect.poll(() => page.locator('.leaflet-marker-icon').count()).toBe(1);
    // By keyboard alone: the arrow keys move the map, a button puts the pin in its middle.
    const lonField = page.locator('[data-flagstone-map] input[name="lon"]');
    const clicked = await lonField.inputValue();
    await page.locator('[data-flagstone-map-canvas]').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.getByRole('button', { name: 'Put the pin in the middle of the map' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => lonField.inputValue()).not.toBe(clicked);
    expect(await page.locator('[data-flagstone-map-status]').textContent()).toContain('middle of the map');
    await page.getByRole('button', { name: 'Use my location' }).click();
    await expect
      .poll(() => page.locator('[data-flagstone-map] input[name="lat"]').inputValue())
      .toBe(String(here.latitude));
    expect(await page.locator('[data-flagstone-map-status]').textContent()).toContain('your location');
    await expectUsable(page);
    await page.getByRole('button', { name: 'Use this place' }).click();

    expect(await heading(page)).toBe('Tell us about it');
    await page.getByLabel('About the size of a car tyre').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.locator('.govuk-summary-list').textContent()).toContain('52.22, -2.2');
    await expectUsable(page);
    await page.getByRole('button', { name: 'Send your request' }).click();
    expect(await page.locator('.govuk-panel').textContent()).toContain('Request sent');
    expect(await page.textContent('main')).toContain('Fellshire County Council');
    await expectUsable(page);

    // The next citizen there sees the report already made, as an orange circle.
    await toWhere(page);
    await page.getByRole('button', { name: 'Use my location' }).click();
    await expect.poll(() => page.locator('path.flagstone-open-report').count()).toBeGreaterThan(0);
    await expectUsable(page);
    await page.context().close();
  });

  it('refuses a point outside the place as the form does, and changes nothing', async () => {
    const page = await phone();
    await page.context().setGeolocation({ latitude: 51.5, longitude: -0.12 });
    await toWhere(page);
    await page.locator('.leaflet-tile-loaded').first().waitFor();
    await page.getByRole('button', { name: 'Use my location' }).click();
    await expect.poll(() => page.locator('[data-flagstone-map] input[name="lat"]').inputValue()).toBe('51.5');
    await page.getByRole('button', { name: 'Use this place' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('outside Fellshire');
    expect(await heading(page)).toBe('Where is it?');
    await expectUsable(page);
    await page.context().close();
  });

  it('shows the server-drawn map again when the tiles do not load', async () => {
    tiles.failing = true;
    try {
      const page = await phone();
      await toWhere(page);
      // The server map is there before the script runs too: wait for the script to give up.
      await page.locator('[data-flagstone-map][data-fell-back]').waitFor({ state: 'attached' });
      await page.locator('#map').waitFor({ state: 'visible' });
      expect(await page.locator('[data-flagstone-map]').isVisible()).toBe(false);
      await expectUsable(page);
      await page.context().close();
    } finally {
      tiles.failing = false;
    }
  });
});
