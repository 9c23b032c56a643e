// Fellegi–Sunter scoring. Each comparison level adds log2(m/u) bits of evidence (the match
// weight); an exact match on a name adds more when the name is rare, because u for that name
// is its own frequency rather than the average chance of two names agreeing. The prior
// (log2 odds that two random records match) plus the weights is the pair's total, and the
// explanation lists every step so that a reviewer sees why a pair scored as it did.
import type { RecordColumns, TextField } from './columns.ts';
import { COMPARISONS, type Comparison } from './compare.ts';
import type { ComparisonParameters } from './estimate.ts';

export type LinkageModel = {
  comparisons: ComparisonParameters[];
  /** the chance that two records drawn at random are the same person */
  priorMatchProbability: number;
};

export type WaterfallStep = {
  comparison: string;
  /** the level of agreement the pair reached, or 'missing' */
  level: string;
  valueA: string;
  valueB: string;
  /** log2(m/u) of the level: positive for evidence of a match, negative against */
  weight: number;
  /** extra weight for agreeing on a rare value (negative for a common one) */
  termFrequencyAdjustment: number;
};

export type Explanation = {
  /** log2 odds that two random records match: where every pair starts */
  prior: number;
  steps: WaterfallStep[];
  /** prior plus every step's weight and adjustment */
  total: number;
  probability: number;
};

const log2 = Math.log2;

/**
 * Whether a model learnt earlier (and stored) has the comparisons and levels this engine scores
 * with: one stored by an older version would weigh the wrong levels.
 */
export function modelFits(model: LinkageModel): boolean {
  return (
    model.comparisons.length === COMPARISONS.length &&
    COMPARISONS.every((comparison, c) => {
      const stored = model.comparisons[c];
      return (
        stored?.name === comparison.name &&
        stored.levels.length === comparison.levels.length &&
        stored.levels.every((level, i) => level === comparison.levels[i])
      );
    })
  );
}

export const probabilityOf = (weight: number): number => 1 / (1 + 2 ** -weight);

/** Bits of evidence per (comparison, level), laid out as `comparison * 16 + level`. */
export function weightTable(model: LinkageModel): Float64Array {
  const table = new Float64Array(model.comparisons.length * 16);
  model.comparisons.forEach((parameters, c) => {
    for (let level = 1; level < parameters.m.length; level++) {
      table[c * 16 + level] = log2((parameters.m[level] as number) / (parameters.u[level] as number));
    }
  });
  return table;
}

/**
 * How many records hold each value of the fields with term frequencies, when the records at hand
 * are not the whole population (a run over what changed holds only the records around them):
 * counts per value id of the columns, and the number of records in the whole.
 */
export type Frequencies = { population: number; counts: Partial<Record<TextField, Int32Array>> };

/** For each comparison with term frequencies: log2(u of an exact match) and the values' counts. */
function termFrequencyTables(model: LinkageModel, columns: RecordColumns, frequencies?: Frequencies) {
  return COMPARISONS.map((comparison, c) => {
    const field = comparison.termFrequency;
    if (!field) return undefined;
    const column = columns.text[field];
    let levels = 0;
    for (const level of comparison.termFrequencyLevels ?? [1]) levels |= 1 << level;
    return {
      logUExact: log2(model.comparisons[c]?.u[1] as number),
      column: { ids: column.ids, counts: frequencies?.counts[field] ?? column.counts },
      logCount: log2(frequencies?.population ?? columns.count),
      /** bit l set when level l is adjusted */
      levels,
    };
  });
}

/** how many records hold the commoner of the two records' values */
function pairCount(column: { ids: Int32Array; counts: Int32Array }, a: number, b: number): number {
  return Math.max(
    column.counts[column.ids[a] as number] as number,
    column.counts[column.ids[b] as number] as number,
  );
}

export function termFrequencyAdjustment(logUExact: number, valueCount: number, logRecords: number): number {
  // u for this value is its share of the records: rarer than average counts for more
  return logUExact - (log2(Math.max(1, valueCount)) - logRecords);
}

/**
 * Total match weight (prior included) of pair k from its levels: pair k's at row k of
 * `levels`, or at row `rowOf[k]` (a pattern of levels many pairs share). Rounded as a 32-bit
 * float. One pair at a time, so that no score a pair is held.
 */
export function pairScorer(
  model: LinkageModel,
  columns: RecordColumns,
  pairsA: Int32Array,
  pairsB: Int32Array,
  levels: Uint8Array,
  frequencies?: Frequencies,
  rowOf?: Int32Array,
): (k: number) => number {
  const width = COMPARISONS.length;
  const table = weightTable(model);
  const prior = log2(model.priorMatchProbability / (1 - model.priorMatchProbability));
  const tf = termFrequencyTables(model, columns, frequencies);
  return (k) => {
    let total = prior;
    const base = (rowOf ? (rowOf[k] as number) : k) * width;
    for (let c = 0; c < width; c++) {
      const level = levels[base + c] as number;
      total += table[c * 16 + level] as number;
      const frequencies = tf[c];
      if (frequencies && (frequencies.levels & (1 << level)) !== 0) {
        total += termFrequencyAdjustment(
          frequencies.logUExact,
          pairCount(frequencies.column, pairsA[k] as number, pairsB[k] as number),
          frequencies.logCount,
        );
      }
    }
    return Math.fround(total);
  };
}

function shownValue(columns: RecordColumns, comparison: Comparison, i: number): string {
  return comparison.fields
    .map((field) => {
      if (field === 'dateOfBirth') {
        const d = String(columns.dateOfBirth[i]);
        return d === '0' ? '' : `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
      }
      if (field === 'sex') return ['', 'f', 'm'][columns.sex[i] as number] ?? '';
      const column = columns.text[field as TextField];
      const id = column.ids[i] as number;
      return id < 0 ? '' : (column.values[id] as string);
    })
    .filter(Boolean)
    .join(', ');
}

/** The waterfall of one pair of records (by their index in the columns). */
export function explainPair(model: LinkageModel, columns: RecordColumns, a: number, b: number): Explanation {
  return pairExplainer(model, columns)(a, b);
}

/** Explains pairs of these records under this model; the tables are built once. */
export function pairExplainer(
  model: LinkageModel,
  columns: RecordColumns,
  frequencies?: Frequencies,
): (a: number, b: number) => Explanation {
  const table = weightTable(model);
  const prior = log2(model.priorMatchProbability / (1 - model.priorMatchProbability));
  const tf = termFrequencyTables(model, columns, frequencies);
  return (a, b) => explainWith(table, prior, tf, columns, a, b);
}

function explainWith(
  table: Float64Array,
  prior: number,
  tf: ReturnType<typeof termFrequencyTables>,
  columns: RecordColumns,
  a: number,
  b: number,
): Explanation {
  let total = prior;
  const steps = COMPARISONS.map((comparison, c): WaterfallStep => {
    const level = comparison.compare(columns, a, b);
    const weight = table[c * 16 + level] as number;
    let adjustment = 0;
    const frequencies = tf[c];
    if (frequencies && (frequencies.levels & (1 << level)) !== 0) {
      adjustment = termFrequencyAdjustment(
        frequencies.logUExact,
        pairCount(frequencies.column, a, b),
        frequencies.logCount,
      );
    }
    total += weight + adjustment;
    const valueA = shownValue(columns, comparison, a);
    const valueB = shownValue(columns, comparison, b);
    const notCounted = valueA && valueB ? 'not counted (implied by another comparison)' : 'missing';
    return {
      comparison: comparison.name,
      level: level === 0 ? notCounted : (comparison.levels[level - 1] as string),
      valueA,
      valueB,
      weight,
      termFrequencyAdjustment: adjustment,
    };
  });
  return { prior, steps, total, probability: probabilityOf(total) };
}

/** The waterfall of any two records of a run, by their ids (indexed on first use). */
export function explainerById(
  model: LinkageModel,
  columns: RecordColumns,
  ids: readonly string[],
  frequencies?: Frequencies,
) {
  const explainer = pairExplainer(model, columns, frequencies);
  const indexOf = new Map<string, number>();
  return (a: string, b: string) => {
    if (indexOf.size === 0) {
      for (let i = 0; i < ids.length; i++) indexOf.set(ids[i] as string, i);
    }
    const ia = indexOf.get(a);
    const ib = indexOf.get(b);
    if (ia === undefined || ib === undefined) throw new Error('no such record in this run');
    return explainer(ia, ib);
  };
}
