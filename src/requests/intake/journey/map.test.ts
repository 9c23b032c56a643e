import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundsOf,
  drawMap,
  MAP_HEIGHT,
  MAP_WIDTH,
  movesFrom,
  pixelOf,
  pointAt,
  viewOf,
  wholeView,
} from './map.ts';

const square = {
  type: 'Polygon',
  coordinates: [
    [
      [-2, 52],
      [-1, 52],
      [-1, 53],
      [-2, 53],
      [-2, 52],
    ],
  ],
};

describe('the server-drawn map', () => {
  it('turns the pixel clicked back into the point drawn there, at every zoom', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.double({ min: 0, max: MAP_WIDTH, noNaN: true }),
        fc.double({ min: 0, max: MAP_HEIGHT, noNaN: true }),
        (z, x, y) => {
          const view = { lat: 52.3, lon: -2, z };
          const point = pointAt(view, x, y);
          expect(point).not.toBeNull();
          const [px, py] = pixelOf(view, point?.lon as number, point?.lat as number);
          expect(Math.abs(px - x)).toBeLessThan(0.1);
          expect(Math.abs(py - y)).toBeLessThan(0.1);
        },
      ),
    );
  });

  it('refuses a click that is not on the map', () => {
    const view = { lat: 52.3, lon: -2, z: 4 };
    expect(pointAt(view, -1, 10)).toBeNull();
    expect(pointAt(view, 10, MAP_HEIGHT + 1)).toBeNull();
    expect(pointAt(view, Number.NaN, 10)).toBeNull();
  });

  it('keeps a view within the zoom levels and falls back on nonsense', () => {
    const fallback = wholeView([{ geometry: square }]);
    expect(fallback).toEqual({ lat: 52.5, lon: -1.5, z: 0 });
    expect(viewOf({ lat: '52.4', lon: '-1.9', z: '99' }, fallback)).toEqual({ lat: 52.4, lon: -1.9, z: 7 });
    expect(viewOf({ lat: 'north', lon: '1', z: '1.5' }, fallback)).toEqual(fallback);
    expect(viewOf({ lat: '91', lon: '0', z: '-3' }, fallback)).toEqual({ ...fallback, z: 0 });
  });

  it('moves by half a map and zooms one level at a time', () => {
    const view = { lat: 52.3, lon: -2, z: 2 };
    const [w, s, e, n] = boundsOf(view);
    const moves = movesFrom(view);
    expect(moves.north.lat).toBeCloseTo(52.3 + (n - s) / 2, 5);
    expect(moves.west.lon).toBeCloseTo(-2 - (e - w) / 2, 5);
    expect(moves.zoomIn?.z).toBe(3);
    expect(movesFrom({ ...view, z: 0 }).zoomOut).toBeNull();
    expect(movesFrom({ ...view, z: 7 }).zoomIn).toBeNull();
  });

  it('draws the areas named, the pin, and properties only close up, escaping names', () => {
    const areas = [{ name: 'Vale <& Moor>', geometry: square }];
    const far = drawMap({ view: { lat: 52.5, lon: -1.5, z: 0 }, areas, properties: [[-1.5, 52.5]] });
    expect(far).toContain('Vale &lt;&amp; Moor&gt;');
    expect(far).not.toContain('<circle');
    const near = drawMap({
      view: { lat: 52.5, lon: -1.5, z: 4 },
      areas,
      properties: [[-1.5, 52.5]],
      pin: [-1.5, 52.5],
    });
    expect(near).toContain('<circle cx="160.0" cy="150.0"');
    expect(near).toContain('fill="#d4351c"');
  });
});
