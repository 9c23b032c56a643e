import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intervals, type PublishedGrid } from './attack.ts';
import { gridSquare, gridSquares, onGrid, suppress, suppressShares, withTotals } from './disclosure.ts';

const THRESHOLD = 10;

function published(cells: number[][], threshold: number): { grid: number[][]; shown: PublishedGrid } {
  const grid = withTotals({ cells });
  const hidden = suppress({ cells }, threshold);
  return { grid, shown: grid.map((row, r) => row.map((v, c) => (hidden[r]?.[c] ? null : v))) };
}

// Counts as requests fall: mostly zero or small, some large.
const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 10, max: 80 }));
const table = fc
  .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }))
  .chain(([rows, columns]) =>
    fc.array(fc.array(count, { minLength: columns, maxLength: columns }), {
      minLength: rows,
      maxLength: rows,
    }),
  );

describe('disclosure control', () => {
  it('suppresses every count under the threshold, and nothing when none is', () => {
    const { shown } = published(
      [
        [3, 40],
        [25, 31],
      ],
      THRESHOLD,
    );
    expect(shown[0]?.[0]).toBeNull();
    const { shown: open } = published(
      [
        [30, 40],
        [25, 31],
      ],
      THRESHOLD,
    );
    expect(open.flat().every((v) => v !== null)).toBe(true);
  });

  it('leaves no small count that the published cells and totals pin below the threshold (LP audit)', () => {
    fc.assert(
      fc.property(table, (cells) => {
        const { grid, shown } = published(cells, THRESHOLD);
        for (const { row, column, max } of intervals(shown)) {
          const value = grid[row]?.[column] ?? 0;
          if (value > 0 && value < THRESHOLD)
            expect(max, `cell ${row},${column} of ${JSON.stringify(cells)}`).toBeGreaterThanOrEqual(
              THRESHOLD,
            );
        }
      }),
      { numRuns: 100 },
    );
  });

  it('is beaten when switched off: the audit finds small counts worked out from the totals', () => {
    const cells = [
      [3, 40],
      [25, 31],
    ];
    const grid = withTotals({ cells });
    // Only the small cell itself hidden: its row total gives it away.
    const shown: PublishedGrid = grid.map((row, r) => row.map((v, c) => (r === 0 && c === 0 ? null : v)));
    expect(intervals(shown)).toEqual([{ row: 0, column: 0, min: 3, max: 3 }]);
  });

  it('publishes a location only as the centre of its grid square, never finer', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50.5, max: 55, noNaN: true }),
        fc.double({ min: -4, max: 1, noNaN: true }),
        fc.constantFrom(100, 250, 1000),
        (lat, lon, size) => {
          const square = gridSquare(lat, lon, size);
          const back = onGrid(square.lat, square.lon);
          expect(Math.abs(back.easting - (square.easting + size / 2))).toBeLessThan(1);
          expect(Math.abs(back.northing - (square.northing + size / 2))).toBeLessThan(1);
          const point = onGrid(lat, lon);
          expect(point.easting - square.easting).toBeGreaterThanOrEqual(0);
          expect(point.easting - square.easting).toBeLessThan(size);
        },
      ),
    );
    expect(() => gridSquare(52, -2, 50)).toThrow(RangeError);
  });

  it('gives the same squares when their centres are kept, and when they are forgotten', () => {
    const points = fc.array(
      fc.tuple(fc.double({ min: 50.5, max: 55, noNaN: true }), fc.double({ min: -4, max: 1, noNaN: true })),
      { minLength: 1, maxLength: 50 },
    );
    fc.assert(
      fc.property(points, fc.constantFrom(100, 1000), fc.integer({ min: 1, max: 5 }), (at, size, keep) => {
        const squareOf = gridSquares(size, keep);
        // Each point twice, so some squares are found kept and some after being forgotten.
        for (const [lat, lon] of [...at, ...at])
          expect(squareOf(lat, lon)).toEqual(gridSquare(lat, lon, size));
      }),
    );
    expect(() => gridSquares(50)).toThrow(RangeError);
  });

  it('pins no small count of a line of shares, cases or successes, from what is published and the whole', () => {
    // Organisations' KPI figures for a month: the cases behind each and how many succeeded.
    const share = count.chain((cases) => fc.tuple(fc.constant(cases), fc.integer({ min: 0, max: cases })));
    fc.assert(
      fc.property(fc.array(share, { minLength: 1, maxLength: 8 }), (parts) => {
        const cases = parts.map(([c]) => c);
        const successes = parts.map(([, s]) => s);
        const hidden = suppressShares(cases, successes, THRESHOLD);
        for (const figures of [cases, successes]) {
          const line = [...figures, figures.reduce((a, b) => a + b, 0)];
          const shown = line.map((v, i) => (hidden[i] ? null : v));
          for (const { row, column, max } of intervals([shown, shown])) {
            const actual = line[column] ?? 0;
            if (row === 0 && actual > 0 && actual < THRESHOLD) expect(max).toBeGreaterThanOrEqual(THRESHOLD);
          }
        }
        cases.forEach((c, i) => {
          if (c > 0 && c < THRESHOLD) expect(hidden[i]).toBe(true);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('suppresses another organisation beside the only small one, so the place’s total does not give it away', () => {
    expect(suppressShares([4, 40, 25], [1, 30, 20], THRESHOLD)).toEqual([true, false, true, false]);
    expect(suppressShares([40, 25], [30, 20], THRESHOLD)).toEqual([false, false, false]);
  });
});
