// Pure: statistical disclosure control. Locations are coarsened to a square of the British
// National Grid; small counts in a table of statistics are suppressed, and enough other cells
// with them (secondary suppression) that no suppressed count can be worked out from the
// published cells and totals. How and why: docs/decisions/0014-open-data-disclosure-control.md.
import proj4 from 'proj4';
import { intervals } from './attack.ts';

proj4.defs(
  'EPSG:27700',
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
    '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs',
);
const toGrid = proj4('WGS84', 'EPSG:27700');

/** The finest grid a location may be published on, in metres. */
export const FINEST_GRID_METRES = 100;

export interface GridSquare {
  /** The south-west corner of the square, on the British National Grid. */
  easting: number;
  northing: number;
  size: number;
  /** The centre of the square, as latitude and longitude (6 decimal places). */
  lat: number;
  lon: number;
}

/** The square of the grid (at least 100 m) a point falls in: all that is published of where. */
export function gridSquare(lat: number, lon: number, size: number): GridSquare {
  if (!(size >= FINEST_GRID_METRES))
    throw new RangeError(`The grid must be at least ${FINEST_GRID_METRES} m`);
  const [x, y] = toGrid.forward([lon, lat]) as [number, number];
  const easting = Math.floor(x / size) * size;
  const northing = Math.floor(y / size) * size;
  const [clon, clat] = toGrid.inverse([easting + size / 2, northing + size / 2]) as [number, number];
  return { easting, northing, size, lat: round6(clat), lon: round6(clon) };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * `gridSquare` for millions of points on one grid: the same squares, each square's centre worked
 * out once (a region's requests fall in a few thousand squares), so a point costs one projection,
 * not two. The centres kept are forgotten past `keep` squares, so memory stays bounded.
 */
export function gridSquares(size: number, keep = 100_000): (lat: number, lon: number) => GridSquare {
  if (!(size >= FINEST_GRID_METRES))
    throw new RangeError(`The grid must be at least ${FINEST_GRID_METRES} m`);
  const squares = new Map<number, GridSquare>();
  return (lat, lon) => {
    const [x, y] = toGrid.forward([lon, lat]) as [number, number];
    const easting = Math.floor(x / size) * size;
    const northing = Math.floor(y / size) * size;
    // A northing is under 10,000 km and eastings differ by at least 100 m: one number names the square.
    const key = easting * 1e7 + northing;
    let square = squares.get(key);
    if (!square) {
      if (squares.size >= keep) squares.clear();
      const [clon, clat] = toGrid.inverse([easting + size / 2, northing + size / 2]) as [number, number];
      square = { easting, northing, size, lat: round6(clat), lon: round6(clon) };
      squares.set(key, square);
    }
    return square;
  };
}

/** A point back on the grid: for checking that a published location is no finer than the grid. */
export function onGrid(lat: number, lon: number): { easting: number; northing: number } {
  const [easting, northing] = toGrid.forward([lon, lat]) as [number, number];
  return { easting, northing };
}

/**
 * A two-way table of counts with its totals: `cells[r][c]`, the total of each row and column,
 * and the grand total. Rows and columns are, say, services and areas within one organisation
 * and month. A count of 0 is published as 0 (an empty cell says nothing about anyone).
 */
export interface Table {
  cells: number[][];
}

/** What is published of a table: `true` where a figure is suppressed. The last row and column are the totals. */
export type Suppressed = boolean[][];

/** The table with its totals as one (rows + 1) x (columns + 1) grid: the last row and column are the totals. */
export function withTotals(table: Table): number[][] {
  const columns = table.cells[0]?.length ?? 0;
  const grid = table.cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const totals = Array.from({ length: columns + 1 }, (_, c) => grid.reduce((a, row) => a + (row[c] ?? 0), 0));
  return [...grid, totals];
}

/**
 * Which figures of the table (and its totals) to suppress at `threshold`. Primary: every figure
 * from 1 to threshold - 1. Secondary: every line (a row or a column, with its total) that gives a
 * suppressed figure away (see `exposed`) gets another one, chosen to hide the first: a figure at
 * least as large as the threshold where there is one, the smallest such, so that moving a
 * suppressed count up to the threshold stays possible. Repeated until no line gives one away.
 * Then checked by solving, for each small count, the largest value the published figures allow
 * (`attack.ts`): while one is pinned under the threshold, the largest figures of its row and
 * column are suppressed too; with none left, everything but the grand total. Where the grand
 * total itself is small, the whole table is suppressed.
 */
export function suppress(table: Table, threshold: number): Suppressed {
  const grid = withTotals(table);
  const small = (v: number) => v > 0 && v < threshold;
  const hidden = grid.map((row) => row.map(small));
  const last = grid.length - 1;
  const corner = grid[last]?.[(grid[0]?.length ?? 1) - 1] ?? 0;
  if (small(corner)) return grid.map((row) => row.map(() => true));
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines(grid)) {
      if (!exposed(grid, hidden, line, threshold)) continue;
      const partner = complement(grid, hidden, line, threshold);
      if (!partner) continue;
      (hidden[partner[0]] as boolean[])[partner[1]] = true;
      changed = true;
    }
  }
  // Checked as an attacker would: a small count the published figures still pin under the
  // threshold takes the largest figures of its row and column with it, until none is pinned.
  for (
    let pinned = pinnedSmall(grid, hidden, threshold);
    pinned;
    pinned = pinnedSmall(grid, hidden, threshold)
  ) {
    const [r, c] = pinned;
    const inside = (cells: Cell[]) => cells.filter(([i, j]) => i < last && j < (grid[0]?.length ?? 1) - 1);
    const row = complement(grid, hidden, inside(lines(grid)[r] as Cell[]), Number.POSITIVE_INFINITY);
    const column = complement(
      grid,
      hidden,
      inside(lines(grid)[grid.length + c] as Cell[]),
      Number.POSITIVE_INFINITY,
    );
    if (!row && !column)
      return grid.map((cells, i) => cells.map((_, j) => !(i === last && j === cells.length - 1)));
    for (const [i, j] of [row, column].filter((x): x is Cell => x !== null))
      (hidden[i] as boolean[])[j] = true;
  }
  return hidden;
}

type Cell = [number, number];

/** A small count that the published figures pin under the threshold, if there is one. */
function pinnedSmall(grid: number[][], hidden: boolean[][], threshold: number): Cell | null {
  const shown = grid.map((row, r) => row.map((v, c) => (hidden[r]?.[c] ? null : v)));
  const small = (r: number, c: number) => {
    const v = grid[r]?.[c] ?? 0;
    return v > 0 && v < threshold;
  };
  const found = intervals(shown, small, { smallest: false }).find((i) => i.max < threshold);
  return found ? [found.row, found.column] : null;
}

/**
 * A line gives a suppressed figure away, or pins it small, when it has only one, or when its
 * total is published and the suppressed figures in it add up to less than the threshold (each is
 * then known to be under it).
 */
function exposed(grid: number[][], hidden: boolean[][], line: Cell[], threshold: number): boolean {
  const suppressed = line.filter(([r, c]) => hidden[r]?.[c]);
  if (suppressed.length === 0) return false;
  if (suppressed.length === 1) return true;
  const total = line[line.length - 1] as Cell;
  if (hidden[total[0]]?.[total[1]]) return false;
  return suppressed.reduce((sum, [r, c]) => sum + (grid[r]?.[c] ?? 0), 0) < threshold;
}

/** Every row and column of the grid (totals included), as the cells along it. */
function lines(grid: number[][]): Cell[][] {
  const rows = grid.length;
  const columns = grid[0]?.length ?? 0;
  const all: Cell[][] = [];
  for (let r = 0; r < rows; r++) all.push(Array.from({ length: columns }, (_, c) => [r, c] as Cell));
  for (let c = 0; c < columns; c++) all.push(Array.from({ length: rows }, (_, r) => [r, c] as Cell));
  return all;
}

/**
 * The figure to suppress beside the only one of a line: not yet suppressed, not zero (a zero
 * cannot be lowered to hide anything), preferring a figure of at least the threshold (the smallest),
 * else the largest there is; a cell inside the table before a total, so the totals stay published.
 */
function complement(grid: number[][], hidden: boolean[][], line: Cell[], threshold: number): Cell | null {
  const lastRow = grid.length - 1;
  const lastColumn = (grid[0]?.length ?? 1) - 1;
  const value = ([r, c]: Cell) => grid[r]?.[c] ?? 0;
  const candidates = line.filter((cell) => !hidden[cell[0]]?.[cell[1]] && value(cell) > 0);
  const isTotal = ([r, c]: Cell) => r === lastRow || c === lastColumn;
  const order = (a: Cell, b: Cell) => {
    if (isTotal(a) !== isTotal(b)) return isTotal(a) ? 1 : -1;
    const bigA = value(a) >= threshold;
    const bigB = value(b) >= threshold;
    if (bigA !== bigB) return bigA ? -1 : 1;
    return bigA ? value(a) - value(b) : value(b) - value(a);
  };
  return candidates.sort(order)[0] ?? null;
}

/**
 * Which figures of one line of shares to suppress at `threshold`: for each part (an organisation)
 * the cases behind its figure and, for a share, how many of them succeeded; the last flag is the
 * whole (the place), whose figures are the parts' sums. The cases are one row of a table with its
 * total, suppressed as `suppress` does; then, while the successes of the suppressed parts add up
 * to less than the threshold with the whole published (each is then known to be small), the part
 * with the most successes is suppressed too, or the whole when none is left.
 */
export function suppressShares(cases: number[], successes: (number | null)[], threshold: number): boolean[] {
  const hidden = [...(suppress({ cells: [cases] }, threshold)[0] ?? [])];
  const whole = cases.length;
  const successesOf = (i: number) => successes[i] ?? 0;
  while (!hidden[whole]) {
    const parts = cases.map((_, i) => i).filter((i) => hidden[i]);
    const sum = parts.reduce((s, i) => s + successesOf(i), 0);
    if (parts.length === 0 || sum === 0 || sum >= threshold) break;
    const next = cases
      .map((_, i) => i)
      .filter((i) => !hidden[i] && successesOf(i) > 0)
      .sort((a, b) => successesOf(b) - successesOf(a))[0];
    hidden[next ?? whole] = true;
  }
  return hidden;
}
