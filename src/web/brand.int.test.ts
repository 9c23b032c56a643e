// The place's own brand: its name and logo in the header and footer, and nothing of GOV.UK's
// own (the crown, the coat of arms, Crown copyright, its icons or its typeface) on any page.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, testApp } from '../../test/support.ts';

let t: TestContext;
const logo = path.join(mkdtempSync(path.join(tmpdir(), 'flagstone-brand-')), 'fellshire.svg');
const logoSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30"/></svg>';

beforeAll(async () => {
  writeFileSync(logo, logoSvg);
  t = await testApp({ FLAGSTONE_PLACE_NAME: 'Fellshire Council Services', FLAGSTONE_LOGO: logo });
});
afterAll(() => t.close());

const html = { accept: 'text/html' };

/** What GOV.UK's own brand leaves in a page: its crown logo, crest, Crown copyright and icons. */
const govukBrand = [
  /govuk-logo/,
  /govuk-footer__crown/,
  /Crown copyright/i,
  /copyright-logo/,
  /favicon\.ico/,
  /govuk-icon/,
  /govuk-crest/,
];

describe("the place's own brand", () => {
  it('carries the place name and logo in the header and footer, and none of GOV.UK’s crown or copyright', async () => {
    for (const url of ['/', '/report', '/sign-in', '/no-such-page']) {
      const page = await t.app.inject({ url, headers: html });
      for (const mark of govukBrand) expect(page.body, `${url} ${mark}`).not.toMatch(mark);
      expect(page.body).toMatch(
        /govuk-header__link--homepage[^>]*>\s*<img class="flagstone-place-header__logo" src="\/assets\/logo\.svg"/,
      );
      expect(page.body).toContain(
        '<span class="flagstone-place-header__name">Fellshire Council Services</span>',
      );
      expect(page.body).toContain('© Fellshire Council Services');
      expect(page.body).toContain('<link rel="icon" href="/assets/logo.svg" type="image/svg+xml">');
    }
    const served = await t.app.inject({ url: '/assets/logo.svg' });
    expect(served.statusCode).toBe(200);
    expect(served.body).toBe(logoSvg);
  });

  it("serves the Design System's styles without GOV.UK's typeface", async () => {
    const css = await t.app.inject({ url: '/assets/govuk-frontend.min.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.body).toContain('.govuk-button');
    expect(css.body).not.toContain('GDS Transport');
  });

  it('serves Leaflet from the app itself, and lets images come only from itself when no tiles are set', async () => {
    for (const file of ['leaflet-src.esm.js', 'leaflet.css', 'images/marker-icon.png']) {
      expect((await t.app.inject({ url: `/assets/leaflet/${file}` })).statusCode).toBe(200);
    }
    const page = await t.app.inject({ url: '/', headers: html });
    expect(page.headers['content-security-policy']).toContain("img-src 'self' data:;");
  });
});
