// The record-linkage engine: finds the records, within one organisation's set or across two,
// that are the same person, by Fellegi–Sunter probabilistic linkage learnt without labels
// (u from random pairs, m by EM), as Splink and fastLink do. Pure: data in, data out.
import {
  BLOCKING_RULES,
  type BlockingRule,
  candidatePairs,
  type RuleReport,
  storedKeys,
} from './blocking.ts';
import { clustersOf, defaultPersonIds, type People, peopleOf, personIdMap } from './cluster.ts';
import { buildColumns, type RecordColumns } from './columns.ts';
import { COMPARISONS } from './compare.ts';
import {
  estimateM,
  estimatePrior,
  estimateU,
  type PatternIndex,
  PatternIndexBuilder,
  randomPairs,
  type TrainingSession,
  withExactAgreement,
} from './estimate.ts';
import type { LinkageRecord, NormalisationIssue } from './normalise.ts';
import { idsAreUnique, type NormalisedRecords } from './normalised-records.ts';
import {
  type Explanation,
  explainerById,
  type Frequencies,
  type LinkageModel,
  modelFits,
  pairExplainer,
  pairScorer,
  probabilityOf,
} from './score.ts';
import { comparePool } from './workers.ts';

export {
  BLOCKING_RULES,
  type BlockingRule,
  type RuleReport,
  STORED_KEYS_VERSION,
  storedKeys,
} from './blocking.ts';
export * from './cluster.ts';
export { COMPARISONS, type Comparison } from './compare.ts';
export type { ComparisonParameters, TrainingSession } from './estimate.ts';
export {
  isValidNhsNumber,
  type LinkageRecord,
  type NormalisationIssue,
  type NormalisedRecord,
  normaliseRecord,
} from './normalise.ts';
export { type NormalisedRecords, RecordsNormaliser } from './normalised-records.ts';
export type { Explanation, LinkageModel, WaterfallStep } from './score.ts';
export { jaroWinkler, levenshtein, soundex } from './strings.ts';
/** Each record's blocking keys as kept between runs (`storedKeys`), `BLOCKING_RULES.length` a record. */
export function storedKeysOf(records: readonly LinkageRecord[]): Int32Array {
  return storedKeys(buildColumns([records]));
}
export {
  type SyntheticData,
  type SyntheticOptions,
  type SyntheticOrder,
  syntheticPeople,
  syntheticRecords,
} from './synthetic.ts';
export { modelFits };

export type LinkageStage =
  | 'normalise'
  | 'block'
  | 'compare random pairs'
  | 'compare candidate pairs'
  | 'estimate'
  | 'score'
  | 'cluster';

export type LinkageInput =
  /** find the duplicates within one set of records */
  | { records: readonly LinkageRecord[] }
  /** the same, the records already normalised as they were streamed in (`RecordsNormaliser`) */
  | { normalised: NormalisedRecords }
  /** link one organisation's records to another's: only pairs across the two are compared */
  | { left: readonly LinkageRecord[]; right: readonly LinkageRecord[] };

export type LinkageOptions = {
  /** a pair at or above this match probability is linked automatically (default 0.9) */
  matchThreshold?: number;
  /** a pair at or above this, but below `matchThreshold`, goes for clerical review (default 0.5) */
  reviewThreshold?: number;
  /** worker threads comparing pairs (default 2; 0 compares on the calling thread) */
  threads?: number;
  /**
   * random pairs compared to estimate u (default five for each record, at least 500,000 and at
   * most 5,000,000, or every pair when there are fewer): the rarest levels of agreement are seen
   * by chance once in millions of pairs, and a sample too small puts their u at its floor
   */
  randomPairs?: number;
  /** seed of the random pair sample: the same input and seed give the same result */
  seed?: number;
  maxBlockSize?: number;
  rules?: readonly BlockingRule[];
  /** the record id -> person id assignment of the previous run, so that people keep their ids */
  previousPersonIds?: ReadonlyMap<string, string>;
  /** a fresh person id (default: 'person-1', 'person-2', ... skipping ids already used) */
  newPersonId?: () => string;
  onProgress?: (stage: LinkageStage, done: number, total: number) => void;
  /**
   * whether a pair in the review band whose records the automatic links already put in one
   * person is linked too, rather than queued (default true): the person is the same either way
   */
  linkWithinPeople?: boolean;
  /**
   * Linking only what changed: the model the last run learnt (nothing is learnt again), the
   * records new or changed since (only pairs with at least one of them are compared), and the
   * last run's automatic matches (those not touching a changed record stand, and make people
   * with the new ones). The people are nearly those a full run with this model gives: pairs of unchanged records keep
   * the scores of the last run, whose name frequencies were a little different.
   */
  since?: {
    model: LinkageModel;
    changed: ReadonlySet<string>;
    matches: readonly ScoredPair[];
    /**
     * when the records given are only those around the changed ones, how often each name is
     * held in the whole (as `valueCounts` of the last full run gave it), for term frequencies
     */
    frequencies?: ValueCounts;
  };
};

/** How many records hold each first and last name (normalised), and how many records there are. */
export type ValueCounts = {
  population: number;
  counts: Record<FrequencyField, ReadonlyMap<string, number>>;
};

const FREQUENCY_FIELDS = [
  ...new Set(COMPARISONS.flatMap((c) => (c.termFrequency ? [c.termFrequency] : []))),
] as FrequencyField[];
export type FrequencyField = 'firstName' | 'lastName';

export type ScoredPair = {
  a: string;
  b: string;
  /** total match weight in bits, prior included */
  weight: number;
  probability: number;
};

export type ReviewPair = ScoredPair & { explanation: Explanation };

export type LinkageResult = {
  mode: 'deduplicate' | 'link';
  records: number;
  model: LinkageModel;
  training: TrainingSession[];
  /** pairs each blocking rule made, reported before any comparison */
  blocking: RuleReport[];
  candidatePairs: number;
  /** pairs linked automatically */
  matches: ScoredPair[];
  /** pairs for clerical review, most likely first */
  review: ReviewPair[];
  /** the records' ids, in the engine's order (that of the input): record i of `people` is `recordIds[i]` */
  recordIds: readonly string[];
  /**
   * people: records linked by automatic matches (records matched to nothing stand alone), as a
   * person index a record, numbered in order of their smallest record
   */
  people: People;
  /** the people as lists of record ids, made when first asked for: one array a person, for small runs */
  readonly clusters: string[][];
  /**
   * record id -> person id, stable across runs through `previousPersonIds`, made when first asked
   * for: a `Map` holds at most 2^24 entries (`carryPersonIds` and `personIdsInOrder` for more)
   */
  readonly personIds: Map<string, string>;
  /** values that could not be used (invalid NHS numbers, impossible dates, ...) */
  issues: NormalisationIssue[];
  /** the waterfall of any two records of this run */
  explain(a: string, b: string): Explanation;
  /** each record's blocking keys as kept between runs (`storedKeys`), in the order of the input */
  storedKeys(): Int32Array;
  /** how many of these records hold each name, for a later run over what changed */
  valueCounts(): ValueCounts;
};

function normalisedOf(input: LinkageInput, report: Report): NormalisedRecords & { sets: number[] } {
  if ('normalised' in input) return { ...input.normalised, sets: [input.normalised.columns.count] };
  const sets = 'records' in input ? [input.records] : [input.left, input.right];
  const ids: string[] = [];
  for (const set of sets) for (const record of set) ids.push(record.id);
  const issues: NormalisationIssue[] = [];
  // on the calling thread: handing records to a worker costs more than normalising them
  const columns = buildColumns(sets, issues, (done, total) => report('normalise', done, total));
  report('normalise', columns.count, columns.count);
  return { columns, ids, issues, sets: sets.map((set) => set.length) };
}

/** Links records: normalise, block, learn the model, score, cluster into people. */
export async function linkRecords(input: LinkageInput, options: LinkageOptions = {}): Promise<LinkageResult> {
  const report = options.onProgress ?? (() => {});
  const mode = 'left' in input ? 'link' : 'deduplicate';
  const crossSetOnly = mode === 'link';
  const threads = options.threads ?? 2;
  const rules = options.rules ?? BLOCKING_RULES;
  const { sets, ids, columns, issues } = normalisedOf(input, report);
  if (!idsAreUnique(ids)) throw new Error('record ids must be unique');

  const since = options.since;
  if (since && !modelFits(since.model))
    throw new Error('the model was learnt with other comparisons: link everything');
  // in a function of its own, so that the candidate pairs are let go before people are made
  const scored = await scoreCandidates({ columns, ids, sets, crossSetOnly, rules, threads }, options, report);
  const { model, bands, frequencies } = scored;
  if (since) keepLastMatches(bands, since, ids);

  report('cluster', 0, 1);
  const people = peopleOf(columns.count, bands.matchA, bands.matchB);
  if (options.linkWithinPeople ?? true) linkWithinPeople(bands, people.personOf);
  report('cluster', 1, 1);
  let clusters: string[][] | undefined;
  let personIds: Map<string, string> | undefined;

  bands.review.sort((x, y) => y.weight - x.weight);
  const explain = explainerById(model, columns, ids, frequencies);
  return {
    mode,
    records: columns.count,
    model,
    training: scored.sessions,
    blocking: scored.blocking,
    candidatePairs: scored.candidatePairs,
    matches: bands.matches,
    review: bands.review,
    recordIds: ids,
    people,
    get clusters() {
      clusters ??= clustersOf(people, ids);
      return clusters;
    },
    get personIds() {
      const previous = options.previousPersonIds ?? new Map<string, string>();
      personIds ??= personIdMap(people, ids, previous, options.newPersonId ?? defaultPersonIds(previous));
      return personIds;
    },
    issues,
    explain,
    storedKeys: () => storedKeys(columns, rules),
    valueCounts: () => valueCountsOf(columns),
  };
}

type Run = {
  columns: RecordColumns;
  ids: readonly string[];
  sets: number[];
  crossSetOnly: boolean;
  rules: readonly BlockingRule[];
  threads: number;
};

/** Blocks, compares, learns the model (unless given one) and sorts the pairs into matches and review. */
async function scoreCandidates(run: Run, options: LinkageOptions, report: Report) {
  const { columns, ids, sets, crossSetOnly, rules, threads } = run;
  const since = options.since;
  const pairs = candidatePairs(columns, {
    rules,
    maxBlockSize: options.maxBlockSize,
    crossSetOnly,
    onProgress: (done, total) => report('block', done, total),
    focus: since ? focusOf(ids, since.changed) : undefined,
    recordIds: ids,
  });

  const { patterns, u } = await compareAll(columns, pairs, threads, crossSetOnly, options, report);
  const totalPairs = crossSetOnly
    ? (sets[0] ?? 0) * (sets[1] ?? 0)
    : (columns.count * (columns.count - 1)) / 2;
  const { model, sessions } = since
    ? { model: since.model, sessions: [] }
    : learnModel(patterns, pairs, rules, u, totalPairs, report);

  const frequencies = since?.frequencies ? frequenciesOf(columns, since.frequencies) : undefined;
  const score = pairScorer(
    model,
    columns,
    pairs.a,
    pairs.b,
    patterns.levels,
    frequencies,
    patterns.patternOf,
  );
  // each pair scored as it is classified: no score a pair is kept
  report('score', 0, pairs.count);
  const bands = classify(model, columns, ids, pairs, score, options, frequencies);
  report('score', pairs.count, pairs.count);
  return { model, sessions, frequencies, bands, blocking: pairs.report, candidatePairs: pairs.count };
}

/** Names' counts by value, from these columns. */
function valueCountsOf(columns: RecordColumns): ValueCounts {
  const counts = {} as Record<FrequencyField, Map<string, number>>;
  for (const field of FREQUENCY_FIELDS) {
    const column = columns.text[field];
    counts[field] = new Map(column.values.map((value, id) => [value, column.counts[id] as number]));
  }
  return { population: columns.count, counts };
}

/** The whole's counts per value id of these columns (a value the whole had not counted: as here). */
function frequenciesOf(columns: RecordColumns, whole: ValueCounts): Frequencies {
  const counts: Frequencies['counts'] = {};
  for (const field of FREQUENCY_FIELDS) {
    const column = columns.text[field];
    const known = whole.counts[field];
    counts[field] = Int32Array.from(column.values, (value, id) =>
      Math.max(known.get(value) ?? 0, column.counts[id] as number),
    );
  }
  return { population: Math.max(whole.population, columns.count), counts };
}

type Report = NonNullable<LinkageOptions['onProgress']>;

/** 1 for each record that changed since the last run */
function focusOf(ids: readonly string[], changed: ReadonlySet<string>): Uint8Array {
  const focus = new Uint8Array(ids.length);
  ids.forEach((id, i) => {
    if (changed.has(id)) focus[i] = 1;
  });
  return focus;
}

/** The last run's matches between records that did not change (and are still here) join this run's. */
function keepLastMatches(
  bands: ReturnType<typeof classify>,
  since: NonNullable<LinkageOptions['since']>,
  ids: readonly string[],
): void {
  const indexOf = new Map<string, number>();
  ids.forEach((id, i) => {
    indexOf.set(id, i);
  });
  for (const pair of since.matches) {
    if (since.changed.has(pair.a) || since.changed.has(pair.b)) continue;
    const a = indexOf.get(pair.a);
    const b = indexOf.get(pair.b);
    if (a === undefined || b === undefined) continue;
    bands.matches.push(pair);
    bands.matchA.push(a);
    bands.matchB.push(b);
  }
}

/**
 * Compares a random sample (to learn the u probabilities from) and then every candidate pair,
 * on both cores.
 */
async function compareAll(
  columns: RecordColumns,
  pairs: { a: Int32Array; b: Int32Array; count: number },
  threads: number,
  crossSetOnly: boolean,
  options: LinkageOptions,
  report: Report,
): Promise<{ patterns: PatternIndex; u: number[][] }> {
  const pool = comparePool(columns, threads);
  // only each candidate pair's pattern of levels is kept, not its levels
  const comparePairs = async () => {
    const patterns = new PatternIndexBuilder(pairs.count, COMPARISONS.length);
    await pool.stream(
      pairs.a,
      pairs.b,
      pairs.count,
      (levels, from, to) => patterns.add(levels, from, to),
      (d, t) => report('compare candidate pairs', d, t),
    );
    return patterns.finish();
  };
  try {
    if (options.since) return { patterns: await comparePairs(), u: [] };
    const sample = randomPairs(
      columns,
      options.randomPairs ?? defaultRandomPairs(columns.count),
      options.seed ?? 1,
      crossSetOnly,
    );
    const sampleLevels = await pool.compare(sample.a, sample.b, sample.count, (d, t) =>
      report('compare random pairs', d, t),
    );
    const u = withExactAgreement(estimateU(sampleLevels, sample.count), columns, crossSetOnly);
    return { patterns: await comparePairs(), u };
  } finally {
    await pool.close();
  }
}

function defaultRandomPairs(records: number): number {
  return Math.min(5_000_000, Math.max(500_000, 5 * records));
}

/** Learns the m probabilities (by expectation maximisation, rule by rule) and the prior. */
function learnModel(
  patterns: PatternIndex,
  pairs: { count: number; rules: Parameters<typeof estimateM>[1] },
  rules: Parameters<typeof estimateM>[2],
  u: number[][],
  totalPairs: number,
  report: Report,
) {
  report('estimate', 0, 2);
  const { m, sessions } = estimateM(patterns, pairs.rules, rules, u);
  report('estimate', 1, 2);
  const prior = estimatePrior(patterns, totalPairs, m, u);
  report('estimate', 2, 2);
  const model: LinkageModel = {
    comparisons: COMPARISONS.map((c, index) => ({
      name: c.name,
      levels: c.levels,
      m: m[index] as number[],
      u: u[index] as number[],
    })),
    priorMatchProbability: prior,
  };
  return { model, sessions };
}

/** Moves review pairs whose two records are already one person to the matches. */
function linkWithinPeople(bands: ReturnType<typeof classify>, personOf: Int32Array): void {
  const review: ReviewPair[] = [];
  bands.review.forEach((pair, k) => {
    if (personOf[bands.reviewA[k] as number] === personOf[bands.reviewB[k] as number]) {
      const { explanation: _, ...scored } = pair;
      bands.matches.push(scored);
    } else review.push(pair);
  });
  bands.review = review;
}

function classify(
  model: LinkageModel,
  columns: RecordColumns,
  ids: readonly string[],
  pairs: { a: Int32Array; b: Int32Array; count: number },
  score: (k: number) => number,
  options: LinkageOptions,
  frequencies?: Frequencies,
) {
  const matchThreshold = options.matchThreshold ?? 0.9;
  const reviewThreshold = options.reviewThreshold ?? 0.5;
  const explain = pairExplainer(model, columns, frequencies);
  const matches: ScoredPair[] = [];
  const review: ReviewPair[] = [];
  const matchA: number[] = [];
  const matchB: number[] = [];
  const reviewA: number[] = [];
  const reviewB: number[] = [];
  for (let k = 0; k < pairs.count; k++) {
    const weight = score(k);
    const probability = probabilityOf(weight);
    if (probability < reviewThreshold) continue;
    const a = pairs.a[k] as number;
    const b = pairs.b[k] as number;
    const pair = { a: ids[a] as string, b: ids[b] as string, weight, probability };
    if (probability >= matchThreshold) {
      matches.push(pair);
      matchA.push(a);
      matchB.push(b);
    } else {
      review.push({ ...pair, explanation: explain(a, b) });
      reviewA.push(a);
      reviewB.push(b);
    }
  }
  return { matches, review, matchA, matchB, reviewA, reviewB };
}

/**
 * Scores one record against candidates with a model learnt by an earlier run (no learning):
 * how "do we already know this person?" is answered between runs. Without term-frequency
 * adjustments: candidates chosen for sharing a name would make every name look common.
 */
export function scoreAgainst(
  model: LinkageModel,
  query: LinkageRecord,
  candidates: readonly LinkageRecord[],
): Explanation[] {
  if (candidates.length === 0) return [];
  const columns = buildColumns([[query], candidates]);
  const explain = pairExplainer(model, columns);
  return candidates.map((_, i) => {
    const explanation = explain(0, i + 1);
    let total = explanation.total;
    for (const step of explanation.steps) total -= step.termFrequencyAdjustment;
    return {
      ...explanation,
      steps: explanation.steps.map((step) => ({ ...step, termFrequencyAdjustment: 0 })),
      total,
      probability: probabilityOf(total),
    };
  });
}
