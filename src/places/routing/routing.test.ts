import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoPlace, demoPoints } from '../demo-place.ts';
import { locateInPolygon, locateInRing, orient } from './point-in-polygon.ts';
import { type RoutingArea, routingTable } from './table.ts';

const areas: RoutingArea[] = demoPlace.areas.map((a) => ({
  ref: a.ref,
  name: a.name,
  geometry: a.boundary,
  coverage: a.coverage,
}));
const names = new Map(demoPlace.organisations.map((o) => [o.ref, o.name]));
const service = (code: string) => {
  const s = demoPlace.services.find((x) => x.code === code);
  if (!s) throw new Error(code);
  return s;
};
const pothole = service('pothole');
const missedBin = service('missed-bin');
const table = routingTable(areas, [], names);
const at = (p: readonly number[]) => [p[0] as number, p[1] as number] as const;

describe('routing by service and location', () => {
  it('sends a pothole to the county and a missed bin to the district in a two-tier area', () => {
    const pot = table.route(pothole, ...at(demoPoints.ashbyVale));
    expect(pot).toMatchObject({
      ok: true,
      organisation: 'fellshire-cc',
      area: 'ashby-vale',
      basis: 'coverage',
    });
    expect(table.route(missedBin, ...at(demoPoints.ashbyVale))).toMatchObject({
      ok: true,
      organisation: 'ashby-vale-dc',
    });
    expect(table.route(missedBin, ...at(demoPoints.northmoor))).toMatchObject({
      ok: true,
      organisation: 'northmoor-dc',
    });
  });

  it('sends both to the unitary council in a unitary area', () => {
    for (const s of [pothole, missedBin]) {
      expect(table.route(s, ...at(demoPoints.castlebridge))).toMatchObject({
        ok: true,
        organisation: 'castlebridge-council',
        area: 'castlebridge',
      });
    }
  });

  it('explains why, in words', () => {
    const route = table.route(pothole, ...at(demoPoints.ashbyVale));
    expect(route.explanation).toBe(
      'Report a pothole is a county council function; in Ashby Vale Fellshire County Council performs county council functions.',
    );
  });

  it('refuses a point outside the place, saying so', () => {
    expect(table.route(pothole, ...at(demoPoints.outside))).toEqual({
      ok: false,
      problem: 'outside',
      explanation: 'The location is outside the areas of the place',
    });
  });

  it('gives a point on the shared border of two districts to the area whose reference sorts first', () => {
    // [-2.22, 52.33] is a vertex of the border between Ashby Vale and Northmoor.
    const route = table.route(missedBin, -2.22, 52.33);
    expect(route).toMatchObject({
      ok: true,
      organisation: 'ashby-vale-dc',
      area: 'ashby-vale',
      onBoundaryOf: ['ashby-vale', 'northmoor'],
    });
    expect(route.explanation).toContain('exactly on the border of Ashby Vale and Northmoor');
    // Either way the county is responsible for potholes there.
    expect(table.route(pothole, -2.22, 52.33)).toMatchObject({ ok: true, organisation: 'fellshire-cc' });
  });

  it('puts the place border itself inside the place (a point on the outer edge routes)', () => {
    expect(table.route(missedBin, -2.52, 52.27)).toMatchObject({ ok: true, organisation: 'ashby-vale-dc' });
  });

  it('lets a routing override win over coverage for its service and area only', () => {
    const overridden = routingTable(
      areas,
      [
        {
          service: 'missed-bin',
          area: 'northmoor',
          organisation: 'fellshire-cc',
          reason: 'joint waste contract',
        },
      ],
      names,
    );
    const route = overridden.route(missedBin, ...at(demoPoints.northmoor));
    expect(route).toMatchObject({ ok: true, organisation: 'fellshire-cc', basis: 'override' });
    expect(route.explanation).toContain('routing override: joint waste contract');
    expect(overridden.route(missedBin, ...at(demoPoints.ashbyVale))).toMatchObject({
      organisation: 'ashby-vale-dc',
      basis: 'coverage',
    });
  });

  it('refuses a service that no organisation provides in the area', () => {
    const bare = routingTable([{ ...(areas[0] as RoutingArea), coverage: [] }]);
    expect(bare.route(pothole, ...at(demoPoints.ashbyVale))).toMatchObject({
      ok: false,
      problem: 'not-provided',
    });
  });
});

const square = (x0: number, y0: number, x1: number, y1: number) => [
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ],
];

describe('exact geometry', () => {
  const unit = fc.double({ min: 0, max: 1, noNaN: true });

  it('finds every point of a shared vertical edge on the border of both squares', () => {
    const two = routingTable([
      {
        ref: 'b-east',
        name: 'East',
        geometry: { type: 'Polygon', coordinates: square(1, 0, 2, 1) },
        coverage: [],
      },
      {
        ref: 'a-west',
        name: 'West',
        geometry: { type: 'Polygon', coordinates: square(0, 0, 1, 1) },
        coverage: [],
      },
    ]);
    fc.assert(
      fc.property(unit, (y) => {
        const found = two.locate(1, y);
        expect(found.inside).toEqual([]);
        expect(found.boundary.map((a) => a.ref)).toEqual(['a-west', 'b-east']);
      }),
    );
  });

  it('finds points exactly on a sloping edge on it, and points beside it off it', () => {
    const triangle = [
      [
        [0, 0],
        [4, 2],
        [0, 2],
        [0, 0],
      ],
    ];
    fc.assert(
      fc.property(fc.double({ min: 2 ** -1000, max: 4, noNaN: true }), (x) => {
        // x / 2 is exact in binary floating point (above the subnormals), so (x, x/2) is exactly on the edge.
        expect(locateInPolygon(triangle, x, x / 2)).toBe('boundary');
        const above = x / 2 + 2 ** -40;
        if (x > 2 ** -30 && x < 4 - 2 ** -30) expect(locateInPolygon(triangle, x, above)).toBe('inside');
      }),
    );
  });

  it('decides orientation exactly where floating point would round', () => {
    // Nearly collinear: the floating-point determinant is swamped by rounding.
    expect(orient(0.5, 0.5, 12, 12, 24, 24)).toBe(0);
    expect(orient(0.1, 0.1, 0.3, 0.3, 0.2, 0.2 + 2 ** -55)).not.toBe(0);
  });

  it('gives the same answer whichever way a ring is wound', () => {
    const ring = (demoPlace.areas[0]?.boundary.coordinates[0] ?? []) as number[][];
    const reversed = [...ring].reverse();
    fc.assert(
      fc.property(
        fc.double({ min: -2.6, max: -1.8, noNaN: true }),
        fc.double({ min: 52.1, max: 52.5, noNaN: true }),
        (x, y) => {
          expect(locateInRing(reversed, x, y)).toBe(locateInRing(ring, x, y));
        },
      ),
    );
  });

  it('treats a hole as outside and its edge as the border', () => {
    const withHole = [...square(0, 0, 4, 4), ...square(1, 1, 2, 2)];
    expect(locateInPolygon(withHole, 0.5, 0.5)).toBe('inside');
    expect(locateInPolygon(withHole, 1.5, 1.5)).toBe('outside');
    expect(locateInPolygon(withHole, 1, 1.5)).toBe('boundary');
  });

  it('routes every point of the place to exactly one organisation per service, and only to an area holding it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2.6, max: -1.4, noNaN: true }),
        fc.double({ min: 52.05, max: 52.6, noNaN: true }),
        fc.constantFrom(pothole, missedBin),
        (lon, lat, s) => {
          const first = table.route(s, lon, lat);
          expect(table.route(s, lon, lat)).toEqual(first);
          const found = table.locate(lon, lat);
          expect(found.inside.length).toBeLessThanOrEqual(1);
          if (first.ok) {
            const area = demoPlace.areas.find((a) => a.ref === first.area);
            expect(locateInPolygon(area?.boundary.coordinates ?? [], lon, lat)).not.toBe('outside');
          } else {
            expect(first.problem).toBe('outside');
            expect(found.boundary).toEqual([]);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
