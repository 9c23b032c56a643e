// Learning the model without labelled pairs, as Splink does it. u (how often two different
// people agree at a level by chance) comes from comparing random pairs, which are almost all
// different people. m (how often the same person agrees at a level) comes from expectation–
// maximisation over the candidate pairs of each blocking rule in turn, with u held fixed and
// the comparisons that rule forces to agree left out, then averaged over the rules.
import type { BlockingRule } from './blocking.ts';
import type { RecordColumns } from './columns.ts';
import { COMPARISONS, type Comparison } from './compare.ts';
import { KeyIds } from './key-ids.ts';

/** m and u of one comparison, indexed by level (index 0, "missing", is unused). */
export type ComparisonParameters = {
  name: string;
  levels: readonly string[];
  m: number[];
  u: number[];
};

export type TrainingSession = {
  rule: string;
  pairs: number;
  /** share of the rule's pairs that EM judged to be matches */
  matchShare: number;
  iterations: number;
};

/** A small deterministic random number generator (mulberry32): the same seed, the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random pairs to estimate u on: every pair when there are few, otherwise `size` drawn at
 * random (records from different sets only when linking).
 */
export function randomPairs(
  columns: RecordColumns,
  size: number,
  seed: number,
  crossSetOnly: boolean,
): { a: Int32Array; b: Int32Array; count: number } {
  const n = columns.count;
  const secondSet = columns.set.indexOf(1);
  const inFirst = crossSetOnly && secondSet >= 0 ? secondSet : n;
  const total = crossSetOnly ? inFirst * (n - inFirst) : (n * (n - 1)) / 2;
  const count = Math.max(0, Math.min(size, total));
  const a = new Int32Array(new SharedArrayBuffer(Math.max(4, count * 4)));
  const b = new Int32Array(new SharedArrayBuffer(Math.max(4, count * 4)));
  if (count === total) {
    let k = 0;
    for (let i = 0; i < (crossSetOnly ? inFirst : n); i++) {
      for (let j = crossSetOnly ? inFirst : i + 1; j < n; j++) {
        a[k] = i;
        b[k++] = j;
      }
    }
    return { a, b, count: k };
  }
  const random = seededRandom(seed);
  for (let k = 0; k < count; k++) {
    let i: number;
    let j: number;
    if (crossSetOnly) {
      i = Math.floor(random() * inFirst);
      j = inFirst + Math.floor(random() * (n - inFirst));
    } else {
      do {
        i = Math.floor(random() * n);
        j = Math.floor(random() * n);
      } while (i === j);
    }
    a[k] = Math.min(i, j);
    b[k] = Math.max(i, j);
  }
  return { a, b, count };
}

/** u per level from the levels of random pairs; a level never seen gets a small floor. */
export function estimateU(levels: Uint8Array, count: number, comparisons = COMPARISONS): number[][] {
  const width = comparisons.length;
  return comparisons.map((comparison, c) => {
    const tally = new Float64Array(comparison.levels.length + 1);
    for (let k = 0; k < count; k++) {
      const level = levels[k * width + c] as number;
      tally[level] = (tally[level] as number) + 1;
    }
    const observed = tally.reduce((sum, t, level) => (level === 0 ? sum : sum + t), 0);
    // Laplace smoothing keeps every u above zero, so no level has an infinite weight
    return Array.from(tally, (t, level) =>
      level === 0 ? 0 : (t + 1) / (observed + comparison.levels.length),
    );
  });
}

/** Distinct comparison patterns and how many pairs show each. */
type Patterns = { levels: Uint8Array; counts: Float64Array; size: number };

/** The distinct patterns of levels among pairs, and which pattern each pair shows. */
export type PatternIndex = { levels: Uint8Array; size: number; patternOf: Int32Array; width: number };

export function indexPatterns(levels: Uint8Array, count: number, width: number): PatternIndex {
  const index = new KeyIds(1 << 16);
  const first: number[] = [];
  const patternOf = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    let key = 0;
    const base = k * width;
    for (let c = 0; c < width; c++) key = key * 16 + (levels[base + c] as number);
    const at = index.id(key);
    if (at === first.length) first.push(k);
    patternOf[k] = at;
  }
  const out = new Uint8Array(first.length * width);
  first.forEach((k, p) => {
    out.set(levels.subarray(k * width, k * width + width), p * width);
  });
  return { levels: out, size: first.length, patternOf, width };
}

function collectPatterns(index: PatternIndex, include: (pair: number) => boolean): Patterns {
  const counts = new Float64Array(index.size);
  const patternOf = index.patternOf;
  for (let k = 0; k < patternOf.length; k++) {
    if (include(k)) {
      const p = patternOf[k] as number;
      counts[p] = (counts[p] as number) + 1;
    }
  }
  // only the patterns seen: EM goes over them a hundred times, and one rule sees few of all
  let size = 0;
  for (let p = 0; p < index.size; p++) if ((counts[p] as number) > 0) size++;
  if (size === index.size) return { levels: index.levels, counts, size };
  const width = index.width;
  const levels = new Uint8Array(size * width);
  const seen = new Float64Array(size);
  let at = 0;
  for (let p = 0; p < index.size; p++) {
    if ((counts[p] as number) === 0) continue;
    levels.set(index.levels.subarray(p * width, p * width + width), at * width);
    seen[at++] = counts[p] as number;
  }
  return { levels, counts: seen, size };
}

function initialM(comparison: Comparison): number[] {
  const n = comparison.levels.length;
  // agreement likely for the same person, the worst level unlikely
  const m = [0, 0.8];
  for (let level = 2; level <= n; level++) m.push(level === n ? 0.02 : 0.18 / Math.max(1, n - 2));
  const total = m.reduce((s, x) => s + x, 0);
  return m.map((x) => x / total);
}

type EmResult = { m: number[][]; expected: number[][]; lambda: number; iterations: number };

/** EM over patterns with u fixed; comparisons in `excluded` take no part. */
function expectationMaximisation(
  patterns: Patterns,
  u: number[][],
  excluded: ReadonlySet<number>,
  comparisons: readonly Comparison[],
  maxIterations = 100,
): EmResult {
  const width = comparisons.length;
  let m = comparisons.map(initialM);
  let lambda = 0.1;
  let expected: number[][] = [];
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    expected = comparisons.map((c) => new Array<number>(c.levels.length + 1).fill(0));
    let matches = 0;
    let total = 0;
    // log(m/u) per comparison and level, once per iteration rather than per pattern
    const logRatios = new Float64Array(width * 16);
    for (let c = 0; c < width; c++) {
      if (excluded.has(c)) continue;
      const mc = m[c] as number[];
      const uc = u[c] as number[];
      for (let level = 1; level < mc.length; level++) {
        logRatios[c * 16 + level] = Math.log((mc[level] as number) / (uc[level] as number));
      }
    }
    for (let p = 0; p < patterns.size; p++) {
      let logRatio = Math.log(lambda / (1 - lambda));
      const base = p * width;
      for (let c = 0; c < width; c++) {
        logRatio += logRatios[c * 16 + (patterns.levels[base + c] as number)] as number;
      }
      const probability = 1 / (1 + Math.exp(-logRatio));
      const weight = (patterns.counts[p] as number) * probability;
      matches += weight;
      total += patterns.counts[p] as number;
      for (let c = 0; c < width; c++) {
        const level = patterns.levels[base + c] as number;
        if (level === 0) continue;
        const row = expected[c] as number[];
        row[level] = (row[level] as number) + weight;
      }
    }
    const next = expected.map((tally) => {
      const levelsCount = tally.length - 1;
      const sum = tally.reduce((s, t) => s + t, 0);
      // a small pseudo-count keeps every m above zero
      return tally.map((t, level) => (level === 0 ? 0 : (t + 0.1) / (sum + 0.1 * levelsCount)));
    });
    const nextLambda = Math.min(0.999, Math.max(1e-6, matches / Math.max(1, total)));
    let change = Math.abs(nextLambda - lambda);
    next.forEach((row, c) => {
      row.forEach((value, level) => {
        change = Math.max(change, Math.abs(value - (m[c]?.[level] as number)));
      });
    });
    m = next;
    lambda = nextLambda;
    if (change < 1e-5) break;
  }
  return { m, expected, lambda, iterations: iteration + 1 };
}

/**
 * m per comparison and level by EM on each blocking rule's pairs, averaged over the rules
 * weighted by how many matches each saw with the comparison present.
 */
export function estimateM(
  patternIndex: PatternIndex,
  pairRules: Uint16Array,
  rules: readonly BlockingRule[],
  u: number[][],
  comparisons: readonly Comparison[] = COMPARISONS,
): { m: number[][]; sessions: TrainingSession[] } {
  const sums = comparisons.map((c) => new Array<number>(c.levels.length + 1).fill(0));
  const weights = comparisons.map(() => 0);
  const sessions: TrainingSession[] = [];
  rules.forEach((rule, r) => {
    if (!rule.train) return;
    const bit = 1 << r;
    const patterns = collectPatterns(patternIndex, (k) => ((pairRules[k] as number) & bit) !== 0);
    const pairs = patterns.counts.reduce((s, x) => s + x, 0);
    if (pairs === 0) return;
    const excluded = new Set<number>();
    comparisons.forEach((c, index) => {
      if (rule.comparisons.includes(c.name)) excluded.add(index);
    });
    const result = expectationMaximisation(patterns, u, excluded, comparisons);
    sessions.push({ rule: rule.name, pairs, matchShare: result.lambda, iterations: result.iterations });
    comparisons.forEach((_, c) => {
      if (excluded.has(c)) return;
      const seen = (result.expected[c] as number[]).reduce((s, t) => s + t, 0);
      if (seen < 1) return;
      weights[c] = (weights[c] as number) + seen;
      (result.m[c] as number[]).forEach((value, level) => {
        const row = sums[c] as number[];
        row[level] = (row[level] as number) + value * seen;
      });
    });
  });
  const m = comparisons.map((comparison, c) => {
    const weight = weights[c] as number;
    return weight > 0 ? (sums[c] as number[]).map((s) => s / weight) : initialM(comparison);
  });
  return { m, sessions };
}

/**
 * The chance that two records drawn at random are the same person. Pairs no rule brought
 * together are taken as non-matches; among candidate pairs the expected number of matches
 * and the prior are solved together (a fixed point).
 */
export function estimatePrior(
  patternIndex: PatternIndex,
  totalPairs: number,
  m: number[][],
  u: number[][],
  comparisons: readonly Comparison[] = COMPARISONS,
): number {
  const width = comparisons.length;
  const patterns = collectPatterns(patternIndex, () => true);
  const count = patternIndex.patternOf.length;
  const weights = new Float64Array(patterns.size);
  for (let p = 0; p < patterns.size; p++) {
    let w = 0;
    for (let c = 0; c < width; c++) {
      const level = patterns.levels[p * width + c] as number;
      if (level !== 0) w += Math.log((m[c]?.[level] as number) / (u[c]?.[level] as number));
    }
    weights[p] = w;
  }
  let lambda = Math.min(0.5, Math.max(1e-12, count / Math.max(1, totalPairs) / 10));
  for (let iteration = 0; iteration < 200; iteration++) {
    const logPrior = Math.log(lambda / (1 - lambda));
    let matches = 0;
    for (let p = 0; p < patterns.size; p++) {
      matches += (patterns.counts[p] as number) / (1 + Math.exp(-(logPrior + (weights[p] as number))));
    }
    const next = Math.min(0.5, Math.max(1e-12, matches / Math.max(1, totalPairs)));
    if (Math.abs(next - lambda) <= lambda * 1e-6) return next;
    lambda = next;
  }
  return lambda;
}
