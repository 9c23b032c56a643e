import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildColumns } from './columns.ts';
import { linkRecords } from './index.ts';
import type { LinkageRecord } from './normalise.ts';
import { RecordsNormaliser } from './normalised-records.ts';
import { syntheticPeople, syntheticRecords } from './synthetic.ts';

/** The synthetic records of a size, normalised as they are made and put in their shuffled order. */
function streamed(records: number, seed: number) {
  const normaliser = new RecordsNormaliser(16);
  const { order, person } = syntheticRecords({ records, seed }, (record) => normaliser.add(record));
  return { normalised: normaliser.finish(order), person };
}

describe('records normalised as they are streamed in', () => {
  it('gives the very columns, ids and issues that normalising the array of records gives', () => {
    const { records } = syntheticPeople({ records: 3000, seed: 7 });
    const issues: NonNullable<Parameters<typeof buildColumns>[1]> = [];
    const whole = buildColumns([records], issues);
    const { normalised } = streamed(3000, 7);
    expect(normalised.ids).toEqual(records.map((r) => r.id));
    expect(normalised.issues.length).toBeGreaterThan(0);
    expect(normalised.issues).toEqual(issues);
    expect(normalised.columns).toEqual(whole);
  });

  it('links to the same people as the records themselves', async () => {
    const { records } = syntheticPeople({ records: 3000, seed: 11 });
    const { normalised } = streamed(3000, 11);
    const options = { threads: 0, randomPairs: 20_000 };
    const fromRecords = await linkRecords({ records }, options);
    const fromStream = await linkRecords({ normalised }, options);
    expect(fromStream.matches.length).toBeGreaterThan(100);
    expect(fromStream.matches).toEqual(fromRecords.matches);
    expect(fromStream.clusters).toEqual(fromRecords.clusters);
    expect(fromStream.review.length).toBe(fromRecords.review.length);
  });

  it('refuses ids that repeat', async () => {
    const normaliser = new RecordsNormaliser();
    const record = (id: string): LinkageRecord => ({ id, source: 'org-a', firstName: 'Ann' });
    for (const id of ['r1', 'r2', 'r1']) normaliser.add(record(id));
    await expect(linkRecords({ normalised: normaliser.finish() })).rejects.toThrow('unique');
  });
});

describe('the synthetic generator', () => {
  it('makes the same records from the same seed as it always has', () => {
    // the hash of the records the generator made before people were held compactly: a change
    // here changes the data every figure of the linkage bench was measured on
    const data = syntheticPeople({ records: 2000, seed: 2024 });
    const hash = createHash('sha256');
    for (const record of data.records) hash.update(`${JSON.stringify(record)}\n`);
    hash.update(Buffer.from(data.person.buffer));
    expect(hash.digest('hex')).toBe('20f9568dc637d1ccadb148d43a319c442527407194a0bfc86837f084e01c01e1');
  });

  it('hands over the true person of each record in the shuffled order', () => {
    const data = syntheticPeople({ records: 1500, seed: 3 });
    const { normalised, person } = streamed(1500, 3);
    expect(person).toEqual(data.person);
    expect(normalised.ids).toEqual(data.records.map((r) => r.id));
  });
});
