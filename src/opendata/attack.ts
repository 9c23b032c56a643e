// Pure: an attacker's view of a published table of counts with its totals. Each suppressed figure
// is an unknown of at least 0, each row and column of the table adds up to its total; for each
// suppressed figure, the HiGHS solver finds the smallest and largest value the published figures
// allow. Disclosure control checks its own work with it, and the tests audit what was published.
import type { Highs } from 'highs';
import loadHighs from 'highs';

/** A published grid (the last row and column are the totals); `null` where suppressed. */
export type PublishedGrid = (number | null)[][];

export interface Interval {
  row: number;
  column: number;
  min: number;
  max: number;
}

// The package's types read as CommonJS; its ES module's default export is the loader.
const highs = await (loadHighs as unknown as () => Promise<Highs>)();

/** The interval each suppressed figure could lie in, given everything published. */
export function intervals(
  grid: PublishedGrid,
  only?: (row: number, column: number) => boolean,
  { smallest = true } = {},
): Interval[] {
  const rows = grid.length;
  const columns = grid[0]?.length ?? 0;
  const name = (r: number, c: number) => `x_${r}_${c}`;
  const unknown: [number, number][] = [];
  grid.forEach((row, r) => {
    row.forEach((v, c) => {
      if (v === null) unknown.push([r, c]);
    });
  });
  if (unknown.length === 0) return [];
  const constraints: string[] = [];
  const line = (cells: [number, number][], total: [number, number], label: string) => {
    let constant = 0;
    const terms: string[] = [];
    for (const [r, c] of cells) {
      const v = grid[r]?.[c];
      if (v === null || v === undefined) terms.push(`+ ${name(r, c)}`);
      else constant += v;
    }
    const t = grid[total[0]]?.[total[1]];
    if (t === null || t === undefined) terms.push(`- ${name(total[0], total[1])}`);
    else constant -= t;
    if (terms.length > 0) constraints.push(` ${label}: ${terms.join(' ')} = ${-constant}`);
  };
  for (let r = 0; r < rows; r++)
    line(
      Array.from({ length: columns - 1 }, (_, c) => [r, c] as [number, number]),
      [r, columns - 1],
      `r${r}`,
    );
  for (let c = 0; c < columns; c++)
    line(
      Array.from({ length: rows - 1 }, (_, r) => [r, c] as [number, number]),
      [rows - 1, c],
      `c${c}`,
    );
  const bounds = unknown.map(([r, c]) => ` ${name(r, c)} >= 0`).join('\n');
  const bound = (sense: 'Minimize' | 'Maximize', r: number, c: number) => {
    const model = `${sense}\n obj: ${name(r, c)}\nSubject To\n${constraints.join('\n') || ' dummy: 0 x_dummy = 0'}\nBounds\n${bounds}\nEnd`;
    const solution = highs.solve(model, { output_flag: false } as never);
    if (solution.Status === 'Unbounded') return Number.POSITIVE_INFINITY;
    if (solution.Status !== 'Optimal') throw new Error(`The published table is ${solution.Status}`);
    return solution.ObjectiveValue;
  };
  return unknown
    .filter(([r, c]) => !only || only(r, c))
    .map(([r, c]) => ({
      row: r,
      column: c,
      min: smallest ? bound('Minimize', r, c) : 0,
      max: bound('Maximize', r, c),
    }));
}
