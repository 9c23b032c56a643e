// Benchmarking across the place: the median and spread of every item, each organisation's change
// since its assessment before, one organisation against the median, and the chart that shows it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { againstMedian, benchmark, changeWords, median } from './benchmark.ts';
import { dotPlot } from './chart.ts';
import { builtInFramework } from './framework.ts';

describe('the median', () => {
  it('is the middle score, or the mean of the middle two', () => {
    expect(median([])).toBeNull();
    expect(median([3])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 2, 5])).toBe(3);
  });

  it('lies between the lowest and the highest, whatever the scores', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1 }), (scores) => {
        const m = median(scores) as number;
        expect(m).toBeGreaterThanOrEqual(Math.min(...scores));
        expect(m).toBeLessThanOrEqual(Math.max(...scores));
      }),
    );
  });
});

describe('the benchmark of a place', () => {
  const result = benchmark(builtInFramework, [
    { ref: 'a', name: 'A', submittedAt: null, scores: { leadership: 2 }, previous: { leadership: 1 } },
    { ref: 'b', name: 'B', submittedAt: null, scores: { leadership: 4 }, previous: null },
    {
      ref: 'c',
      name: 'C',
      submittedAt: null,
      scores: { leadership: 5, governance: 3 },
      previous: { leadership: 5 },
    },
  ]);
  const leadership = result.rows.find((r) => r.key === 'leadership');

  it('shows every organisation on every item, with the median, spread and change', () => {
    expect(result.rows).toHaveLength(15);
    expect(leadership).toMatchObject({
      scores: [2, 4, 5],
      median: 4,
      lowest: 2,
      highest: 5,
      changes: [1, null, 0],
    });
    expect(result.rows.find((r) => r.key === 'governance')).toMatchObject({
      scores: [null, null, 3],
      median: 3,
    });
    expect(result.rows.find((r) => r.key === 'shared-services')?.median).toBeNull();
    expect([1, null, 0, -2].map(changeWords)).toEqual(['up 1', '', 'no change', 'down 2']);
  });

  it('sets one organisation against the median', () => {
    expect(againstMedian(result, 'a').find((r) => r.key === 'leadership')).toMatchObject({
      score: 2,
      median: 4,
      gap: -2,
    });
    expect(againstMedian(result, 'nobody').find((r) => r.key === 'leadership')?.score).toBeNull();
  });

  it('draws a chart with its title, description, a dot for each score and the median, escaping labels', () => {
    const svg = dotPlot({
      id: 'x',
      title: 'Leaders <& co>',
      description: 'What it shows',
      rows: [{ label: 'Leadership', scores: [2, 4, 5], median: 4, highlight: 2 }],
    });
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="x-title x-desc"/);
    expect(svg).toContain('<title id="x-title">Leaders &lt;&amp; co&gt;</title>');
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg.match(/stroke-width="3"/g)).toHaveLength(1);
  });
});
