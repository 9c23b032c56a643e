import { describe, expect, it } from 'vitest';
import { candidatePairs } from './blocking.ts';
import { buildColumns } from './columns.ts';
import { COMPARISONS } from './compare.ts';
import { indexPatterns, PatternIndexBuilder, randomPairs } from './estimate.ts';
import { syntheticPeople } from './synthetic.ts';
import { comparePool } from './workers.ts';

const width = COMPARISONS.length;

describe('comparisons streamed run by run', () => {
  const columns = buildColumns([syntheticPeople({ records: 4000, seed: 5 }).records]);
  const pairs = candidatePairs(columns);

  it('hand every pair to the caller with the levels comparing them all at once gives', async () => {
    const pool = comparePool(columns, 2);
    // enough pairs for both workers to take several runs
    const pairs = randomPairs(columns, 200_000, 1, false);
    try {
      const whole = await pool.compare(pairs.a, pairs.b, pairs.count);
      const streamed = new Uint8Array(pairs.count * width);
      const handed = new Uint8Array(pairs.count);
      await pool.stream(pairs.a, pairs.b, pairs.count, (levels, from, to) => {
        streamed.set(levels, from * width);
        handed.fill(1, from, to);
      });
      expect(handed.every((x) => x === 1)).toBe(true);
      expect(streamed).toEqual(new Uint8Array(whole));
    } finally {
      await pool.close();
    }
  });

  it('index their patterns as indexing all the levels at once does, whatever order the runs come in', async () => {
    const pool = comparePool(columns, 0);
    const whole = await pool.compare(pairs.a, pairs.b, pairs.count);
    const expected = indexPatterns(whole, pairs.count, width);
    const builder = new PatternIndexBuilder(pairs.count, width);
    const runs: [number, number][] = [];
    for (let from = 0; from < pairs.count; from += 5000)
      runs.push([from, Math.min(pairs.count, from + 5000)]);
    // the last run first, then the others backwards: the first pair of a pattern comes late
    for (const [from, to] of runs.reverse()) builder.add(whole.subarray(from * width, to * width), from, to);
    const built = builder.finish();
    expect(built.size).toBeGreaterThan(100);
    expect(built).toEqual(expected);
  });
});
