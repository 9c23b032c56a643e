import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoPlace } from './demo-place.ts';
import { boundaryErrors, pointErrors } from './geometry.ts';

describe('boundary checks', () => {
  it('finds nothing wrong with the demo boundaries', () => {
    for (const area of demoPlace.areas) expect(boundaryErrors(area.boundary)).toEqual([]);
  });

  it('refuses a ring that does not end where it starts', () => {
    const open = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ],
    };
    expect(boundaryErrors(open)).toEqual([
      { field: 'boundary.coordinates[0]', message: 'A ring must end at the position it starts from' },
    ]);
  });

  it('refuses positions outside longitude and latitude ranges, whatever they are', () => {
    fc.assert(
      fc.property(fc.double({ min: 90.000001, max: 1e6, noNaN: true }), (lat) => {
        const ring = [
          [0, 0],
          [1, lat],
          [1, 1],
          [0, 0],
        ];
        const errors = boundaryErrors({ type: 'MultiPolygon', coordinates: [[ring]] });
        return errors.some(
          (e) => e.field === 'boundary.coordinates[0][0]' && /longitude, latitude/.test(e.message),
        );
      }),
    );
  });
});

describe('point checks', () => {
  it('takes a point on Earth and names each coordinate that is not', () => {
    expect(pointErrors(52.2, -2.2)).toEqual([]);
    expect(pointErrors(-90, 180)).toEqual([]);
    expect(pointErrors(null, Number.POSITIVE_INFINITY).map((e) => e.field)).toEqual(['lat', 'lon']);
    expect(pointErrors(Number.NaN, -180.01)).toEqual([
      { field: 'lat', message: 'Give the latitude as a number from -90 to 90' },
      { field: 'lon', message: 'Give the longitude as a number from -180 to 180' },
    ]);
  });
});
