// Whether the model's probabilities mean what they say on a synthetic run: of the pairs it scored
// in a band of probability, how many are truly one person. A calibrated model has the two shares
// alike in every band; a model too sure of itself has fewer true pairs than it claims. Then what
// a prior that does not fall with the population would do: every pair's weight moved up by so
// many bits (1.58 bits is a third of the records' prior kept for three times as many), at the
// same threshold. Only for benchmarking; it reads the result and the truth, nothing more.
import type { LinkageResult } from '../src/linkage/index.ts';
import { scoresOf } from './linkage-febrl.ts';

const BANDS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999];
const SHIFTS = [0, 0.5, 1, Math.log2(3), 2, Math.log2(10)];

export function calibration(
  result: LinkageResult,
  samePerson: (a: string, b: string) => boolean,
  actual: number,
  matchThreshold = 0.9,
): string[] {
  const pairs = BANDS.map(() => 0);
  const claimed = BANDS.map(() => 0);
  const truly = BANDS.map(() => 0);
  const scored = [...result.matches, ...result.review].map((pair) => ({
    weight: pair.weight,
    probability: pair.probability,
    linked: false,
    same: samePerson(pair.a, pair.b),
  }));
  result.matches.forEach((_, k) => {
    (scored[k] as (typeof scored)[number]).linked = true;
  });
  for (const pair of scored) {
    const band = BANDS.findLastIndex((from) => pair.probability >= from);
    if (band < 0) continue;
    pairs[band] = (pairs[band] as number) + 1;
    claimed[band] = (claimed[band] as number) + pair.probability;
    if (pair.same) truly[band] = (truly[band] as number) + 1;
  }
  const lines = BANDS.map((from, b) => {
    const n = pairs[b] as number;
    const to = BANDS[b + 1] ?? 1;
    return `  scored ${from} to ${to}: ${n} pairs, probability ${((claimed[b] as number) / Math.max(1, n)).toFixed(3)} on average, truly one person ${((truly[b] as number) / Math.max(1, n)).toFixed(3)}`;
  });
  // pairs linked within people stay linked whatever their weight, as in the run
  const threshold = Math.log2(matchThreshold / (1 - matchThreshold));
  for (const shift of SHIFTS) {
    let predicted = 0;
    let correct = 0;
    for (const pair of scored) {
      if (!pair.linked && pair.weight + shift < threshold) continue;
      predicted++;
      if (pair.same) correct++;
    }
    const s = scoresOf(correct, predicted, actual);
    lines.push(
      `  every weight ${shift.toFixed(2)} bits higher: precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, F1 ${s.f1.toFixed(4)}`,
    );
  }
  return lines;
}
