// Reading the FEBRL benchmark sets (see /work/shared/data/febrl/README.md) into linkage
// records, and scoring a result against their ground truth.
import { readFileSync } from 'node:fs';
import type { LinkageRecord } from '../src/linkage/index.ts';

export const FEBRL_DIR = process.env.FEBRL_DIR ?? '/work/shared/data/febrl';

export type TruthRecord = LinkageRecord & { person: string };

/** 'rec-12-dup-3' and 'rec-12-org' are person '12' */
export const personOf = (recordId: string): string => recordId.split('-')[1] ?? recordId;

export function readFebrl(file: string, limit = Number.POSITIVE_INFINITY): TruthRecord[] {
  const lines = readFileSync(`${FEBRL_DIR}/${file}`, 'utf8').split('\n').slice(1);
  const records: TruthRecord[] = [];
  for (const line of lines) {
    if (line.trim() === '' || records.length >= limit) continue;
    const [id, given, surname, number, address1, address2, suburb, postcode, _state, dob, socSec] = line
      .split(',')
      .map((value) => value.trim());
    const address = [number, address1, address2].filter(Boolean).join(' ');
    records.push({
      id: id as string,
      person: personOf(id as string),
      source: (id as string).includes('-org') ? 'original' : 'duplicate',
      firstName: given || undefined,
      lastName: surname || undefined,
      addressLine: address || undefined,
      town: suburb || undefined,
      postcode: postcode ? `${postcode}` : undefined,
      dateOfBirth: dob || undefined,
      // the Australian social security number plays the part of a National Insurance number
      nationalInsuranceNumber: socSec || undefined,
    });
  }
  return records;
}

export type Scores = {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
};

export function scoresOf(truePositives: number, predicted: number, actual: number): Scores {
  const precision = predicted === 0 ? 1 : truePositives / predicted;
  const recall = actual === 0 ? 1 : truePositives / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    truePositives,
    falsePositives: predicted - truePositives,
    falseNegatives: actual - truePositives,
    precision,
    recall,
    f1,
  };
}

/** true pairs among records: pairs with the same person, across sets only when `cross` is given */
export function truePairCount(persons: readonly string[], crossSet?: readonly number[]): number {
  const groups = new Map<string, number[]>();
  persons.forEach((person, i) => {
    const group = groups.get(person);
    if (group) group.push(i);
    else groups.set(person, [i]);
  });
  let count = 0;
  for (const group of groups.values()) {
    if (!crossSet) count += (group.length * (group.length - 1)) / 2;
    else {
      const left = group.filter((i) => crossSet[i] === 0).length;
      count += left * (group.length - left);
    }
  }
  return count;
}
