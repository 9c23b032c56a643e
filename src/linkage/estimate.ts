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

/** The pattern index of pairs whose levels are all at hand, in order. */
export function indexPatterns(levels: Uint8Array, count: number, width: number): PatternIndex {
  const builder = new PatternIndexBuilder(count, width);
  builder.add(levels, 0, count);
  return builder.finish();
}

/**
 * The pattern index built as comparisons stream in, run by run and in any order of runs, for
 * more pairs than their levels would fit in memory: only a pattern id a pair is kept. The ids
 * come out as `indexPatterns` numbers them (in order of the first pair showing each).
 */
export class PatternIndexBuilder {
  private readonly index = new KeyIds(1 << 16);
  private readonly seen: number[] = [];
  private readonly firstPair: number[] = [];
  private readonly patternOf: Int32Array;
  private readonly width: number;

  constructor(count: number, width: number) {
    this.patternOf = new Int32Array(count);
    this.width = width;
  }

  /** pairs [from, to), pair k's levels at `levels[(k - from) * width + c]` */
  add(levels: Uint8Array, from: number, to: number): void {
    const width = this.width;
    for (let k = from; k < to; k++) {
      let key = 0;
      const base = (k - from) * width;
      for (let c = 0; c < width; c++) key = key * 16 + (levels[base + c] as number);
      const at = this.index.id(key);
      if (at === this.firstPair.length) {
        this.seen.push(...levels.subarray(base, base + width));
        this.firstPair.push(k);
      } else if (k < (this.firstPair[at] as number)) this.firstPair[at] = k;
      this.patternOf[k] = at;
    }
  }

  finish(): PatternIndex {
    const width = this.width;
    const size = this.firstPair.length;
    const byFirst = Array.from({ length: size }, (_, p) => p).sort(
      (x, y) => (this.firstPair[x] as number) - (this.firstPair[y] as number),
    );
    const renumber = new Int32Array(size);
    const levels = new Uint8Array(size * width);
    byFirst.forEach((p, id) => {
      renumber[p] = id;
      levels.set(this.seen.slice(p * width, p * width + width), id * width);
    });
    const patternOf = this.patternOf;
    for (let k = 0; k < patternOf.length; k++) patternOf[k] = renumber[patternOf[k] as number] as number;
    return { levels, size, patternOf, width };
  }
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

/** A 53-bit hash of a string (cyrb53): unlike a 32-bit one, ten million values hardly collide. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Exact agreements, counted over every pair instead of sampled: the share of pairs of records
 * (across the two sets when linking) that hold the same value, or -1 when no pair holds one.
 * Two random records share an NHS number or a home about once in millions of pairs, so half a
 * million random pairs see it once or never and Laplace's floor sets u instead: at a million
 * records it put an NHS number at 16 bits of evidence where the records show 21, and at ten
 * million it would weigh a shared home five times too lightly.
 */
function agreementShare(columns: RecordColumns, keyOf: (i: number) => number, crossSetOnly: boolean): number {
  const { agreeing, pairs } = agreeingPairs(columns, keyOf, crossSetOnly);
  return pairs === 0 ? -1 : agreeing / pairs;
}

/** How many pairs of records (across the two sets when linking) hold the same key, of how many holding one. */
function agreeingPairs(
  columns: RecordColumns,
  keyOf: (i: number) => number,
  crossSetOnly: boolean,
): { agreeing: number; pairs: number } {
  const index = new KeyIds(1024);
  const counts: number[][] = [[], []];
  const present = [0, 0];
  for (let i = 0; i < columns.count; i++) {
    const key = keyOf(i);
    if (key < 0) continue;
    const set = crossSetOnly ? (columns.set[i] as number) : 0;
    const id = index.id(key);
    const tally = counts[set] as number[];
    tally[id] = (tally[id] ?? 0) + 1;
    present[set] = (present[set] as number) + 1;
  }
  let agreeing = 0;
  const [first, second] = counts as [number[], number[]];
  if (crossSetOnly) {
    first.forEach((n, id) => {
      agreeing += n * (second[id] ?? 0);
    });
    return { agreeing, pairs: (present[0] as number) * (present[1] as number) };
  }
  for (const n of first) if (n) agreeing += n * (n - 1);
  const n = present[0] as number;
  return { agreeing, pairs: n < 2 ? 0 : n * (n - 1) };
}

/** For each comparison whose level 1 is plain equality of a key: the key of record i, -1 for none. */
/** A text column's key of record i, the same for the same value (its ids may not be), -1 for none. */
const hashed = (column: RecordColumns['text'][keyof RecordColumns['text']]) => (i: number) => {
  const id = column.ids[i] as number;
  return id < 0 ? -1 : hash53(column.values[id] as string);
};

function exactKeys(columns: RecordColumns): Map<string, (i: number) => number> {
  const text = columns.text;
  const postcodes = Math.max(1, text.postcode.values.length);
  return new Map<string, (i: number) => number>([
    ['date of birth', (i) => (columns.dateOfBirth[i] === 0 ? -1 : (columns.dateOfBirth[i] as number))],
    [
      'address and postcode',
      (i) => {
        const address = text.addressLine.ids[i] as number;
        const postcode = text.postcode.ids[i] as number;
        return address < 0 || postcode < 0 ? -1 : address * postcodes + postcode;
      },
    ],
    ['NHS number', hashed(text.nhsNumber)],
    ['National Insurance number', hashed(text.nationalInsuranceNumber)],
    ['phone', hashed(text.phone)],
  ]);
}

/**
 * u of an email address: of an agreeing one when the names do not both agree, counted over all
 * pairs; of an agreeing one when they do, as the share of pairs with both names the same that
 * share the address too (the names' own agreement is weighed by their comparisons already).
 * Most pairs with the same names and address are one person, so that share is taken among
 * pairs born in different years, which are not.
 */
function emailAgreement(u: number[], columns: RecordColumns, crossSetOnly: boolean): number[] {
  const text = columns.text;
  const n = columns.count;
  // Each part as a small number per record (-1 for none), made once: an email's id among the
  // addresses (its ids are not one per value), the names' pair, and the two together.
  const dense = (keyOf: (i: number) => number) => {
    const index = new KeyIds(1024);
    const ids = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const key = keyOf(i);
      ids[i] = key < 0 ? -1 : index.id(key);
    }
    return ids;
  };
  const emails = dense(hashed(text.email));
  const lastNames = Math.max(1, text.lastName.values.length);
  const names = dense((i) => {
    const first = text.firstName.ids[i] as number;
    const last = text.lastName.ids[i] as number;
    return first < 0 || last < 0 ? -1 : first * lastNames + last;
  });
  const emailAndNames = dense((i) => {
    const e = emails[i] as number;
    const m = names[i] as number;
    return e < 0 || m < 0 ? -1 : e * n + m;
  });
  const yearOf = (i: number) => Math.floor((columns.dateOfBirth[i] as number) / 10000);
  // the key of record i from these parts (among records with an address, names and a date of
  // birth; -1 for others), a year of 0 standing for "born some year"
  const keyOf = (withEmail: boolean, byYear: boolean) => (i: number) => {
    const key = emailAndNames[i] as number;
    if (key < 0 || columns.dateOfBirth[i] === 0) return -1;
    return (withEmail ? key : (names[i] as number)) * 4096 + (byYear ? yearOf(i) : 0);
  };
  const count = (withEmail: boolean, byYear: boolean) =>
    agreeingPairs(columns, keyOf(withEmail, byYear), crossSetOnly).agreeing;
  const sameNamesOtherYear = count(false, false) - count(false, true);
  const sameEmailOtherYear = count(true, false) - count(true, true);
  const email = agreementShare(columns, (i) => emails[i] as number, crossSetOnly);
  const withNames = agreementShare(columns, (i) => emailAndNames[i] as number, crossSetOnly);
  if (email <= 0) return u;
  const exact = Math.max(email - Math.max(0, withNames), email * 1e-3);
  // too few namesakes to count on: the sample's share stands
  const givenNames =
    sameNamesOtherYear > 0 ? Math.max(sameEmailOtherYear, 1) / sameNamesOtherYear : (u[2] as number);
  return [0, exact, Math.min(1, givenNames), 1 - email];
}

/**
 * u with the exact agreement of identifiers, dates of birth and homes counted over all pairs
 * rather than sampled; the other levels keep their sampled shares of what is left.
 */
export function withExactAgreement(
  u: number[][],
  columns: RecordColumns,
  crossSetOnly: boolean,
  comparisons: readonly Comparison[] = COMPARISONS,
): number[][] {
  const keys = exactKeys(columns);
  return u.map((row, c) => {
    if (comparisons[c]?.name === 'email' && row.length === 4)
      return emailAgreement(row, columns, crossSetOnly);
    const keyOf = keys.get(comparisons[c]?.name ?? '');
    if (!keyOf) return row;
    const share = agreementShare(columns, keyOf, crossSetOnly);
    const sampled = row[1] as number;
    if (share <= 0 || sampled >= 1) return row;
    const rest = (1 - share) / (1 - sampled);
    return row.map((value, level) => (level === 0 ? 0 : level === 1 ? share : value * rest));
  });
}
