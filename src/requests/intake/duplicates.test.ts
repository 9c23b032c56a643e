import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxAround, metresBetween, SAME_PLACE_METRES, sameThing } from './duplicates.ts';

describe('the same thing, reported again', () => {
  it('measures metres along the ground', () => {
    expect(metresBetween({ lat: 52.22, lon: -2.2 }, { lat: 52.22, lon: -2.2 })).toBe(0);
    // One ten-thousandth of a degree of latitude is about 11.1 metres.
    expect(metresBetween({ lat: 52.22, lon: -2.2 }, { lat: 52.2201, lon: -2.2 })).toBeCloseTo(11.12, 1);
  });

  it('takes the nearest open report within 50 metres, and none further away', () => {
    const here = { lat: 52.22, lon: -2.2 };
    const near = { id: 'near', lat: 52.2203, lon: -2.2 }; // about 33 m
    const nearer = { id: 'nearer', lat: 52.2201, lon: -2.2001 };
    const far = { id: 'far', lat: 52.2205, lon: -2.2 }; // about 56 m
    expect(sameThing([far, near, nearer], here)?.id).toBe('nearer');
    expect(sameThing([far], here)).toBeNull();
  });

  it('never leaves out of its box a point within the distance', () => {
    const point = fc.record({
      lat: fc.double({ min: -80, max: 80, noNaN: true }),
      lon: fc.double({ min: -179, max: 179, noNaN: true }),
    });
    fc.assert(
      fc.property(point, fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), (p, angle) => {
        const box = boxAround(p, SAME_PLACE_METRES);
        // A point just inside the distance, in any direction.
        const d = (SAME_PLACE_METRES * 0.999) / 6_371_008.8;
        const q = {
          lat: p.lat + (d * Math.cos(angle) * 180) / Math.PI,
          lon: p.lon + (d * Math.sin(angle) * 180) / Math.PI / Math.cos((p.lat * Math.PI) / 180),
        };
        return (
          metresBetween(p, q) > SAME_PLACE_METRES ||
          (q.lat >= box.minLat && q.lat <= box.maxLat && q.lon >= box.minLon && q.lon <= box.maxLon)
        );
      }),
    );
  });
});
