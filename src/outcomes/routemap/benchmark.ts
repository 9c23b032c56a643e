// Pure: benchmarking across the place. Every organisation's latest submitted scores side by side
// on every item, the place's median and spread, and each organisation's change since its
// assessment before.
import { type Framework, itemsOf } from './framework.ts';

export type Scores = Record<string, number>;

export interface Assessed {
  ref: string;
  name: string;
  submittedAt: Date | null;
  scores: Scores;
  /** The scores of the assessment before the latest, if any. */
  previous: Scores | null;
}

/** The median of some numbers (the mean of the middle two of an even count); null of none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface BenchmarkRow {
  key: string;
  title: string;
  theme: string;
  /** Each organisation's score, in the order of `organisations`; null where it has none. */
  scores: (number | null)[];
  /** Each organisation's change since its assessment before; null where there is nothing to compare. */
  changes: (number | null)[];
  median: number | null;
  lowest: number | null;
  highest: number | null;
}

export interface Benchmark {
  organisations: { ref: string; name: string; submittedAt: Date | null }[];
  rows: BenchmarkRow[];
}

/** Every organisation on every item of the framework, with the place's median and spread. */
export function benchmark(framework: Framework, assessed: Assessed[]): Benchmark {
  const rows = itemsOf(framework).map((item) => {
    const scores = assessed.map((a) => a.scores[item.key] ?? null);
    const changes = assessed.map((a) => {
      const now = a.scores[item.key];
      const before = a.previous?.[item.key];
      return now === undefined || before === undefined ? null : now - before;
    });
    const known = scores.filter((s): s is number => s !== null);
    return {
      key: item.key,
      title: item.title,
      theme: item.theme,
      scores,
      changes,
      median: median(known),
      lowest: known.length ? Math.min(...known) : null,
      highest: known.length ? Math.max(...known) : null,
    };
  });
  return {
    organisations: assessed.map(({ ref, name, submittedAt }) => ({ ref, name, submittedAt })),
    rows,
  };
}

/** One organisation against the place's median on every item: its score, the median, the gap. */
export function againstMedian(result: Benchmark, ref: string) {
  const column = result.organisations.findIndex((o) => o.ref === ref);
  return result.rows.map((row) => {
    const score = column < 0 ? null : (row.scores[column] ?? null);
    return {
      key: row.key,
      title: row.title,
      theme: row.theme,
      score,
      median: row.median,
      gap: score === null || row.median === null ? null : score - row.median,
    };
  });
}

/** Words for a change in score: "up 1", "down 2", "no change", or "" where nothing to compare. */
export function changeWords(change: number | null): string {
  if (change === null) return '';
  if (change === 0) return 'no change';
  return `${change > 0 ? 'up' : 'down'} ${Math.abs(change)}`;
}
