import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { placeStyles, tileOrigin } from './index.ts';

describe('the interactive map and the brand in the configuration', () => {
  it('takes a tile address with {z}, {x} and {y} and an attribution, and refuses others naming the setting', () => {
    const map = loadConfig({
      FLAGSTONE_MAP_TILES: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      FLAGSTONE_MAP_ATTRIBUTION: '© OpenStreetMap contributors',
    }).map;
    expect(map).toEqual({
      tiles: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      attribution: '© OpenStreetMap contributors',
    });
    expect(loadConfig({}).map.tiles).toBeNull();
    for (const bad of [
      'https://tiles.example/{z}/{x}.png',
      'ftp://tiles.example/{z}/{x}/{y}.png',
      'nonsense',
    ]) {
      expect(() => loadConfig({ FLAGSTONE_MAP_TILES: bad, FLAGSTONE_MAP_ATTRIBUTION: 'x' })).toThrow(
        /FLAGSTONE_MAP_TILES/,
      );
    }
    expect(() => loadConfig({ FLAGSTONE_MAP_TILES: 'https://t.example/{z}/{x}/{y}.png' })).toThrow(
      /FLAGSTONE_MAP_ATTRIBUTION/,
    );
  });

  it('lets images come from the tile origin only, subdomains as a wildcard', () => {
    expect(tileOrigin('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe(
      'https://tile.openstreetmap.org',
    );
    expect(tileOrigin('https://{s}.tiles.example:8443/a/{z}/{x}/{y}.png?key=k')).toBe(
      'https://*.tiles.example:8443',
    );
  });

  it('refuses a logo that is not an SVG or PNG file there', () => {
    expect(() => loadConfig({ FLAGSTONE_LOGO: 'logo.gif' })).toThrow(ConfigError);
    expect(() => loadConfig({ FLAGSTONE_LOGO: '/nowhere/logo.svg' })).toThrow(/FLAGSTONE_LOGO/);
  });

  it("serves GOV.UK Frontend's styles without GOV.UK's typeface", () => {
    const css = readFileSync(
      new URL('../../node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css', import.meta.url),
      'utf8',
    );
    expect(css).toContain('GDS Transport');
    const ours = placeStyles(css);
    expect(ours).not.toContain('GDS Transport');
    expect(ours).not.toContain('/assets/fonts/');
    expect(ours).toContain('font-family:arial,sans-serif');
  });
});
