// End to end on a slice of the FEBRL benchmark (the full sets are scored by bench/linkage.ts).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linkRecords } from './index.ts';
import type { LinkageRecord } from './normalise.ts';

const FILE = `${process.env.FEBRL_DIR ?? '/work/shared/data/febrl'}/dataset1.csv`;
const personOf = (id: string) => id.split('-')[1];

function readSlice(limit: number): LinkageRecord[] {
  return readFileSync(FILE, 'utf8')
    .split('\n')
    .slice(1, limit + 1)
    .filter((line) => line.trim())
    .map((line) => {
      const [id, given, surname, number, street, locality, suburb, postcode, , dob, socSec] = line
        .split(',')
        .map((v) => v.trim());
      return {
        id: id as string,
        source: 'febrl',
        firstName: given,
        lastName: surname,
        addressLine: [number, street, locality].filter(Boolean).join(' '),
        town: suburb,
        postcode,
        dateOfBirth: dob,
        nationalInsuranceNumber: socSec,
      };
    });
}

describe.skipIf(!existsSync(FILE))('FEBRL dataset 1, first 400 records', () => {
  it('finds the duplicates with F1 above 0.95 without any labels', async () => {
    const records = readSlice(400);
    const result = await linkRecords({ records }, { threads: 0 });
    const truth = new Map<string, number>();
    for (const r of records)
      truth.set(personOf(r.id) as string, (truth.get(personOf(r.id) as string) ?? 0) + 1);
    const actual = [...truth.values()].reduce((s, n) => s + (n * (n - 1)) / 2, 0);
    const correct = result.matches.filter((p) => personOf(p.a) === personOf(p.b)).length;
    const precision = correct / result.matches.length;
    const recall = correct / actual;
    expect((2 * precision * recall) / (precision + recall)).toBeGreaterThan(0.95);
  });
});
